"""Fuzzed query texts (benchmarks/fuzz_queries.py): searched or refused with a
QueryError, never another exception, never unbounded.  The full run (10,000
queries on 10,000 articles) is in benchmarks/reliability.py."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ARTICLES
from newssearch import Searcher, build_index

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from fuzz_queries import corpus_vocabulary, fuzz_queries, run_fuzz  # benchmarks/


def test_fuzzed_queries_are_searched_or_refused_and_nothing_else(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", ARTICLES)
    texts = fuzz_queries(300, seed=7, vocabulary=corpus_vocabulary(ARTICLES))
    assert len(set(texts)) > 250
    with index, Searcher(index) as searcher:
        report = run_fuzz(searcher, texts, timeout=10.0)
    assert report.queries == 300
    assert (report.crashes, report.timeouts, report.other_errors) == (0, 0, 0), report.failures
    assert report.ok > 150 and report.query_errors > 5
