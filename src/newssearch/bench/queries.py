"""The fixed query sets of the speed benchmark, shipped as ``speed_queries.json``.

``tools/make_speed_queries.py`` drew them once from the bundled sample and the
XQuAD German questions; the benchmark never regenerates them, so runs on
different days answer the same queries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from newssearch.errors import BenchmarkError
from newssearch.packaged import read_packaged

__all__ = ["KINDS", "QUERY_FILE", "Query", "QuerySets", "load_queries"]

#: The query kinds, in the order they are measured and reported.
KINDS: Final = ("short", "long", "phrase", "field", "filter")
#: The file name of the query sets inside this package.
QUERY_FILE: Final = "speed_queries.json"


@dataclass(frozen=True)
class Query:
    """One benchmark query; ``section`` is set for the ``filter`` kind only."""

    text: str
    section: str | None = None


#: kind → its queries, in file order.
QuerySets = Mapping[str, tuple[Query, ...]]


def load_queries(*, per_kind: int | None = None) -> dict[str, tuple[Query, ...]]:
    """The first ``per_kind`` queries of every kind (all of them when ``None``).

    >>> [len(batch) for batch in load_queries(per_kind=3).values()]
    [3, 3, 3, 3, 3]
    """
    if per_kind is not None and per_kind < 1:
        raise BenchmarkError(f"queries per kind must be at least 1, not {per_kind}")
    text = read_packaged("newssearch.bench", QUERY_FILE).decode("utf-8")
    data = json.loads(text)
    out: dict[str, tuple[Query, ...]] = {}
    for kind in KINDS:
        rows = data.get(kind) if isinstance(data, dict) else None
        if not isinstance(rows, list) or not rows:
            raise BenchmarkError(f"{QUERY_FILE}: no {kind!r} queries")
        out[kind] = tuple(_query(kind, row) for row in rows[:per_kind])
    return out


def _query(kind: str, row: object) -> Query:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise BenchmarkError(f"{QUERY_FILE}: a {kind!r} query without text: {row!r}")
    section = row.get("section")
    if kind == "filter" and not isinstance(section, str):
        raise BenchmarkError(f"{QUERY_FILE}: a filter query without a section: {row!r}")
    return Query(text=row["text"], section=section if isinstance(section, str) else None)
