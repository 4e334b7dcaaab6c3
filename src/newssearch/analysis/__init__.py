"""The German analyzer: one chain for indexing and for queries.

``german_analyzer(config)`` composes

    NewsTokenizer → lowercase → German stopwords → decompounding →
    German normalisation → Snowball stemming

and nothing else; each step lives in its own module.  ``exact_analyzer`` is the
same chain without stemming and decompounding, and ``prefix_analyzer`` the
light chain (lowercase + normalisation) for prefix terms, as in Lucene.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.analysis import Composable, IDTokenizer, LowercaseFilter

from newssearch.analysis.compounds import DecompoundFilter
from newssearch.analysis.filters import GermanNormalizeFilter, GermanStemFilter, GermanStopFilter
from newssearch.analysis.tokenizer import NewsTokenizer

__all__ = [
    "AnalyzedToken",
    "AnalyzerConfig",
    "analyze",
    "exact_analyzer",
    "german_analyzer",
    "prefix_analyzer",
]


@dataclass(frozen=True)
class AnalyzerConfig:
    """Which steps of the German chain run (all by default).

    ``min_part_length`` is the shortest compound part that is split off.
    """

    stemming: bool = True
    normalize: bool = True
    decompound: bool = True
    stopwords: bool = True
    min_part_length: int = 3

    def __post_init__(self) -> None:
        if self.min_part_length < 2:
            raise ValueError("min_part_length must be at least 2")


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as the analyzer makes it (like Elasticsearch's ``_analyze``).

    ``text`` is the indexed term, ``start``/``end`` the offsets of
    ``original`` in the input, ``kind`` one of ``word``, ``whole`` (a
    hyphenated word), ``hpart`` (its part) and ``cpart`` (a compound part).
    """

    text: str
    start: int
    end: int
    position: int
    kind: str
    original: str


def german_analyzer(config: AnalyzerConfig | None = None) -> Composable:
    """The full German chain for ``config`` (defaults: every step on)."""
    config = config or AnalyzerConfig()
    chain: Composable = NewsTokenizer() | LowercaseFilter()
    if config.stopwords:
        chain = chain | GermanStopFilter()
    if config.decompound:
        chain = chain | DecompoundFilter(min_part_length=config.min_part_length)
    if config.normalize:
        chain = chain | GermanNormalizeFilter()
    if config.stemming:
        chain = chain | GermanStemFilter()
    return chain


def exact_analyzer(config: AnalyzerConfig | None = None) -> Composable:
    """Tokenizer, lowercase, stopwords and normalisation: no stemming, no compound parts."""
    config = config or AnalyzerConfig()
    chain: Composable = NewsTokenizer() | LowercaseFilter()
    if config.stopwords:
        chain = chain | GermanStopFilter()
    if config.normalize:
        chain = chain | GermanNormalizeFilter()
    return chain


def prefix_analyzer() -> Composable:
    """Lowercase and normalise a prefix as a whole (Lucene's multi-term chain)."""
    return IDTokenizer() | LowercaseFilter() | GermanNormalizeFilter()


def analyze(text: str, *, config: AnalyzerConfig | None = None) -> list[AnalyzedToken]:
    """The tokens the German analyzer makes of ``text`` when indexing.

    >>> [t.text for t in analyze("Sicherheitsgarantien für die Ukraine")]
    ['sicherheitsgarantien', 'sicherheit', 'garantien', 'ukrain']
    """
    return [
        AnalyzedToken(
            t.text,
            t.startchar,
            t.endchar,
            t.pos,
            getattr(t, "kind", "word"),
            getattr(t, "original", text[t.startchar : t.endchar]),
        )
        for t in german_analyzer(config)(text, positions=True, chars=True, mode="index")
    ]
