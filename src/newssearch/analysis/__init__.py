"""The German analyzer: one chain for indexing and for queries.

``german_analyzer(config)`` composes

    GermanTokenizer → lowercase → German stopwords → decompounding →
    German normalisation → Snowball stemming

and nothing else; each step lives in its own module.  ``exact_analyzer`` is the
same chain without stemming and decompounding, and ``prefix_analyzer`` the
light chain (lowercase + normalisation) for prefix terms, as in Lucene.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.analysis import Composable, IDTokenizer, LowercaseFilter

from newssearch.analysis.chain import GermanAnalyzer
from newssearch.analysis.filters import GermanNormalizeFilter
from newssearch.analysis.tokenizer import PHRASE_KINDS, TokenKind
from newssearch.config import AnalyzerConfig

__all__ = [
    "PHRASE_KINDS",
    "AnalyzedToken",
    "AnalyzerConfig",
    "GermanAnalyzer",
    "TokenKind",
    "analyze",
    "exact_analyzer",
    "german_analyzer",
    "prefix_analyzer",
    "stopword_analyzer",
]


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as the analyzer makes it (like Elasticsearch's ``_analyze``).

    ``text`` is the indexed term, ``start``/``end`` the offsets of
    ``original`` in the input, ``kind`` a :class:`TokenKind` (a ``str``):
    ``word``, ``whole`` (a hyphenated word), ``hpart`` (its part) or
    ``cpart`` (a compound part).
    """

    text: str
    start: int
    end: int
    position: int
    kind: str
    original: str


def german_analyzer(config: AnalyzerConfig | None = None) -> GermanAnalyzer:
    """The full German chain for ``config`` (defaults: every step on)."""
    return GermanAnalyzer(config)


def exact_analyzer(
    config: AnalyzerConfig | None = None, *, stopwords: bool = False
) -> GermanAnalyzer:
    """Tokenizer, lowercase, stopwords and normalisation: no stemming, no compound parts.

    ``stopwords=True`` keeps stopwords, marked as :attr:`TokenKind.STOP`: the
    words of both twins, what a highlighter marks them by.
    """
    return GermanAnalyzer(config, exact=True, stops="mark" if stopwords else "drop")


def stopword_analyzer(config: AnalyzerConfig | None = None) -> GermanAnalyzer:
    """The stopwords of a text alone, lowercased and normalised (the stopword twins')."""
    return GermanAnalyzer(config, exact=True, stops="only")


def prefix_analyzer() -> Composable:
    """Lowercase and normalise a prefix as a whole (Lucene's multi-term chain)."""
    return IDTokenizer() | LowercaseFilter() | GermanNormalizeFilter()


def analyze(text: str, *, config: AnalyzerConfig | None = None) -> list[AnalyzedToken]:
    """The tokens the German analyzer makes of ``text`` when indexing.

    >>> [t.text for t in analyze("Sicherheitsgarantien für die Ukraine")]
    ['sicherheitsgaranti', 'sich', 'garanti', 'ukrain']
    """
    return [
        AnalyzedToken(
            t.text,
            t.startchar,
            t.endchar,
            t.pos,
            t.kind,
            t.original,
        )
        for t in german_analyzer(config)(text, positions=True, chars=True, mode="index")
    ]
