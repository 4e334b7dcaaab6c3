"""Parse a query, run it against an index, and build typed, highlighted results.

The query language: free text ranks by BM25F over ``title``, ``lead`` and
``body`` without requiring every word (documents matching more of the words
rank higher); ``"quoted phrases"``; ``+must`` and ``-must_not``; ``AND`` /
``OR`` / ``NOT`` and the German ``UND`` / ``ODER`` / ``NICHT`` (upper case);
``field:term`` for title, lead, body, section, source, author and tags;
``prefix*``; brackets.  A malformed query is searched leniently; what cannot
be searched at all raises :class:`~newssearch.errors.QueryError`.
"""

from __future__ import annotations

import heapq
import itertools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.qparser import (
    FieldAliasPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    OrGroup,
    PlusMinusPlugin,
    PrefixPlugin,
    QueryParser,
    WildcardPlugin,
)

from newssearch.accumulate import Accumulator
from newssearch.analysis import german_analyzer, prefix_analyzer
from newssearch.article import TEXT_FIELDS
from newssearch.errors import QueryError
from newssearch.highlight import Fragment, Highlighter
from newssearch.indexer import NewsIndex
from newssearch.ranking import BestField, BestFieldGroup, Excluding, NewsBM25
from newssearch.schema import FACET_FIELDS, FieldBoosts, Ranking, exact_field
from newssearch.sentences import SentenceSplitter

__all__ = [
    "Highlights",
    "Hit",
    "SearchResult",
    "Searcher",
    "search",
]

Sort = Literal["relevance", "newest", "oldest"]

#: Field names a user may type, and German aliases for them.
_FIELD_ALIASES = {
    "title": ["titel", "headline"],
    "lead": ["teaser", "vorspann"],
    "body": ["text", "inhalt"],
    "section": ["ressort", "rubrik", "kategorie"],
    "source": ["quelle"],
    "author": ["autor", "autorin"],
    "tags": ["tag", "schlagwort"],
}
#: Kinds of analyzed tokens that belong in a phrase: a hyphenated word
#: counts as its parts and a compound as itself, one token per position.
_PHRASE_KINDS = frozenset({"word", "hpart"})

#: Free text is answered in two steps, like Elasticsearch's rescore: the
#: matching query finds and ranks the matches, then the exact-form and
#: proximity boosts (and the common words, see ``Ranking.common_cutoff``) are
#: added to the best this many, which are re-sorted.  Boosting every match
#: instead made long queries several times slower on 10,000 articles.
RESCORE_WINDOW = 100
_WILDCARD_SPLIT = re.compile(r"([*?])")


@dataclass(frozen=True)
class Highlights:
    """Where the query matched: the displayed title and up to a few body fragments."""

    title: Fragment | None
    body: tuple[Fragment, ...]


@dataclass(frozen=True)
class Hit:
    """One ranked result.  ``title`` is the article's title, or its lead when it has none.

    ``score`` is the relevance score; ``None`` when results are sorted by date
    (as Elasticsearch's ``_score`` is null when sorting by a field).
    """

    id: str
    rank: int
    score: float | None
    title: str
    fields: Mapping[str, Any]
    highlights: Highlights | None


@dataclass(frozen=True)
class SearchResult:
    """A page of ranked hits with the total number of matches and the time taken."""

    query: str
    total: int
    took_ms: float
    offset: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, Mapping[str, int]]


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
        self._boosts = boosts or index.settings.boosts
        self._ranking = ranking or index.settings.ranking
        self._analyzer = german_analyzer(index.settings.analyzer)
        schema = index.whoosh.schema  # type: ignore[attr-defined]
        self._exact_analyzer = schema[exact_field(TEXT_FIELDS[0])].analyzer
        self._searcher = index.whoosh.searcher(
            weighting=(NewsBM25 if self._ranking.idf == "robertson" else scoring.BM25F)(
                B=self._ranking.b, K1=self._ranking.k1
            )
        )
        self._accumulator = Accumulator(self._searcher)
        self._highlighter = Highlighter(analyzer=self._analyzer, splitter=SentenceSplitter())
        self._parser = self._make_parser()

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

    def parse(self, text: str) -> wq.Query:
        """The Whoosh query for ``text`` (see the module doc for the language).

        For free text this is the matching query and, as optional clauses,
        the exact-form and proximity boosts (``main ANDMAYBE boosts``);
        :meth:`search` adds the boosts to the best matches only (see there).
        """
        main, boosts = self._plan(text)
        return main if boosts is None else wq.AndMaybe(main, boosts)

    def _plan(self, text: str) -> tuple[wq.Query, wq.Query | None]:
        """The query that finds and scores the matches, and the boosts that rescore them."""
        if not isinstance(text, str):
            raise QueryError(f"a query must be a string, not {type(text).__name__}")
        if not text.strip():
            raise QueryError("the query is empty")
        plain = _is_plain(text)
        if plain and self._ranking.drop_question_words:
            text = _drop_question_words(text)
        try:
            parsed: wq.Query = self._parser.parse(_balance(text))
        except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
            raise QueryError(f"cannot parse the query {text!r}: {exc}") from exc
        rewritten: wq.Query = parsed.accept(lambda q: self._rewrite(q, text)).normalize()
        if plain and rewritten is not wq.NullQuery:
            rewritten, common = self._split_common(rewritten)
            extras = common + self._ranking_extras(text)
            if extras:
                return rewritten, wq.Or(extras)
        return rewritten, None

    def _split_common(self, q: wq.Query) -> tuple[wq.Query, list[wq.Query]]:
        """Split an OR of query words into the rarer ones and the common ones.

        A word is common when, in some text field, more than
        ``common_cutoff`` of the articles and more than ``common_min_df``
        articles hold it (the word itself: its compound parts do not count).
        If every word is common, all stay.
        """
        cutoff = self._ranking.common_cutoff
        if not cutoff or not isinstance(q, wq.Or) or len(q.subqueries) < 2:
            return q, []
        reader = self._searcher.reader()
        limit = max(cutoff * reader.doc_count_all(), self._ranking.common_min_df)

        def is_common(clause: wq.Query) -> bool:
            return any(
                reader.doc_frequency(t.fieldname, t.text) > limit for t in _word_terms(clause)
            )

        common: list[wq.Query] = []
        rare: list[wq.Query] = []
        for clause in q.subqueries:
            (common if is_common(clause) else rare).append(clause)
        if not common or not rare:
            return q, []
        return (rare[0] if len(rare) == 1 else wq.Or(rare, boost=q.boost)), common

    def _ranking_extras(self, text: str) -> list[wq.Query]:
        """Optional clauses that reorder the matches of a free-text query:
        exact word forms and neighbouring query words close together."""
        ranking = self._ranking
        fields = [(name, w) for name, w in self._boosts.as_dict().items() if w > 0]
        extras: list[wq.Query] = []
        if ranking.exact_weight > 0:
            exact = dict.fromkeys(t.text for t in self._exact_analyzer(text, mode="query"))
            for word in exact:
                terms = [
                    wq.Term(exact_field(name), word, boost=weight * ranking.exact_weight)
                    for name, weight in fields
                ]
                extras.append(self._across_fields(terms))
        if ranking.proximity_weight > 0:
            words = [
                t.text
                for t in self._analyzer(text, mode="query")
                if getattr(t, "kind", "word") in _PHRASE_KINDS
            ]
            pairs = dict.fromkeys((a, b) for a, b in itertools.pairwise(words) if a != b)
            for pair in pairs:
                phrases = [
                    wq.Phrase(
                        name,
                        list(pair),
                        slop=ranking.proximity_slop,
                        boost=weight * ranking.proximity_weight,
                    )
                    for name, weight in fields
                ]
                extras.append(self._across_fields(phrases))
        return extras

    def _across_fields(self, queries: Sequence[wq.Query]) -> wq.Query:
        """One word's queries over the fields: the best field, or all of them added up."""
        if len(queries) == 1:
            return queries[0]
        if self._ranking.fields == "sum":
            return wq.Or(list(queries))
        return BestField(list(queries))

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: Mapping[str, str | Sequence[str]] | None = None,
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
        started = time.perf_counter()
        q, boosts = self._plan(text)
        if sort != "relevance":
            boosts = None  # hits come in date order: nothing to rescore
        kwargs: dict[str, Any] = {
            "limit": max(offset + limit, RESCORE_WINDOW if boosts is not None else 1),
            "filter": _filter_query(filters, since, until),
            # (Date order and facets go through Whoosh's collector.)  Score
            # every match and count it on the way: with block-max skipping
            # Whoosh runs the query a second time for the total, which costs
            # more than the skipping saves (newssearch bench).
            "optimize": False,
        }
        if sort != "relevance":
            if sort not in ("newest", "oldest"):
                raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)")
            kwargs["sortedby"] = "published"
            kwargs["reverse"] = sort == "newest"
        unknown = sorted(set(facets) - set(FACET_FIELDS))
        if unknown:
            raise QueryError(
                f"cannot facet on {', '.join(unknown)} (only {', '.join(FACET_FIELDS)})"
            )
        if facets:
            # A multi-valued field (tags) counts each of an article's values.
            kwargs["groupedby"] = {
                name: sorting.FieldFacet(name, allow_overlap=name == "tags") for name in facets
            }
        if sort == "relevance" and not facets:
            # Every match and its score, term at a time (see accumulate.py):
            # what Whoosh's collector gives, document at a time, 2-3x slower.
            flt = kwargs["filter"]
            allow = None if flt is None else set(self._searcher.docs_for_query(flt))
            scores = self._accumulator.scores(q, allow=allow)
            total = len(scores)
            ranked = [
                (score, docnum)
                for docnum, score in heapq.nsmallest(
                    kwargs["limit"], scores.items(), key=lambda item: (-item[1], item[0])
                )
            ]
            groups = None
        else:
            results = self._searcher.search(q, **kwargs)
            total = len(results)
            ranked = [(float(sc or 0.0), n) for sc, n in results.top_n]
            groups = results
        if boosts is not None and ranked:
            extra = self._accumulator.scores(boosts, within=[n for _, n in ranked])
            ranked = sorted(
                ((sc + extra.get(n, 0.0), n) for sc, n in ranked), key=lambda p: (-p[0], p[1])
            )
        terms = self._highlight_terms(q) if highlight else {}
        hits = []
        page = ranked[offset : offset + limit] if limit else []
        for rank, (score, docnum) in enumerate(page, start=offset + 1):
            stored = dict(self._searcher.reader().stored_fields(docnum))
            if isinstance(stored.get("published"), datetime):
                stored["published"] = stored["published"].replace(tzinfo=UTC)
            hits.append(
                self._hit(
                    rank,
                    score if sort == "relevance" else None,
                    stored,
                    terms,
                    highlight,
                    max_fragments,
                    fragment_chars,
                )
            )
        facet_counts = {  # matches without a value for the field are not counted
            name: {str(k): len(v) for k, v in groups.groups(name).items() if k is not None}
            for name in facets
            if groups is not None
        }
        return SearchResult(
            query=text,
            total=total,
            took_ms=(time.perf_counter() - started) * 1000.0,
            offset=offset,
            hits=tuple(hits),
            facets=facet_counts,
        )

    def _hit(
        self,
        rank: int,
        score: float | None,
        stored: dict[str, Any],
        terms: Mapping[str, frozenset[str]],
        highlight: bool,
        max_fragments: int,
        fragment_chars: int,
    ) -> Hit:
        title_field = next((f for f in TEXT_FIELDS if stored.get(f)), "title")
        title = stored.get(title_field, "") or stored["id"]
        highlights = None
        if highlight:
            snippet_fields = [f for f in TEXT_FIELDS if f != title_field and stored.get(f)]
            snippet_text = "\n\n".join(stored[f] for f in snippet_fields)
            snippet_terms = frozenset().union(*(terms.get(f, frozenset()) for f in snippet_fields))
            body = (
                self._highlighter.fragments(
                    snippet_text,
                    snippet_terms,
                    max_fragments=max_fragments,
                    fragment_chars=fragment_chars,
                )
                if snippet_text
                else ()
            )
            if not body and snippet_text and max_fragments:
                body = (self._highlighter.leading(snippet_text, fragment_chars=fragment_chars),)
            highlights = Highlights(
                title=self._highlighter.whole(title, terms.get(title_field, frozenset())),
                body=tuple(body),
            )
        return Hit(
            id=stored["id"],
            rank=rank,
            score=score,
            title=title,
            fields=stored,
            highlights=highlights,
        )

    def _highlight_terms(self, q: wq.Query) -> dict[str, frozenset[str]]:
        """Per text field, the terms (as the German analyzer writes them) to mark.

        Prefix and wildcard terms live in the exact fields, unstemmed: they are
        analysed again so that the highlighter, which re-analyses the stored
        text with the German chain, finds them.
        """
        found: dict[str, set[str]] = {}
        for fieldname, text in _iter_positive_terms(q, self._searcher.reader()):
            if fieldname in TEXT_FIELDS:
                found.setdefault(fieldname, set()).add(text)
                continue
            base = fieldname.removesuffix("_exact")
            if base in TEXT_FIELDS and base != fieldname:
                found.setdefault(base, set()).update(
                    t.text
                    for t in self._analyzer(text, mode="index")
                    if getattr(t, "kind", "word") != "cpart"
                )
        return {name: frozenset(texts) for name, texts in found.items()}

    def _make_parser(self) -> Any:
        parser = _NewsParser(
            None,
            self._index.whoosh.schema,  # type: ignore[attr-defined]
            group=OrGroup,
        )
        parser.part_weight = self._ranking.part_weight
        parser.add_plugin(
            MultifieldPlugin(
                list(TEXT_FIELDS),
                fieldboosts=self._boosts.as_dict(),
                group=BestFieldGroup if self._ranking.fields == "max" else OrGroup,
            )
        )
        # Only ``term*``: a "?" ends German questions far more often than it
        # stands for one letter.
        parser.remove_plugin_class(WildcardPlugin)
        parser.add_plugin(PrefixPlugin())
        parser.remove_plugin_class(OperatorsPlugin)
        parser.add_plugin(
            OperatorsPlugin(
                And=r"(?<=\s)(?:AND|UND)(?=\s)",
                Or=r"(?<=\s)(?:OR|ODER)(?=\s)",
                AndNot=r"(?<=\s)ANDNOT(?=\s)",
                AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
                Not=r"(^|(?<=(\s|[()])))(?:NOT|NICHT)(?=\s)",
                Require=None,
            )
        )
        # A hyphen inside a word (US-Präsident) is not an operator: only a +/-
        # that starts a word is.
        parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<!\S)\+(?=\S)", minusexpr=r"(?<!\S)-(?=\S)"))
        parser.add_plugin(FieldAliasPlugin(_FIELD_ALIASES))
        return parser

    def _rewrite(self, q: wq.Query, source: str) -> wq.Query:
        """Fix up leaves the parser built: phrases one token per position,
        prefix and wildcard terms normalised and sent to the exact fields."""
        if isinstance(q, wq.Phrase) and q.fieldname in TEXT_FIELDS:
            words = self._phrase_words(q, source)
            if words is not None:
                if len(words) == 1:
                    return wq.Term(q.fieldname, words[0], boost=q.boost)
                return wq.Phrase(q.fieldname, words, slop=q.slop, boost=q.boost)
        if type(q) is wq.AndNot:
            return Excluding(q.a, q.b)
        if isinstance(q, wq.Or) and any(isinstance(c, wq.Not) for c in q.subqueries):
            # "a NOT b" in an OR query means: a, but not b (as in Lucene),
            # not "a, or anything without b".
            keep = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            drop = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            if keep:
                positive = keep[0] if len(keep) == 1 else type(q)(keep, boost=q.boost)
                return Excluding(positive, drop[0] if len(drop) == 1 else wq.Or(drop))
        if isinstance(q, wq.Wildcard | wq.Prefix) and q.fieldname in FACET_FIELDS:
            return type(q)(q.fieldname, q.text.lower(), boost=q.boost)
        return q

    def _phrase_words(self, q: wq.Phrase, source: str) -> list[str] | None:
        ranges = getattr(q, "char_ranges", None)
        if not ranges or ranges[0][0] is None:
            return None
        # The parser analysed the phrase with every token kind; analyse the
        # quoted text again keeping one token per position.
        text = source[ranges[0][0] : ranges[-1][1]]
        if not text:
            return None
        words = [
            t.text
            for t in self._analyzer(text, mode="query")
            if getattr(t, "kind", "word") in _PHRASE_KINDS
        ]
        return words or None


class _NewsParser(QueryParser):
    """Whoosh's multi-field parser with German word queries.

    A word that analyses into several tokens becomes ``whole OR (parts)``:
    the compound or hyphenated word itself, or, weighted by ``part_weight``,
    all of its parts (Sicherheitsgarantien → sicherheitsgarantie OR
    (sicherheit AND garantie)), so that the word as typed ranks first.
    """

    part_weight = 0.5

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: Any,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Any:
        if fieldname in TEXT_FIELDS and termclass in (wq.Prefix, wq.Wildcard):
            # Prefixes match the unstemmed words of the exact twin field,
            # lowercased and normalised like them (Lucene's multi-term chain).
            return termclass(exact_field(fieldname), normalise_pattern(text), boost=boost)
        if fieldname not in TEXT_FIELDS or termclass is not wq.Term or not tokenize:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        schema = self.schema
        if schema is None:
            raise QueryError("the query parser has no schema")
        analyzer = schema[fieldname].analyzer
        if analyzer is None:
            raise QueryError(f"field {fieldname!r} has no analyzer")
        tokens = [
            (t.text, getattr(t, "kind", "word"))
            for t in analyzer(text, mode="query", removestops=removestops)
        ]
        units = [_word_query(fieldname, unit, self.part_weight) for unit in _units(tokens)]
        if not units:
            return None
        q = units[0] if len(units) == 1 else wq.Or(units)
        if boost != 1.0:
            q = q.with_boost(boost)
        return q


def normalise_pattern(pattern: str) -> str:
    """Lowercase and normalise the literal parts of a prefix or wildcard pattern."""
    analyzer = prefix_analyzer()
    return "".join(
        piece if piece in ("*", "?") else "".join(t.text for t in analyzer(piece))
        for piece in _WILDCARD_SPLIT.split(pattern)
        if piece
    )


def _units(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group a token stream into words: a word or hyphenated whole and what follows it."""
    units: list[list[tuple[str, str]]] = []
    for text, kind in tokens:
        starts_word = kind in ("word", "whole") or not units
        if starts_word or (kind == "hpart" and units[-1][0][1] != "whole"):
            units.append([(text, kind)])
        else:
            units[-1].append((text, kind))
    return units


def _word_query(fieldname: str, unit: list[tuple[str, str]], part_weight: float) -> wq.Query:
    head, kind = unit[0]
    whole = wq.Term(fieldname, head)
    if kind == "whole":
        # The parts of a hyphenated word, each with its own compound parts.
        parts = [wq.Term(fieldname, t) for t, k in unit[1:] if k == "hpart"]
    else:
        parts = [wq.Term(fieldname, t) for t, k in unit[1:] if k == "cpart"]
    if not parts:
        return whole
    return wq.Or([whole, wq.And(parts, boost=part_weight)])


def search(index: NewsIndex, query: str, **options: Any) -> SearchResult:
    """Search ``index`` once; see :meth:`Searcher.search` for the options.

    >>> search(open_index("index/default"), "Kremlchef", limit=3).total   # doctest: +SKIP
    """
    with Searcher(index) as searcher:
        return searcher.search(query, **options)


#: Query syntax beyond plain words: quotes, brackets, field:, prefix*, +/-, operators.
_SYNTAX = re.compile(r'["()*:]|(?<!\S)[+-]\S|\b(?:AND|OR|NOT|UND|ODER|NICHT|ANDNOT|ANDMAYBE)\b')

#: Question words of German questions; "viele"/"viel" as in "wie viele".
_QUESTION_WORDS = frozenset(
    "wer wen wem wessen was wann wo wohin woher warum weshalb wieso weswegen wie "
    "wieviel wieviele welche welcher welches welchen welchem womit wodurch wofür "
    "wogegen worauf woraus worin worüber worum wozu viele vielen".split()
)
_WORD = re.compile(r"\w+")


def _is_plain(text: str) -> bool:
    """Whether ``text`` is free text, with no query syntax in it."""
    return _SYNTAX.search(text) is None


def _word_terms(q: wq.Query) -> Iterator[wq.Term]:
    """The terms of ``q`` that stand for whole words (not inside an AND of compound parts)."""
    if isinstance(q, wq.Term):
        yield q
    elif isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.And):
        for sub in q.subqueries:
            yield from _word_terms(sub)


def _drop_question_words(text: str) -> str:
    """``text`` without its question words, unless nothing else would be left."""
    kept = _WORD.sub(lambda m: "" if m.group().lower() in _QUESTION_WORDS else m.group(), text)
    return kept if _WORD.search(kept) else text


def _balance(text: str) -> str:
    """Make a malformed query searchable: close an open quote, drop stray brackets."""
    if text.count('"') % 2:
        text = text + '"'
    depth = 0
    out = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + ")" * depth


def _filter_query(
    filters: Mapping[str, str | Sequence[str]] | None,
    since: datetime | None,
    until: datetime | None,
) -> wq.Query | None:
    parts: list[wq.Query] = []
    for name, values in (filters or {}).items():
        if name not in FACET_FIELDS:
            raise QueryError(f"cannot filter on {name!r} (only {', '.join(FACET_FIELDS)})")
        choices = [values] if isinstance(values, str) else list(values)
        parts.append(wq.Or([wq.Term(name, v.lower()) for v in choices]))
    if since is not None or until is not None:
        parts.append(wq.DateRange("published", _naive_utc(since), _naive_utc(until)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.utcoffset() is None:
        return moment
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None)


def _iter_positive_terms(q: wq.Query, reader: Any) -> Iterator[tuple[str, str]]:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _iter_positive_terms(q.a, reader)
        return
    if isinstance(q, wq.MultiTerm):  # prefix and wildcard: the terms they expand to
        for fieldname, expanded in q.existing_terms(reader, expand=True):
            yield fieldname, _text(expanded)
        return
    if q.is_leaf():
        for fieldname, term in q.iter_all_terms(phrases=True):
            yield fieldname, _text(term)
        return
    for child in q.children():
        yield from _iter_positive_terms(child, reader)


def _text(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
