"""Measuring: index builds in a child process, query latency, the whole suite.

For each corpus size every engine builds an on-disk index in a forked child
process (wall time, articles/s, MB/s of raw text, peak RSS, size on disk),
then answers the query sets single-threaded and warm (every query once
untimed, then timed): p50/p95/p99 in ms and queries/s, with and without
highlighting the top 10 where the engine can highlight.  The timed loops
count documents and hits, and a run stops with :class:`BenchmarkError` when
an engine indexes fewer articles than it was given or finds nothing, so that
a broken build cannot look fast.
"""

from __future__ import annotations

import importlib.metadata
import multiprocessing
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from newssearch.article import Article
from newssearch.bench.corpus import corpus, stream, text_bytes
from newssearch.bench.engines import Engine, OpenEngine, engine
from newssearch.bench.queries import QuerySets, load_queries
from newssearch.bench.results import IndexTiming, Latency, SpeedReport
from newssearch.errors import BenchmarkError

__all__ = ["environment", "measure_indexing", "measure_queries", "percentile", "run_suite"]

#: A progress callback: one line of text per step.
Progress = Callable[[str], None]


def run_suite(
    sizes: Sequence[int],
    engines: Sequence[str],
    *,
    queries_per_kind: int | None = None,
    workdir: str | Path | None = None,
    progress: Progress | None = None,
    copies: int = 1,
) -> SpeedReport:
    """Index a corpus of each of ``sizes`` with each of ``engines`` and time the queries.

    With ``copies`` > 1 every story of the corpus appears that many times as
    edited wire copies (:func:`~newssearch.bench.corpus.corpus`).

    The indexes are built in a temporary directory (inside ``workdir`` when
    given) and removed as soon as they have been measured.  ``progress`` gets
    one line per index built.  Unknown or unavailable engines and sizes below
    1 are a :class:`BenchmarkError` before anything runs.
    """
    for size in sizes:
        if size < 1:
            raise BenchmarkError(f"corpus sizes must be at least 1, not {size}")
    if copies < 1:
        raise BenchmarkError(f"copies must be at least 1, not {copies}")
    chosen = [engine(name) for name in engines]
    for e in chosen:
        reason = e.unavailable()
        if reason is not None:
            raise BenchmarkError(f"engine {e.name} cannot run: {reason}")
    queries = load_queries(per_kind=queries_per_kind)
    indexing: list[IndexTiming] = []
    latency: list[Latency] = []
    with tempfile.TemporaryDirectory(prefix="newssearch-speed-", dir=workdir) as tmp:
        for size in sizes:
            # Made anew by each reader: a million articles are never held at once.
            docs = stream(size) if copies == 1 else corpus(size, copies=copies)
            for e in chosen:
                path = Path(tmp) / f"{e.name}-{size}"
                timing = measure_indexing(e, path, docs)
                indexing.append(timing)
                if progress is not None:
                    progress(f"{size:>7} {e.name}: {timing.articles_per_s:.0f} articles/s")
                opened = e.open(path)
                try:
                    latency.extend(measure_queries(e, opened, size=size, queries=queries))
                finally:
                    opened.close()
                shutil.rmtree(path)
    return SpeedReport(
        environment=environment(copies=copies),
        queries={k: len(v) for k, v in queries.items()},
        indexing=tuple(indexing),
        latency=tuple(latency),
    )


def measure_indexing(engine: Engine, path: Path, docs: Collection[Article]) -> IndexTiming:
    """Build ``engine``'s index of ``docs`` at ``path`` in a forked child and time it.

    In a child process the peak memory is the build's own (plus the corpus
    pages it touches), not whatever the parent held before.
    """
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        raise BenchmarkError("the speed benchmark needs os.fork (Linux or macOS)") from None
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_build_child, args=(engine, path, docs, sender))
    proc.start()
    sender.close()
    try:
        status, detail, count, peak_mb, workers_mb = receiver.recv()
    except EOFError:
        status, detail, count, peak_mb, workers_mb = "error", "the build process died", 0, 0.0, 0.0
    finally:
        receiver.close()
    proc.join()
    if status != "ok":
        raise BenchmarkError(f"{engine.name}: indexing failed: {detail}")
    if proc.exitcode != 0 or count != len(docs):
        raise BenchmarkError(f"{engine.name} indexed {count} of {len(docs)} articles")
    seconds = float(detail)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return IndexTiming(
        engine=engine.name,
        size=len(docs),
        seconds=seconds,
        articles_per_s=len(docs) / seconds,
        mb_per_s=text_bytes(docs) / 1e6 / seconds,
        peak_rss_mb=peak_mb,
        index_mb=size / 1e6,
        documents=count,
        worker_peak_rss_mb=workers_mb,
    )


def _build_child(engine: Engine, path: Path, docs: Collection[Article], out: Connection) -> None:
    """In the child: build, then send ``(status, seconds or error, documents, peak MB,
    largest worker's peak MB)``."""
    try:
        import resource

        prepare = getattr(engine, "prepare", None)  # input an engine reads, written untimed
        if prepare is not None:
            prepare(path, docs)
        started = time.perf_counter()
        count = engine.build(path, docs)
        seconds = time.perf_counter() - started
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        unit = 1024 * (1024 if sys.platform == "darwin" else 1)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
        workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / unit
        out.send(("ok", seconds, count, peak_mb, workers_mb))
    except BaseException as exc:  # tell the parent instead of printing a traceback here
        out.send(("error", f"{type(exc).__name__}: {exc}", 0, 0.0, 0.0))
    finally:
        out.close()


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p`` quantile (0–1) of ``values``, interpolated linearly between ranks.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    """
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure_queries(
    engine: Engine,
    opened: OpenEngine,
    *,
    size: int,
    queries: QuerySets,
    repeat: int = 1,
) -> Iterator[Latency]:
    """Time every query of the kinds ``engine`` answers, with and without highlights.

    Each batch runs once untimed (caches, lazily loaded data), then ``repeat``
    times timed, one query at a time.
    """
    for kind in engine.kinds:
        for highlight in (False, True) if engine.highlights else (False,):
            batch = queries[kind]
            for q in batch:
                opened.run(kind, q, highlight=highlight)
            times: list[float] = []
            found = 0
            for _ in range(repeat):
                for q in batch:
                    t = time.perf_counter()
                    found += opened.run(kind, q, highlight=highlight)
                    times.append((time.perf_counter() - t) * 1000.0)
            if found == 0:
                raise BenchmarkError(f"{engine.name} found nothing for the {kind} queries")
            yield Latency(
                engine=engine.name,
                size=size,
                kind=kind,
                highlight=highlight,
                queries=len(times),
                p50_ms=statistics.median(times),
                p95_ms=percentile(times, 0.95),
                p99_ms=percentile(times, 0.99),
                qps=len(times) / (sum(times) / 1000.0),
                found=found,
            )


def environment(*, copies: int = 1) -> dict[str, Any]:
    """Python, platform, CPU count, the versions of the packages that were measured,
    and the corpus (``copies``: each story that many times, as wire copies)."""
    import sqlite3

    versions: dict[str, str | None] = {}
    for package in ("newssearch", "whoosh3", "PyStemmer", "nltk", "tantivy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    versions["sqlite"] = sqlite3.sqlite_version
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "corpus": "bundled 10kGNAD sample; beyond 1,028 articles recombined from its "
        "sentences (a scaling test)"
        + (f"; every story {copies} times, as edited wire copies" if copies > 1 else ""),
    }
