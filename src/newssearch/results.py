"""What a search returns: hits, their highlights, and a page of results, as frozen data."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newssearch.article import Article, present_fields
from newssearch.highlight import Fragment

if TYPE_CHECKING:  # the speller (and the analysis it imports) only when a search runs
    from newssearch.spelling import Suggestion

__all__ = ["Highlights", "Hit", "SearchResult"]


@dataclass(frozen=True)
class Highlights:
    """Where the query matched: the displayed title and up to a few body fragments."""

    title: Fragment | None
    body: tuple[Fragment, ...]


@dataclass(frozen=True)
class Hit:
    """One ranked result: the article, its rank and score, and where it matched.

    ``title`` is the article's title, or its lead (or body) when it has none.
    ``score`` is the relevance score; ``None`` when results are sorted by date
    (as Elasticsearch's ``_score`` is null when sorting by a field).
    ``article.published`` is a timezone-aware UTC datetime.  Other copies of
    its story (wire copies) that match are collapsed into this hit:
    ``duplicate_count`` says how many, ``duplicates`` lists the ids of the
    best-scoring of them, best first (as many as the search's
    ``max_duplicates``; as Elasticsearch's collapsing returns the ``inner_hits``
    of a given ``size`` with their total).
    """

    id: str
    rank: int
    score: float | None
    title: str
    article: Article
    highlights: Highlights | None
    duplicates: tuple[str, ...] = ()
    duplicate_count: int = 0

    @property
    def fields(self) -> Mapping[str, Any]:
        """Deprecated: the article's non-empty fields as a mapping; use :attr:`article`."""
        warnings.warn(
            "Hit.fields is deprecated; use Hit.article (hit.article.published, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        return {
            name: list(value) if name == "tags" else value
            for name, _, value in present_fields(self.article)
        }


@dataclass(frozen=True)
class SearchResult:
    """A page of ranked hits with the total number of matches and the time taken.

    ``facets`` maps each requested facet field to its value counts over all
    matches (matches without a value are not counted).  ``partial`` is true
    when the search reached its time limit (:class:`~newssearch.config.QueryLimits`)
    and stopped: ``total`` and the ranking then count only what was read.
    ``warnings`` say what of the query was not searched as written (an
    unknown ``field:``, a query of stopwords only).  ``interpreted`` says
    what date phrases of the query became a time range
    (``published since 2016-03-01 (seit März 2016)``), ``""`` if none.
    ``suggestion`` is the query corrected when it found nothing or holds a
    word the index does not know (did you mean …?), else ``None``.
    """

    query: str
    total: int
    took_ms: float
    offset: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, Mapping[str, int]]
    partial: bool = False
    warnings: tuple[str, ...] = ()
    interpreted: str = ""
    suggestion: Suggestion | None = None
