"""The ``newssearch`` command line, checked against the CLI section of README.md.

Most tests call :func:`newssearch.cli.main` in-process; a few run
``python -m newssearch`` to prove the entry point and the one-line errors of a
real process.  Every test works under ``tmp_path`` with the working directory
moved there, so the default ``index/default`` of the repository is never built.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import ARTICLES
from newssearch import NewsIndex
from newssearch.cli import _build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


# -- helpers ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Run:
    """Run ``newssearch argv`` in-process; usage errors (SystemExit) become exit codes."""
    capsys.readouterr()  # drop anything printed before
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    for line in (out + err).splitlines():
        assert not line.startswith("Traceback"), out + err
    return Run(code, out, err)


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def article_records() -> list[dict[str, Any]]:
    """The conftest articles as JSON Lines records."""
    records = []
    for article in ARTICLES:
        record = dataclasses.asdict(article)
        record["tags"] = list(article.tags)
        records.append(record)
    return records


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` with its bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def readme_usage() -> dict[str, str]:
    """Subcommand → its usage line(s) from the ``text`` block of README's CLI section."""
    section = README.read_text(encoding="utf-8").split("\n## Command line", 1)[1]
    section = section.split("\n## ", 1)[0]
    block = section.split("```text", 1)[1].split("```", 1)[0]
    usage: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("newssearch "):
            current = line.split()[1]
            usage[current] = line
        elif line.strip():
            assert current, f"continuation line before any command: {line!r}"
            usage[current] += " " + line.strip()
    return usage


def hit_ids(result: Mapping[str, Any]) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in an empty working directory under ``tmp_path``."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("NO_COLOR", "1")
    return work


@pytest.fixture()
def articles_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "articles.jsonl", article_records())


@pytest.fixture()
def cli_index(tmp_path: Path, articles_file: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An index of the conftest articles, built with ``newssearch index``."""
    path = tmp_path / "cli-index"
    run = cli(capsys, "index", articles_file, "--index", path)
    assert run.code == 0, run.err
    return path


# -- the parser matches the README ---------------------------------------------


def test_readme_and_parser_name_the_same_subcommands() -> None:
    documented = set(readme_usage())
    assert documented == set(subcommands(_build_parser()))
    assert {"index", "search", "analyze", "stats", "delete", "eval"} <= documented


@pytest.mark.parametrize("command", sorted(readme_usage()))
def test_readme_options_and_arguments_exist_in_the_parser(command: str) -> None:
    usage = readme_usage()[command]
    sub = subcommands(_build_parser())[command]
    options = {s: a for a in sub._actions for s in a.option_strings}
    for name, choices in re.findall(r"(--[a-z][a-z-]*)(?: ([\w-]+(?:\|[\w-]+)+))?", usage):
        assert name in options, f"{command}: README names {name}, the parser does not"
        if choices:
            allowed = options[name].choices
            assert allowed is not None, f"{command}: {name} takes any value"
            assert set(choices.split("|")) <= set(allowed)
    positionals = re.sub(r"\[[^\]]*\]", " ", usage).split()[2:]
    parser_usage = sub.format_usage()
    for word in positionals:
        assert word.rstrip(".…") in parser_usage, f"{command}: {word} missing from {parser_usage}"


@pytest.mark.parametrize("command", sorted(readme_usage()))
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, command, "--help")
    assert run.code == 0
    assert f"newssearch {command}" in run.out


# -- index -----------------------------------------------------------------------


def test_index_jsonl_builds_a_searchable_index(
    tmp_path: Path, articles_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ix"
    run = cli(capsys, "index", articles_file, "--index", path, "--format", "jsonl")
    assert run.code == 0, run.err
    assert re.match(
        rf"indexed 5 articles into {re.escape(str(path))} \(5 new, 0 replaced, 0 skipped\) "
        r"in [\d.]+ s; the index holds 5 articles$",
        run.out.strip(),
    ), run.out
    found = cli(capsys, "search", "Derby", "--index", path, "--json")
    assert hit_ids(json.loads(found.out)) == ["sport-1"]


def test_index_csv_with_column_mapping_and_delimiter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "news.csv"
    source.write_text(
        "id;headline;body;tags\n"
        'c1;Wahl in Wien;"Die Wahl in Wien bringt; laut Umfragen; Verluste.";Politik,Wien\n'
        "c2;Budget steigt;Das Budget steigt kräftig.;\n",
        encoding="utf-8",
    )
    path = tmp_path / "ix"
    run = cli(
        capsys,
        "index",
        source,
        "--index",
        path,
        "--format",
        "csv",
        "--csv-delimiter",
        ";",
        "--csv-column",
        "title=headline",
    )
    assert run.code == 0, run.err
    assert "(2 new, 0 replaced, 0 skipped)" in run.out
    result = json.loads(cli(capsys, "search", "Wahl", "--index", path, "--json").out)
    assert hit_ids(result) == ["c1"]
    assert result["hits"][0]["title"] == "Wahl in Wien"
    tagged = json.loads(cli(capsys, "search", "tags:wien", "--index", path, "--json").out)
    assert hit_ids(tagged) == ["c1"]


@pytest.mark.parametrize(
    ("name", "options"), [("gnad.csv", ()), ("gnad.txt", ("--format", "10kgnad"))]
)
def test_index_10kgnad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, options: Sequence[str]
) -> None:
    source = tmp_path / name
    source.write_text(
        "Sport;'Rapid gewinnt das Derby gegen die Austria. Die Fans feierten lange.'\n"
        "Wirtschaft;'Die Inflation sinkt deutlich. Ökonomen sind erleichtert.'\n",
        encoding="utf-8",
    )
    path = tmp_path / "ix"
    run = cli(capsys, "index", source, "--index", path, *options)
    assert run.code == 0, run.err
    result = json.loads(cli(capsys, "search", "Fans", "--index", path, "--json").out)
    assert hit_ids(result) == ["gnad-1"]
    hit = result["hits"][0]
    # No title: the lead (the first sentence) is shown as the title.
    assert hit["title"] == "Rapid gewinnt das Derby gegen die Austria."
    assert hit["highlights"]["body"] == ["Die <mark>Fans</mark> feierten lange."]
    sport = json.loads(cli(capsys, "search", "section:sport", "--index", path, "--json").out)
    assert hit_ids(sport) == ["gnad-1"]


def test_reimporting_an_id_replaces_the_article(
    tmp_path: Path, cli_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    update = write_jsonl(
        tmp_path / "update.jsonl",
        [
            {"id": "sport-1", "title": "Austria gewinnt das Stadtderby", "body": "Ein Krimi."},
            {"id": "neu-1", "title": "Neuer Artikel über Radwege", "body": "Radwege in Graz."},
        ],
    )
    run = cli(capsys, "index", update, "--index", cli_index)
    assert run.code == 0, run.err
    assert "(1 new, 1 replaced, 0 skipped)" in run.out
    assert "the index holds 6 articles" in run.out
    assert (
        hit_ids(json.loads(cli(capsys, "search", "Rapid", "--index", cli_index, "--json").out))
        == []
    )
    result = json.loads(cli(capsys, "search", "Stadtderby", "--index", cli_index, "--json").out)
    assert hit_ids(result) == ["sport-1"]


def test_rebuild_replaces_the_whole_index(
    tmp_path: Path, cli_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only = write_jsonl(tmp_path / "only.jsonl", [{"id": "x1", "title": "Radwege in Graz"}])
    run = cli(capsys, "index", only, "--index", cli_index, "--rebuild")
    assert run.code == 0, run.err
    assert "the index holds 1 articles" in run.out
    stats = json.loads(cli(capsys, "stats", "--index", cli_index, "--json").out)
    assert stats["documents"] == 1
    assert (
        hit_ids(json.loads(cli(capsys, "search", "Derby", "--index", cli_index, "--json").out))
        == []
    )
    assert [p.name for p in cli_index.parent.iterdir() if p.name.startswith(".")] == []


def test_skip_bad_reports_and_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        '{"id": "g1", "title": "Gute Nachricht"}\n'
        '{"id": "g2", "title": \n'
        '{"id": "g3", "title": "Noch eine gute Nachricht"}\n',
        encoding="utf-8",
    )
    path = tmp_path / "ix"
    run = cli(capsys, "index", source, "--index", path, "--skip-bad")
    assert run.code == 0, run.err
    assert "(2 new, 0 replaced, 1 skipped)" in run.out
    assert len(run.err_lines) == 1
    assert f"{source}:2:" in run.err and "skipped" in run.err
    result = json.loads(cli(capsys, "search", "Nachricht", "--index", path, "--json").out)
    assert sorted(hit_ids(result)) == ["g1", "g3"]


BAD_INPUTS = [
    pytest.param(
        "bad.jsonl", '{"id": "b1", "title": "Gut"}\n{"id": "b2", "title": \n', 2, id="jsonl-syntax"
    ),
    pytest.param("noid.jsonl", '{"id": "b1", "title": "Gut"}\n\n{"title": "A"}\n', 3, id="no-id"),
    pytest.param("empty.jsonl", '{"id": "b1", "title": "", "body": "  "}\n', 1, id="no-text"),
    pytest.param("list.jsonl", "[1, 2]\n", 1, id="not-an-object"),
    pytest.param(
        "date.jsonl", '{"id": "b1", "title": "Gut", "published": "gestern"}\n', 1, id="bad-date"
    ),
    pytest.param("dup.csv", "id,title\nd1,Eins\nd1,Zwei\n", 3, id="duplicate-id"),
    pytest.param(
        "cols.csv",
        'id,title,body\nm1,Eins,"Zeile eins\nZeile zwei"\nm2,Zwei\n',
        4,
        id="csv-columns",
    ),
    pytest.param("gnad.csv", "Sport;'Rapid gewinnt.'\nKaputt\n", 2, id="10kgnad-row"),
]


@pytest.mark.parametrize(("name", "content", "line"), BAD_INPUTS)
def test_bad_input_names_file_and_line_and_builds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, line: int
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    path = tmp_path / "ix"
    run = cli(capsys, "index", source, "--index", path)
    assert run.code == 1
    assert run.out == ""
    assert len(run.err_lines) == 1, run.err
    assert f"{source}:{line}:" in run.err
    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(("name", "content", "line"), BAD_INPUTS[:2])
def test_bad_input_leaves_an_existing_index_unchanged(
    tmp_path: Path,
    cli_index: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str,
    line: int,
) -> None:
    before = snapshot(cli_index)
    siblings = sorted(p.name for p in cli_index.parent.iterdir())
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    run = cli(capsys, "index", source, "--index", cli_index)
    assert run.code == 1
    assert len(run.err_lines) == 1 and f"{source}:{line}:" in run.err
    assert snapshot(cli_index) == before
    assert sorted(p.name for p in cli_index.parent.iterdir()) == sorted([*siblings, name])
    # "Gut" is in the bad file's first (valid) record: nothing of it was indexed.
    assert (
        json.loads(cli(capsys, "search", "Gut", "--index", cli_index, "--json").out)["total"] == 0
    )


def test_index_refuses_a_directory_that_is_not_an_index(
    tmp_path: Path, articles_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    run = cli(capsys, "index", articles_file, "--index", other)
    assert run.code == 1
    assert len(run.err_lines) == 1 and str(other) in run.err
    assert snapshot(other) == {"holiday.jpg": b"\xff\xd8"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_source_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.jsonl"
    run = cli(capsys, "index", missing, "--index", tmp_path / "ix")
    assert run.code == 1
    assert len(run.err_lines) == 1 and str(missing) in run.err
    assert not (tmp_path / "ix").exists()


# -- search ----------------------------------------------------------------------


def test_search_prints_hits_with_highlighted_snippets(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "search", "Inflation", "--index", small_index.path)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("1 hit for 'Inflation' (showing 1–1, ")
    assert "  1. **Inflation** sinkt auf 1,5 Prozent" in lines
    assert any("wirtschaft-1" in line and "Wirtschaft" in line for line in lines)
    assert any("Die **Inflation** in Österreich" in line for line in lines)
    assert "\x1b[" not in run.out


def test_search_colours_on_request(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "search", "Inflation", "--index", small_index.path, "--color", "always")
    assert "\x1b[1;33mInflation\x1b[0m" in run.out
    assert "**" not in run.out


def test_search_limit_and_offset(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "die OR der OR Inflation OR Regierung OR Derby"
    full = json.loads(cli(capsys, "search", query, "--index", small_index.path, "--json").out)
    assert full["total"] >= 4
    page = json.loads(
        cli(
            capsys,
            "search",
            query,
            "--index",
            small_index.path,
            "--json",
            "--limit",
            "2",
            "--offset",
            "2",
        ).out
    )
    assert page["total"] == full["total"]
    assert hit_ids(page) == hit_ids(full)[2:4]
    assert [h["rank"] for h in page["hits"]] == [3, 4]
    human = cli(
        capsys, "search", query, "--index", small_index.path, "--limit", "1", "--offset", "1"
    )
    assert "(showing 2–2, " in human.out
    assert re.search(r"^\s+2\. ", human.out, re.MULTILINE)
    assert not re.search(r"^\s+[13]\. ", human.out, re.MULTILINE)


def test_search_json_shape_escaping_and_marks(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "search", "Opposition Wahlkampf", "--index", small_index.path, "--json")
    assert run.code == 0, run.err
    result = json.loads(run.out)  # exactly one JSON value, nothing else
    assert set(result) == {"query", "total", "took_ms", "startup_ms", "partial", "warnings", "hits"}
    assert result["query"] == "Opposition Wahlkampf"
    # took_ms is the query; opening the index and loading the analysis data is startup_ms.
    assert isinstance(result["startup_ms"], int | float) and result["startup_ms"] > 0
    assert isinstance(result["total"], int) and result["total"] == len(result["hits"]) == 1
    assert isinstance(result["took_ms"], int | float) and result["took_ms"] >= 0
    (hit,) = result["hits"]
    assert set(hit) == {
        "id",
        "rank",
        "score",
        "title",
        "lead",
        "published",
        "section",
        "source",
        "author",
        "url",
        "tags",
        "duplicates",
        "duplicate_count",
        "highlights",
    }
    assert hit["duplicates"] == [] and hit["duplicate_count"] == 0
    assert (hit["id"], hit["rank"], hit["title"]) == ("politik-2", 1, "Regierung plant Reform")
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert set(hit["highlights"]) == {"title", "body"}
    assert hit["highlights"]["title"] is None  # the title does not match
    body = hit["highlights"]["body"]
    assert isinstance(body, list) and 1 <= len(body) <= 3
    assert all(isinstance(fragment, str) for fragment in body)
    text = " ".join(body)
    assert "<mark>Opposition</mark>" in text and "<mark>Wahlkampf</mark>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&amp; Theater" in text
    assert "<" not in text.replace("<mark>", "").replace("</mark>", "")


def test_search_json_title_highlight(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    result = json.loads(
        cli(capsys, "search", "Inflation", "--index", small_index.path, "--json").out
    )
    assert (
        result["hits"][0]["highlights"]["title"] == "<mark>Inflation</mark> sinkt auf 1,5 Prozent"
    )


def test_search_without_highlights_gives_the_same_hits_without_snippets(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("search", "Inflation", "--index", small_index.path, "--json")
    full = json.loads(cli(capsys, *args).out)
    bare = json.loads(cli(capsys, *args, "--no-highlights").out)
    assert [h["id"] for h in bare["hits"]] == [h["id"] for h in full["hits"]] != []
    assert full["hits"][0]["highlights"]["body"] != []
    assert all(h["highlights"] == {"title": None, "body": []} for h in bare["hits"])


def test_search_json_no_hits(small_index: NewsIndex, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "search", "Quantencomputer", "--index", small_index.path, "--json")
    assert run.code == 0
    result = json.loads(run.out)
    assert (result["total"], result["hits"]) == (0, [])


def test_search_filters(small_index: NewsIndex, capsys: pytest.CaptureFixture[str]) -> None:
    query = "Regierung OR Verteidigungsminister OR Derby"
    inland = json.loads(
        cli(
            capsys, "search", query, "--index", small_index.path, "--json", "--section", "Inland"
        ).out
    )
    assert sorted(hit_ids(inland)) == ["politik-1", "politik-2"]
    sport = json.loads(
        cli(
            capsys,
            "search",
            query,
            "--index",
            small_index.path,
            "--json",
            "--author",
            "Anna Berger",
            "--tag",
            "Wien",
        ).out
    )
    assert hit_ids(sport) == ["sport-1"]


def test_search_sorts_by_publication_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(
        tmp_path / "dated.jsonl",
        [
            # 22:30 UTC on the 14th, though the local date is the 15th.
            {"id": "local", "title": "Wahl in Wien", "published": "2025-08-15T00:30:00+02:00"},
            {"id": "naive", "title": "Wahl in Graz", "published": "2025-08-14T23:00:00"},
            {"id": "date", "title": "Wahl in Linz", "published": "2025-08-14"},
        ],
    )
    path = tmp_path / "ix"
    assert cli(capsys, "index", source, "--index", path).code == 0
    newest = json.loads(
        cli(capsys, "search", "Wahl", "--index", path, "--json", "--sort", "newest").out
    )
    assert hit_ids(newest) == ["naive", "local", "date"]
    oldest = json.loads(
        cli(capsys, "search", "Wahl", "--index", path, "--json", "--sort", "oldest").out
    )
    assert hit_ids(oldest) == ["date", "local", "naive"]


def test_search_reads_queries_from_stdin(
    small_index: NewsIndex, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Inflation\n\n  Derby  \nMueller\n"))
    run = cli(capsys, "search", "-", "--index", small_index.path, "--limit", "3")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 3
    results = [json.loads(line) for line in lines]
    assert [r["query"] for r in results] == ["Inflation", "Derby", "Mueller"]
    assert [hit_ids(r) for r in results] == [["wirtschaft-1"], ["sport-1"], ["wirtschaft-1"]]
    for result in results:
        assert set(result) == {"query", "total", "took_ms", "partial", "warnings", "hits"}
    assert "<mark>Müller</mark>" in " ".join(results[2]["hits"][0]["highlights"]["body"])


# -- analyze, stats, delete ------------------------------------------------------------


def test_analyze_json_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Der US-Präsident gibt Sicherheitsgarantien, z.B. am 15. August."
    run = cli(capsys, "analyze", text, "--json")
    assert run.code == 0, run.err
    tokens = json.loads(run.out)["tokens"]
    assert tokens
    positions = []
    for token in tokens:
        assert {"text", "start", "end", "position"} <= set(token)
        assert all(isinstance(token[k], int) for k in ("start", "end", "position"))
        assert 0 <= token["start"] < token["end"] <= len(text)
        if "original" in token:
            assert text[token["start"] : token["end"]] == token["original"]
        positions.append(token["position"])
    assert positions == sorted(positions)
    by_text = {t["text"]: t for t in tokens}
    assert text[by_text["us-prasident"]["start"] : by_text["us-prasident"]["end"]] == "US-Präsident"
    assert text[by_text["prasident"]["start"] : by_text["prasident"]["end"]] == "Präsident"
    assert "der" not in by_text  # a stopword
    compound = [t for t in tokens if text[t["start"] : t["end"]] == "Sicherheitsgarantien"]
    assert len(compound) >= 2 and len({t["position"] for t in compound}) == 1


def test_analyze_human(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "analyze", "Sicherheitsgarantien für Müller")
    assert run.code == 0, run.err
    assert any("Sicherheitsgarantien" in line and "cpart" in line for line in run.out.splitlines())
    assert any(line.split()[1:2] == ["Müller"] for line in run.out.splitlines())
    assert not any(" für " in line for line in run.out.splitlines())  # a stopword


def test_stats(small_index: NewsIndex, capsys: pytest.CaptureFixture[str]) -> None:
    human = cli(capsys, "stats", "--index", small_index.path)
    assert human.code == 0, human.err
    assert re.search(r"^documents\s+5 \(0 deleted", human.out, re.MULTILINE)
    assert re.search(r"^terms\s+.*\bbody \d+", human.out, re.MULTILINE)
    assert re.search(r"^size on disk\s+[\d.]+ MB", human.out, re.MULTILINE)
    assert re.search(r"^analyzer\s+.*stemming=True", human.out, re.MULTILINE)
    stats = json.loads(cli(capsys, "stats", "--index", small_index.path, "--json").out)
    assert stats["documents"] == 5 and stats["deleted"] == 0
    assert stats["size_bytes"] > 0
    assert all(isinstance(n, int) and n > 0 for n in stats["terms"].values())
    assert {"title", "body"} <= set(stats["terms"])
    assert {"analyzer", "boosts"} <= set(stats["settings"])


def test_delete(cli_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "delete", "sport-1", "no-such-id", "--index", cli_index)
    assert run.code == 0, run.err
    assert run.out.strip() == "deleted 1 of 2 articles"
    assert json.loads(cli(capsys, "stats", "--index", cli_index, "--json").out)["documents"] == 4
    assert (
        hit_ids(json.loads(cli(capsys, "search", "Derby", "--index", cli_index, "--json").out))
        == []
    )


# -- eval ------------------------------------------------------------------------------

EVAL_DOCS = [
    {"id": "d1", "title": "Inflation sinkt", "body": "Die Inflation in Österreich ist gesunken."},
    {"id": "d2", "title": "Rapid gewinnt das Derby", "body": "Im Wiener Derby siegte Rapid."},
    {"id": "d3", "title": "Regierung plant Reform", "body": "Eine Reform der Pensionen."},
]
EVAL_QUERIES = [
    {"id": "q1", "text": "Inflation"},
    {"id": "q2", "text": "Derby"},
    {"id": "q3", "text": "Reform der Regierung"},
]
METRICS = ("MRR@10", "nDCG@10", "R@1", "R@10", "R@100")


def eval_collection(tmp_path: Path, qrels: str) -> tuple[Path, Path, Path]:
    coll = tmp_path / "coll"
    coll.mkdir(exist_ok=True)
    docs = write_jsonl(coll / "docs.jsonl", EVAL_DOCS)
    queries = write_jsonl(coll / "queries.jsonl", EVAL_QUERIES)
    qrels_path = coll / "qrels.tsv"
    qrels_path.write_text(qrels, encoding="utf-8")
    return docs, queries, qrels_path


def test_eval_perfect_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = eval_collection(tmp_path, "q1\td1\t1\nq2\td2\t2\nq3\td3\t1\n")
    run_file = tmp_path / "run.txt"
    run = cli(capsys, "eval", *files, "--run", run_file, "--json")
    assert run.code == 0, run.err
    metrics = json.loads(run.out)
    assert metrics["queries"] == 3
    for name in METRICS:
        assert metrics[name] == pytest.approx(1.0), name
    lines = [line.split() for line in run_file.read_text(encoding="utf-8").splitlines()]
    firsts = {cells[0]: cells[2] for cells in lines if cells[3] == "1"}
    assert firsts == {"q1": "d1", "q2": "d2", "q3": "d3"}
    assert all(len(cells) == 6 and cells[1] == "Q0" for cells in lines)
    # No index is left in the working directory or the repository.
    assert not Path("index").exists()


def test_eval_partial_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # q2's relevant document does not contain "Derby": never retrieved.
    files = eval_collection(tmp_path, "q1 0 d1 1\nq2 0 d3 1\n")
    metrics = json.loads(cli(capsys, "eval", *files, "--json").out)
    assert metrics["queries"] == 2
    for name in METRICS:
        assert 0.0 <= metrics[name] <= 1.0
    assert metrics["MRR@10"] == pytest.approx(0.5)
    assert metrics["R@1"] == pytest.approx(0.5)
    human = cli(capsys, "eval", *files)
    assert human.code == 0
    assert re.search(r"^MRR@10\s+0\.5000$", human.out, re.MULTILINE)
    assert "3 documents, 2 judged queries" in human.out


def test_eval_bad_qrels_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, queries, qrels = eval_collection(tmp_path, "q1\td1\t1\nq2\td2\n")
    run = cli(capsys, "eval", docs, queries, qrels)
    assert run.code == 1
    assert len(run.err_lines) == 1 and f"{qrels}:2:" in run.err


def test_eval_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, _, qrels = eval_collection(tmp_path, "q1\td1\t1\n")
    run = cli(capsys, "eval", docs, tmp_path / "nope.jsonl", qrels)
    assert run.code == 1
    assert len(run.err_lines) == 1 and "nope.jsonl" in run.err


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [("search", "Putin"), ("stats",), ("stats", "--json"), ("delete", "seed")],
    ids=" ".join,
)
def test_missing_index_is_one_line_that_says_how_to_build_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    missing = tmp_path / "nowhere"
    run = cli(capsys, *argv, "--index", missing)
    assert run.code == 1
    assert run.out == ""
    assert len(run.err_lines) == 1
    assert str(missing) in run.err
    assert "newssearch index" in run.err
    assert not missing.exists()


def test_missing_default_index_is_not_created_by_stats(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "stats")
    assert run.code == 1
    assert len(run.err_lines) == 1
    assert "index/default" in run.err and "newssearch index" in run.err
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("bogus",),
        ("search",),
        ("search", "x", "--limit", "-1"),
        ("search", "x", "--offset", "zwei"),
        ("search", "x", "--sort", "random"),
        ("search", "x", "--no-such-option"),
        ("index",),
        ("index", "a.jsonl", "--format", "xml"),
        ("analyze",),
        ("delete",),
        ("eval", "docs.jsonl", "queries.jsonl"),
    ],
    ids=lambda argv: " ".join(argv) or "(none)",
)
def test_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    run = cli(capsys, *argv)
    assert run.code == 2
    assert run.out == ""
    assert len(run.err_lines) == 1, run.err
    assert "error" in run.err


def test_unexpected_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> list[object]:
        raise RuntimeError("kaputt")

    monkeypatch.setattr("newssearch.cli.ns.analyze", broken)
    run = cli(capsys, "analyze", "Text")
    assert run.code == 1
    assert run.err_lines == ["newssearch: error: internal error: RuntimeError: kaputt"]


def test_bad_csv_column_option_is_one_line(
    articles_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "index", articles_file, "--index", tmp_path / "ix", "--csv-column", "title")
    assert run.code == 1
    assert len(run.err_lines) == 1 and "FIELD=COLUMN" in run.err
    assert not (tmp_path / "ix").exists()


# -- a real process ----------------------------------------------------------------


def newssearch_process(
    cwd: Path, *argv: str | Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newssearch", *map(str, argv)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_console_script_is_declared_and_points_at_main() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["scripts"]["newssearch"] == "newssearch.cli:main"
    (entry,) = importlib.metadata.entry_points(group="console_scripts", name="newssearch")
    assert entry.value == "newssearch.cli:main"
    assert entry.load() is main


def test_module_entry_point_indexes_and_searches_stdin(
    tmp_path: Path, workdir: Path, articles_file: Path
) -> None:
    path = tmp_path / "ix"
    built = newssearch_process(workdir, "index", articles_file, "--index", path)
    assert built.returncode == 0, built.stderr
    assert "indexed 5 articles" in built.stdout
    found = newssearch_process(
        workdir, "search", "-", "--index", path, "--limit", "2", stdin="Putin\nGarantien\n"
    )
    assert found.returncode == 0, found.stderr
    results = [json.loads(line) for line in found.stdout.splitlines()]
    assert [r["query"] for r in results] == ["Putin", "Garantien"]
    assert hit_ids(results[0]) == ["seed"]
    assert set(hit_ids(results[1])) == {"seed", "politik-1"}
    assert "Traceback" not in found.stderr + built.stderr
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "code"),
    [(("search", "Putin", "--index", "missing"), 1), (("search", "--limit", "x"), 2)],
    ids=["missing-index", "usage"],
)
def test_process_errors_print_one_line_and_no_traceback(
    workdir: Path, argv: tuple[str, ...], code: int
) -> None:
    done = newssearch_process(workdir, *argv)
    assert done.returncode == code
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("newssearch")
    assert not any(line.startswith("Traceback") for line in lines)
    assert list(workdir.iterdir()) == []


def test_search_without_an_index_builds_the_default_one_and_says_where(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    place = workdir / "daten" / "newssearch"
    monkeypatch.setenv("NEWSSEARCH_INDEX", str(place))
    first = cli(capsys, "search", "Regierung", "--limit", "1")
    assert first.code == 0
    assert f"building the default index at {place}" in first.err
    assert (place / "newssearch.json").is_file()
    again = cli(capsys, "search", "Regierung", "--limit", "1")
    assert again.code == 0 and "building" not in again.err
    stats = cli(capsys, "stats", "--json")
    assert json.loads(stats.out)["documents"] == 1028


def test_the_progress_bar_says_the_phase_and_the_time_left() -> None:
    import io

    from newssearch.cli import _duration, _ProgressBar

    now = [100.0]
    out = io.StringIO()
    bar = _ProgressBar(out, clock=lambda: now[0])
    bar.phase("reading and checking news.jsonl …")
    bar(0, 10_000)
    now[0] = 110.0
    bar(2_000, 10_000)  # 200 articles/s: 8,000 left take 40 s
    assert out.getvalue().rsplit("\r", 1)[1].endswith("2,000/10,000 articles, about 40 s left")
    now[0] = 150.0
    bar(10_000, 10_000)
    last = out.getvalue().rsplit("\r", 1)[1]
    assert "10,000/10,000 articles" in last and "finishing the index" in last
    bar.end()
    assert out.getvalue().endswith("\n")
    # A shorter line overwrites a longer one completely.
    lines = out.getvalue().split("\r")
    assert len(lines[2]) >= len(lines[1].rstrip())
    assert [_duration(s) for s in (0.2, 59, 125, 3700)] == ["1 s", "59 s", "2 min 5 s", "1 h 1 min"]
