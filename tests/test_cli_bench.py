"""``newssearch bench``: one real small run, then the options and every bad input,
with the suite replaced by a canned report so that they take no time."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from newssearch import bench
from newssearch.bench import BASELINE, ENGINES, IndexTiming, Latency, SpeedReport
from newssearch.bench.engines import SQLiteFTS5, Tantivy
from test_cli import cli as run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in an empty working directory under ``tmp_path``."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def canned(sizes: Sequence[int], engines: Sequence[str]) -> SpeedReport:
    return SpeedReport(
        environment={"python": "now"},
        queries={"long": 3},
        indexing=tuple(
            IndexTiming(e, n, 2.0, n / 2.0, 0.5, 100.0, 1.5, n) for n in sizes for e in engines
        ),
        latency=tuple(
            Latency(e, n, "long", False, 3, 1.0, 2.0, 2.5, 900.0, 30)
            for n in sizes
            for e in engines
        ),
    )


@pytest.fixture()
def suite_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the suite by a canned report; the list records how it was called."""
    calls: list[dict[str, Any]] = []

    def fake_run_suite(sizes: Sequence[int], engines: Sequence[str], **options: Any) -> SpeedReport:
        calls.append({"sizes": list(sizes), "engines": list(engines), **options})
        for name in engines:
            options["progress"](f"{sizes[0]:>7} {name}: 30 articles/s")
        return canned(sizes, engines)

    monkeypatch.setattr(bench, "run_suite", fake_run_suite)
    return calls


# -- a real run ---------------------------------------------------------------------------


def test_bench_measures_and_writes_the_table_and_json(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["bench", "--sizes", "60", "--engines", "newssearch,whoosh-de", "--queries", "3"]
    run = run_cli(capsys, *argv, "--json", "out.json")
    assert run.code == 0, run.err
    assert run.out.startswith("## Indexing\n")
    assert "| 60 | newssearch |" in run.out and "| 60 | whoosh-de |" in run.out
    assert "## Query latency (single thread, warm, top 10)" in run.out
    assert [line.split(":")[0].split() for line in run.err_lines] == [
        ["60", "newssearch"],
        ["60", "whoosh-de"],
    ]
    report = json.loads((workdir / "out.json").read_text(encoding="utf-8"))
    assert list(report) == ["environment", "queries", "indexing", "latency"]
    assert {row["engine"] for row in report["indexing"]} == {"newssearch", "whoosh-de"}
    assert all(row["queries"] == 3 for row in report["latency"])
    assert sorted(p.name for p in workdir.iterdir()) == ["out.json"]  # no index left behind


# -- options (canned suite) ----------------------------------------------------------------


def test_bench_defaults_run_every_available_engine_on_three_sizes(
    suite_calls: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "bench")
    assert run.code == 0, run.err
    (call,) = suite_calls
    assert call["sizes"] == [1000, 10000, 100000]
    assert call["queries_per_kind"] is None and call["workdir"] is None
    assert set(call["engines"]) <= set(ENGINES) and call["engines"][:2] == ["newssearch", BASELINE]


def test_bench_skips_an_engine_that_is_not_installed_with_one_line(
    suite_calls: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Tantivy, "unavailable", lambda self: "not installed; pip install it")
    run = run_cli(capsys, "bench", "--sizes", "60", "--engines", "tantivy-de,newssearch")
    assert run.code == 0, run.err
    assert suite_calls[0]["engines"] == ["newssearch"]
    skipped = [line for line in run.err_lines if "tantivy" in line]
    assert skipped == ["newssearch: skipping tantivy-de (not installed; pip install it)"]
    assert "| 60 | newssearch |" in run.out


def test_bench_with_no_engine_left_fails(
    suite_calls: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SQLiteFTS5, "unavailable", lambda self: "no FTS5")
    run = run_cli(capsys, "bench", "--engines", "sqlite-fts5")
    assert run.code == 1
    assert run.err_lines == [
        "newssearch: skipping sqlite-fts5 (no FTS5)",
        "newssearch: error: no engine left to run",
    ]
    assert suite_calls == [] and run.out == ""


def test_bench_adds_to_an_earlier_report_and_plots(
    workdir: Path, suite_calls: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = workdir / "earlier.json"
    earlier.write_text(json.dumps(canned([10], ["whoosh-de"]).as_dict()), encoding="utf-8")
    run = run_cli(
        capsys,
        "bench",
        "--sizes",
        "60,70",
        "--engines",
        "whoosh-de",
        "--add-to",
        earlier,
        "--json",
        "new/speed.json",
        "--plot",
        "speed.png",
        "--workdir",
        workdir,
        "--queries",
        "5",
    )
    assert run.code == 0, run.err
    assert suite_calls[0]["queries_per_kind"] == 5 and suite_calls[0]["workdir"] == workdir
    assert suite_calls[0]["copies"] == 1
    merged = json.loads((workdir / "new" / "speed.json").read_text(encoding="utf-8"))
    assert [row["size"] for row in merged["indexing"]] == [10, 60, 70]
    assert merged["earlier_environment"] == {"python": "now"}
    assert run.out.index("| 10 | whoosh-de") < run.out.index("| 60 | whoosh-de")
    plotted = (workdir / "speed.png").exists()
    assert plotted or "no plot (matplotlib is not installed" in run.err


def test_bench_copies_runs_the_suite_on_wire_copies(
    suite_calls: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "bench", "--sizes", "60", "--engines", "newssearch", "--copies", "3")
    assert run.code == 0, run.err
    assert suite_calls[0]["copies"] == 3


def test_the_parser_imports_no_engine() -> None:
    code = (
        "import sys, newssearch, newssearch.cli; newssearch.cli._build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('newssearch.bench') "
        "or m in ('tantivy', 'matplotlib', 'sqlite3')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (("--sizes", "1000,zehn"), 2, "'zehn' is not a whole number"),
        (("--sizes", "0"), 2, "at least 1 article"),
        (("--sizes=-100",), 2, "at least 1 article"),
        (("--sizes", "100,"), 2, "'' is not a whole number"),
        (("--engines", "newssearch,lucene"), 2, "unknown engine 'lucene'"),
        (("--engines", ","), 2, "no engine named"),
        (("--queries", "0"), 2, "'0' is not positive"),
        (("--copies", "0"), 2, "'0' is not positive"),
        (("--add-to", "missing.json"), 1, "missing.json: cannot read the report"),
        (("--add-to", "broken.json"), 1, "broken.json:1: not JSON"),
        (("--add-to", "other.json"), 1, "other.json: not a speed report"),
        (("--json", "file.txt/out.json"), 1, "cannot write --json file.txt/out.json"),
        (("--json", "."), 1, "cannot write --json ."),
        (("--workdir", "nowhere"), 1, "--workdir nowhere is not a directory"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_bad_bench_input_is_one_line_and_runs_nothing(
    workdir: Path,
    suite_calls: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    code: int,
    says: str,
) -> None:
    (workdir / "broken.json").write_text('{"environment": ', encoding="utf-8")
    (workdir / "other.json").write_text('{"hits": []}', encoding="utf-8")
    (workdir / "file.txt").write_text("", encoding="utf-8")
    run = run_cli(capsys, "bench", *argv)
    assert run.code == code
    assert run.out == ""
    assert len(run.err_lines) == 1, run.err
    assert says in run.err and "error" in run.err
    assert suite_calls == []


def test_benchmarks_speed_py_is_the_bench_command(workdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--sizes", "x"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("newssearch bench: error: argument --sizes")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
