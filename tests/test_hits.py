"""Hits and snippets: highlighting looks only at the first max_analyzed_chars of a text,
and does a bounded amount of work there."""

from __future__ import annotations

from collections.abc import Container, Iterator

from newssearch import Article, german_analyzer
from newssearch.analysis.chain import GermanAnalyzer
from newssearch.highlight import Fragment, Highlighter
from newssearch.hits import HitBuilder, SnippetOptions
from newssearch.sentences import SentenceSplitter

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


class _CountingAnalyzer(GermanAnalyzer):
    """The German chain, counting the characters it is asked to find matches in."""

    def __init__(self) -> None:
        super().__init__()
        self.analysed = 0

    def find(self, value: str, terms: Container[str]) -> Iterator[tuple[int, int, str]]:
        self.analysed += len(value)
        return super().find(value, terms)


class _CountingSplitter(SentenceSplitter):
    """The sentence splitter, counting the characters it splits."""

    def __init__(self) -> None:
        super().__init__()
        self.split = 0

    def _split(self, line: str, offset: int) -> list[tuple[int, int]]:
        self.split += len(line)
        return super()._split(line, offset)


def test_a_huge_article_full_of_matches_is_highlighted_with_bounded_work() -> None:
    """Three megabytes of text with a match in every sentence: the analyzer sees at
    most the first max_analyzed_chars of it (each distinct word once), and the
    sentences split are those around a few stretches of matches, not all of them."""
    analyzer, splitter = _CountingAnalyzer(), _CountingSplitter()
    builder = HitBuilder(Highlighter(analyzer=analyzer, splitter=splitter))
    body = "Die Regierung in Wien tagte am Montag. Sie beschloss ein Paket. " * 50_000
    assert len(body) > 3_000_000
    article = Article(id="huge", title="Archiv", body=body)
    options = SnippetOptions()
    hit = builder.build(1, 1.0, article, {"body": frozenset({"regier", "wien"})}, options)
    assert hit.highlights is not None
    fragments = hit.highlights.body
    assert len(fragments) == options.max_fragments
    assert all(marked == ["Regierung", "Wien"] for marked in _marked_words(fragments))
    assert analyzer.analysed <= 200  # the distinct words, once: "Die Regierung in Wien …"
    assert splitter.split <= 30 * options.fragment_chars * options.max_fragments


def _marked_words(fragments: tuple[Fragment, ...]) -> list[list[str]]:
    return [[f.text[a:b] for a, b in f.matches][:2] for f in fragments]
