"""Work shared with forked children: complete results whatever a child does, no
process left behind."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator

import pytest

from newssearch import Article
from newssearch import index as index_module
from newssearch.bench.corpus import corpus
from newssearch.forking import forked_map
from newssearch.stories import article_signature

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _checksum(n: int) -> bytes:
    return zlib.crc32(str(n).encode()).to_bytes(4, "little") * (n % 5)  # some empty


def _no_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("processes", [1, 2, 3, 7])
@pytest.mark.parametrize("count", [0, 1, 2, 5, 100])
def test_the_results_are_the_map_in_order(processes: int, count: int) -> None:
    items = list(range(count))
    assert forked_map(_checksum, items, processes=processes) == list(map(_checksum, items))
    assert _no_children()


def test_a_part_whose_child_fails_is_computed_here() -> None:
    parent = os.getpid()

    def fails_in_a_child(n: int) -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("child")
        return _checksum(n)

    items = list(range(50))
    assert forked_map(fails_in_a_child, items, processes=3) == list(map(_checksum, items))
    assert _no_children()


def test_a_part_whose_child_dies_is_computed_here() -> None:
    parent = os.getpid()

    def dies_in_a_child(n: int) -> bytes:
        if os.getpid() != parent and n == 30:
            os._exit(0)  # an exit that says success, with its results cut short
        return _checksum(n)

    items = list(range(50))
    assert forked_map(dies_in_a_child, items, processes=2) == list(map(_checksum, items))
    assert _no_children()


def test_an_error_here_stops_the_children() -> None:
    parent = os.getpid()

    def fails_here(n: int) -> bytes:
        if os.getpid() == parent and n == 3:
            raise ValueError("here")
        return _checksum(n)

    with pytest.raises(ValueError, match="here"):
        forked_map(fails_here, list(range(100)), processes=2)
    assert _no_children()


@pytest.mark.parametrize("kind", ["list", "iterator", "reiterable"])
def test_an_import_signs_in_several_processes_as_in_one(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = list(corpus(300))
    articles.append(articles[5])  # an id twice: its last record counts
    monkeypatch.setattr(index_module, "PARALLEL_SIGNATURES", 40)
    monkeypatch.setattr(index_module, "SIGNED_AT_ONCE", 70)  # chunks of 70, the last of 21
    signed: list[int] = []

    def sign(article: Article) -> bytes:
        signed.append(os.getpid())
        return article_signature(article)

    class Again:
        def __iter__(self) -> Iterator[Article]:
            return iter(articles)

    given: Iterable[Article] = {
        "list": articles,
        "iterator": iter(articles),
        "reiterable": Again(),
    }[kind]
    want = {a.id: article_signature(a) for a in articles}
    _, ids, signatures = index_module._unique(given, sign, processes=2)
    assert signatures == want
    assert list(ids) == list(want)
    # Signed here: the first half of each chunk of 70 (4 × 35), and all of the
    # last one, of fewer than 40 (21 records; 20 articles of an iterator, read
    # into one list an id at a time); the other halves in a child each.
    assert len(signed) == 4 * 35 + (20 if kind == "iterator" else 21)
