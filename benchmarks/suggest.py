"""Time suggestions while typing (:mod:`newssearch.suggest`) over a fixed list of prefixes.

    python benchmarks/suggest.py [--index PATH | --size N] [--json out.json]

Opens ``--index`` or builds an index of the recombined ``newssearch bench``
corpus of ``--size`` articles (default: the 1,028 bundled ones) in a temporary
directory.  Each prefix is asked of a fresh :class:`Suggester` as it would be
typed, letter by letter ("cold": the first call of each length reads the term
lists and stored texts), then every prefix again ("warm").  Every prefix of the
list must get a suggestion, counted inside the timed loop.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newssearch import build_index, open_index
from newssearch.bench.corpus import corpus
from newssearch.suggest import Suggester

PREFIXES = (
    "Österreich",
    "Oesterreich",
    "Flüchtlinge",
    "Regierung",
    "Bundeskanzler",
    "Wien",
    "Strasse",
    "Europa",
    "Polizei",
    "Fußball",
    "Wirtschaft",
    "Präsident",
    "k",
    "s",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--size", type=int, default=1028)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.index is not None:
            index = open_index(args.index)
        else:
            index, _ = build_index(Path(tmp) / "index", corpus(args.size))
        with index, index.store.reader() as reader:
            result = run(reader)
            result["documents"] = index.doc_count()
    out = sys.stdout
    out.write(f"\n{result['documents']} articles, {result['calls']} calls per pass\n\n")
    out.write("| pass | mean ms | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|\n")
    for name in ("cold", "warm"):
        r = result[name]
        out.write(
            f"| {name} | {r['mean']:.2f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} |\n"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def run(reader: Any) -> dict[str, Any]:
    suggester = Suggester(reader)
    typed = [word[:n] for word in PREFIXES for n in range(1, len(word) + 1)]
    passes: dict[str, list[float]] = {}
    for name in ("cold", "warm"):
        times = []
        answered = 0
        for prefix in typed:
            started = time.perf_counter()
            answered += bool(suggester.suggest(prefix))
            times.append((time.perf_counter() - started) * 1000)
        if answered < len(typed):
            raise SystemExit(f"{len(typed) - answered} of {len(typed)} prefixes got nothing")
        passes[name] = times
    return {"calls": len(typed)} | {name: _summary(times) for name, times in passes.items()}


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "mean": statistics.fmean(times),
        "p50": statistics.median(times),
        "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max": ordered[-1],
    }


if __name__ == "__main__":
    raise SystemExit(main())
