"""Run a query against an index: collect the matches, rescore the best, page, count facets.

The query language is described in :mod:`newssearch.engine.parser`; a query
text becomes a :class:`~newssearch.query.Plan` in :mod:`newssearch.query`,
and hits and snippets are built in :mod:`newssearch.hits`.  A malformed
query is searched leniently; what cannot be searched at all raises
:class:`~newssearch.errors.QueryError`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
from whoosh import query as wq

from newssearch.analysis import TokenKind, exact_analyzer, german_analyzer
from newssearch.article import role_of
from newssearch.cache import BoundedCache
from newssearch.closing import Closing
from newssearch.config import RESCORE_WINDOW, FieldBoosts, QueryLimits, Ranking, RecencyBoost
from newssearch.dates import Moment, range_end, range_start
from newssearch.engine.accumulate import Accumulator
from newssearch.engine.columns import (
    Columns,
    count_facet,
    date_order,
    publication_ages,
    stories,
)
from newssearch.engine.documents import from_stored, to_stored_time
from newssearch.engine.matches import Matches, distinct
from newssearch.engine.postings import BlockCache
from newssearch.engine.scoring import weighting
from newssearch.errors import IndexStateError
from newssearch.highlight import Highlighter
from newssearch.hits import HitBuilder, SnippetOptions, highlight_terms
from newssearch.index import NewsIndex
from newssearch.keywords import KeywordValues, merge_spellings
from newssearch.query import Plan, Planner
from newssearch.query.dates import find_dates
from newssearch.query.language import check_characters, check_options, filter_choices
from newssearch.related import Related, RelatedHit
from newssearch.results import Highlights, Hit, SearchResult
from newssearch.sentences import SentenceSplitter
from newssearch.spelling import EXACT_FIELDS, Speller, Suggestion
from newssearch.stories import copies_of
from newssearch.suggest import Completion, Suggester

__all__ = ["Highlights", "Hit", "SearchResult", "Searcher", "search"]

Sort = Literal["relevance", "newest", "oldest"]
Filters = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class _Collected:
    """The matches of a query: how many, the best (score, docnum) pairs, the facet
    counts, and whether the time limit cut the collecting short."""

    total: int
    ranked: list[tuple[float, int]]
    facets: dict[str, dict[str, int]]
    partial: bool
    #: The other matching copies of a ranked story's best article (none: no stories).
    copies: Callable[[int, int], tuple[list[int], int]]


@dataclass(frozen=True)
class _Request:
    """One call of :meth:`Searcher.search`, its options checked (``now`` resolved)."""

    text: str
    limit: int
    offset: int
    filters: Filters | None
    since: Moment | None
    until: Moment | None
    sort: Sort
    snippets: SnippetOptions
    facets: tuple[str, ...]
    recency: RecencyBoost | None
    now: datetime
    dates: bool
    suggest: bool
    collapse: bool
    max_duplicates: int


@dataclass(eq=False)
class _View:
    """One thread's view of the index: its Whoosh searcher and what is tied to it."""

    generation: int
    searcher: Any
    accumulator: Accumulator
    planner: Planner
    hits: HitBuilder
    keywords: KeywordValues
    #: The searcher's column values (story labels, dates, facets), read once.
    columns: Columns
    #: Words the index has (the did-you-mean check looks each up once).
    known_words: BoundedCache[str, bool] = field(default_factory=lambda: BoundedCache(100_000))
    #: Built on the first query with a word the index hardly knows.
    speller: Speller | None = None
    #: Built on the first call of :meth:`Searcher.related` / :meth:`Searcher.suggest`.
    related: Related | None = None
    suggester: Suggester | None = None


class Searcher(Closing):
    """Runs queries against one open index; reuse it for many queries, from many threads.

    A searcher may be shared by threads (a web app's request handlers): each
    thread reads the index through its own Whoosh searcher, opened on its
    first query, because Whoosh's readers share file positions and are not
    safe to use from two threads at once.  A searcher sees new commits: every
    ``refresh_interval`` seconds (default 1; ``None``: only on
    :meth:`refresh`) a query first checks whether the index has a newer
    generation, and each thread then moves to it before its next query.
    Decoded postings are kept for the next queries, shared by the threads, up
    to ``cache_mb`` megabytes (a bound, not a reservation: a searcher holds
    what its queries have read; at a million articles, the working set of the
    speed suite's short queries was 56 MB, of its short and long ones 362 MB).

    >>> with Searcher(open_index("index/default")) as s:     # doctest: +SKIP
    ...     s.search("Sicherheitsgarantien Ukraine").hits[0].title
    """

    def __init__(
        self,
        index: NewsIndex,
        *,
        boosts: FieldBoosts | None = None,
        ranking: Ranking | None = None,
        limits: QueryLimits | None = None,
        refresh_interval: float | None = 1.0,
        cache_mb: int = 512,
    ) -> None:
        if refresh_interval is not None and not refresh_interval >= 0:
            raise ValueError(f"refresh_interval must be >= 0 or None, not {refresh_interval!r}")
        if not isinstance(cache_mb, int) or cache_mb < 0:
            raise ValueError(f"cache_mb must be an int >= 0, not {cache_mb!r}")
        self._index = index
        self._store = index.store
        self._ranking = ranking or index.settings.ranking
        self._boosts = boosts or index.settings.boosts
        self._limits = limits or QueryLimits()
        self._analyzer = german_analyzer(index.settings.analyzer)
        # Marks prefix matches and stopwords as written (both twins' words).
        self._exact_analyzer = exact_analyzer(index.settings.analyzer, stopwords=True)
        self._weighting = weighting(self._ranking.idf, b=self._ranking.b, k1=self._ranking.k1)
        self._refresh_interval = refresh_interval
        self._lock = threading.Lock()
        self._local = threading.local()
        self._views: set[_View] = set()  # every thread's, to close them all
        # Decoded posting blocks, shared by every thread and generation (see postings.py).
        self._blocks = BlockCache(max_bytes=cache_mb << 20)
        self._generation = self._store.generation()
        self._checked = time.monotonic()
        self._closed = False
        self._view()  # open the calling thread's view now: a bad index fails here

    def close(self) -> None:
        """Close every thread's Whoosh searcher; queries afterwards raise ``IndexStateError``."""
        with self._lock:
            self._closed = True
            views, self._views = self._views, set()
        for view in views:
            view.searcher.close()

    def refresh(self) -> bool:
        """Whether the index has a newer generation than this searcher reads;
        if so, every thread moves to it before its next query."""
        generation = self._store.generation()
        with self._lock:
            self._checked = time.monotonic()
            if generation == self._generation:
                return False
            self._generation = generation
            return True

    @property
    def _searcher(self) -> Any:
        """The calling thread's Whoosh searcher (for tests and benchmarks)."""
        return self._view().searcher

    def _view(self) -> _View:
        """The calling thread's view of the index, opened or moved to the newest generation."""
        interval = self._refresh_interval
        if interval is not None and time.monotonic() - self._checked >= interval:
            self.refresh()
        view: _View | None = getattr(self._local, "view", None)
        if view is not None and view.generation == self._generation and not self._closed:
            return view
        with self._lock:
            if self._closed:
                raise IndexStateError("this searcher is closed")
            generation = self._generation
        fresh = self._open_view(generation)
        with self._lock:
            if view is not None:
                self._views.discard(view)
            self._views.add(fresh)
        if view is not None:
            view.searcher.close()
        self._local.view = fresh
        return fresh

    def _open_view(self, generation: int) -> _View:
        searcher = self._store.searcher(weighting=self._weighting)
        return _View(
            generation=generation,
            searcher=searcher,
            accumulator=Accumulator(searcher, blocks=self._blocks),
            planner=Planner(
                self._index.schema,
                boosts=self._boosts,
                ranking=self._ranking,
                analyzer=self._analyzer,
                limits=self._limits,
            ),
            hits=HitBuilder(
                Highlighter(
                    analyzer=self._analyzer,
                    splitter=SentenceSplitter(),
                    exact_analyzer=self._exact_analyzer,
                )
            ),
            keywords=KeywordValues(searcher.reader()),
            columns=Columns(searcher),
        )

    def warm(self) -> None:
        """Load now what the first query would load lazily (the compound lexicon,
        the stemmer, the sentence splitter's parameters), so that the first query
        takes as long as any other; a command-line search reports the two apart."""
        for _ in self._analyzer("Sicherheitsgarantien", mode="query"):
            pass
        self._view().hits.warm()

    def plan(self, text: str) -> Plan:
        """How ``text`` is run: the matching query and the boosts that rescore it."""
        return _plan(self._view(), text)

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
        since: Moment | None = None,
        until: Moment | None = None,
        sort: Sort = "relevance",
        highlight: bool = True,
        max_fragments: int = 3,
        fragment_chars: int = 200,
        facets: Sequence[str] = (),
        recency: RecencyBoost | None = None,
        now: Moment | None = None,
        dates: bool = True,
        suggest: bool = True,
        collapse: bool = True,
        max_duplicates: int = 10,
    ) -> SearchResult:
        """Run ``text`` and return hits ``offset`` … ``offset + limit - 1``.

        ``filters`` restricts by exact field values (``{"section": "Sport"}``;
        several values of one field match any of them), ``since``/``until``
        by publication time (a ``datetime``, a ``date`` or an ISO 8601 string;
        naive times are UTC; ``until`` as a date includes that whole day);
        neither changes scores.  ``facets`` names fields
        whose value counts over all matches are returned.  ``recency``
        multiplies relevance scores by a boost for recent articles (see
        :class:`~newssearch.config.RecencyBoost`), their age counted back from
        ``now`` (default: the current time).  German date phrases in the text
        (``seit März 2016``, ``gestern``, ``vor 3 Tagen``; see
        :mod:`newssearch.query.dates`) become a publication time range, within
        ``since``/``until``, relative to ``now``, and
        :attr:`SearchResult.interpreted` says so (if nothing was published
        then, they are searched as words, with a warning); ``dates=False``
        searches them as words.  When the query finds nothing or a word of it
        is not in the index, :attr:`SearchResult.suggestion` is the query
        corrected from the index's own words, if the speller finds a better
        one (see :mod:`newssearch.spelling`; ``suggest=False``: never).
        Wire copies of one story (:mod:`newssearch.duplicates`) are ranked
        as one hit, the best-scoring copy: :attr:`Hit.duplicate_count` says
        how many others match and :attr:`Hit.duplicates` lists the ids of the
        best ``max_duplicates`` of them; ``collapse=False`` ranks every copy
        (date orders and listing the archive always do).  ``total`` counts every
        matching article.
        """
        check_options(
            limit=limit, offset=offset, sort=sort, facets=facets, max_duplicates=max_duplicates
        )
        request = _Request(
            text=text,
            limit=limit,
            offset=offset,
            filters=filters,
            since=since,
            until=until,
            sort=sort,
            snippets=SnippetOptions(
                highlight=highlight, max_fragments=max_fragments, fragment_chars=fragment_chars
            ),
            facets=tuple(facets),
            recency=recency,
            now=datetime.now().astimezone() if now is None else range_start(now, "now"),
            dates=dates,
            suggest=suggest,
            collapse=collapse,
            max_duplicates=max_duplicates,
        )
        return self._run(request)

    def _run(self, req: _Request) -> SearchResult:
        """Plan, collect, rescore and page one search (see :meth:`search`)."""
        started = time.perf_counter()
        limit_s = self._limits.time_limit
        deadline = None if limit_s is None else time.monotonic() + limit_s
        words, span, interpreted = _understand(
            req.text, req.since, req.until, req.now, dates=req.dates
        )
        view = self._view()  # one view for the whole query, even if a refresh comes
        sort = req.sort
        browse = _browses(words, req.filters, span, sort)
        if browse:  # the archive as it stands, newest first unless asked otherwise
            sort = "oldest" if sort == "oldest" else "newest"
        plan = Plan(words, wq.Every(), None) if browse else _plan(view, words)
        rescore = plan.rescore if sort == "relevance" else None  # date order: nothing to rescore
        window = max(req.offset + req.limit, RESCORE_WINDOW if rescore is not None else 1)
        by_score = sort == "relevance" and not browse
        boost = _recency(view.columns, req.recency, req.now) if req.recency and by_score else None
        found = self._collect(
            view,
            plan.match,
            window,
            _filter_query(view.keywords, req.filters, span),
            sort,
            req.facets,
            deadline,
            boost,
            collapse=req.collapse and by_score,
        )
        if interpreted and found.total == 0 and not found.partial:
            # Nothing was published then, or the archive is undated (an
            # encyclopedia's "im Jahr 2015"): the date words are the topic's.
            again = self._run(replace(req, dates=False))
            note = f"nothing was {interpreted}: the date words were searched as words"
            return replace(again, warnings=(note, *again.warnings))
        ranked, partial = found.ranked, found.partial
        if rescore is not None and not partial:
            # Always the same best RESCORE_WINDOW, whatever the page: one
            # ranking for every offset.  Boosts only add, so the rescored
            # head still ranks above the rest, which keeps its match order.
            head = self._rescore(view, ranked[:RESCORE_WINDOW], rescore, deadline, boost)
            ranked = head + ranked[RESCORE_WINDOW:]
            partial = view.accumulator.partial
        hits = self._page(view, plan.match, ranked, req, sort, found.copies)
        suggestion = self._suggest(view, words, found.total) if req.suggest and not browse else None
        return SearchResult(
            query=req.text,
            total=found.total,
            took_ms=(time.perf_counter() - started) * 1000.0,
            offset=req.offset,
            hits=hits,
            facets=found.facets,
            partial=partial,
            warnings=plan.warnings,
            interpreted=interpreted,
            suggestion=suggestion,
        )

    def related(
        self,
        article_id: str,
        *,
        limit: int = 10,
        exclude: Collection[str] = (),
        copies: bool = False,
    ) -> tuple[RelatedHit, ...]:
        """The ``limit`` articles most like ``article_id`` (more like this), best
        first: by its most distinctive words, title and lead weighted as the
        field boosts say (see :mod:`newssearch.related`); never the article
        itself, its wire copies (in an index with stories; ``copies=True``
        keeps them) nor the ids in ``exclude``.  An unknown id raises
        :class:`~newssearch.errors.QueryError`."""
        check_characters(article_id, "the article id")
        view = self._view()
        if not copies:
            exclude = {*exclude, *copies_of(view.searcher.reader(), article_id)}
        if view.related is None:
            view.related = Related(
                view.searcher,
                analyzer=self._analyzer,
                boosts=self._boosts,
                accumulator=view.accumulator,
            )
        return view.related.find(article_id, limit=limit, exclude=exclude)

    def suggest(self, prefix: str, *, limit: int = 10) -> tuple[Completion, ...]:
        """Up to ``limit`` completions of what a user is typing: words and
        frequent title phrases starting with the last word of ``prefix``,
        umlauts and case folded, most frequent first (see
        :mod:`newssearch.suggest`); ``()`` for an empty prefix."""
        check_characters(prefix, "the prefix")
        view = self._view()
        if view.suggester is None:
            view.suggester = Suggester(view.searcher.reader())
        return view.suggester.suggest(prefix, limit=limit)

    def _suggest(self, view: _View, text: str, total: int) -> Suggestion | None:
        """A corrected query if the query found nothing or a plain word of ``text``
        is not in the index (the speller, read from the index's words, is built
        only then: it takes a second or more on a large index)."""
        reader = view.searcher.reader()
        fields = [f for f in EXACT_FIELDS if f in self._index.schema]
        words = {
            t.text
            for t in self._exact_analyzer(text, mode="query")
            if t.kind == TokenKind.WORD and t.text.isalpha()
        }
        if total and all(_in_index(view.known_words, reader, fields, w) for w in words):
            return None
        if view.speller is None:
            view.speller = Speller.from_reader(reader, fields=fields)
        return view.speller.suggest(text)

    def _collect(
        self,
        view: _View,
        q: wq.Query,
        window: int,
        flt: wq.Query | None,
        sort: Sort,
        facets: Sequence[str],
        deadline: float | None,
        boost: Callable[[int], float] | None = None,
        *,
        collapse: bool = False,
    ) -> _Collected:
        """Every match of ``q`` counted and its facets, the best ``window`` of them in
        order (of those found before ``deadline``, when it passes); ``boost``
        multiplies each match's score; ``collapse`` ranks only the best match
        of each story (the others are its copies)."""
        # Every match and its score, term at a time (engine/accumulate.py):
        # what Whoosh's collector gives, document at a time, 2-3x slower.
        allow = None if flt is None else set(view.searcher.docs_for_query(flt))
        if type(q) is wq.Every:  # browsing: every live article that passes the filters
            live = allow if allow is not None else view.searcher.reader().all_doc_ids()
            docnums = distinct(np.fromiter(live, dtype=np.int64))
            scores, partial = Matches(docnums, np.zeros(len(docnums))), False
        else:
            scores = view.accumulator.scores(q, allow=allow, deadline=deadline)
            partial = view.accumulator.partial
            if boost is not None:
                scores = scores.scaled(boost)
        story = stories(view.columns) if collapse else None
        copies: Callable[[int, int], tuple[list[int], int]] = _no_copies
        if sort == "relevance" and story is not None:
            top = _collapsed(scores, story, window)
            ranked = [(score, docnum) for docnum, score in top]
            copies = _Copies(view.accumulator, story, scores).of
        elif sort == "relevance":  # an index without stories has nothing to collapse
            ranked = [(score, docnum) for docnum, score in scores.top(window)]
        else:
            ordered = date_order(view.columns, scores, newest=sort == "newest")[:window]
            ranked = [(scores[docnum], docnum) for docnum in ordered]
        counts = {
            name: merge_spellings(
                count_facet(view.columns, name, scores.keys()),
                spell=_spell(view.keywords, name),
            )
            for name in facets
        }
        return _Collected(len(scores), ranked, counts, partial, copies)

    def _rescore(
        self,
        view: _View,
        ranked: list[tuple[float, int]],
        boosts: wq.Query,
        deadline: float | None,
        boost: Callable[[int], float] | None = None,
    ) -> list[tuple[float, int]]:
        """``ranked`` with the scores of ``boosts`` added (times ``boost``, as the
        scores in ``ranked`` were), re-sorted."""
        if not ranked:
            return ranked
        within = [n for _, n in ranked]
        extra = view.accumulator.scores(boosts, within=within, deadline=deadline)
        if boost is not None:
            extra = extra.scaled(boost)
        return sorted(
            ((sc + extra.get(n, 0.0), n) for sc, n in ranked), key=lambda p: (-p[0], p[1])
        )

    def _page(
        self,
        view: _View,
        q: wq.Query,
        ranked: list[tuple[float, int]],
        req: _Request,
        sort: Sort,
        copies: Callable[[int, int], tuple[list[int], int]],
    ) -> tuple[Hit, ...]:
        """The hits of ranks ``offset + 1`` … ``offset + limit`` of ``req``, each
        with how many of its story's other copies match and the best of them."""
        offset, options = req.offset, req.snippets
        page = ranked[offset : offset + req.limit] if req.limit else []
        if not page:
            return ()
        reader = view.searcher.reader()
        terms = highlight_terms(q, reader) if options.highlight else {}
        hits = []
        for rank, (score, docnum) in enumerate(page, start=offset + 1):
            hit = view.hits.build(
                rank,
                score if sort == "relevance" else None,
                from_stored(reader.stored_fields(docnum)),
                terms,
                options,
            )
            best, count = copies(docnum, req.max_duplicates)
            if count:
                ids = tuple(str(reader.stored_fields(d)["id"]) for d in best)
                hit = replace(hit, duplicates=ids, duplicate_count=count)
            hits.append(hit)
        return tuple(hits)


def search(index: NewsIndex, query: str, **options: Any) -> SearchResult:
    """Search ``index`` once; see :meth:`Searcher.search` for the options.

    >>> search(open_index("index/default"), "Kremlchef", limit=3).total   # doctest: +SKIP
    """
    with Searcher(index) as searcher:
        return searcher.search(query, **options)


def _no_copies(docnum: int, limit: int) -> tuple[list[int], int]:
    """The copies of a hit in an index without stories, or when not collapsing: none."""
    return [], 0


def _collapsed(
    scores: Matches, story: Callable[[int], str | None], window: int
) -> list[tuple[int, float]]:
    """The best ``window`` ``(docnum, score)`` of ``scores`` with each story's best
    match only (ties: the lower number), best first.

    Only the best matches are looked at, as many as it takes: a story label is
    read for each of them, not for each of the query's matches (a column read
    per match tripled the time of a query matching most of 100,000 articles).
    """
    wanted = 2 * window + 8
    while True:
        best = scores.top(wanted)
        seen: set[str] = set()
        out: list[tuple[int, float]] = []
        for docnum, score in best:
            label = story(docnum)
            if label is not None:
                if label in seen:
                    continue
                seen.add(label)
            out.append((docnum, score))
            if len(out) == window:
                return out
        if len(best) < wanted:  # every match was looked at
            return out
        wanted *= 4


class _Copies:
    """The other matching copies of a story's best match, read from the story
    label's postings when a hit is shown: how many, and the best of them."""

    def __init__(
        self, accumulator: Accumulator, story: Callable[[int], str | None], scores: Matches
    ) -> None:
        self._accumulator = accumulator
        self._story = story
        self._scores = scores

    def of(self, docnum: int, limit: int) -> tuple[list[int], int]:
        """The ``limit`` best-scoring other copies of ``docnum`` that match (ties:
        the lower number first), and how many match."""
        label = self._story(docnum)
        if label is None:
            return [], 0
        members = self._accumulator.documents("story", label)
        others = self._scores.among(members[members != docnum])
        return [d for d, _ in others.top(limit)], len(others)


def _recency(columns: Columns, recency: RecencyBoost, now: datetime) -> Callable[[int], float]:
    """The factor each document's score is multiplied by (1.0 for the undated)."""
    age = publication_ages(columns, now)

    def factor(docnum: int) -> float:
        days = age(docnum)
        return 1.0 if days is None else recency.factor(days)

    return factor


@dataclass(frozen=True)
class _Span:
    """A publication time range: from ``start`` on, up to ``end`` (excluded
    when ``end_excl``); ``None``: unbounded."""

    start: datetime | None = None
    end: datetime | None = None
    end_excl: bool = False

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None


def _understand(
    text: str, since: Moment | None, until: Moment | None, now: datetime, *, dates: bool
) -> tuple[str, _Span, str]:
    """The words to search, the time range (``since``/``until`` narrowed by the
    date phrases of ``text``, with ``dates``) and what the phrases were read as."""
    start = None if since is None else range_start(since, "since")
    end, end_excl = (None, False) if until is None else range_end(until, "until")
    # Quoted text is searched as written; "*" lists the archive.
    if not dates or '"' in text or text.strip() in ("", "*"):
        return text, _Span(start, end, end_excl), ""
    found = find_dates(text, now=now)
    if not found.found:
        return text, _Span(start, end, end_excl), ""
    if found.since is not None and (start is None or found.since > start):
        start = found.since
    if found.until is not None and (end is None or found.until <= end):
        end, end_excl = found.until, True  # find_dates' ends are exclusive
    phrases = ", ".join(found.phrases)
    return found.text, _Span(start, end, end_excl), f"{found.description} ({phrases})"


def _browses(text: str, filters: Filters | None, span: _Span, sort: Sort) -> bool:
    """Whether ``text`` lists the archive rather than searching it: ``*``, or no
    query at all with filters, a time range or a date order to list by."""
    text = text.strip()
    if text == "*":
        return True
    return not text and bool(filters or span.bounded or sort != "relevance")


def _plan(view: _View, text: str) -> Plan:
    """``text`` planned with the statistics of the index generation ``view`` reads."""
    return view.planner.plan(text, view.searcher.reader())


def _spell(keywords: KeywordValues, fieldname: str) -> Callable[[str], str] | None:
    """How a facet value of ``fieldname`` is shown: tags are indexed lowercase, so
    they are shown as the articles spell them; the other fields' values are."""
    if role_of(fieldname) != "keywords":
        return None
    return lambda term: keywords.spelling(fieldname, term)


def _in_index(
    known: BoundedCache[str, bool], reader: Any, fields: Sequence[str], word: str
) -> bool:
    """Whether ``word`` is in one of ``fields``; words found are remembered in ``known``."""
    if word in known:
        return True
    if any(reader.doc_frequency(f, word) for f in fields):
        known.put(word, True)
        return True
    return False


def _filter_query(keywords: KeywordValues, filters: Filters | None, span: _Span) -> wq.Query | None:
    """The filter for field values (compared as :func:`~newssearch.keywords.fold_value`
    folds them) and a publication time range (``None``: none)."""
    parts: list[wq.Query] = []
    for name, choices in filter_choices(filters):
        terms = keywords.matching(name, choices)
        parts.append(wq.Or([wq.Term(name, term) for term in terms]) if terms else wq.NullQuery)
    if span.bounded:
        parts.append(
            wq.DateRange(
                "published",
                None if span.start is None else to_stored_time(span.start),
                None if span.end is None else to_stored_time(span.end),
                endexcl=span.end_excl,
            )
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
