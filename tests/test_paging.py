"""Pages are slices of one ranking: page k is exactly ranks 10k+1 … 10k+10, for every offset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newssearch import NewsIndex, Searcher, build_index, sample_articles
from newssearch.config import RESCORE_WINDOW

#: Free text (rescored), syntax (not rescored), facets (Whoosh's collector).
QUERIES = [
    ("Flüchtlinge", {}),
    ("Flüchtlinge Grenze", {}),
    ("Regierung Wien Bürgermeister", {}),
    ("Wie hoch ist die Arbeitslosigkeit in Österreich?", {}),
    ('"Europäische Union" OR Griechenland', {}),
    ("Bundes*", {}),
    ("Fußball", {"facets": ["section"]}),
]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    index, _ = build_index(tmp_path_factory.mktemp("paging") / "ix", sample_articles())
    with index:
        yield index


def _ids(searcher: Searcher, query: str, offset: int, limit: int, **options: object) -> list[str]:
    result = searcher.search(query, offset=offset, limit=limit, highlight=False, **options)  # type: ignore[arg-type]
    return [hit.id for hit in result.hits]


@pytest.mark.parametrize(("query", "options"), QUERIES)
def test_pages_of_ten_are_slices_of_one_big_request(
    sample_index: NewsIndex, query: str, options: dict[str, object]
) -> None:
    with Searcher(sample_index) as searcher:
        whole = _ids(searcher, query, 0, 400, **options)
        assert whole
        paged = [
            doc_id
            for offset in range(0, len(whole), 10)
            for doc_id in _ids(searcher, query, offset, 10, **options)
        ]
    assert paged == whole
    assert len(set(paged)) == len(paged)


@settings(max_examples=40, deadline=None)
@given(
    query=st.sampled_from([q for q, o in QUERIES if not o]),
    offset=st.integers(min_value=0, max_value=250),
    limit=st.integers(min_value=0, max_value=60),
)
def test_any_offset_and_limit_is_a_slice_of_the_ranking(
    sample_index: NewsIndex, query: str, offset: int, limit: int
) -> None:
    with Searcher(sample_index) as searcher:
        whole = _ids(searcher, query, 0, 400)
        assert _ids(searcher, query, offset, limit) == whole[offset : offset + limit]


def test_scores_never_rise_down_the_ranking(sample_index: NewsIndex) -> None:
    with Searcher(sample_index) as searcher:
        hits = searcher.search("Flüchtlinge Grenze", limit=300, highlight=False).hits
    scores = [h.score for h in hits if h.score is not None]
    assert len(scores) == len(hits) > RESCORE_WINDOW
    assert scores == sorted(scores, reverse=True)
