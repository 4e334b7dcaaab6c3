"""The speed benchmark: indexing throughput and query latency of newssearch
against plain Whoosh and native engines (``newssearch bench``).

>>> from newssearch.bench import markdown, run_suite        # doctest: +SKIP
>>> report = run_suite([1000], ["newssearch", "whoosh-de"])  # doctest: +SKIP
>>> print(markdown(report))                                  # doctest: +SKIP

Not imported by ``import newssearch``: only the ``bench`` command needs it.
"""

from newssearch.bench.corpus import corpus, stream, text_bytes
from newssearch.bench.engines import BASELINE, ENGINES, Engine, OpenEngine, engine
from newssearch.bench.measure import environment, measure_indexing, measure_queries, run_suite
from newssearch.bench.queries import KINDS, Query, load_queries
from newssearch.bench.report import markdown, plot
from newssearch.bench.results import (
    IndexTiming,
    Latency,
    SpeedReport,
    load_report,
    merge_reports,
)

__all__ = [
    "BASELINE",
    "ENGINES",
    "KINDS",
    "Engine",
    "IndexTiming",
    "Latency",
    "OpenEngine",
    "Query",
    "SpeedReport",
    "corpus",
    "engine",
    "environment",
    "load_queries",
    "load_report",
    "markdown",
    "measure_indexing",
    "measure_queries",
    "merge_reports",
    "plot",
    "run_suite",
    "stream",
    "text_bytes",
]
