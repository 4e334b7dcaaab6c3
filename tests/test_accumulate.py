"""Term-at-a-time scoring gives exactly the matches and scores of Whoosh's matchers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import query as wq

from newssearch import Searcher, build_index, open_index
from newssearch.engine.accumulate import Accumulator
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
