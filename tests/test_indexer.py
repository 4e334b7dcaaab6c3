"""Creating, opening, updating and inspecting an index on disk; all-or-nothing imports."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import fields as whoosh_fields
from whoosh import index as whoosh_index

from conftest import ARTICLES
from newssearch import (
    AnalyzerConfig,
    Article,
    FieldBoosts,
    IndexExistsError,
    IndexNotFoundError,
    IndexSettings,
    IndexStateError,
    NewsIndex,
    NewsSearchError,
    QueryError,
    Searcher,
    build_index,
    create_index,
    index_exists,
    open_index,
)
from newssearch.article import FACET_FIELDS
from newssearch.cli import main
from newssearch.config import FORMAT_VERSION
from newssearch.engine.schema import build_schema
from newssearch.index import META_FILE

#: Matches every article of ARTICLES (one word from each title).
ALL_OF_THEM = "Putin OR Rapid OR Inflation OR Verteidigungsminister OR Reform"


def article(doc_id: str, title: str | None = None, **fields: Any) -> Article:
    return Article(id=doc_id, title=title if title is not None else f"Meldung {doc_id}", **fields)


def many(count: int) -> list[Article]:
    return [article(f"n{i}", f"Nachricht Nummer {i}") for i in range(count)]


def stored(index: NewsIndex) -> dict[str, dict[str, Any]]:
    """Every live document's stored fields, by id."""
    with index.store.searcher() as s:
        return {doc["id"]: doc for doc in s.all_stored_fields()}


def ids(searcher: Searcher, query: str, **options: Any) -> set[str]:
    return {hit.id for hit in searcher.search(query, **options).hits}


def leftovers(directory: Path, *keep: str) -> list[str]:
    """Entries of ``directory`` other than ``keep`` (staging directories would show here)."""
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def failing_after(count: int) -> Iterator[Article]:
    """Yields ``count`` good articles, then raises, like a crashing source."""
    yield from many(count)
    raise RuntimeError("Quelle abgestürzt")


# --- create and open --------------------------------------------------------------------


def test_create_index_makes_an_empty_index_that_opens(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    assert not index_exists(path)
    with create_index(path) as index:
        assert index.doc_count() == 0
        assert index.path == path
    assert index_exists(path)
    assert (path / META_FILE).is_file()
    with open_index(path) as index:
        assert index.doc_count() == 0
        assert index.settings == IndexSettings()
    assert leftovers(tmp_path) == ["ix"]


def test_build_index_writes_at_the_path_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ix"
    index, report = build_index(path, ARTICLES)
    with index:
        assert report.added == len(ARTICLES)
        assert report.replaced == 0
        assert report.documents == len(ARTICLES)
        assert report.seconds >= 0
        assert index.doc_count() == len(ARTICLES)
    with open_index(str(path)) as index:
        assert set(stored(index)) == {a.id for a in ARTICLES}
    assert leftovers(path.parent) == ["ix"]


def test_an_empty_import_builds_an_empty_index(tmp_path: Path) -> None:
    index, report = build_index(tmp_path / "ix", [])
    with index:
        assert (report.added, report.replaced, report.documents) == (0, 0, 0)
        assert index.doc_count() == 0


@pytest.mark.parametrize("existing", [False, True])
def test_open_index_without_an_index_says_how_to_build_one(tmp_path: Path, existing: bool) -> None:
    path = tmp_path / "nichts"
    if existing:
        path.mkdir()
    with pytest.raises(IndexNotFoundError) as info:
        open_index(path)
    message = str(info.value)
    assert str(path) in message
    assert f"newssearch index ARTICLES.jsonl --index {path}" in message
    assert isinstance(info.value, NewsSearchError)
    assert not index_exists(path)


def test_open_index_refuses_a_foreign_whoosh_index(tmp_path: Path) -> None:
    path = tmp_path / "fremd"
    path.mkdir()
    whoosh_index.create_in(str(path), whoosh_fields.Schema(id=whoosh_fields.ID())).close()
    with pytest.raises(IndexStateError, match="did not build"):
        open_index(path)


def test_open_index_refuses_a_newer_format_version(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    create_index(path).close()
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    meta["format_version"] = FORMAT_VERSION + 1
    (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(
        IndexStateError, match=rf"format version {FORMAT_VERSION + 1}.*upgrade newssearch"
    ):
        open_index(path)


@pytest.mark.parametrize(
    "damage",
    [
        "{kaputt",
        "{}",
        '{"schema_version": 1}',
        '{"schema_version": 1, "settings": {"boosts": {"title": -1}}}',
        '{"schema_version": 1, "settings": {"analyzer": {"lemmatize": true}}}',
    ],
)
def test_open_index_with_damaged_settings_is_a_state_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "ix"
    create_index(path).close()
    (path / META_FILE).write_text(damage, encoding="utf-8")
    with pytest.raises(IndexStateError, match="damaged"):
        open_index(path)


def test_open_index_without_settings_file_is_a_state_error(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    create_index(path).close()
    (path / META_FILE).unlink()
    assert not index_exists(path)
    with pytest.raises(IndexStateError, match=META_FILE):
        open_index(path)


# --- refusing to overwrite --------------------------------------------------------------


def test_build_index_refuses_an_existing_index_unless_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, [article("alt")])[0].close()
    with pytest.raises(IndexExistsError, match=str(path)):
        build_index(path, [article("neu")])
    with pytest.raises(IndexExistsError):
        create_index(path)
    with open_index(path) as index:
        assert set(stored(index)) == {"alt"}
    index, report = build_index(path, [article("neu"), article("neu-2")], overwrite=True)
    with index:
        assert set(stored(index)) == {"neu", "neu-2"}
        assert (report.added, report.replaced, report.documents) == (2, 0, 2)
    assert leftovers(tmp_path) == ["ix"]


def test_create_index_with_overwrite_empties_the_index(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, [article("alt")])[0].close()
    with create_index(path, overwrite=True) as index:
        assert index.doc_count() == 0


def test_an_empty_directory_may_become_an_index(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    path.mkdir()
    index, _ = build_index(path, [article("a")])
    with index:
        assert index.doc_count() == 1


def test_a_directory_with_other_files_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notizen"
    path.mkdir()
    (path / "wichtig.txt").write_text("nicht löschen", encoding="utf-8")
    for overwrite in (False, True):
        with pytest.raises(IndexExistsError, match="holds no newssearch index"):
            build_index(path, [article("a")], overwrite=overwrite)
    assert leftovers(path) == ["wichtig.txt"]
    assert (path / "wichtig.txt").read_text(encoding="utf-8") == "nicht löschen"
    assert leftovers(tmp_path) == ["notizen"]


def test_a_file_in_the_way_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "datei"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(NewsSearchError, match="not a directory"):
        create_index(path)
    assert path.read_text(encoding="utf-8") == "x"
    assert leftovers(tmp_path) == ["datei"]


# --- update, replace, delete ------------------------------------------------------------


def test_reimporting_the_same_articles_never_duplicates(small_index: NewsIndex) -> None:
    for _ in range(2):
        report = small_index.update(ARTICLES)
        assert (report.added, report.replaced) == (0, len(ARTICLES))
        assert report.documents == len(ARTICLES)
        assert small_index.doc_count() == len(ARTICLES)
    assert set(stored(small_index)) == {a.id for a in ARTICLES}


def test_a_changed_title_replaces_the_old_one(small_index: NewsIndex) -> None:
    changed = Article(
        id="sport-1",
        title="Austria siegt im Elfmeterschießen",
        body="Nach torlosen neunzig Minuten entschied das Elfmeterschießen.",
        section="Sport",
    )
    report = small_index.update([changed])
    assert (report.added, report.replaced, report.documents) == (0, 1, len(ARTICLES))
    docs = stored(small_index)
    assert len(docs) == len(ARTICLES)
    assert docs["sport-1"]["title"] == "Austria siegt im Elfmeterschießen"
    assert "author" not in docs["sport-1"]  # nothing of the old version is kept
    with Searcher(small_index) as searcher:
        assert ids(searcher, "Elfmeterschießen") == {"sport-1"}
        assert ids(searcher, "Derby") == set()


def test_update_adds_new_and_replaces_known_articles(small_index: NewsIndex) -> None:
    report = small_index.update(
        [article("neu-1"), article("seed", "Neuer Titel"), article("neu-2")]
    )
    assert (report.added, report.replaced) == (2, 1)
    assert report.documents == small_index.doc_count() == len(ARTICLES) + 2
    assert stored(small_index)["seed"]["title"] == "Neuer Titel"


def test_updates_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, [article("a"), article("b")])[0].close()
    with open_index(path) as index:
        index.update([article("b", "Zweite Fassung"), article("c")])
    with open_index(path) as index:
        docs = stored(index)
    assert set(docs) == {"a", "b", "c"}
    assert docs["b"]["title"] == "Zweite Fassung"


def test_delete_by_id(small_index: NewsIndex, tmp_path: Path) -> None:
    assert small_index.delete(["sport-1", "gibt-es-nicht"]) == 1
    assert small_index.doc_count() == len(ARTICLES) - 1
    assert "sport-1" not in stored(small_index)
    assert small_index.delete(["sport-1"]) == 0
    assert small_index.delete([]) == 0
    with Searcher(small_index) as searcher:
        assert ids(searcher, "Derby") == set()
    small_index.close()
    with open_index(tmp_path / "index") as index:
        assert index.doc_count() == len(ARTICLES) - 1
        assert index.stats().deleted == 1


def test_a_deleted_article_can_be_imported_again(small_index: NewsIndex) -> None:
    small_index.delete(["sport-1"])
    report = small_index.update([a for a in ARTICLES if a.id == "sport-1"])
    assert report.documents == small_index.doc_count() == len(ARTICLES)
    with Searcher(small_index) as searcher:
        assert ids(searcher, "Derby") == {"sport-1"}


def test_batch_size_smaller_than_the_import_still_indexes_everything(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    index, report = build_index(
        tmp_path / "ix",
        many(7),
        batch_size=3,
        progress=lambda done, total: calls.append((done, total)),
    )
    with index:
        assert report.added == report.documents == index.doc_count() == 7
        assert set(stored(index)) == {f"n{i}" for i in range(7)}
        assert calls == [(0, 7), (3, 7), (6, 7), (7, 7)]  # 0: the bar shows from the start
        calls.clear()
        report = index.update(many(4), batch_size=2, progress=lambda d, t: calls.append((d, t)))
        assert (report.added, report.replaced, report.documents) == (0, 4, 7)
        assert calls == [(0, 4), (2, 4), (4, 4)]


def test_an_index_locked_by_another_writer_is_a_state_error(small_index: NewsIndex) -> None:
    writer = small_index.store.writer()
    try:
        with pytest.raises(IndexStateError, match="locked"):
            small_index.update([article("neu")])
        with pytest.raises(IndexStateError, match="locked"):
            small_index.delete(["seed"])
    finally:
        writer.cancel()
    assert small_index.doc_count() == len(ARTICLES)
    small_index.update([article("neu")])  # the lock is free again
    assert small_index.doc_count() == len(ARTICLES) + 1


# --- statistics and settings ------------------------------------------------------------


def test_stats_of_the_small_index(small_index: NewsIndex) -> None:
    stats = small_index.stats()
    assert stats.path == str(small_index.path)
    assert stats.documents == len(ARTICLES)
    assert stats.deleted == 0
    assert stats.segments >= 1
    assert stats.settings == IndexSettings()
    assert stats.format_version == FORMAT_VERSION
    # Distinct terms: one id each; International, Sport, Wirtschaft, Inland; two authors,
    # two tags and one source; the url is stored, not indexed.
    assert stats.terms["id"] == len(ARTICLES)
    assert stats.terms["section"] == 4
    assert stats.terms["author"] == 2
    assert stats.terms["tags"] == 2
    assert stats.terms["source"] == 1
    assert "url" not in stats.terms
    for name in ("title", "lead", "body", "title_exact", "lead_exact", "body_exact"):
        assert stats.terms[name] > 0
    assert stats.terms["body"] > stats.terms["title"]
    files = [f for f in small_index.path.iterdir() if f.is_file()]
    assert stats.size_bytes == sum(f.stat().st_size for f in files)
    assert stats.size_bytes > 0


def test_stats_follow_updates_and_deletes(small_index: NewsIndex) -> None:
    before = small_index.stats()
    small_index.update([article("neu", "Hochwasser in Niederösterreich")])
    grown = small_index.stats()
    assert grown.documents == before.documents + 1
    assert grown.terms["id"] == before.terms["id"] + 1
    assert grown.size_bytes > before.size_bytes
    small_index.delete(["neu", "seed"])
    shrunk = small_index.stats()
    assert shrunk.documents == before.documents - 1
    assert shrunk.deleted == 2


def test_stats_of_an_empty_index(tmp_path: Path) -> None:
    with create_index(tmp_path / "ix") as index:
        stats = index.stats()
    assert (stats.documents, stats.deleted) == (0, 0)
    assert all(count == 0 for count in stats.terms.values())
    assert stats.size_bytes > 0  # the settings file and the table of contents


def test_analyzer_settings_are_used_kept_and_reported(tmp_path: Path) -> None:
    words = [article("h", "Häuser Hauses Haus")]
    plain = IndexSettings(analyzer=AnalyzerConfig(stemming=False, decompound=False))
    stemmed_index, _ = build_index(tmp_path / "stemmed", words)
    plain_index, _ = build_index(tmp_path / "plain", words, settings=plain)
    stemmed_index.close()
    plain_index.close()
    with open_index(tmp_path / "stemmed") as index:
        stats = index.stats()
        assert stats.settings.analyzer == AnalyzerConfig()
        assert stats.terms["title"] == 1  # haus
    with open_index(tmp_path / "plain") as index:
        stats = index.stats()
        assert index.settings == plain
        assert stats.settings.analyzer == AnalyzerConfig(stemming=False, decompound=False)
        assert stats.terms["title"] == 3  # hauser, hauses, haus


def test_field_boosts_persist_in_the_index_settings(tmp_path: Path) -> None:
    boosts = FieldBoosts(title=5.0, lead=0.5, body=0.0)
    path = tmp_path / "ix"
    build_index(path, [article("a")], settings=IndexSettings(boosts=boosts))[0].close()
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["settings"]["boosts"] == {"title": 5.0, "lead": 0.5, "body": 0.0}
    with open_index(path) as index:
        assert index.settings.boosts == boosts
        assert index.stats().settings.boosts == boosts
        index.update([article("b")])
    with open_index(path) as index:  # an update keeps the settings
        assert index.settings.boosts == boosts
    with create_index(path, overwrite=True) as index:  # a new index starts from the defaults
        assert index.settings.boosts == FieldBoosts()


def test_field_boosts_change_the_ranking(tmp_path: Path) -> None:
    docs = [
        article("im-titel", "Hochwasser in Wien", body="Ein Bericht."),
        article("im-text", "Ein Bericht", body="Hochwasser in Wien, Hochwasser überall."),
    ]
    title_first = IndexSettings(boosts=FieldBoosts(title=10.0, lead=1.0, body=0.1))
    body_first = IndexSettings(boosts=FieldBoosts(title=0.1, lead=1.0, body=10.0))
    for name, settings, winner in (
        ("t", title_first, "im-titel"),
        ("b", body_first, "im-text"),
    ):
        index, _ = build_index(tmp_path / name, docs, settings=settings)
        with index, Searcher(index) as searcher:
            assert searcher.search("Hochwasser").hits[0].id == winner


@pytest.mark.parametrize("bad", [{"title": -1.0}, {"body": float("nan")}])
def test_negative_or_nan_boosts_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="boost"):
        FieldBoosts(**bad)


# --- schema: stored, sortable, filterable -----------------------------------------------


def test_every_field_is_stored_for_display(tmp_path: Path) -> None:
    full = Article(
        id="voll",
        title="Rapid gewinnt",
        lead="Derbysieg",
        body="Im Derby siegte Rapid.",
        section="Sport",
        source="APA",
        author="Anna Berger",
        url="https://example.org/voll",
        tags=("Fußball", "Wien"),
    )
    index, _ = build_index(tmp_path / "ix", [full])
    with index, Searcher(index) as searcher:
        (hit,) = searcher.search("Rapid").hits
    assert hit.article == full
    with pytest.warns(DeprecationWarning, match="Hit.article"):
        fields = dict(hit.fields)
    assert fields == {
        "id": "voll",
        "title": "Rapid gewinnt",
        "lead": "Derbysieg",
        "body": "Im Derby siegte Rapid.",
        "section": "Sport",
        "source": "APA",
        "author": "Anna Berger",
        "url": "https://example.org/voll",
        "tags": ["Fußball", "Wien"],
    }
    assert hit.title == "Rapid gewinnt"


def test_schema_stores_display_fields_and_sorts_by_published() -> None:
    schema = build_schema(IndexSettings(stories=False))
    assert set(schema.stored_names()) == {
        "id",
        "title",
        "lead",
        "body",
        "published",
        "section",
        "source",
        "author",
        "url",
        "tags",
    }
    # Wire-copy story label and signature (newssearch.duplicates), by default.
    stories = build_schema(IndexSettings())
    assert set(stories.stored_names()) - set(schema.stored_names()) == {"story", "story_sig"}
    assert isinstance(schema["published"], whoosh_fields.DATETIME)
    assert schema["published"].sortable_typecode is not None
    assert schema["published"].column_type is not None
    assert schema["id"].unique


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"section": "Inland"}, {"politik-1", "politik-2"}),
        ({"section": "inland"}, {"politik-1", "politik-2"}),
        ({"section": ["Sport", "Wirtschaft"]}, {"sport-1", "wirtschaft-1"}),
        ({"source": "seed"}, {"seed"}),
        ({"author": "Max Mueller"}, {"wirtschaft-1"}),
        ({"author": "Max"}, set()),
        ({"tags": "Fußball"}, {"sport-1"}),
        ({"tags": "wien"}, {"sport-1"}),
        ({"section": "Inland", "author": "Anna Berger"}, set()),
        ({"section": "Sport", "author": "Anna Berger"}, {"sport-1"}),
    ],
)
def test_section_source_author_and_tags_filter(
    searcher: Searcher, filters: dict[str, Any], expected: set[str]
) -> None:
    assert ids(searcher, ALL_OF_THEM, limit=20) == {a.id for a in ARTICLES}
    assert ids(searcher, ALL_OF_THEM, limit=20, filters=filters) == expected


def test_only_the_facet_fields_filter(searcher: Searcher) -> None:
    assert set(FACET_FIELDS) == {"section", "source", "author", "tags"}
    with pytest.raises(QueryError, match="cannot filter on 'title'"):
        searcher.search("Rapid", filters={"title": "Rapid"})


# --- all or nothing ---------------------------------------------------------------------


def test_a_failing_source_leaves_no_index_at_a_new_path(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with pytest.raises(RuntimeError, match="abgestürzt"):
        build_index(path, failing_after(3))
    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_a_failure_inside_the_writer_leaves_no_index_at_a_new_path(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    broken: list[Any] = [*many(3), "kein Artikel", *many(2)]
    with pytest.raises(AttributeError):
        build_index(path, broken)
    assert not path.exists()
    assert leftovers(tmp_path) == []


def snapshot(index: NewsIndex) -> tuple[int, dict[str, dict[str, Any]], str]:
    return index.doc_count(), stored(index), (index.path / META_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize("mid_writer", [False, True])
def test_a_failed_update_leaves_the_index_as_it_was(
    small_index: NewsIndex, mid_writer: bool
) -> None:
    before = snapshot(small_index)
    changed = [article("seed", "Geänderter Titel"), article("neu")]
    bad: Any = [*changed, object()] if mid_writer else failing_after(2)
    with pytest.raises(Exception):  # noqa: B017 - whatever the source raises
        small_index.update(bad)
    assert snapshot(small_index) == before
    path = small_index.path
    small_index.close()
    with open_index(path) as index:
        assert snapshot(index) == before
        index.update([article("danach")])  # not locked by the failed update
        assert index.doc_count() == before[0] + 1


def test_a_failed_overwrite_leaves_the_old_index_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, [article("alt-1"), article("alt-2")])[0].close()
    files = {f.name: f.read_bytes() for f in path.iterdir()}
    with pytest.raises(RuntimeError):
        build_index(path, failing_after(4), overwrite=True)
    assert {f.name: f.read_bytes() for f in path.iterdir()} == files
    assert leftovers(tmp_path) == ["ix"]
    with open_index(path) as index:
        assert set(stored(index)) == {"alt-1", "alt-2"}


def test_a_bad_record_in_a_file_touches_no_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "gut.jsonl"
    good.write_text('{"id": "a", "title": "Eins"}\n{"id": "b", "title": "Zwei"}\n', "utf-8")
    bad = tmp_path / "schlecht.jsonl"
    bad.write_text(
        '{"id": "c", "title": "Drei"}\n{"id": "a", "title": "Neu", "published": "morgen"}\n',
        "utf-8",
    )
    path = tmp_path / "ix"
    assert main(["index", str(bad), "--index", str(path), "--no-progress"]) == 1
    assert f"{bad}:2:" in capsys.readouterr().err
    assert not path.exists()
    assert leftovers(tmp_path) == ["gut.jsonl", "schlecht.jsonl"]

    assert main(["index", str(good), "--index", str(path), "--no-progress"]) == 0
    for extra in ([], ["--rebuild"]):
        assert main(["index", str(bad), "--index", str(path), "--no-progress", *extra]) == 1
        with open_index(path) as index:
            docs = stored(index)
        assert set(docs) == {"a", "b"}
        assert docs["a"]["title"] == "Eins"


# --- schema pickling --------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [IndexSettings(), IndexSettings(analyzer=AnalyzerConfig(stemming=False, decompound=False))],
)
def test_schema_round_trips_through_pickle(settings: IndexSettings) -> None:
    schema = build_schema(settings)
    copy = pickle.loads(pickle.dumps(schema))
    assert copy.names() == schema.names()
    assert copy.stored_names() == schema.stored_names()
    for name in schema.names():
        assert type(copy[name]) is type(schema[name])
    text = "Die Sicherheitsgarantien der US-Präsidenten für Häuser in Straßburg"
    for name in ("title", "body_exact"):
        assert [t.text for t in copy[name].analyzer(text)] == [
            t.text for t in schema[name].analyzer(text)
        ]
    assert [t.text for t in copy["tags"].analyzer("Fußball,Wien Mitte")] == [
        "fußball",
        "wien mitte",
    ]


def test_the_schema_an_index_opens_with_analyzes_as_built(tmp_path: Path) -> None:
    settings = IndexSettings(analyzer=AnalyzerConfig(stemming=False))
    create_index(tmp_path / "ix", settings=settings).close()
    text = "Sicherheitsgarantien für Häuser"
    with open_index(tmp_path / "ix") as index:
        on_disk = index.schema
        again = pickle.loads(pickle.dumps(on_disk))
    expected = [t.text for t in build_schema(settings)["body"].analyzer(text)]
    assert [t.text for t in on_disk["body"].analyzer(text)] == expected
    assert [t.text for t in again["body"].analyzer(text)] == expected


# --- regressions: one id twice, re-adding after delete, damaged settings ----------------


def test_an_id_given_twice_in_one_update_is_one_article_and_the_later_wins(
    small_index: NewsIndex,
) -> None:
    report = small_index.update(
        [article("neu", "Kartoffelsalat"), article("x"), article("neu", "Apfelstrudel")]
    )
    assert (report.added, report.replaced) == (2, 0)
    assert report.documents == small_index.doc_count() == len(ARTICLES) + 2
    docs = stored(small_index)
    assert docs["neu"]["title"] == "Apfelstrudel"
    with Searcher(small_index) as searcher:
        assert ids(searcher, "Apfelstrudel") == {"neu"}
        assert searcher.search("Apfelstrudel").total == 1
        assert ids(searcher, "Kartoffelsalat") == set()


def test_a_known_id_given_twice_in_one_update_replaces_it_once(small_index: NewsIndex) -> None:
    report = small_index.update([article("seed", "Alt"), article("seed", "Neuer Titel")])
    assert (report.added, report.replaced) == (0, 1)
    assert report.documents == small_index.doc_count() == len(ARTICLES)
    assert stored(small_index)["seed"]["title"] == "Neuer Titel"


def test_build_index_with_an_id_twice_keeps_the_later_record(tmp_path: Path) -> None:
    index, report = build_index(
        tmp_path / "ix", [article("a", "Alte Fassung"), article("b"), article("a", "Neue Fassung")]
    )
    with index:
        assert (report.added, report.replaced, report.documents) == (2, 0, 2)
        assert index.doc_count() == 2
        assert index.stats().deleted == 0
        assert stored(index)["a"]["title"] == "Neue Fassung"
        with Searcher(index) as searcher:
            assert searcher.search("Fassung").total == 1


class _Reread:
    """Articles made anew on each iteration, counting the iterations (a lazy source)."""

    def __init__(self, articles: list[Article]) -> None:
        self._articles = articles
        self.reads = 0

    def __iter__(self) -> Iterator[Article]:
        self.reads += 1
        for a in self._articles:
            yield Article(id=a.id, title=a.title, body=a.body)


@pytest.mark.parametrize("kind", ["generator", "rereadable"])
def test_a_lazy_source_with_an_id_twice_keeps_the_later_record(tmp_path: Path, kind: str) -> None:
    records = [article("a", "Alte Fassung"), article("b"), article("a", "Neue Fassung")]
    source = _Reread(records)
    index, report = build_index(
        tmp_path / "ix", iter(source) if kind == "generator" else source, procs=1
    )
    with index:
        assert (report.added, report.replaced, report.documents) == (2, 0, 2)
        assert stored(index)["a"]["title"] == "Neue Fassung"
        with Searcher(index) as searcher:
            assert searcher.search("Fassung").total == 1
            assert searcher.search("Alte").total == 0
    # A source that can be read again is read twice (ids, then writing), never held.
    assert source.reads == (1 if kind == "generator" else 2)


def test_a_rereadable_update_replaces_known_articles_and_reports_progress(
    small_index: NewsIndex,
) -> None:
    calls: list[tuple[int, int]] = []
    source = _Reread([article("seed", "Neuer Titel"), article("neu"), article("neu", "Zuletzt")])
    report = small_index.update(source, progress=lambda done, total: calls.append((done, total)))
    assert (report.added, report.replaced) == (1, 1)
    assert calls[0] == (0, 2) and calls[-1] == (2, 2)
    docs = stored(small_index)
    assert docs["seed"]["title"] == "Neuer Titel"
    assert docs["neu"]["title"] == "Zuletzt"


def test_readding_a_deleted_article_counts_as_added(small_index: NewsIndex) -> None:
    assert small_index.delete(["sport-1"]) == 1
    report = small_index.update([a for a in ARTICLES if a.id == "sport-1"])
    assert (report.added, report.replaced) == (1, 0)
    assert report.documents == small_index.doc_count() == len(ARTICLES)
    # Known again: the next import replaces it.
    again = small_index.update([a for a in ARTICLES if a.id == "sport-1"])
    assert (again.added, again.replaced) == (0, 1)


def test_readding_a_deleted_article_after_reopening_counts_as_added(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, [article("a"), article("b")])[0].close()
    with open_index(path) as index:
        assert index.delete(["a"]) == 1
    with open_index(path) as index:
        report = index.update([article("a", "Wieder da"), article("b", "Neu")])
        assert (report.added, report.replaced, report.documents) == (1, 1, 2)
        assert stored(index)["a"]["title"] == "Wieder da"


@pytest.mark.parametrize(
    "meta",
    [
        '{"schema_version": 1, "settings": []}',
        '{"schema_version": 1, "settings": null}',
        '{"schema_version": 1, "settings": "standard"}',
        '{"schema_version": 1, "settings": {"analyzer": []}}',
        '{"schema_version": 1, "settings": {"boosts": [1, 2, 3]}}',
        "[]",
        '"newssearch"',
    ],
)
def test_open_index_with_settings_of_the_wrong_type_is_a_state_error(
    tmp_path: Path, meta: str
) -> None:
    path = tmp_path / "ix"
    create_index(path).close()
    (path / META_FILE).write_text(meta, encoding="utf-8")
    with pytest.raises(IndexStateError, match="damaged") as info:
        open_index(path)
    assert not isinstance(info.value, AttributeError | TypeError)
    assert str(path / META_FILE) in str(info.value)


def test_parallel_writing_gives_the_same_index_as_one_process(tmp_path: Path) -> None:
    articles = [
        Article(id=f"a{i}", title=f"Meldung {i} aus Wien", body=f"Die Regierung berät {i}. Wien.")
        for i in range(250)  # Whoosh hands out jobs of 100 documents
    ]
    one, _ = build_index(tmp_path / "one", articles, procs=1)
    two, report = build_index(tmp_path / "two", articles, procs=2)
    with one, two, Searcher(one) as s1, Searcher(two) as s2:
        assert report.documents == 250 and two.stats().segments == 2
        # Query syntax (+): no rescoring of the best 100, which among these
        # equal matches depends on the order the writers numbered them in.
        for query in ("+Regierung", "+Meldung +Wien", "+berät"):
            got_one = {h.id: h.score for h in s1.search(query, limit=300, highlight=False).hits}
            got_two = {h.id: h.score for h in s2.search(query, limit=300, highlight=False).hits}
            assert got_one.keys() == got_two.keys()
            for doc_id, score in got_one.items():
                assert got_two[doc_id] == pytest.approx(score)
        again = two.update(articles[:5])  # replacing: one process, no duplicates
        assert (again.added, again.replaced, again.documents) == (0, 5, 250)


def test_procs_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        build_index(tmp_path / "index", [Article(id="a", title="x")], procs=0)
    assert not (tmp_path / "index").exists()
