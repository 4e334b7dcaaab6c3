"""One Searcher shared by threads, while a writer commits; searchers see new commits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex, Searcher, build_index, sample_articles
from newssearch.errors import IndexStateError

QUERIES = [
    "Flüchtlinge Grenze",
    "Regierung Wien",
    '"Europäische Union"',
    "Bundes*",
    "Fußball NICHT Rapid",
    "Wie hoch ist die Arbeitslosigkeit?",
    "section:Sport Tor",
    "Griechenland ODER Italien",
]


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[NewsIndex]:
    built, _ = build_index(tmp_path / "ix", sample_articles()[:400], procs=1)
    with built:
        yield built


def _answers(searcher: Searcher) -> dict[str, tuple[int, list[str]]]:
    out = {}
    for q in QUERIES:
        result = searcher.search(q, limit=10)
        out[q] = (result.total, [h.id for h in result.hits])
    return out


def test_threads_sharing_a_searcher_get_what_one_thread_gets(index: NewsIndex) -> None:
    with Searcher(index, refresh_interval=None) as searcher:
        expected = _answers(searcher)
        errors: list[BaseException] = []
        wrong: list[str] = []

        def work(seed: int) -> None:
            try:
                for i in range(40):
                    q = QUERIES[(seed + i) % len(QUERIES)]
                    result = searcher.search(q, limit=10, highlight=i % 2 == 0)
                    if (result.total, [h.id for h in result.hits]) != expected[q]:
                        wrong.append(q)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert wrong == []


def test_threads_sharing_a_small_block_cache_get_what_one_thread_gets(index: NewsIndex) -> None:
    """The decoded posting blocks are shared by the threads; with a cache this
    small they are evicted while other threads read them."""
    with Searcher(index, refresh_interval=None) as searcher:
        expected = _answers(searcher)
        cache = searcher._blocks
        cache.max_bytes = 40_000
        cache.clear()
        wrong: list[str] = []
        errors: list[BaseException] = []

        def work(seed: int) -> None:
            try:
                for i in range(30):
                    q = QUERIES[(seed + i) % len(QUERIES)]
                    result = searcher.search(q, limit=10, highlight=False)
                    if (result.total, [h.id for h in result.hits]) != expected[q]:
                        wrong.append(q)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert cache.nbytes <= 40_000 and cache.hits > 0
    assert errors == []
    assert wrong == []


def test_threads_keep_searching_while_a_writer_commits(index: NewsIndex) -> None:
    with Searcher(index, refresh_interval=0) as searcher:
        errors: list[BaseException] = []
        stop = threading.Event()

        def read(seed: int) -> None:
            i = 0
            try:
                while not stop.is_set() or i < 20:
                    result = searcher.search(QUERIES[(seed + i) % len(QUERIES)], limit=5)
                    assert len(result.hits) <= 5 and result.total >= len(result.hits)
                    i += 1
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=read, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for n in range(6):  # six commits under the readers
            index.update([Article(id=f"neu-{n}", title=f"Zwergpinguin Nummer {n} im Zoo")])
        stop.set()
        for t in threads:
            t.join()
        assert errors == []
        found = {h.id for h in searcher.search("Zwergpinguin", limit=50).hits}
    assert found == {f"neu-{n}" for n in range(6)}


def test_a_searcher_sees_a_commit_after_refresh(index: NewsIndex) -> None:
    with Searcher(index, refresh_interval=None) as searcher:
        assert searcher.search("Zwergpinguin").total == 0
        index.update([Article(id="p", title="Ein Zwergpinguin im Zoo")])
        assert searcher.search("Zwergpinguin").total == 0  # still the old generation
        assert searcher.refresh() is True
        assert [h.id for h in searcher.search("Zwergpinguin").hits] == ["p"]
        assert searcher.refresh() is False


def test_a_searcher_moves_to_new_commits_by_itself(index: NewsIndex) -> None:
    with Searcher(index, refresh_interval=0) as searcher:
        assert searcher.search("Zwergpinguin").total == 0
        index.update([Article(id="p", title="Ein Zwergpinguin im Zoo")])
        assert searcher.search("Zwergpinguin").total == 1


def test_a_closed_searcher_says_so(index: NewsIndex) -> None:
    searcher = Searcher(index)
    searcher.close()
    with pytest.raises(IndexStateError, match="closed"):
        searcher.search("Wien")


def test_a_negative_refresh_interval_is_refused(index: NewsIndex) -> None:
    with pytest.raises(ValueError, match="refresh_interval"):
        Searcher(index, refresh_interval=-1)
