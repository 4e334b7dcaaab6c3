"""Time suggestions while typing (``Searcher.suggest``) for a fixed list of prefixes, cold and warm.

    python benchmarks/suggest.py [--index PATH | --size N] [--processes N] [--json out.json]

Opens ``--index`` or builds an index of the recombined ``newssearch bench``
corpus of ``--size`` articles (default: the 1,028 bundled ones) in a temporary
directory.  Each word of the list is typed letter by letter; every prefix is

* **cold**: asked of a fresh :class:`~newssearch.Searcher`, as
  ``newssearch suggest PREFIX`` asks it: the call reads what it needs from
  the index (vocabulary files, or term lists and stored documents) with
  nothing cached.  Opening the searcher is timed apart;
* **warm**: asked of one searcher that was asked every prefix once before;
* **process** (``--processes N``): N prefixes of the list (every k-th), each in
  a new Python process that opens the index and a searcher and asks it once,
  as a one-shot command does: the call then also pays what a process does
  once (caches filled at first use).

Wall-clock and CPU time (``time.process_time``) of each call are reported,
by prefix length too: on a shared machine CPU time is the steadier figure.
Every prefix of the list must get a suggestion, counted inside the timed
loop.  The script uses the public API only, so it measures an older checkout
too (``PYTHONPATH=old/src python benchmarks/suggest.py …``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newssearch import Searcher, build_index, open_index
from newssearch.bench.corpus import corpus
from newssearch.index import NewsIndex

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
#: Prefix lengths reported apart: 1, 2, 3-4 and 5 or more letters.
GROUPS = (("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5+", 5, 10_000))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--size", type=int, default=1028)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--processes", type=int, default=0, metavar="N")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one prefix
    args = parser.parse_args(argv)
    if args.one is not None:
        return _one(args.index, args.one)
    with tempfile.TemporaryDirectory() as tmp:
        if args.index is not None:
            index = open_index(args.index)
        else:
            index, _ = build_index(Path(tmp) / "index", corpus(args.size))
        with index:
            result = run(index)
            if args.processes:
                result["rows"].extend(_processes(index.path, args.processes))
    out = sys.stdout
    out.write(
        f"\n{result['documents']} articles, {result['calls']} calls per pass, vocabulary "
        f"files: {result['vocabulary_files']}; load {result['load']}; opening a searcher: "
        f"p50 {result['open']['p50']:.2f} ms\n\n"
    )
    out.write(
        "| pass | letters | calls | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    for row in result["rows"]:
        out.write(
            f"| {row['pass']} | {row['letters']} | {row['calls']} | {row['p50']:.2f} | "
            f"{row['p95']:.2f} | {row['max']:.2f} | {row['cpu_p50']:.2f} | {row['cpu_p95']:.2f} |\n"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def run(index: NewsIndex) -> dict[str, Any]:
    typed = [word[:n] for word in PREFIXES for n in range(1, len(word) + 1)]
    opening: list[float] = []
    cold: list[tuple[float, float]] = []
    answered = 0
    for prefix in typed:
        started = time.perf_counter()
        with Searcher(index, refresh_interval=None) as searcher:
            opening.append(1000 * (time.perf_counter() - started))
            took, found = _timed(lambda: searcher.suggest(prefix))  # noqa: B023
            answered += bool(found)
        cold.append(took)
    _check(answered, typed)
    warm: list[tuple[float, float]] = []
    answered = 0
    with Searcher(index, refresh_interval=None) as searcher:
        for prefix in typed:
            searcher.suggest(prefix)
        for prefix in typed:
            took, found = _timed(lambda: searcher.suggest(prefix))  # noqa: B023
            answered += bool(found)
            warm.append(took)
    _check(answered, typed)
    rows = []
    for name, times in (("cold", cold), ("warm", warm)):
        rows.append({"pass": name, "letters": "all", **_summary(times)})
        for label, low, high in GROUPS:
            group = [t for p, t in zip(typed, times, strict=True) if low <= len(p) <= high]
            rows.append({"pass": name, "letters": label, **_summary(group)})
    return {
        "documents": index.doc_count(),
        "calls": len(typed),
        "vocabulary_files": _vocabulary_files(index),
        "load": round(os.getloadavg()[0], 2),
        "open": _summary([(t, t) for t in opening]),
        "rows": rows,
    }


def _processes(path: Path, count: int) -> list[dict[str, Any]]:
    """Rows of the process pass: ``count`` prefixes, each asked in a new process."""
    typed = [word[:n] for word in PREFIXES for n in range(1, len(word) + 1)]
    chosen = typed[:: max(1, len(typed) // count)][:count]
    times: list[tuple[str, tuple[float, float]]] = []
    for prefix in chosen:
        done = subprocess.run(
            [sys.executable, __file__, "--index", str(path), "--one", prefix],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, cpu = json.loads(done.stdout)
        times.append((prefix, (wall, cpu)))
    rows = [{"pass": "process", "letters": "all", **_summary([t for _, t in times])}]
    for label, low, high in GROUPS:
        group = [t for p, t in times if low <= len(p) <= high]
        if group:
            rows.append({"pass": "process", "letters": label, **_summary(group)})
    return rows


def _one(path: Path, prefix: str) -> int:
    """In a child process: open the index and a searcher, time one suggestion."""
    with open_index(path) as index, Searcher(index, refresh_interval=None) as searcher:
        took, found = _timed(lambda: searcher.suggest(prefix))
    _check(bool(found), [prefix])
    print(json.dumps(took))
    return 0


def _timed(call: Callable[[], Sequence[object]]) -> tuple[tuple[float, float], Sequence[object]]:
    wall, cpu = time.perf_counter(), time.process_time()
    found = call()
    return (1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)), found


def _check(answered: int, typed: list[str]) -> None:
    if answered < len(typed):
        raise SystemExit(f"{len(typed) - answered} of {len(typed)} prefixes got nothing")


def _vocabulary_files(index: NewsIndex) -> str:
    try:
        from newssearch.engine.vocabulary import open_vocabulary
    except ImportError:  # a newssearch from before them
        return "none (this newssearch has none)"
    with index.store.reader() as reader:
        return "yes" if open_vocabulary(reader) is not None else "no"


def _summary(times: list[tuple[float, float]]) -> dict[str, float]:
    wall = sorted(t for t, _ in times)
    cpu = sorted(c for _, c in times)
    return {
        "calls": len(times),
        "mean": statistics.fmean(wall),
        "p50": statistics.median(wall),
        "p95": _p95(wall),
        "max": wall[-1],
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": _p95(cpu),
    }


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


if __name__ == "__main__":
    raise SystemExit(main())
