"""Hits and snippets: highlighting looks only at the first max_analyzed_chars of a text."""

from __future__ import annotations

from newssearch import Article, german_analyzer
from newssearch.highlight import Highlighter
from newssearch.hits import HitBuilder, SnippetOptions

FILLER = "Ein Satz ohne Treffer steht hier. " * 200  # 6,800 characters


def _builder() -> HitBuilder:
    return HitBuilder(Highlighter(analyzer=german_analyzer()))


def test_a_match_within_the_bound_is_highlighted() -> None:
    article = Article(id="a", title="Titel", body="Der Rathausplatz in Wien. " + FILLER)
    hit = _builder().build(1, 1.0, article, {"body": frozenset({"wien"})}, SnippetOptions())
    assert hit.highlights is not None
    assert [m for f in hit.highlights.body for m in f.matches]


def test_a_match_past_the_bound_gives_the_opening_sentences_instead() -> None:
    article = Article(id="a", title="Titel", body=FILLER + "Der Rathausplatz in Wien.")
    options = SnippetOptions(max_analyzed_chars=1_000)
    hit = _builder().build(1, 1.0, article, {"body": frozenset({"wien"})}, options)
    assert hit.highlights is not None
    (fragment,) = hit.highlights.body
    assert fragment.start == 0 and fragment.matches == ()
    unbounded = _builder().build(1, 1.0, article, {"body": frozenset({"wien"})}, SnippetOptions())
    assert unbounded.highlights is not None and unbounded.highlights.body[0].matches
