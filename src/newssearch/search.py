"""Run a query against an index: collect the matches, rescore the best, page, count facets.

The query language is described in :mod:`newssearch.engine.parser`; a query
text becomes a :class:`~newssearch.query.Plan` in :mod:`newssearch.query`,
and hits and snippets are built in :mod:`newssearch.hits`.  A malformed
query is searched leniently; what cannot be searched at all raises
:class:`~newssearch.errors.QueryError`.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Literal

from whoosh import query as wq
from whoosh import sorting

from newssearch.analysis import german_analyzer
from newssearch.article import FACET_FIELDS
from newssearch.config import RESCORE_WINDOW, FieldBoosts, Ranking
from newssearch.engine.accumulate import Accumulator
from newssearch.engine.documents import from_stored, to_stored_time
from newssearch.engine.scoring import weighting
from newssearch.errors import QueryError
from newssearch.highlight import Highlighter
from newssearch.hits import HitBuilder, SnippetOptions, highlight_terms
from newssearch.index import NewsIndex
from newssearch.query import Plan, Planner
from newssearch.results import Highlights, Hit, SearchResult
from newssearch.sentences import SentenceSplitter

__all__ = ["Highlights", "Hit", "SearchResult", "Searcher", "search"]

Sort = Literal["relevance", "newest", "oldest"]
Filters = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class _Collected:
    """The matches of a query: how many, the best (score, docnum) pairs, facet groups."""

    total: int
    ranked: list[tuple[float, int]]
    groups: Any


class Searcher:
    """Runs queries against one open index; reuse it for many queries.

    >>> with Searcher(open_index("index/default")) as s:     # doctest: +SKIP
    ...     s.search("Sicherheitsgarantien Ukraine").hits[0].title
    """

    def __init__(
        self,
        index: NewsIndex,
        *,
        boosts: FieldBoosts | None = None,
        ranking: Ranking | None = None,
    ) -> None:
        self._index = index
        self._ranking = ranking or index.settings.ranking
        analyzer = german_analyzer(index.settings.analyzer)
        self._analyzer = analyzer
        self._planner = Planner(
            index.schema,
            boosts=boosts or index.settings.boosts,
            ranking=self._ranking,
            analyzer=analyzer,
        )
        self._searcher = index.store.searcher(
            weighting=weighting(self._ranking.idf, b=self._ranking.b, k1=self._ranking.k1)
        )
        self._accumulator = Accumulator(self._searcher)
        self._hits = HitBuilder(Highlighter(analyzer=analyzer, splitter=SentenceSplitter()))

    def __enter__(self) -> Searcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def plan(self, text: str) -> Plan:
        """How ``text`` is run: the matching query and the boosts that rescore it."""
        return self._planner.plan(text, self._searcher.reader())

    def parse(self, text: str) -> wq.Query:
        """The Whoosh query for ``text`` (``match ANDMAYBE boosts`` for free text);
        :meth:`search` adds the boosts to the best matches only."""
        return self.plan(text).as_query()

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        sort: Sort = "relevance",
        highlight: bool = True,
        max_fragments: int = 3,
        fragment_chars: int = 200,
        facets: Sequence[str] = (),
    ) -> SearchResult:
        """Run ``text`` and return hits ``offset`` … ``offset + limit - 1``.

        ``filters`` restricts by exact field values (``{"section": "Sport"}``;
        several values of one field match any of them), ``since``/``until``
        by publication time; neither changes scores.  ``facets`` names fields
        whose value counts over all matches are returned.
        """
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must not be negative")
        if sort not in ("relevance", "newest", "oldest"):
            raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)")
        unknown = sorted(set(facets) - set(FACET_FIELDS))
        if unknown:
            raise QueryError(
                f"cannot facet on {', '.join(unknown)} (only {', '.join(FACET_FIELDS)})"
            )
        started = time.perf_counter()
        plan = self.plan(text)
        rescore = plan.rescore if sort == "relevance" else None  # date order: nothing to rescore
        window = max(offset + limit, RESCORE_WINDOW if rescore is not None else 1)
        found = self._collect(
            plan.match, window, _filter_query(filters, since, until), sort, facets
        )
        ranked = self._rescore(found.ranked, rescore) if rescore is not None else found.ranked
        options = SnippetOptions(
            highlight=highlight, max_fragments=max_fragments, fragment_chars=fragment_chars
        )
        hits = self._page(plan.match, ranked, offset, limit, sort, options)
        return SearchResult(
            query=text,
            total=found.total,
            took_ms=(time.perf_counter() - started) * 1000.0,
            offset=offset,
            hits=hits,
            facets=_facet_counts(found.groups, facets),
        )

    def _collect(
        self,
        q: wq.Query,
        window: int,
        flt: wq.Query | None,
        sort: Sort,
        facets: Sequence[str],
    ) -> _Collected:
        """Every match of ``q`` counted, the best ``window`` of them in order."""
        if sort == "relevance" and not facets:
            # Every match and its score, term at a time (engine/accumulate.py):
            # what Whoosh's collector gives, document at a time, 2-3x slower.
            allow = None if flt is None else set(self._searcher.docs_for_query(flt))
            scores = self._accumulator.scores(q, allow=allow)
            best = heapq.nsmallest(window, scores.items(), key=lambda item: (-item[1], item[0]))
            return _Collected(len(scores), [(score, docnum) for docnum, score in best], None)
        kwargs: dict[str, Any] = {
            "limit": window,
            "filter": flt,
            # Score every match and count it on the way: with block-max
            # skipping Whoosh runs the query a second time for the total,
            # which costs more than the skipping saves (newssearch bench).
            "optimize": False,
        }
        if sort != "relevance":
            kwargs["sortedby"] = "published"
            kwargs["reverse"] = sort == "newest"
        if facets:
            # A multi-valued field (tags) counts each of an article's values.
            kwargs["groupedby"] = {
                name: sorting.FieldFacet(name, allow_overlap=name == "tags") for name in facets
            }
        results = self._searcher.search(q, **kwargs)
        return _Collected(len(results), [(float(sc or 0.0), n) for sc, n in results.top_n], results)

    def _rescore(
        self, ranked: list[tuple[float, int]], boosts: wq.Query
    ) -> list[tuple[float, int]]:
        """``ranked`` with the scores of ``boosts`` added, re-sorted."""
        if not ranked:
            return ranked
        extra = self._accumulator.scores(boosts, within=[n for _, n in ranked])
        return sorted(
            ((sc + extra.get(n, 0.0), n) for sc, n in ranked), key=lambda p: (-p[0], p[1])
        )

    def _page(
        self,
        q: wq.Query,
        ranked: list[tuple[float, int]],
        offset: int,
        limit: int,
        sort: Sort,
        options: SnippetOptions,
    ) -> tuple[Hit, ...]:
        """The hits of ranks ``offset + 1`` … ``offset + limit``."""
        page = ranked[offset : offset + limit] if limit else []
        if not page:
            return ()
        reader = self._searcher.reader()
        terms = highlight_terms(q, reader, self._analyzer) if options.highlight else {}
        return tuple(
            self._hits.build(
                rank,
                score if sort == "relevance" else None,
                from_stored(reader.stored_fields(docnum)),
                terms,
                options,
            )
            for rank, (score, docnum) in enumerate(page, start=offset + 1)
        )


def search(index: NewsIndex, query: str, **options: Any) -> SearchResult:
    """Search ``index`` once; see :meth:`Searcher.search` for the options.

    >>> search(open_index("index/default"), "Kremlchef", limit=3).total   # doctest: +SKIP
    """
    with Searcher(index) as searcher:
        return searcher.search(query, **options)


def _filter_query(
    filters: Filters | None, since: datetime | None, until: datetime | None
) -> wq.Query | None:
    """The filter for exact field values and a publication time range (``None``: none)."""
    parts: list[wq.Query] = []
    for name, values in (filters or {}).items():
        if name not in FACET_FIELDS:
            raise QueryError(f"cannot filter on {name!r} (only {', '.join(FACET_FIELDS)})")
        choices = [values] if isinstance(values, str) else list(values)
        parts.append(wq.Or([wq.Term(name, v.lower()) for v in choices]))
    if since is not None or until is not None:
        parts.append(
            wq.DateRange(
                "published",
                None if since is None else to_stored_time(since),
                None if until is None else to_stored_time(until),
            )
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _facet_counts(groups: Any, facets: Sequence[str]) -> dict[str, dict[str, int]]:
    """Value counts per facet field; matches without a value are not counted."""
    if groups is None:
        return {}
    return {
        name: {str(k): len(v) for k, v in groups.groups(name).items() if k is not None}
        for name in facets
    }
