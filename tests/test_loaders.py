"""Reading articles from JSON Lines, CSV and 10kGNAD files, and how bad input is reported."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newssearch import Article, CsvOptions, InputError, read_articles
from newssearch.loaders import detect_format
from newssearch.sample import sample_corpus_path

DATA = Path(__file__).parent / "data" / "loaders"
CEST = timezone(timedelta(hours=2))

#: What both fixture files in tests/data/loaders/ hold.
EXPECTED = (
    Article(
        id="derby-2025",
        title="Rapid gewinnt das Wiener Derby",
        lead="Rapid schlägt die Austria mit 2:1.",
        body="Im Allianz Stadion fielen alle Tore nach der Pause. "
        "Der Trainer lobte die Mannschaft.",
        published=datetime(2025, 8, 14, 21, 30, tzinfo=CEST),
        section="Sport",
        source="DER STANDARD",
        author="Anna Berger",
        url="https://example.org/sport/derby",
        tags=("Fußball", "Wien"),
    ),
    Article(
        id="inflation-7",
        title="Inflation sinkt auf 1,5 Prozent",
        body="Die Teuerung in Österreich geht zurück; Ökonomen sind „vorsichtig optimistisch“.",
        published=datetime(2025, 8, 1, tzinfo=UTC),
        section="Wirtschaft",
        source="APA",
    ),
)

MAPPED_CSV = CsvOptions(
    delimiter=";",
    columns={
        "id": "Kennung",
        "title": "Überschrift",
        "lead": "Vorspann",
        "body": "Text",
        "published": "Datum",
        "section": "Ressort",
        "source": "Quelle",
        "author": "Autor",
        "url": "Link",
        "tags": "Schlagworte",
    },
    tags_separator="|",
)

GOOD = {"id": "gut-1", "title": "Ein gutes Stück"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(*records: dict[str, Any] | str) -> str:
    """One line per record: dicts as JSON, strings as they are."""
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


def load_error(*paths: Path, **options: Any) -> InputError:
    with pytest.raises(InputError) as info:
        read_articles(paths, **options)
    return info.value


def assert_points_at(error: InputError, path: Path, line: int | None, problem: str) -> None:
    """``error`` names ``path``, ``line`` and a problem containing ``problem``."""
    assert error.source == str(path)
    assert error.line == line
    assert problem in error.problem
    where = str(path) if line is None else f"{path}:{line}"
    assert str(error) == f"{where}: {error.problem}"


# --- JSON Lines -------------------------------------------------------------------------


def test_jsonl_reads_every_field() -> None:
    report = read_articles([DATA / "articles.jsonl"])
    assert report.articles == EXPECTED
    assert report.skipped == ()
    published = report.articles[0].published
    assert published is not None
    assert published.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-08-14T21:30:00+02:00", datetime(2025, 8, 14, 21, 30, tzinfo=CEST)),
        ("2025-08-14T19:30:00Z", datetime(2025, 8, 14, 19, 30, tzinfo=UTC)),
        ("2025-08-14T21:30:00.250-05:00", datetime(2025, 8, 15, 2, 30, 0, 250000, tzinfo=UTC)),
        # Without an offset, a timestamp or a bare date is read as UTC (README, Article format).
        ("2025-08-14T21:30:00", datetime(2025, 8, 14, 21, 30, tzinfo=UTC)),
        ("2025-08-14", datetime(2025, 8, 14, tzinfo=UTC)),
    ],
)
def test_jsonl_published_becomes_a_timezone_aware_datetime(
    tmp_path: Path, value: str, expected: datetime
) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD | {"published": value}))
    (article,) = read_articles([path]).articles
    assert article.published is not None
    assert article.published.utcoffset() is not None
    assert article.published == expected


def test_a_naive_timestamp_is_read_as_utc_wall_time(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD | {"published": "2025-08-14T21:30:00"}))
    (article,) = read_articles([path]).articles
    assert article.published is not None
    assert article.published.tzinfo is not None
    assert article.published.utcoffset() == timedelta(0)
    assert (article.published.hour, article.published.minute) == (21, 30)


def test_article_itself_refuses_a_naive_datetime() -> None:
    # Only the loaders read naive values as UTC; an Article built in code must say its zone.
    with pytest.raises(InputError, match="no timezone"):
        Article(id="a", title="x", published=datetime(2025, 8, 14, 21, 30))


@pytest.mark.parametrize("value", [None, ""])
def test_jsonl_published_may_be_left_out(tmp_path: Path, value: str | None) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD | {"published": value}, {"id": "b", "body": "x"}))
    assert [a.published for a in read_articles([path]).articles] == [None, None]


def test_jsonl_null_and_missing_optional_fields_are_empty(tmp_path: Path) -> None:
    record = {"id": "a", "title": None, "lead": None, "body": "Text", "author": None, "tags": None}
    path = write(tmp_path, "a.jsonl", jsonl(record))
    (article,) = read_articles([path]).articles
    assert article == Article(id="a", body="Text")


def test_jsonl_empty_and_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    text = "\n" + jsonl(GOOD) + "   \n\r\n\t\n" + jsonl({"id": "zwei", "body": "Text"}) + "\n"
    path = write(tmp_path, "a.jsonl", text)
    assert [a.id for a in read_articles([path]).articles] == ["gut-1", "zwei"]
    # A bad record after blank lines still gets its real line number.
    path.write_text(text + "{kaputt\n", encoding="utf-8")
    assert_points_at(load_error(path), path, 8, "malformed JSON")


def test_jsonl_with_crlf_line_ends_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + jsonl(GOOD, {"id": "b", "body": "Ä"}).replace("\n", "\r\n").encode()
    )
    assert [a.id for a in read_articles([path]).articles] == ["gut-1", "b"]


def test_jsonl_a_numeric_id_is_read_as_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl({"id": 42, "title": "x"}))
    assert read_articles([path]).articles[0].id == "42"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "a", "title": "x",}', "malformed JSON"),
        ('{"id": "a", "title": "x"', "malformed JSON"),
        ('["a", "x"]', "expected a JSON object, got list"),
        ('"nur ein Text"', "expected a JSON object, got str"),
        ('{"title": "x"}', "missing id"),
        ('{"id": null, "title": "x"}', "missing id"),
        ('{"id": "   ", "title": "x"}', "missing id"),
        ('{"id": true, "title": "x"}', "id must be a string"),
        ('{"id": 1.5, "title": "x"}', "id must be a string"),
        ('{"id": ["a"], "title": "x"}', "id must be a string"),
        ('{"id": "a"}', "has no text"),
        ('{"id": "a", "title": "  ", "body": ""}', "has no text"),
        ('{"id": "a", "title": "x", "published": "gestern"}', "not an ISO 8601 date"),
        ('{"id": "a", "title": "x", "published": "2025-02-30"}', "not an ISO 8601 date"),
        ('{"id": "a", "title": "x", "published": "14.08.2025"}', "not an ISO 8601 date"),
        ('{"id": "a", "title": "x", "published": 20250814}', "must be an ISO 8601 string"),
        ('{"id": "a", "title": 5}', "field 'title' must be a string"),
        ('{"id": "a", "title": "x", "body": ["Absatz"]}', "field 'body' must be a string"),
        ('{"id": "a", "title": "x", "section": {"name": "Sport"}}', "field 'section'"),
        ('{"id": "a", "title": "x", "url": false}', "field 'url'"),
        ('{"id": "a", "title": "x", "tags": ["Wien", 3]}', "tags must be strings"),
        ('{"id": "a", "title": "x", "tags": {"Wien": 1}}', "tags must be a list"),
        ('{"id": "a", "title": "x", "tags": 7}', "tags must be a list"),
    ],
)
def test_jsonl_bad_record_names_file_line_and_problem(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = write(tmp_path, "bad.jsonl", jsonl(GOOD, "") + line + "\n")
    assert_points_at(load_error(path), path, 3, problem)


def test_duplicate_id_within_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD, {"id": "b", "body": "x"}, GOOD | {"title": "y"}))
    error = load_error(path)
    assert_points_at(error, path, 3, "duplicate id 'gut-1'")
    assert f"first seen at {path}:1" in error.problem


def test_duplicate_id_across_files_of_one_import(tmp_path: Path) -> None:
    first = write(tmp_path, "erste.jsonl", jsonl(GOOD))
    second = write(tmp_path, "zweite.jsonl", jsonl({"id": "b", "body": "x"}, GOOD))
    error = load_error(first, second)
    assert_points_at(error, second, 2, "duplicate id 'gut-1'")
    assert f"first seen at {first}:1" in error.problem


def test_the_same_ids_in_separate_imports_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD))
    assert read_articles([path]).articles == read_articles([path]).articles


def test_default_stops_at_the_first_bad_record(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.jsonl",
        jsonl(GOOD, {"id": "b", "title": "x", "published": "gestern"}, "{kaputt", GOOD),
    )
    assert_points_at(load_error(path), path, 2, "not an ISO 8601 date")


def test_skip_bad_skips_and_reports_each_bad_record(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.jsonl",
        jsonl(
            GOOD,
            {"id": "b", "title": "x", "published": "gestern"},
            "{kaputt",
            {"id": "c", "body": "Text"},
            "",
            GOOD | {"title": "noch einmal"},
            {"title": "ohne id"},
            {"id": "d", "lead": "Vorspann"},
        ),
    )
    report = read_articles([path], skip_bad=True)
    assert [a.id for a in report.articles] == ["gut-1", "c", "d"]
    # The first of two records with one id is kept.
    assert report.articles[0].title == GOOD["title"]
    assert [(e.source, e.line) for e in report.skipped] == [
        (str(path), 2),
        (str(path), 3),
        (str(path), 6),
        (str(path), 7),
    ]
    problems = [e.problem for e in report.skipped]
    assert "not an ISO 8601 date" in problems[0]
    assert "malformed JSON" in problems[1]
    assert "duplicate id 'gut-1'" in problems[2]
    assert problems[3] == "missing id"
    assert all(isinstance(e, InputError) for e in report.skipped)


def test_skip_bad_with_nothing_bad_skips_nothing() -> None:
    report = read_articles([DATA / "articles.jsonl"], skip_bad=True)
    assert report.articles == EXPECTED
    assert report.skipped == ()


# --- CSV --------------------------------------------------------------------------------


def test_csv_with_a_header_row_reads_every_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        "title,id,published,tags,body,lead,section,source,author,url,extra\n"
        'Rapid gewinnt,derby,2025-08-14T21:30:00+02:00,"Fußball, Wien ,",'
        '"Erster Absatz, mit Komma.\nZweiter Absatz mit ""Zitat"".",Kurz,Sport,APA,'
        "Anna Berger,https://example.org/a,egal\n"
        "Ohne Datum,zwei,,,,,,,,,\n",
    )
    report = read_articles([path])
    assert report.articles == (
        Article(
            id="derby",
            title="Rapid gewinnt",
            lead="Kurz",
            body='Erster Absatz, mit Komma.\nZweiter Absatz mit "Zitat".',
            published=datetime(2025, 8, 14, 21, 30, tzinfo=CEST),
            section="Sport",
            source="APA",
            author="Anna Berger",
            url="https://example.org/a",
            tags=("Fußball", "Wien"),
        ),
        Article(id="zwei", title="Ohne Datum"),
    )


def test_csv_only_id_and_one_text_column_are_needed(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,body\na,Text eins\nb,Text zwei\n")
    assert read_articles([path]).articles == (
        Article(id="a", body="Text eins"),
        Article(id="b", body="Text zwei"),
    )


def test_csv_naive_timestamp_and_date_are_utc(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,title,published\na,x,2025-08-14T21:30:00\nb,y,2025-08-14\n")
    assert [a.published for a in read_articles([path]).articles] == [
        datetime(2025, 8, 14, 21, 30, tzinfo=UTC),
        datetime(2025, 8, 14, tzinfo=UTC),
    ]


def test_csv_column_mapping_delimiter_and_tag_separator() -> None:
    report = read_articles([DATA / "articles_mapped.csv"], csv_options=MAPPED_CSV)
    assert report.articles == EXPECTED


def test_csv_and_jsonl_of_the_same_articles_agree() -> None:
    from_csv = read_articles([DATA / "articles_mapped.csv"], csv_options=MAPPED_CSV).articles
    assert from_csv == read_articles([DATA / "articles.jsonl"]).articles


def test_csv_mapping_only_some_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,headline,body\na,Schlagzeile,Text\n")
    options = CsvOptions(columns={"title": "headline"})
    assert read_articles([path], csv_options=options).articles == (
        Article(id="a", title="Schlagzeile", body="Text"),
    )


def test_csv_quote_character_option(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id|title\na|'Links | rechts'\n")
    options = CsvOptions(delimiter="|", quotechar="'")
    assert read_articles([path], csv_options=options).articles[0].title == "Links | rechts"


def test_csv_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,title\na,Ärger\n", encoding="utf-8-sig")
    assert read_articles([path]).articles == (Article(id="a", title="Ärger"),)


def test_csv_empty_lines_are_skipped_and_line_numbers_stay_true(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        'id,title,body\n\na,"zwei\nZeilen",x\n\n , ,\nb,y,z\nc,t,u,zu viel\n',
    )
    report = read_articles([path], skip_bad=True)
    assert [a.id for a in report.articles] == ["a", "b"]
    assert report.articles[0].title == "zwei\nZeilen"
    (error,) = report.skipped
    assert_points_at(error, path, 8, "expected 3 columns, got 4")


def test_csv_header_only_or_empty_file_gives_no_articles(tmp_path: Path) -> None:
    assert read_articles([write(tmp_path, "h.csv", "id,title\n")]).articles == ()
    assert read_articles([write(tmp_path, "e.csv", "")]).articles == ()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (",Titel,Text", "missing id"),
        ("   ,Titel,Text", "missing id"),
        ("a,,", "has no text"),
        ("a,Titel", "expected 3 columns, got 2"),
        ("a,Titel,Text,mehr", "expected 3 columns, got 4"),
    ],
)
def test_csv_bad_row_names_file_line_and_problem(tmp_path: Path, row: str, problem: str) -> None:
    path = write(tmp_path, "a.csv", f"id,title,body\nok,Gut,Text\n{row}\n")
    assert_points_at(load_error(path), path, 3, problem)


def test_csv_bad_date_names_file_line_and_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,title,published\nok,Gut,2025-01-01\nb,x,13/01/2025\n")
    assert_points_at(load_error(path), path, 3, "published '13/01/2025' is not an ISO 8601 date")


def test_csv_duplicate_id(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,title\na,eins\nb,zwei\na,drei\n")
    error = load_error(path)
    assert_points_at(error, path, 4, "duplicate id 'a'")
    assert f"{path}:2" in error.problem


def test_csv_malformed_quoting_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", 'id,title\na,gut\nb,"kaputt"x\n')
    assert_points_at(load_error(path), path, 3, "malformed CSV")


def test_csv_without_the_id_column_names_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "key,title\na,x\n")
    error = load_error(path)
    assert_points_at(error, path, 1, "no id column 'id'")
    assert "key, title" in error.problem
    # Mapped to a column that is not there either:
    error = load_error(path, csv_options=CsvOptions(columns={"id": "Kennung"}))
    assert_points_at(error, path, 1, "no id column 'Kennung'")


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"columns": {"titel": "Überschrift"}}, "unknown article field(s) in the column mapping"),
        ({"delimiter": ";;"}, "one character each"),
        ({"delimiter": ""}, "one character each"),
        ({"quotechar": "''"}, "one character each"),
    ],
)
def test_csv_options_are_checked(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(InputError) as info:
        CsvOptions(**options)
    assert problem in str(info.value)


# --- 10kGNAD ----------------------------------------------------------------------------


def test_the_bundled_sample_is_detected_as_10kgnad() -> None:
    with sample_corpus_path() as path:
        assert detect_format(path) == "10kgnad"


def test_10kgnad_rows_from_the_bundled_sample(tmp_path: Path) -> None:
    with sample_corpus_path() as sample:
        rows = sample.read_text(encoding="utf-8").splitlines(keepends=True)[:3]
    path = tmp_path / "gnad.csv"
    path.write_text("".join(rows), encoding="utf-8")
    report = read_articles([path])  # format detected from the first line
    assert [a.id for a in report.articles] == ["gnad-1", "gnad-2", "gnad-3"]
    assert [a.section for a in report.articles] == [row.split(";", 1)[0] for row in rows]
    assert {a.source for a in report.articles} == {"10kGNAD"}
    first = report.articles[0]
    assert first.title == ""
    assert first.lead == (
        'Die Gewerkschaft GPA-djp lanciert den "All-in-Rechner" und findet, dass die '
        "Vertragsform auf die Führungsebene beschränkt gehört."
    )
    assert first.body.startswith("Wien – Die Gewerkschaft GPA-djp sieht Handlungsbedarf")
    for article, row in zip(report.articles, rows, strict=True):
        (text,) = next(csv.reader([row], delimiter=";", quotechar="'"))[1:]
        assert f"{article.lead} {article.body}" == text.strip()


def test_10kgnad_format(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "gnad.txt",
        "Sport;'Rapid gewinnt das Derby. Der Trainer lobte die ''Mannschaft''.'\n"
        "\n"
        "Web;'Nur ein Satz.'\n"
        "Etat;'Dr. Müller sagt etwas. Danach mehr.'\n",
    )
    assert read_articles([path], format="10kgnad").articles == (
        Article(
            id="gnad-1",
            lead="Rapid gewinnt das Derby.",
            body="Der Trainer lobte die 'Mannschaft'.",
            section="Sport",
            source="10kGNAD",
        ),
        Article(id="gnad-3", lead="Nur ein Satz.", section="Web", source="10kGNAD"),
        Article(
            id="gnad-4",
            lead="Dr. Müller sagt etwas.",
            body="Danach mehr.",
            section="Etat",
            source="10kGNAD",
        ),
    )


def test_10kgnad_ids_are_stable_across_reimports(tmp_path: Path) -> None:
    path = write(tmp_path, "gnad.csv", "Sport;'Eins. Zwei.'\nWeb;'Drei.'\n")
    assert read_articles([path]).articles == read_articles([path]).articles


def test_10kgnad_bad_row(tmp_path: Path) -> None:
    path = write(tmp_path, "gnad.csv", "Sport;'Eins. Zwei.'\nWeb;'a';'b'\nKultur;''\n")
    assert_points_at(load_error(path), path, 2, "expected 2 fields (category;text), got 3")
    report = read_articles([path], skip_bad=True)
    assert [a.id for a in report.articles] == ["gnad-1"]
    assert [(e.line, e.problem) for e in report.skipped] == [
        (2, "expected 2 fields (category;text), got 3"),
        (3, "article 'gnad-3' has no text (title, lead and body are empty)"),
    ]


def test_a_csv_that_does_not_start_with_a_category_is_plain_csv(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "a.csv", "id,title\na,Sport;'x'\n")) == "csv"
    assert detect_format(write(tmp_path, "b.csv", "Sport;'Eins.'\n")) == "10kgnad"


# --- formats, files, encodings ----------------------------------------------------------


@pytest.mark.parametrize("name", ["a.jsonl", "a.ndjson", "a.json", "A.JSONL"])
def test_json_lines_is_detected_by_name(tmp_path: Path, name: str) -> None:
    assert read_articles([write(tmp_path, name, jsonl(GOOD))]).articles[0].id == "gut-1"


def test_an_unknown_file_type_asks_for_a_format(tmp_path: Path) -> None:
    path = write(tmp_path, "a.xml", "<article/>")
    error = load_error(path)
    assert_points_at(error, path, None, "cannot tell the format")
    assert "jsonl, csv, 10kgnad" in error.problem


def test_an_unknown_format_name_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(GOOD))
    error = load_error(path, format="xml")
    assert "unknown format 'xml'" in str(error)
    assert "jsonl, csv, 10kgnad" in str(error)


def test_an_explicit_format_overrides_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", jsonl(GOOD))
    assert read_articles([path], format="jsonl").articles[0].id == "gut-1"


@pytest.mark.parametrize("name", ["fehlt.jsonl", "fehlt.csv", "fehlt.txt"])
def test_a_missing_file_is_an_input_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    error = load_error(path, skip_bad=True)
    assert error.source == str(path)
    assert error.line is None
    assert "no such file" in str(error).lower()


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ordner.jsonl"
    path.mkdir()
    assert_points_at(load_error(path), path, None, "is a directory")


def test_a_latin1_jsonl_line_is_reported_as_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        jsonl(GOOD).encode("utf-8") + jsonl({"id": "b", "title": "Müller"}).encode("latin-1")
    )
    assert_points_at(load_error(path), path, 2, "not valid UTF-8")
    report = read_articles([path], skip_bad=True)
    assert [a.id for a in report.articles] == ["gut-1"]
    assert [(e.line, e.problem) for e in report.skipped] == [(2, "not valid UTF-8")]


@pytest.mark.parametrize("name", ["latin1.csv", "latin1-gnad.csv"])
def test_a_latin1_csv_file_is_a_clear_error(tmp_path: Path, name: str) -> None:
    text = "id,title\na,Müller\n" if name == "latin1.csv" else "Sport;'Müller gewinnt.'\n"
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    # The whole file is refused, in skip-bad mode too: it is not in the expected encoding.
    error = load_error(path, skip_bad=True)
    assert error.source == str(path)
    assert error.problem == "not valid UTF-8"
    assert str(error).startswith(f"{path}:")


def test_articles_from_several_files_keep_input_order(tmp_path: Path) -> None:
    first = write(tmp_path, "a.jsonl", jsonl({"id": "z", "title": "1"}, {"id": "a", "title": "2"}))
    second = write(tmp_path, "b.csv", "id,title\nm,3\n")
    assert [a.id for a in read_articles([first, second]).articles] == ["z", "a", "m"]


# --- regressions: where a bad byte is, 10kGNAD and TSV detection, unknown formats -------


def csv_with_a_latin1_line(tmp_path: Path, bad_line: int, *, gnad: bool = False) -> Path:
    """A file whose line ``bad_line`` alone is Latin-1 (``ü``), every other line UTF-8."""
    if gnad:
        good = [f"Sport;'Tor Nummer {i} für Rapid. Mehr dazu.'" for i in range(1, bad_line)]
        bad, after = "Web;'Müller gewinnt.'", "Kultur;'Ein Schluss.'"
    else:
        good = ["id,title"] + [f"n{i},Nachricht über Wien {i}" for i in range(2, bad_line)]
        bad, after = "kaputt,Müller gewinnt", "danach,Ein Schluss"
    path = tmp_path / ("gnad.csv" if gnad else "latin1.csv")
    path.write_bytes(
        "".join(f"{line}\n" for line in good).encode("utf-8")
        + f"{bad}\n".encode("latin-1")
        + f"{after}\n".encode()
    )
    return path


@pytest.mark.parametrize("bad_line", [2, 3, 1999, 2000, 2001, 2345])
def test_a_non_utf8_byte_in_a_csv_names_its_line(tmp_path: Path, bad_line: int) -> None:
    path = csv_with_a_latin1_line(tmp_path, bad_line)
    assert path.stat().st_size > 16384 or bad_line < 10
    assert_points_at(load_error(path), path, bad_line, "not valid UTF-8")
    # The whole file is refused in skip-bad mode too, with the same line.
    assert load_error(path, skip_bad=True).line == bad_line


@pytest.mark.parametrize("bad_line", [1, 2, 2000])
def test_a_non_utf8_byte_in_a_10kgnad_file_names_its_line(tmp_path: Path, bad_line: int) -> None:
    path = csv_with_a_latin1_line(tmp_path, bad_line, gnad=True)
    assert_points_at(load_error(path, format="10kgnad"), path, bad_line, "not valid UTF-8")


def test_a_non_utf8_byte_after_crlf_lines_and_a_quoted_newline(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    rows = ["id,title,body\r\n", 'a,Eins,"Zeile eins\r\nZeile zwei"\r\n']
    rows += [f"n{i},Titel {i},Text {i}\r\n" for i in range(2000)]
    path.write_bytes("".join(rows).encode() + "z,Müller,x\r\n".encode("latin-1"))
    # Line 1 header, lines 2-3 the quoted row, 2000 rows after it: the bad one is line 2004.
    assert_points_at(load_error(path), path, 2004, "not valid UTF-8")


def test_a_10kgnad_file_whose_first_row_is_not_quoted_is_detected(tmp_path: Path) -> None:
    with sample_corpus_path() as sample:
        rows = sample.read_text(encoding="utf-8").splitlines(keepends=True)[1:4]
    assert rows[0].startswith("Sport;Franzosen ")  # unquoted text, as in the real corpus
    for name in ("gnad.csv", "gnad.txt", "gnad.tsv"):
        path = tmp_path / name
        path.write_text("".join(rows), encoding="utf-8")
        assert detect_format(path) == "10kgnad", name
        report = read_articles([path])
        assert [a.id for a in report.articles] == ["gnad-1", "gnad-2", "gnad-3"]
        assert [a.section for a in report.articles] == [r.split(";", 1)[0] for r in rows]
        assert report.articles[0].lead.startswith("Franzosen verteidigen 2:1-Führung")
        for article, row in zip(report.articles, rows, strict=True):
            (text,) = next(csv.reader([row], delimiter=";", quotechar="'"))[1:]
            assert f"{article.lead} {article.body}".strip() == text.strip()


@pytest.mark.parametrize(
    "first",
    ["Sport;Rapid gewinnt. Der Trainer jubelt.", "Wissenschaft;Ein Satz.", "Etat;'Quoted.'"],
)
def test_10kgnad_is_detected_by_a_category_and_semicolon(tmp_path: Path, first: str) -> None:
    path = write(tmp_path, "a.csv", f"{first}\nWeb;'Zweite Zeile.'\n")
    assert detect_format(path) == "10kgnad"
    assert [a.id for a in read_articles([path]).articles] == ["a-1", "a-2"]


@pytest.mark.parametrize("first", ["id;title", "Sportlich;x", "sport;x", "Sport,x", "Sport x;y"])
def test_a_first_line_without_a_category_and_semicolon_is_csv(tmp_path: Path, first: str) -> None:
    assert detect_format(write(tmp_path, "a.csv", f"{first}\n")) == "csv"


@pytest.mark.parametrize("name", ["a.tsv", "A.TSV"])
def test_a_tsv_file_is_tab_separated_by_default(tmp_path: Path, name: str) -> None:
    path = write(
        tmp_path,
        name,
        'id\ttitle\ttags\na\tHallo, Welt\tWien,Graz\nb\t"Zitat\tmit Tab"\tSport\n',
    )
    assert detect_format(path) == "csv"
    assert read_articles([path]).articles == (
        Article(id="a", title="Hallo, Welt", tags=("Wien", "Graz")),
        Article(id="b", title="Zitat\tmit Tab", tags=("Sport",)),
    )


def test_a_csv_file_stays_comma_separated_and_options_override_tsv(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "a.csv", "id,title\na,Hallo\tWelt\n")
    assert read_articles([csv_path]).articles == (Article(id="a", title="Hallo\tWelt"),)
    tsv_path = write(tmp_path, "b.tsv", "id;title\nb;Hallo\tWelt\n")
    report = read_articles([tsv_path], csv_options=CsvOptions(delimiter=";"))
    assert report.articles == (Article(id="b", title="Hallo\tWelt"),)


@pytest.mark.parametrize("name", ["a.jsonl", "a.csv", "a.xml", "ohne-endung"])
def test_an_unknown_format_names_the_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, jsonl(GOOD))
    for skip_bad in (False, True):
        error = load_error(path, format="xml", skip_bad=skip_bad)
        assert_points_at(error, path, None, "unknown format 'xml'")
        assert "jsonl, csv, 10kgnad" in error.problem


def test_an_unknown_format_names_the_file_it_was_given_for(tmp_path: Path) -> None:
    first = write(tmp_path, "a.jsonl", jsonl(GOOD))
    second = write(tmp_path, "b.jsonl", jsonl({"id": "b", "title": "x"}))
    assert load_error(first, second, format="xml").source == str(first)
