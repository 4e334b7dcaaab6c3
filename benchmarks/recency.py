"""What the recency boost costs per query, and how much it reorders.

    python benchmarks/recency.py [--size 10000] [--half-life 30]

Builds the suite's corpus (the bundled sample recombined, as ``newssearch
bench`` does) with publication dates spread evenly over two years (a fixed
seed), then runs the suite's short and long queries with and without
``RecencyBoost``: p50/p95 ms of each (warm, single thread, top 10, no
highlights), and how many of the top 10 change.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newssearch import RecencyBoost, Searcher, build_index
from newssearch.bench.corpus import corpus
from newssearch.bench.measure import percentile
from newssearch.bench.queries import load_queries

NOW = datetime(2017, 1, 1, tzinfo=UTC)
SPAN_DAYS = 730


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--half-life", type=float, default=30.0)
    args = parser.parse_args()
    rng = random.Random(7)
    docs = [
        replace(a, published=NOW - timedelta(days=rng.uniform(0, SPAN_DAYS)))
        for a in corpus(args.size)
    ]
    boost = RecencyBoost(half_life_days=args.half_life)
    with tempfile.TemporaryDirectory() as tmp:
        index, _ = build_index(Path(tmp) / "ix", docs)
        with index, Searcher(index) as searcher:
            searcher.warm()
            print(f"{args.size} articles, half-life {args.half_life:g} days\n")
            print("| queries | plain p50 / p95 ms | recency p50 / p95 ms | top-10 changed |")
            print("|---|---|---|---|")
            for kind in ("short", "long"):
                queries = [q.text for q in load_queries()[kind]]
                plain, boosted, changed = [], [], []
                for text in queries:
                    for _ in range(2):  # the second run is the warm one
                        started = time.perf_counter()
                        a = searcher.search(text, highlight=False)
                        middle = time.perf_counter()
                        b = searcher.search(text, highlight=False, recency=boost, now=NOW)
                        ended = time.perf_counter()
                    plain.append((middle - started) * 1000)
                    boosted.append((ended - middle) * 1000)
                    top_a = {h.id for h in a.hits}
                    changed.append(len(top_a - {h.id for h in b.hits}) / max(len(top_a), 1))
                print(
                    f"| {len(queries)} {kind} | {percentile(plain, 0.5):.1f} / "
                    f"{percentile(plain, 0.95):.1f} | {percentile(boosted, 0.5):.1f} / "
                    f"{percentile(boosted, 0.95):.1f} | {statistics.mean(changed):.0%} |"
                )


if __name__ == "__main__":
    main()
