"""Ranking settings and mechanics: validation, best-field scoring, rescoring, common words."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from newssearch import Article, IndexSettings, Searcher, build_index
from newssearch.config import Ranking
from newssearch.engine.scoring import BestField


@pytest.mark.parametrize(
    "options",
    [
        {"k1": -1.0},
        {"b": 1.5},
        {"idf": "bm42"},
        {"fields": "min"},
        {"part_weight": -0.1},
        {"exact_weight": -1.0},
        {"proximity_weight": -0.5},
        {"proximity_slop": 0},
        {"common_cutoff": 1.5},
        {"common_cutoff": -0.1},
        {"common_min_df": -1},
    ],
)
def test_bad_ranking_settings_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Ranking(**options)  # type: ignore[arg-type]


def test_ranking_settings_round_trip_through_the_index_settings() -> None:
    settings = IndexSettings(ranking=Ranking(k1=0.9, common_cutoff=0.2, fields="sum"))
    assert IndexSettings.from_json(settings.to_json()) == settings


#: Prune common words even in a tiny index.
_PRUNING = Ranking(common_cutoff=0.5, common_min_df=0)


def _articles() -> list[Article]:
    # "Wien" is in every article: a common word; "Hochwasser" and "Donau" are rare.
    docs = [
        Article(id="flut", title="Hochwasser an der Donau", body="In Wien steigt die Donau."),
        Article(id="donau", title="Schiffe auf der Donau", body="Wien erwartet mehr Schiffe."),
    ]
    docs += [
        Article(id=f"wien-{i}", title=f"Meldung {i}", body=f"Aus Wien kommt Nachricht {i}.")
        for i in range(10)
    ]
    return docs


@pytest.fixture()
def index_path(tmp_path: Path) -> Path:
    index, _ = build_index(tmp_path / "index", _articles())
    index.close()
    return tmp_path / "index"


def test_a_common_word_alone_does_not_make_a_match_next_to_a_rarer_one(index_path: Path) -> None:
    from newssearch import open_index

    with open_index(index_path) as index:
        with Searcher(index, ranking=_PRUNING) as searcher:
            result = searcher.search("Wien Hochwasser")
            assert [h.id for h in result.hits] == ["flut"]
            assert result.total == 1
        with Searcher(index, ranking=Ranking(common_cutoff=0.0)) as searcher:
            result = searcher.search("Wien Hochwasser")
            assert result.hits[0].id == "flut"
            assert result.total == 12


def test_the_common_word_still_counts_for_the_matches_of_the_rarer_one(index_path: Path) -> None:
    from newssearch import open_index

    with open_index(index_path) as index, Searcher(index, ranking=_PRUNING) as s:
        with_common = {h.id: h.score for h in s.search("Wien Donau").hits}
        without = {h.id: h.score for h in s.search("Donau").hits}
        assert set(with_common) == set(without) == {"flut", "donau"}
        assert all(with_common[i] > without[i] for i in without)


def test_words_in_few_articles_are_never_common(index_path: Path) -> None:
    from newssearch import open_index

    with open_index(index_path) as index, Searcher(index, ranking=Ranking(common_min_df=20)) as s:
        assert s.search("Wien Hochwasser").total == 12


def test_only_common_words_all_stay_in_the_query(index_path: Path) -> None:
    from newssearch import open_index

    with open_index(index_path) as index, Searcher(index, ranking=_PRUNING) as s:
        assert s.search("Wien").total == 12


def test_rescoring_the_window_gives_the_scores_of_the_whole_query(index_path: Path) -> None:
    """search() adds the boosts to the best matches; parse() states them as one query."""
    from newssearch import open_index

    with open_index(index_path) as index, Searcher(index) as s:
        text = "Donau Schiffe Wien"
        q = s.parse(text)
        assert isinstance(q, wq.AndMaybe)
        whoosh_searcher = s._searcher  # the scores Whoosh gives the combined query
        expected = {
            whoosh_searcher.stored_fields(hit.docnum)["id"]: hit.score
            for hit in whoosh_searcher.search(q, limit=None)
        }
        got = {hit.id: hit.score for hit in s.search(text, limit=20, highlight=False).hits}
        assert got.keys() == expected.keys()
        for doc_id, score in got.items():
            assert score == pytest.approx(expected[doc_id])


def test_best_field_scores_each_document_by_its_own_best_field(tmp_path: Path) -> None:
    docs = [
        Article(id="title", title="Truppen an der Grenze", body="Ein Bericht."),
        Article(id="body", title="Bericht", body="Lange Rede. " * 30 + "Die Truppen kamen."),
    ]
    index, _ = build_index(tmp_path / "index", docs)
    with index, Searcher(index) as s:
        hits = s.search("Truppen", highlight=False).hits
        assert [h.id for h in hits] == ["title", "body"]
        assert hits[0].score is not None and hits[1].score is not None
        assert hits[0].score > 2 * hits[1].score  # not one document's score for both


def test_best_field_takes_the_maximum_of_its_subqueries(tmp_path: Path) -> None:
    index, _ = build_index(
        tmp_path / "index", [Article(id="a", title="Truppen", body="Truppen Truppen")]
    )
    with index, Searcher(index) as s:
        ws = s._searcher
        title = wq.Term("title", "trupp", boost=3.0)
        body = wq.Term("body", "trupp")
        each = [next(iter(ws.search(q))).score for q in (title, body)]
        best = next(iter(ws.search(BestField([title, body])))).score
        assert best == pytest.approx(max(each))
        tied = next(iter(ws.search(BestField([title, body], tiebreak=0.5)))).score
        assert tied == pytest.approx(max(each) + 0.5 * min(each))


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_not_excludes_the_first_match_too(tmp_path: Path, sort: str) -> None:
    """Whoosh 3.54's AND NOT kept its first match when the excluded word came earlier."""
    docs = [
        Article(id="wien", title="Wien", body="Die Stadt Wien wächst."),
        Article(id="both", title="Regierung", body="Die Regierung in Wien tagt."),
        Article(id="only", title="Regierung", body="Die Regierung tagt."),
    ]
    index, _ = build_index(tmp_path / "ix", docs)
    with index, Searcher(index) as s:
        for text in ("Regierung NICHT Wien", "Regierung -Wien", "Regierung ANDNOT Wien"):
            assert [h.id for h in s.search(text, sort=sort).hits] == ["only"], text  # type: ignore[arg-type]
