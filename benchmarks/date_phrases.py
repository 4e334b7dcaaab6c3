"""Measure the German date-phrase reader on labelled query lists.

    python benchmarks/date_phrases.py [--data FILE ...] [--errors] [--repeat N] [--json FILE]

Without ``--data`` every ``benchmarks/data/date_phrases*.tsv`` is measured in
one run: ``date_phrases.tsv`` (written alongside the rules),
``date_phrases_heldout.tsv`` (written after them, before they were changed for
it) and ``date_phrases_heldout2.tsv`` (written after those changes); ``--data``
(repeatable) picks lists.

Each row of the list is ``kind, query, since, until`` for ``now`` =
2016-06-15T12:00Z: ``date`` rows with the expected range (ISO days, ``until``
exclusive, empty = open), ``plain`` rows that must give no range (numbers and
month names in names and topics).  Printed per reader: correct ranges (share of
``date`` rows with exactly the expected range), in range (lenient: the first
day found lies in the expected range), misfires (share of ``plain``
rows given a range), missed (share of ``date`` rows given none) and the time
per query (the best of ``--repeat`` passes over the list).  When the
``dateparser`` package is installed, its ``search_dates(text,
languages=['de'])`` is measured on the same list as a comparison (a found date
counts as that day); it is never a dependency.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newssearch.query.dates import find_dates

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA = DATA_DIR / "date_phrases.tsv"
NOW = datetime(2016, 6, 15, 12, tzinfo=UTC)

#: A reader: query → (since, until exclusive) as days, or ``None`` for no range.
Reader = Callable[[str], tuple[date | None, date | None] | None]


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    query: str
    since: date | None
    until: date | None


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    data: str
    correct: float
    misfires: float
    missed: float
    inside: float
    micros: float
    wrong: tuple[str, ...]


def load(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, query, since, until = line.split("\t")
        rows.append(
            Row(
                kind,
                query,
                date.fromisoformat(since) if since else None,
                date.fromisoformat(until) if until else None,
            )
        )
    return rows


def ours(query: str) -> tuple[date | None, date | None] | None:
    found = find_dates(query, now=NOW)
    if not found.found:
        return None
    return (
        None if found.since is None else found.since.date(),
        None if found.until is None else found.until.date(),
    )


def dateparser_reader() -> Reader | None:
    try:
        search: Any = importlib.import_module("dateparser.search")
    except ImportError:
        return None
    settings = {"RELATIVE_BASE": NOW.replace(tzinfo=None)}

    def read(query: str) -> tuple[date | None, date | None] | None:
        found = search.search_dates(query, languages=["de"], settings=settings)
        if not found:
            return None
        day: date = found[0][1].date()
        return day, day + timedelta(days=1)

    return read


def measure(
    name: str, reader: Reader, rows: list[Row], *, data: str = "", repeat: int = 1
) -> Score:
    dates = [row for row in rows if row.kind == "date"]
    plain = [row for row in rows if row.kind == "plain"]
    correct = misfires = missed = inside = 0
    wrong: list[str] = []
    elapsed = float("inf")
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        results = [reader(row.query) for row in rows]
        elapsed = min(elapsed, time.perf_counter() - started)
    for row, got in zip(rows, results, strict=True):
        if row.kind == "date":
            if got is None:
                missed += 1
            else:
                correct += got == (row.since, row.until)
                inside += _inside(got, row)
            if got != (row.since, row.until):
                wrong.append(f"{row.query!r}: expected {row.since}..{row.until}, got {got}")
        elif got is not None:
            misfires += 1
            wrong.append(f"{row.query!r}: expected no range, got {got}")
    return Score(
        name,
        data,
        100 * correct / len(dates),
        100 * misfires / len(plain),
        100 * missed / len(dates),
        100 * inside / len(dates),
        1e6 * elapsed / len(rows),
        tuple(wrong),
    )


def _inside(got: tuple[date | None, date | None], row: Row) -> bool:
    """Whether the first day found lies in the expected range (lenient: a reader
    that finds one day, not a range, scores here)."""
    if got[0] is not None:
        first = got[0]
    elif got[1] is not None:
        first = got[1] - timedelta(days=1)
    else:
        return False
    return (row.since is None or row.since <= first) and (row.until is None or first < row.until)


def all_lists() -> list[Path]:
    """The labelled lists in ``benchmarks/data``, the original one first."""
    return sorted(DATA_DIR.glob("date_phrases*.tsv"), key=lambda path: (path != DATA, path.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, action="append", help="a labelled list (repeatable; default: all)"
    )
    parser.add_argument("--errors", action="store_true", help="list the wrong answers")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (the best counts)")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = parser.parse_args(argv)
    readers: list[tuple[str, Reader]] = [("newssearch.query.dates", ours)]
    other = dateparser_reader()
    if other is not None:
        readers.append(("dateparser.search_dates", other))
    columns = ("correct %", "misfires %", "missed %", "in range %", "µs/query")
    scores: list[Score] = []
    for number, path in enumerate(args.data or all_lists()):
        rows = load(path)
        dates = sum(row.kind == "date" for row in rows)
        heading = f"{path.name}: {dates} date queries, {len(rows) - dates} plain queries"
        print(("\n" if number else "") + f"{heading}, now = {NOW.isoformat()}")
        print(f"{'reader':26} " + " ".join(f"{column:>10}" for column in columns))
        these = [
            measure(name, reader, rows, data=path.name, repeat=args.repeat)
            for name, reader in readers
        ]
        for score in these:
            print(
                f"{score.name:26} {score.correct:10.1f} {score.misfires:10.1f}"
                f" {score.missed:10.1f} {score.inside:10.1f} {score.micros:10.0f}"
            )
        if args.errors:
            for score in these:
                print(f"{score.name}: {len(score.wrong)} wrong")
                for line in score.wrong:
                    print("  " + line)
        scores += these
    if other is None:
        print("(dateparser is not installed: no comparison row)")
    if args.json is not None:
        args.json.write_text(
            json.dumps([asdict(score) for score in scores], ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
