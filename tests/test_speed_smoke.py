"""A seconds-long run of benchmarks/speed.py: the suite works and its numbers add up."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def speed(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("speed")


def test_the_speed_suite_measures_newssearch_and_the_baseline(
    speed: object, tmp_path: Path
) -> None:
    report = speed.run_suite(  # type: ignore[attr-defined]
        [60], ["newssearch", "whoosh-de"], queries_per_kind=3, workdir=tmp_path
    )
    json.dumps(report)  # every number can be written out
    indexing = {row["engine"]: row for row in report["indexing"]}
    assert set(indexing) == {"newssearch", "whoosh-de"}
    for row in indexing.values():
        assert row["documents"] == 60 and row["size"] == 60
        assert row["seconds"] > 0 and row["articles_per_s"] > 0
        assert row["peak_rss_mb"] > 0 and row["index_mb"] > 0
    kinds = {(r["engine"], r["kind"], r["highlight"]) for r in report["latency"]}
    for engine in ("newssearch", "whoosh-de"):
        for kind in ("short", "long", "phrase", "field", "filter"):
            assert {(engine, kind, False), (engine, kind, True)} <= kinds
    for row in report["latency"]:
        assert row["queries"] == 3
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    table = speed.markdown(report)  # type: ignore[attr-defined]
    assert "× baseline" in table and "newssearch" in table


def test_the_scaling_corpus_has_unique_ids_and_real_sentences(speed: object) -> None:
    docs = speed.corpus(1500)  # type: ignore[attr-defined]
    assert len(docs) == 1500
    assert len({d.id for d in docs}) == 1500
    assert all(d.body for d in docs[1028:])  # the recombined ones
    assert speed.corpus(1500)[1200] == docs[1200]  # type: ignore[attr-defined]
