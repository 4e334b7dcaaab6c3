"""Scores as arrays (newssearch.engine.matches) give what dicts of Python floats give,
bit for bit: the same merges in the same order."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newssearch.engine.matches import Matches, best, both, drop, plus, union

SIZE = 60

#: A node's scores on a segment of SIZE documents: tiny, huge and equal scores included.
scores = st.dictionaries(
    st.integers(0, SIZE - 1),
    st.one_of(st.sampled_from([0.0, 1.0, 0.1, 2.5]), st.floats(0, 1e6, allow_nan=False)),
    max_size=SIZE,
)


def part(found: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    m = Matches.of(found)
    return m.docnums, m.scores


def as_dict(found: tuple[np.ndarray, np.ndarray]) -> dict[int, float]:
    assert list(found[0]) == sorted(set(found[0].tolist()))  # ascending, unique
    return dict(zip(found[0].tolist(), found[1].tolist(), strict=True))


def dict_union(parts: list[dict[int, float]]) -> dict[int, float]:
    """What scoring with dicts did (newssearch 0.1's accumulate._union)."""
    parts = sorted(parts, key=len, reverse=True)
    out = dict(parts[0])
    for p in parts[1:]:
        for d, s in p.items():
            out[d] = out[d] + s if d in out else s
    return out


def dict_best(parts: list[dict[int, float]]) -> dict[int, float]:
    parts = sorted(parts, key=len, reverse=True)
    out = dict(parts[0])
    for p in parts[1:]:
        for d, s in p.items():
            if d not in out or s > out[d]:
                out[d] = s
    return out


@given(st.lists(scores, min_size=1, max_size=12), st.sampled_from([SIZE, 100 * SIZE]))
def test_or_and_best_field_merge_as_dicts_did(parts: list[dict[int, float]], size: int) -> None:
    # A segment as large as the matches (merged in a dense array) and a larger one.
    arrays = [part(p) for p in parts]
    assert as_dict(union(arrays, size)) == dict_union(parts)
    assert as_dict(best(arrays, size)) == dict_best(parts)


@given(scores, scores)
def test_and_and_maybe_and_not_as_dicts_did(a: dict[int, float], b: dict[int, float]) -> None:
    assert as_dict(both(part(a), part(b))) == {d: s + b[d] for d, s in a.items() if d in b}
    assert as_dict(plus(part(a), part(b))) == {d: s + b[d] if d in b else s for d, s in a.items()}
    assert as_dict(drop(part(a), part(b)[0])) == {d: s for d, s in a.items() if d not in b}


@given(
    st.one_of(
        scores,
        st.dictionaries(  # many ties among many matches
            st.integers(0, 10_000), st.sampled_from([0.5, 1.0, 1.25, 2.0, 3.5]), max_size=300
        ),
    ),
    st.integers(0, 40),
)
def test_the_best_n_are_the_highest_scores_then_the_lowest_numbers(
    found: dict[int, float], n: int
) -> None:
    expected = heapq.nsmallest(n, found.items(), key=lambda item: (-item[1], item[0]))
    assert Matches.of(found).top(n) == expected


@given(scores, st.sets(st.integers(0, SIZE + 5)))
def test_a_mapping_of_document_numbers_to_scores(found: dict[int, float], some: set[int]) -> None:
    m = Matches.of(found)
    assert m == found and dict(m.items()) == found and len(m) == len(found)
    assert list(m) == sorted(found) and list(m.keys()) == sorted(found)
    assert sorted(m.values()) == sorted(found.values())
    assert all((d in m) == (d in found) for d in some)
    assert all(m.get(d) == found.get(d) for d in some)
    assert m.among(some) == {d: s for d, s in found.items() if d in some}
    assert m.without(some) == {d: s for d, s in found.items() if d not in some}
    assert m.among(np.array(sorted(some), dtype=np.int64)) == m.among(some)
    assert m.scaled(lambda d: d / 2) == {d: s * (d / 2) for d, s in found.items()}


def test_a_missing_document_is_a_key_error() -> None:
    m = Matches.of({3: 1.0})
    with pytest.raises(KeyError):
        m[4]
    assert "x" not in m and Matches.empty() == {}
    with pytest.raises(ValueError, match="differ in length"):
        Matches(np.zeros(2, dtype=np.int64), np.zeros(1))
