"""Related articles (newssearch.related) on a small index."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex, build_index
from newssearch.analysis import german_analyzer
from newssearch.errors import QueryError
from newssearch.related import Related, RelatedOptions, related

ARTICLES = [
    Article(
        id="f1",
        title="Flüchtlinge an der Grenze",
        body="Tausende Flüchtlinge warten an der Grenze zu Ungarn.",
        section="Inland",
    ),
    Article(
        id="f2",
        title="Grenze für Flüchtlinge geschlossen",
        body="Ungarn schließt die Grenze, Flüchtlinge stauen sich.",
        section="Inland",
    ),
    Article(
        id="f2-wire",
        title="Grenze für Flüchtlinge geschlossen",
        body="Ungarn schließt die Grenze, Flüchtlinge stauen sich.",
        section="Inland",
    ),
    Article(
        id="s1",
        title="Rapid gewinnt Derby",
        body="Rapid siegte im Derby gegen Austria mit 2:1.",
        section="Sport",
    ),
    Article(
        id="s2",
        title="Austria verliert Derby",
        body="Die Austria verlor das Derby gegen Rapid.",
        section="Sport",
    ),
    Article(
        id="w1",
        title="Inflation sinkt",
        body="Die Inflation sinkt im Juli deutlich.",
        section="Wirtschaft",
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    path: Path = tmp_path_factory.mktemp("related") / "index"
    built, _ = build_index(path, ARTICLES, procs=1)
    with built:
        yield built


@pytest.fixture()
def finder(index: NewsIndex) -> Iterator[Related]:
    with index.store.searcher() as searcher:
        yield Related(
            searcher,
            analyzer=german_analyzer(index.settings.analyzer),
            boosts=index.settings.boosts,
        )


def test_most_alike_first_and_never_itself(finder: Related) -> None:
    hits = finder.find("f1")
    ids = [h.id for h in hits]
    assert "f1" not in ids
    assert set(ids[:2]) == {"f2", "f2-wire"}
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    assert hits[0].title == "Grenze für Flüchtlinge geschlossen"
    assert hits[0].article.section == "Inland"


def test_sport_finds_sport(finder: Related) -> None:
    assert finder.find("s1")[0].id == "s2"


def test_exclude_wire_copies(finder: Related) -> None:
    ids = [h.id for h in finder.find("f2", exclude=["f2-wire"])]
    assert ids[0] == "f1"
    assert "f2-wire" not in ids and "f2" not in ids


def test_limit(finder: Related) -> None:
    assert len(finder.find("f1", limit=1)) == 1
    assert finder.find("f1", limit=0) == ()
    with pytest.raises(ValueError):
        finder.find("f1", limit=-1)


def test_unknown_id_is_a_query_error(finder: Related) -> None:
    with pytest.raises(QueryError, match="no article with id 'nope'"):
        finder.find("nope")


def test_key_terms_prefer_distinctive_words(finder: Related, index: NewsIndex) -> None:
    with index.store.searcher() as searcher:
        article = Article(id="x", title="Derby", body="Rapid Derby Inflation")
        terms = [t for t, _ in finder.key_terms(article)]
        assert terms[0] == "derby"  # title weighs more than body
        assert searcher.doc_count() == len(ARTICLES)


def test_one_shot_function(index: NewsIndex) -> None:
    with index.store.searcher() as searcher:
        hits = related(searcher, "w1", analyzer=german_analyzer(index.settings.analyzer), limit=3)
        assert all(h.id != "w1" for h in hits)


def test_options_are_checked() -> None:
    with pytest.raises(ValueError):
        RelatedOptions(terms=0)
