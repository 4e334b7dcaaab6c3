"""The speed benchmark (``newssearch.bench``): a seconds-long run works and its numbers
add up, the corpus scales deterministically, reports keep their JSON form."""

from __future__ import annotations

import dataclasses
import json
import sys
import tomllib
from collections.abc import Sequence
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest

from newssearch.article import Article
from newssearch.bench import (
    BASELINE,
    ENGINES,
    KINDS,
    IndexTiming,
    Latency,
    OpenEngine,
    Query,
    SpeedReport,
    corpus,
    engine,
    load_queries,
    load_report,
    markdown,
    measure_indexing,
    measure_queries,
    merge_reports,
    plot,
    run_suite,
    stream,
    text_bytes,
)
from newssearch.bench.engines import NewsSearch, Tantivy
from newssearch.errors import BenchmarkError, InputError

ROOT = Path(__file__).resolve().parents[1]
THREE = [Article(id=f"a{i}", body="Ein Text.") for i in range(3)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> SpeedReport:
    """One small run of the suite: 60 articles, 3 queries per kind, newssearch and the baseline."""
    return run_suite(
        [60],
        ["newssearch", "whoosh-de"],
        queries_per_kind=3,
        workdir=tmp_path_factory.mktemp("speed"),
    )


def small_report(
    *, size: int = 60, engines: Sequence[str] = ("newssearch", BASELINE)
) -> SpeedReport:
    """A made-up report, for the tests that need numbers but no run."""
    return SpeedReport(
        environment={"python": "3", "versions": {"newssearch": "0.1.0"}},
        queries={"long": 3},
        indexing=tuple(
            IndexTiming(e, size, 2.0, size / 2.0, 0.5, 100.0, 1.5, size) for e in engines
        ),
        latency=tuple(
            Latency(e, size, "long", False, 3, 1.0, 2.0, 2.5, 900.0, 30) for e in engines
        ),
    )


# -- the suite ------------------------------------------------------------------------


def test_the_speed_suite_measures_newssearch_and_the_baseline(report: SpeedReport) -> None:
    data = report.as_dict()
    json.dumps(data)  # every number can be written out
    assert data["queries"] == dict.fromkeys(KINDS, 3)
    indexing = {row["engine"]: row for row in data["indexing"]}
    assert set(indexing) == {"newssearch", "whoosh-de"}
    for row in indexing.values():
        assert row["documents"] == 60 and row["size"] == 60
        assert row["seconds"] > 0 and row["articles_per_s"] > 0
        assert row["articles_per_s"] == pytest.approx(60 / row["seconds"])
        assert row["peak_rss_mb"] > 0 and row["index_mb"] > 0
    kinds = {(r["engine"], r["kind"], r["highlight"]) for r in data["latency"]}
    for name in ("newssearch", "whoosh-de"):
        for kind in KINDS:
            assert {(name, kind, False), (name, kind, True)} <= kinds
    for row in data["latency"]:
        assert row["queries"] == 3 and row["found"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    table = markdown(report)
    assert "× baseline" in table and "p95 / baseline p95 without highlights" in table
    assert "| 60 | newssearch |" in table and "| 60 | whoosh-de |" in table


def test_the_environment_names_the_measured_versions(report: SpeedReport) -> None:
    env = report.environment
    assert env["python"] == sys.version.split()[0]
    assert {"newssearch", "whoosh3", "PyStemmer", "nltk", "tantivy", "sqlite"} <= set(
        env["versions"]
    )


def test_the_suite_refuses_bad_arguments_before_it_runs(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkError, match="at least 1"):
        run_suite([60, 0], ["newssearch"], workdir=tmp_path)
    with pytest.raises(BenchmarkError, match="unknown engine 'lucene'"):
        run_suite([60], ["newssearch", "lucene"], workdir=tmp_path)
    with pytest.raises(BenchmarkError, match="at least 1"):
        run_suite([60], ["newssearch"], queries_per_kind=0, workdir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_engine_that_is_not_installed_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Tantivy, "unavailable", lambda self: "not installed")
    with pytest.raises(BenchmarkError, match="tantivy-de cannot run: not installed"):
        run_suite([60], ["newssearch", "tantivy-de"], workdir=tmp_path)


# -- measuring ------------------------------------------------------------------------


class _Broken(NewsSearch):
    """Indexes one article too few, or fails."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail

    def build(self, path: Path, docs: Sequence[Article]) -> int:
        if self.fail:
            raise ValueError("kaputt")
        path.mkdir()
        return len(docs) - 1


def test_a_build_that_loses_articles_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkError, match="indexed 2 of 3 articles"):
        measure_indexing(_Broken(), tmp_path / "ix", THREE)


def test_a_failing_build_is_reported_by_the_parent_without_a_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(BenchmarkError, match="indexing failed: ValueError: kaputt"):
        measure_indexing(_Broken(fail=True), tmp_path / "ix", THREE)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


class _FindsNothing:
    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        return 0

    def close(self) -> None:
        pass


def test_an_engine_that_finds_nothing_stops_the_run() -> None:
    opened: OpenEngine = _FindsNothing()
    with pytest.raises(BenchmarkError, match="newssearch found nothing for the short queries"):
        list(measure_queries(NewsSearch(), opened, size=3, queries=load_queries(per_kind=2)))


# -- inputs -------------------------------------------------------------------------


def test_the_streamed_corpus_is_the_corpus_made_anew_on_each_reading() -> None:
    lazy = stream(1500)
    assert len(lazy) == 1500
    assert list(lazy) == corpus(1500)
    assert list(lazy) == list(lazy)  # every reading the same articles
    assert next(iter(stream(1500, seed=7))) == corpus(1)[0]  # the real ones come first
    assert [a.id for a in stream(1500, seed=7)][-1] == "synthetic-471"
    assert list(stream(1500, seed=7)) != list(lazy)  # another seed, other recombinations
    assert corpus(1500)[1100] in lazy
    assert text_bytes(lazy) == text_bytes(corpus(1500))


def test_the_scaling_corpus_has_unique_ids_and_real_sentences() -> None:
    docs = corpus(1500)
    assert len(docs) == 1500
    assert len({d.id for d in docs}) == 1500
    assert all(d.body for d in docs[1028:])  # the recombined ones
    assert corpus(1500)[1200] == docs[1200]
    assert text_bytes(docs[:10]) == sum(
        len((d.title + d.lead + d.body).encode("utf-8")) for d in docs[:10]
    )


def test_the_wire_corpus_has_every_story_in_edited_copies() -> None:
    docs = corpus(60, copies=3)
    assert len(docs) == 60 and len({d.id for d in docs}) == 60
    assert corpus(60, copies=3) == docs  # deterministic
    stories: dict[str, list[Article]] = {}
    for d in docs:
        stories.setdefault(d.id.split("-copy-")[0], []).append(d)
    assert list(map(len, stories.values())) == [3] * 20
    originals = {d.id: d for d in corpus(20)}
    assert set(stories) == set(originals)
    changed = 0
    for story, copies in stories.items():
        assert originals[story] in copies
        original = (originals[story].title, originals[story].body)
        changed += sum((c.title, c.body) != original for c in copies if c.id != story)
    assert changed >= 36  # of 40 copies (a one-sentence body cannot lose its last)
    assert [d.id for d in docs[:3]] != [d.id for d in corpus(3, copies=1)]  # shuffled
    with pytest.raises(ValueError, match="at least 1"):
        corpus(10, copies=0)


def test_the_command_line_engine_builds_through_newssearch_index(tmp_path: Path) -> None:
    timing = measure_indexing(engine("newssearch-cli"), tmp_path / "cli", corpus(12))
    assert timing.documents == 12 and timing.engine == "newssearch-cli"
    assert (tmp_path / "cli.jsonl").is_file()  # written before the clock started
    assert timing.worker_peak_rss_mb > 0  # the newssearch process's
    opened = engine("newssearch-cli").open(tmp_path / "cli")
    try:
        hits = opened.run("short", Query("Regierung"), highlight=False)
        assert 0 < hits <= 10  # hits only
        assert opened.run("short", Query("Regierung"), highlight=True) > hits  # and snippets
        assert opened.run("field", Query("title:Regierung"), highlight=False) >= 0
        with pytest.raises(BenchmarkError, match="one line"):
            opened.run("short", Query("zwei\nZeilen"), highlight=False)
        processes = [process for process, _ in opened._processes.values()]  # type: ignore[attr-defined]
        assert len(processes) == 2
    finally:
        opened.close()
    assert all(process.returncode == 0 for process in processes)


def test_a_command_line_search_that_fails_says_why(tmp_path: Path) -> None:
    opened = engine("newssearch-cli").open(tmp_path / "missing")
    try:
        with pytest.raises(BenchmarkError, match=r"newssearch search ended: .*missing"):
            opened.run("short", Query("Regierung"), highlight=False)
    finally:
        opened.close()


def test_the_suite_runs_on_wire_copies(tmp_path: Path) -> None:
    report = run_suite([12], ["newssearch-cli"], workdir=tmp_path, copies=3)
    assert "every story 3 times" in report.environment["corpus"]
    assert report.indexing[0].documents == 12
    with pytest.raises(BenchmarkError, match="copies must be at least 1"):
        run_suite([12], ["newssearch"], copies=0)


def test_the_shipped_query_sets_have_100_queries_of_each_kind() -> None:
    queries = load_queries()
    assert list(queries) == list(KINDS)
    assert all(len(batch) == 100 for batch in queries.values())
    assert all(q.section for q in queries["filter"])
    assert all(q.section is None for q in queries["short"])
    assert load_queries(per_kind=3)["long"] == queries["long"][:3]


def test_the_query_file_is_package_data() -> None:
    assert resources.files("newssearch.bench").joinpath("speed_queries.json").is_file()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = declared["tool"]["setuptools"]["package-data"]["newssearch"]
    assert any(fnmatch("bench/speed_queries.json", p) for p in patterns)


def test_engines_are_known_by_name() -> None:
    assert list(ENGINES) == [
        "newssearch",
        "whoosh-de",
        "newssearch-cli",
        "tantivy-de",
        "sqlite-fts5",
    ]
    for name in ENGINES:
        assert engine(name).name == name
        assert set(engine(name).kinds) <= set(KINDS)
    assert engine("newssearch").unavailable() is None
    with pytest.raises(BenchmarkError, match="known: newssearch, whoosh-de"):
        engine("elasticsearch")


# -- reports ------------------------------------------------------------------------


def test_a_report_survives_its_json_form(report: SpeedReport, tmp_path: Path) -> None:
    path = tmp_path / "speed.json"
    path.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    assert load_report(path) == report


def test_the_committed_speed_results_can_be_added_to() -> None:
    path = ROOT / "benchmarks" / "results" / "speed.json"
    earlier = load_report(path)
    assert earlier.as_dict() == json.loads(path.read_text(encoding="utf-8"))
    merged = merge_reports(earlier, small_report())
    assert merged.indexing[: len(earlier.indexing)] == earlier.indexing
    assert merged.latency[-2:] == small_report().latency
    assert merged.as_dict()["earlier_environment"] == earlier.as_dict()["environment"]
    assert markdown(merged).startswith(markdown(earlier).split("\n\n## Query")[0])


def test_merging_keeps_the_earlier_rows_first_and_its_environment() -> None:
    earlier = dataclasses.replace(small_report(size=10), environment={"python": "old"})
    merged = merge_reports(earlier, small_report())
    assert [t.size for t in merged.indexing] == [10, 10, 60, 60]
    assert merged.environment == small_report().environment
    data = merged.as_dict()
    assert list(data) == ["environment", "queries", "indexing", "latency", "earlier_environment"]
    assert data["earlier_environment"] == {"python": "old"}
    assert "earlier_environment" not in small_report().as_dict()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"environment": {}', "bad.json:1: not JSON"),
        ("[]", "not a speed report"),
        ('{"environment": {}, "indexing": []}', "no 'latency'"),
        ('{"environment": {}, "indexing": [{}], "latency": []}', "indexing[0] has no 'engine'"),
        (
            '{"environment": {}, "indexing": [], "latency": [{"engine": "x", "size": "1"}]}',
            "latency[0]: size must be a whole number",
        ),
    ],
)
def test_a_bad_report_file_is_an_input_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem.replace("[", r"\[")) as raised:
        load_report(path)
    assert str(path) in str(raised.value)


def test_a_missing_report_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the report: No such file"):
        load_report(tmp_path / "missing.json")


def test_the_markdown_ratios_are_against_the_baseline_of_the_same_size() -> None:
    table = markdown(merge_reports(small_report(size=10, engines=["newssearch"]), small_report()))
    lines = table.splitlines()
    assert "| 10 | newssearch | 2.0 | 5 | 0.50 | 0.00 | 100 | 0 | 1.5 |" in lines  # no baseline
    assert "| 60 | newssearch | 2.0 | 30 | 0.50 | 1.00 | 100 | 0 | 1.5 |" in lines
    assert "| 10 | long | newssearch | no | 1.00 | 2.00 | 2.50 | 900 | – |" in lines
    assert "| 60 | long | newssearch | no | 1.00 | 2.00 | 2.50 | 900 | 1.00 |" in lines


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert plot(small_report(), tmp_path / "speed.png")
    assert (tmp_path / "speed.png").read_bytes().startswith(b"\x89PNG")


def test_no_plot_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
    assert plot(small_report(), tmp_path / "speed.png") is False
    assert not (tmp_path / "speed.png").exists()
