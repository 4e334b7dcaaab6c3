"""Where newssearch's time goes: a cProfile of indexing and of each query kind.

    python benchmarks/profile_speed.py [--size 10000] [--kinds short,long] [--top 12]
    python benchmarks/profile_speed.py --latency [--size 10000] [--index DIR]

(1) Indexing ``--size`` articles of the ``newssearch bench`` corpus with one
writing process: seconds adding documents (analysis and the posting pool)
and committing (sorting the postings and writing the segment), unprofiled.
(2) For each query kind, with and without highlights: the 100 committed
queries once to warm up, then under cProfile; the time per part of the
pipeline (by the module a function lives in, exclusive time) and the
functions with the most exclusive time.  Profiling slows Python calls down,
so read the shares, not the milliseconds.

With ``--latency``, nothing is profiled: for each query kind, with and
without highlights, p50/p95 in ms, warm as the speed suite measures them
(each query once untimed, then timed) and cold (the searcher's decoded
posting blocks and term look-ups forgotten before each query, so that every
block is read and decoded again; the files stay in the OS's page cache).
``--index DIR`` reuses (or builds, if missing) the index there.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from newssearch.bench import corpus
from newssearch.bench.measure import percentile
from newssearch.bench.queries import Query, load_queries
from newssearch.config import IndexSettings
from newssearch.engine.documents import to_document
from newssearch.index import _init_index, build_index, open_index
from newssearch.searcher import Searcher

#: Parts of the pipeline, by the path of the module a function lives in.
PARTS = (
    ("newssearch/engine/accumulate", "scoring (accumulate.py)"),
    ("newssearch/engine/postings", "decoded blocks: cache, walk (postings.py)"),
    ("whoosh/codec", "Whoosh postings: reading, decoding"),
    ("whoosh/qparser", "query parsing"),
    ("whoosh/", "Whoosh, other"),
    ("newssearch/punkt", "sentence splitting (Punkt)"),
    ("newssearch/analysis", "analysis"),
    ("newssearch/highlight", "highlighting"),
    ("newssearch/sentences", "highlighting"),
    ("newssearch/", "newssearch, other"),
)


def part_of(filename: str) -> str:
    for fragment, part in PARTS:
        if fragment in filename:
            return part
    return "built-ins (pickle, zlib, dict, sort …)"


def index_phases(size: int) -> tuple[float, float]:
    """Seconds adding ``size`` articles to one writer, and committing it."""
    with tempfile.TemporaryDirectory() as tmp:
        _init_index(Path(tmp) / "ix", IndexSettings())
        with open_index(Path(tmp) / "ix") as index:
            writer = index.store.writer(limitmb=512)
            started = time.perf_counter()
            for article in corpus(size):
                writer.add_document(**to_document(article))
            added = time.perf_counter()
            writer.commit()
            return added - started, time.perf_counter() - added


def profile_queries(path: Path, kind: str, highlight: bool, top: int) -> None:
    queries = load_queries()[kind]
    with open_index(path) as index, Searcher(index) as searcher:

        def run() -> None:
            for q in queries:
                filters = {"section": q.section} if q.section else None
                searcher.search(q.text, limit=10, filters=filters, highlight=highlight)

        run()
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in raw.values())
    parts: dict[str, float] = defaultdict(float)
    for (filename, _, _), row in raw.items():
        parts[part_of(filename)] += row[2]
    label = f"{kind} queries, {'with' if highlight else 'without'} highlights"
    print(f"\n### {label}: {total:.2f} s profiled for {len(queries)} queries\n")
    for part, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"- {part}: {seconds / total:.0%}")
    print()
    ranked = sorted(raw.items(), key=lambda item: -item[1][2])[:top]
    for (filename, line, name), row in ranked:
        short = "/".join(Path(filename).parts[-2:]) if "/" in filename else filename
        print(f"  {row[2] / total:5.1%}  {row[1]:>9,} calls  {short}:{line}({name})")


def latencies(path: Path, kind: str, highlight: bool, cold: bool) -> tuple[float, float]:
    """p50 and p95 ms of the ``kind`` queries; ``cold``: caches emptied before each."""
    queries = load_queries()[kind]
    with open_index(path) as index, Searcher(index) as searcher:
        accumulator = searcher._view().accumulator

        def run(q: Query) -> int:
            filters = {"section": q.section} if q.section else None
            result = searcher.search(q.text, limit=10, filters=filters, highlight=highlight)
            return len(result.hits)

        forget: Callable[[], None] = accumulator.forget if cold else _nothing
        found = sum(run(q) for q in queries)  # untimed: lazy loading, and warm caches
        times = []
        for q in queries:
            forget()
            started = time.perf_counter()
            found += run(q)
            times.append((time.perf_counter() - started) * 1000.0)
        if not found:
            raise SystemExit(f"the {kind} queries found nothing")
    return statistics.median(times), percentile(times, 0.95)


def _nothing() -> None:
    pass


def print_latencies(path: Path, kinds: list[str]) -> None:
    print("\n| queries | highlights | cold p50 | cold p95 | warm p50 | warm p95 |")
    print("|---|---|---|---|---|---|")
    for kind in kinds:
        for highlight in (False, True):
            cold = latencies(path, kind, highlight, cold=True)
            warm = latencies(path, kind, highlight, cold=False)
            print(
                f"| {kind} | {'yes' if highlight else 'no'} | {cold[0]:.2f} | {cold[1]:.2f} "
                f"| {warm[0]:.2f} | {warm[1]:.2f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--kinds", default="short,long")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-indexing", action="store_true", help="skip part (1)")
    parser.add_argument("--latency", action="store_true", help="cold and warm latency only")
    parser.add_argument("--index", type=Path, help="reuse (or build) the index here")
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    if args.latency:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.index or Path(tmp) / "ix"
            if not (path / "newssearch.json").exists():
                build_index(path, corpus(args.size))[0].close()
            print(f"## Query latency (ms) on {args.size:,} articles, cold and warm")
            print_latencies(path, kinds)
        return
    if not args.no_indexing:
        add, commit = index_phases(min(args.size, 3000))
        print(f"## Indexing {min(args.size, 3000):,} articles, one writing process\n")
        print(f"- adding (analysis, posting pool): {add:.1f} s")
        print(f"- committing (sorting postings, writing the segment): {commit:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.index or Path(tmp) / "ix"
        if not (path / "newssearch.json").exists():
            build_index(path, corpus(args.size))[0].close()
        print(f"\n## Queries on {args.size:,} articles")
        for kind in kinds:
            for highlight in (False, True):
                profile_queries(path, kind, highlight, args.top)


if __name__ == "__main__":
    main()
