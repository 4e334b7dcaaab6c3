"""Compound splitting never invents words (issue: precision in running text).

A part that comes out as its word's own term is not given twice, and
inflection endings (``-sen`` of ``-nissen``) are never parts.
"""

from __future__ import annotations

from newssearch.analysis import analyze, german_analyzer
from newssearch.analysis.compounds import CompoundSplitter
from newssearch.sample import sample_articles


def test_a_part_that_is_its_words_own_term_is_not_given_twice() -> None:
    terms = [(t.text, t.position) for t in analyze("Befugnissen")]
    assert terms == [("befugnis", 0)]


def test_inflection_endings_are_not_parts() -> None:
    splitter = CompoundSplitter()
    assert splitter.split("befugnissen") == ()
    assert splitter.split("forschungsergebnissen") == ("forschung", "ergebnissen")


def test_no_term_is_given_twice_at_one_position_in_the_corpus() -> None:
    analyzer = german_analyzer()
    for article in sample_articles()[::25]:
        seen = [(t.text, t.pos) for t in analyzer(article.body, positions=True, mode="index")]
        assert len(seen) == len(set(seen)), article.id
