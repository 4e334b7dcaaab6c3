"""Work shared with forked children: complete results whatever a child does, no
process left behind."""

from __future__ import annotations

import os
import zlib

import pytest

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


def test_an_import_signs_a_list_in_several_processes_as_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles = list(corpus(300))
    articles.append(articles[5])  # an id twice: its last record counts
    monkeypatch.setattr(index_module, "PARALLEL_SIGNATURES", 100)
    assert index_module._signers(articles, None) == index_module._workers(len(articles), None)
    assert index_module._signers(iter(articles), None) == 1
    want = {a.id: article_signature(a) for a in articles}
    for given in (articles, iter(articles)):
        _, ids, signatures = index_module._unique(given, article_signature, processes=2)
        assert signatures == want
        assert list(ids) == list(want)
