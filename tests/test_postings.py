"""The posting formats write exactly what Whoosh's own formats write."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import formats
from whoosh.analysis import StandardAnalyzer

from newssearch.analysis import exact_analyzer, german_analyzer
from newssearch.config import IndexSettings
from newssearch.engine.postings import FrequencyFormat, PositionsFormat
from newssearch.engine.schema import build_schema
from newssearch.sample import sample_articles

PAIRS = [
    (PositionsFormat(field_boost=1.0), formats.Positions(field_boost=1.0)),
    (FrequencyFormat(field_boost=1.0), formats.Frequency(field_boost=1.0)),
    (PositionsFormat(field_boost=2.5), formats.Positions(field_boost=2.5)),
]


def _postings(fmt: formats.Format, analyzer: object, text: str) -> list[tuple[object, ...]]:
    return sorted(fmt.word_values(text, analyzer, mode="index"))


@pytest.mark.parametrize(("ours", "whoosh"), PAIRS)
def test_article_texts_give_the_same_postings(ours: formats.Format, whoosh: formats.Format) -> None:
    analyzers = (german_analyzer(), exact_analyzer())
    for article in list(sample_articles())[:60]:
        for text in (article.title, article.lead, article.body):
            for analyzer in analyzers:
                assert _postings(ours, analyzer, text) == _postings(whoosh, analyzer, text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("aäbcdeoöusß -.,1„“\n"), max_size=60))
def test_any_text_gives_the_same_postings(text: str) -> None:
    analyzer = german_analyzer()
    for ours, whoosh in PAIRS:
        assert _postings(ours, analyzer, text) == _postings(whoosh, analyzer, text)


def test_other_analyzers_and_options_go_the_usual_way() -> None:
    text = "Die Grenze bei Spielfeld, die Grenze"
    plain = StandardAnalyzer()
    for ours, whoosh in PAIRS:
        assert _postings(ours, plain, text) == _postings(whoosh, plain, text)
        shifted = sorted(ours.word_values(text, german_analyzer(), mode="index", start_pos=5))
        assert shifted == sorted(whoosh.word_values(text, german_analyzer(), start_pos=5))


def test_the_schema_uses_them_and_they_pickle() -> None:
    schema = build_schema(IndexSettings())
    assert type(schema["body"].format) is PositionsFormat
    assert type(schema["body_exact"].format) is FrequencyFormat
    copy = pickle.loads(pickle.dumps(schema))
    assert type(copy["title"].format) is PositionsFormat
