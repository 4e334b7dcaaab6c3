"""Term-at-a-time scoring gives exactly the matches and scores of Whoosh's matchers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from newssearch import Searcher, build_index, open_index
from newssearch.engine.accumulate import Accumulator
from newssearch.engine.postings import BlockCache
from newssearch.engine.scoring import BestField
from newssearch.index import NewsIndex
from newssearch.sample import sample_articles

#: Free text of every shape the parser builds (compounds, hyphenated words,
#: common words, questions), and query syntax the accumulator hands to Whoosh
#: or evaluates itself (phrases, AND/NOT, field:, prefixes, filters).
QUERIES = (
    "Flüchtlinge Grenze Spielfeld",
    "Sicherheitsgarantien für die Ukraine",
    "Wie hoch ist die Arbeitslosigkeit in Österreich?",
    "US-Präsident Obama",
    "der die das und Regierung",
    '"Grenze Spielfeld"',
    '"die Regierung in Wien"',
    "Regierung UND Wien",
    "Regierung NICHT Wien",
    "title:Ukraine Banken",
    "Fußball*",
    "section:sport Tor",
    "(Bank ODER Banken) +Euro -Griechenland",
)


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    articles = list(sample_articles())[:300]
    path = tmp_path_factory.mktemp("acc") / "index"
    index, _ = build_index(path, articles[:200], procs=1)
    with index:
        # A second and third segment, and deleted documents in the first.
        index.update(articles[200:250], procs=1)
        index.update(articles[250:], procs=1)
        index.delete(a.id for a in articles[:200:7])
    with open_index(path) as reopened:
        yield reopened


def _whoosh_scores(searcher: Searcher, q: wq.Query) -> dict[int, float]:
    whoosh_searcher = searcher._searcher
    return {hit.docnum: hit.score for hit in whoosh_searcher.search(q, limit=None)}


@pytest.mark.parametrize("text", QUERIES)
def test_every_match_gets_the_score_whoosh_gives_it(sample_index: NewsIndex, text: str) -> None:
    with Searcher(sample_index) as s:
        assert len(s._searcher.leaf_searchers()) == 3  # the multi-segment path is tested
        plan = s.plan(text)
        main, boosts = plan.match, plan.rescore
        for q in (main, boosts) if boosts is not None else (main,):
            expected = _whoosh_scores(s, q)
            got = Accumulator(s._searcher).scores(q)
            assert got.keys() == expected.keys()
            for docnum, score in got.items():
                assert score == pytest.approx(expected[docnum], rel=1e-9)


@pytest.mark.parametrize("text", QUERIES[:6])
def test_scoring_some_documents_gives_their_scores_and_only_theirs(
    sample_index: NewsIndex, text: str
) -> None:
    with Searcher(sample_index) as s:
        plan = s.plan(text)
        main, boosts = plan.match, plan.rescore
        q = main if boosts is None else wq.Or([main, boosts])
        everything = Accumulator(s._searcher).scores(q)
        wanted = [*sorted(everything)[::3], 0, 1, 2, 299]  # matches and maybe not
        got = Accumulator(s._searcher).scores(q, within=wanted)
        assert got == {d: everything[d] for d in wanted if d in everything}


def test_a_filter_keeps_only_the_allowed_documents(sample_index: NewsIndex) -> None:
    with Searcher(sample_index) as s:
        q = s.plan("Regierung Wien").match
        everything = Accumulator(s._searcher).scores(q)
        allow = set(list(everything)[::2])
        assert Accumulator(s._searcher).scores(q, allow=allow) == {d: everything[d] for d in allow}


def test_the_best_field_is_the_maximum_and_a_pair_needs_its_words_close(
    tmp_path: Path,
) -> None:
    from newssearch import Article

    docs = [
        Article(id="near", title="Grenze", body="An der Grenze in Spielfeld warten viele."),
        Article(id="far", title="Bericht", body="Grenze. " + "Wort " * 10 + "Spielfeld."),
        Article(id="reverse", title="Bericht", body="Spielfeld liegt an der Grenze."),
    ]
    index, _ = build_index(tmp_path / "ix", docs)
    with index, Searcher(index) as s:
        reader = s._searcher.reader()
        ids = {reader.stored_fields(d)["id"]: d for d in range(3)}
        pair = wq.Phrase("body", ["grenz", "spielfeld"], slop=3)
        assert set(Accumulator(s._searcher).scores(pair)) == {ids["near"]}
        best = BestField([wq.Term("title", "grenz", boost=3.0), wq.Term("body", "grenz")])
        got = Accumulator(s._searcher).scores(best)
        title = Accumulator(s._searcher).scores(wq.Term("title", "grenz", boost=3.0))
        body = Accumulator(s._searcher).scores(wq.Term("body", "grenz"))
        assert got[ids["near"]] == max(title[ids["near"]], body[ids["near"]])
        assert got[ids["far"]] == body[ids["far"]]
        assert got == _whoosh_scores(s, best) or all(
            got[d] == pytest.approx(v) for d, v in _whoosh_scores(s, best).items()
        )


def test_phrases_of_any_length_and_slop_match_as_in_whoosh(sample_index: NewsIndex) -> None:
    """Word runs taken from the articles (some reversed), 2 to 4 words, slop 1 to 3."""
    import random

    rng = random.Random(3)
    with Searcher(sample_index) as s:
        whoosh_searcher = s._searcher
        matched = 0
        for article in list(sample_articles())[:300:10]:
            words = [
                t.text
                for t in s._analyzer(article.body, mode="query")
                if getattr(t, "kind", "word") in ("word", "hpart")
            ]
            if len(words) < 5:
                continue
            length = rng.choice([2, 3, 4])
            start = rng.randrange(len(words) - length)
            run = words[start : start + length]
            for phrase in (run, run[::-1]):
                for slop in (1, 3):
                    q = wq.Phrase("body", phrase, slop=slop, boost=0.5)
                    expected = _whoosh_scores(s, q)
                    got = Accumulator(whoosh_searcher).scores(q)
                    assert got.keys() == expected.keys(), (phrase, slop)
                    for docnum, score in got.items():
                        assert score == pytest.approx(expected[docnum], rel=1e-9)
                    matched += bool(expected)
        assert matched > 20  # most runs are found, in their own article at least


# -- decoded posting blocks, cached --------------------------------------------------


@pytest.mark.parametrize("max_bytes", [0, 20_000, 64 << 20])
def test_scores_are_the_same_cold_warm_and_with_blocks_evicted(
    sample_index: NewsIndex, max_bytes: int
) -> None:
    """No cache, one so small that blocks are evicted while a query runs, and a
    large one: the same scores as Whoosh's, on the first run and the second."""
    with Searcher(sample_index) as s:
        cache = BlockCache(max_bytes=max_bytes)
        accumulator = Accumulator(s._searcher, blocks=cache)
        for text in QUERIES:
            plan = s.plan(text)
            q = plan.match if plan.rescore is None else wq.Or([plan.match, plan.rescore])
            expected = _whoosh_scores(s, q)
            for _ in range(2):
                got = accumulator.scores(q)
                assert got.keys() == expected.keys(), text
                for docnum, score in got.items():
                    assert score == pytest.approx(expected[docnum], rel=1e-9)
                wanted = sorted(expected)[::4]
                some = accumulator.scores(q, within=wanted)
                assert some == pytest.approx({d: got[d] for d in wanted}, rel=1e-12)
            assert cache.nbytes <= max_bytes
        if max_bytes == 64 << 20:
            assert cache.hits > cache.misses > 0  # the second runs read no block again
        if max_bytes == 0:
            assert len(cache) == 0 and cache.hits == 0


def test_blocks_read_for_some_documents_are_completed_when_all_are_wanted(
    sample_index: NewsIndex,
) -> None:
    """Scoring a few documents caches the headers of the blocks it skips; scoring
    every document afterwards reads those blocks' postings."""
    with Searcher(sample_index) as s:
        q = wq.Term("body", "regier")
        full = Accumulator(s._searcher, blocks=BlockCache(max_bytes=0)).scores(q)
        accumulator = Accumulator(s._searcher, blocks=BlockCache())
        some = sorted(full)[-2:]
        assert accumulator.scores(q, within=some) == {d: full[d] for d in some}
        assert accumulator.scores(q) == full
        phrase = wq.Phrase("body", ["die", "regier"])
        assert accumulator.scores(phrase) == Accumulator(s._searcher).scores(phrase)


def test_a_term_read_whole_is_one_cache_entry_that_serves_reads_of_some_documents(
    sample_index: NewsIndex,
) -> None:
    with Searcher(sample_index) as s:
        q = wq.Term("body_stop", "der")  # in all 200 articles of the first segment: 2 blocks
        cache = BlockCache()
        accumulator = Accumulator(s._searcher, blocks=cache)
        full = accumulator.scores(q)
        segments = sum(
            ("body_stop", "der") in sub.reader() for sub, _ in s._searcher.leaf_searchers()
        )
        assert len(cache) == segments and cache.misses > segments  # many blocks, one entry each
        misses = cache.misses
        some = [*sorted(full)[::3], max(full) + 1]
        assert accumulator.scores(q, within=some) == {d: full[d] for d in some if d in full}
        assert accumulator.scores(q) == full
        assert (cache.misses, len(cache)) == (misses, segments)
        with pytest.raises(ValueError, match="cache_mb"):
            Searcher(sample_index, cache_mb=-1)
        with Searcher(sample_index, cache_mb=0) as uncached:
            plain = uncached.search("Regierung Wien", highlight=False)
            assert plain == replace(
                s.search("Regierung Wien", highlight=False), took_ms=plain.took_ms
            )
            assert len(uncached._blocks) == 0


def test_the_block_cache_keeps_its_bound_and_drops_the_least_recently_used() -> None:
    cache = BlockCache(max_bytes=3_000)
    block = (7, None, np.arange(100, dtype=np.uint32), np.ones(100), None)
    for position in range(10):
        cache.put(("seg", position, False), block)
        assert cache.nbytes <= 3_000
    assert 0 < len(cache) < 10
    newest = ("seg", 9, False)
    assert cache.get(newest) == block
    assert cache.get(("seg", 0, False)) is None
    cache.clear()
    assert (len(cache), cache.nbytes) == (0, 0)
    with pytest.raises(ValueError, match="max_bytes"):
        BlockCache(max_bytes=-1)


def test_a_refreshed_searcher_reuses_the_blocks_of_the_segments_it_kept(tmp_path: Path) -> None:
    from newssearch import Article

    index, _ = build_index(tmp_path / "ix", list(sample_articles())[:100], procs=1)
    with index, Searcher(index, refresh_interval=None) as s:
        before = s.search("Regierung Wien", highlight=False).total
        cache = s._blocks
        misses = cache.misses
        index.update([Article(id="neu", title="Regierung in Wien")], procs=1)
        assert s.refresh()
        assert s.search("Regierung Wien", highlight=False).total == before + 1
        # The new segment's blocks are new; the first segment's were decoded before.
        assert 0 < cache.misses - misses <= 8 < misses


def test_field_lengths_read_at_once_are_the_ones_whoosh_reads_a_document_at_a_time(
    sample_index: NewsIndex,
) -> None:
    from whoosh.util.numeric import byte_to_length

    from newssearch.engine.segments import field_length_bytes

    reader = sample_index.store.reader()
    for sub, _ in reader.leaf_readers():
        count = sub.doc_count_all()
        for fieldname in ("title", "lead", "body", "body_exact", "no_such_field"):
            stored = field_length_bytes(sub, fieldname)
            assert stored is not None
            # None stored (b""): the default for every document.
            lengths = [byte_to_length(b) if b else None for b in stored] if stored else [7] * count
            assert lengths == [sub.doc_field_length(d, fieldname, 7) for d in range(count)]
        assert field_length_bytes(sub, "body") != b""
