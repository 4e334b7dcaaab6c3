"""A query's matches and their scores, as two arrays: document numbers ascending
and their scores.

Scoring a word that a million articles hold put a Python dict entry per
match, and merging the words' dicts another, which was most of a query's time
at that size (cProfile of the speed suite's queries on a million articles).
Here a term's postings are scored as arrays (:mod:`numpy`) and the query's
nodes combine arrays: the same arithmetic, in the same order, on the same
IEEE doubles, so the scores are the ones a dict gave, bit for bit.

:class:`Matches` is what a scoring returns: a read-only mapping of document
number to score that can also give its best ``n`` and filter itself without
a Python step per match.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, ItemsView, Iterator, KeysView, Mapping, ValuesView

import numpy as np
from numpy.typing import NDArray

__all__ = ["NONE", "Ids", "Matches", "Values", "best", "both", "distinct", "drop", "plus", "union"]

#: Document numbers, ascending and unique.
Ids = NDArray[np.int64]
#: Scores, one for each of a :data:`Ids`.
Values = NDArray[np.float64]
#: No matches (never written to).
NONE: tuple[Ids, Values] = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def distinct(docnums: Ids) -> Ids:
    """``docnums`` ascending, each once (``np.unique``, which loads ``numpy.ma``
    on its first call: 17 ms of a command-line search)."""
    ordered = np.sort(docnums)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _array(docnums: Collection[int] | Ids) -> Ids:
    """Document numbers as an array (of any order)."""
    if isinstance(docnums, np.ndarray):
        return docnums
    return np.fromiter(docnums, dtype=np.int64, count=len(docnums))


class Matches(Mapping[int, float]):
    """Document number → score, for documents ``docnums`` (ascending, unique)
    with ``scores`` (one each).

    >>> m = Matches.of({7: 1.0, 3: 2.5, 5: 1.0})
    >>> len(m), m[3], 4 in m, list(m)
    (3, 2.5, False, [3, 5, 7])
    >>> m.top(2)
    [(3, 2.5), (5, 1.0)]
    """

    __slots__ = ("docnums", "scores")

    def __init__(self, docnums: Ids, scores: Values) -> None:
        if docnums.shape != scores.shape:
            raise ValueError("docnums and scores differ in length")
        self.docnums = docnums
        self.scores = scores

    @classmethod
    def empty(cls) -> Matches:
        return cls(*NONE)

    @classmethod
    def of(cls, scores: Mapping[int, float]) -> Matches:
        """The matches of a dict (or any mapping) of document numbers to scores."""
        if isinstance(scores, Matches):
            return scores
        ids = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], values[order])

    def __len__(self) -> int:
        return int(self.docnums.shape[0])

    def __iter__(self) -> Iterator[int]:
        return iter(self.docnums.tolist())

    def _find(self, docnum: object) -> int:
        if not isinstance(docnum, int | np.integer):
            return -1
        i = int(np.searchsorted(self.docnums, docnum))
        return i if i < len(self.docnums) and self.docnums[i] == docnum else -1

    def __getitem__(self, docnum: int) -> float:
        i = self._find(docnum)
        if i < 0:
            raise KeyError(docnum)
        return float(self.scores[i])

    def __contains__(self, docnum: object) -> bool:
        return self._find(docnum) >= 0

    def keys(self) -> KeysView[int]:
        return _Keys(self)

    def values(self) -> ValuesView[float]:
        return _Values(self)

    def items(self) -> ItemsView[int, float]:
        return _Items(self)

    def __repr__(self) -> str:
        return f"Matches({dict(self.items())!r})"

    def top(self, n: int) -> list[tuple[int, float]]:
        """The ``n`` best ``(docnum, score)``, best first, equal scores by document number."""
        if n <= 0 or not len(self):
            return []
        ids, values = self.docnums, self.scores
        if len(values) > n:
            # The n-th best score, then only the matches that reach it (ties included).
            cut = np.partition(values, len(values) - n)[len(values) - n]
            keep = values >= cut
            ids, values = ids[keep], values[keep]
        order = np.lexsort((ids, -values))[:n]
        return list(zip(ids[order].tolist(), values[order].tolist(), strict=True))

    def among(self, docnums: Collection[int] | Ids) -> Matches:
        """The matches that ``docnums`` holds."""
        keep = np.isin(self.docnums, _array(docnums))
        return Matches(self.docnums[keep], self.scores[keep])

    def without(self, docnums: Collection[int] | Ids) -> Matches:
        """The matches that ``docnums`` does not hold."""
        keep = np.isin(self.docnums, _array(docnums), invert=True)
        return Matches(self.docnums[keep], self.scores[keep])

    def scaled(self, factor: Callable[[int], float]) -> Matches:
        """Each score times ``factor(docnum)``."""
        factors = np.fromiter(map(factor, self.docnums.tolist()), dtype=np.float64, count=len(self))
        return Matches(self.docnums, self.scores * factors)


class _Keys(KeysView[int]):
    _mapping: Matches

    def __iter__(self) -> Iterator[int]:
        return iter(self._mapping.docnums.tolist())


class _Values(ValuesView[float]):
    _mapping: Matches

    def __iter__(self) -> Iterator[float]:
        return iter(self._mapping.scores.tolist())


class _Items(ItemsView[int, float]):
    _mapping: Matches

    def __iter__(self) -> Iterator[tuple[int, float]]:
        m = self._mapping
        return zip(m.docnums.tolist(), m.scores.tolist(), strict=True)


# -- combining the scores of a query's nodes (on one segment's document numbers) --


def union(parts: list[tuple[Ids, Values]], size: int) -> tuple[Ids, Values]:
    """OR: each document's scores added, in the order of ``parts`` from the most
    matches to the fewest (a dict filled part by part adds them so)."""
    return _merge(parts, size, 0.0, np.add)


def best(parts: list[tuple[Ids, Values]], size: int) -> tuple[Ids, Values]:
    """Dis-max: each document's best score."""
    return _merge(parts, size, -np.inf, np.maximum)


def _merge(
    parts: list[tuple[Ids, Values]], size: int, start: float, combine: np.ufunc
) -> tuple[Ids, Values]:
    """``parts`` (document numbers below ``size``) combined per document with
    ``combine``, from ``start``, part by part from the one with the most matches."""
    parts = sorted((p for p in parts if len(p[0])), key=lambda p: len(p[0]), reverse=True)
    if not parts:
        return NONE
    if len(parts) == 1:
        return parts[0]
    count = sum(len(p[0]) for p in parts)
    if count * 8 < size:  # few matches for the segment: combine them where they are
        every = np.concatenate([p[0] for p in parts])
        docnums = distinct(every)
        slot = np.searchsorted(docnums, every)
        merged = np.full(len(docnums), start)
        # Unbuffered, in the order given: part by part, as the dense way below.
        combine.at(merged, slot, np.concatenate([p[1] for p in parts]))
        return docnums, merged
    dense = np.full(size, start)
    found = np.zeros(size, dtype=bool)
    for ids, values in parts:
        dense[ids] = combine(dense[ids], values)
        found[ids] = True
    docnums = np.flatnonzero(found)
    return docnums, dense[docnums]


def both(a: tuple[Ids, Values], b: tuple[Ids, Values]) -> tuple[Ids, Values]:
    """AND: the documents of both, ``a``'s score plus ``b``'s."""
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return common.astype(np.int64, copy=False), a[1][ia] + b[1][ib]


def plus(a: tuple[Ids, Values], b: tuple[Ids, Values]) -> tuple[Ids, Values]:
    """AND MAYBE: ``a``'s documents, plus ``b``'s score where ``b`` has one."""
    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    values = a[1].copy()
    values[ia] = values[ia] + b[1][ib]
    return a[0], values


def drop(a: tuple[Ids, Values], b: Ids) -> tuple[Ids, Values]:
    """AND NOT: ``a``'s documents that ``b`` does not hold."""
    keep = np.isin(a[0], b, assume_unique=True, invert=True)
    return a[0][keep], a[1][keep]
