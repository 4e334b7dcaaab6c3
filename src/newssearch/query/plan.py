"""Turn a query text into a plan: the query that matches, and the boosts that rescore.

Free text is answered in two steps (Elasticsearch's ``rescore``): the matching
query finds and ranks the matches, then the exact-form and proximity boosts
and the common words are added to the best
:data:`~newssearch.config.RESCORE_WINDOW`.  Queries with syntax have no
rescoring step.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from whoosh import query as wq

from newssearch.analysis import PHRASE_KINDS, GermanAnalyzer
from newssearch.config import FieldBoosts, QueryLimits, Ranking
from newssearch.engine.parser import make_parser
from newssearch.engine.schema import exact_field, stopword_field
from newssearch.engine.scoring import BestField
from newssearch.errors import QueryError
from newssearch.query.expand import Lexicon, expand_prefixes
from newssearch.query.language import (
    balance,
    check_characters,
    drop_question_words,
    is_plain,
    query_warnings,
)
from newssearch.query.rewrite import Rewriter

__all__ = ["Plan", "Planner", "Statistics"]


class Statistics(Lexicon, Protocol):
    """The index statistics planning needs (a Whoosh reader has them)."""

    def doc_count_all(self) -> int: ...

    def doc_frequency(self, fieldname: str, text: str) -> int: ...


@dataclass(frozen=True)
class Plan:
    """How a query is run.

    ``match`` finds and scores the matches; ``rescore``, when there is one,
    adds its scores to the best matches, which are then re-sorted.
    ``warnings`` say what of the text was not searched as it was written.
    """

    text: str
    match: wq.Query
    rescore: wq.Query | None
    warnings: tuple[str, ...] = ()

    def as_query(self) -> wq.Query:
        """One Whoosh query that stands for the plan (``match ANDMAYBE rescore``)."""
        return self.match if self.rescore is None else wq.AndMaybe(self.match, self.rescore)


class Planner:
    """Plans query texts for one schema, field boosts and ranking.

    >>> from newssearch.analysis import german_analyzer
    >>> from newssearch.config import IndexSettings
    >>> from newssearch.engine.schema import build_schema
    >>> s = IndexSettings()
    >>> planner = Planner(build_schema(s), boosts=s.boosts, ranking=s.ranking,
    ...                   analyzer=german_analyzer(s.analyzer))
    >>> planner.plan('"Europäische Union"').rescore is None
    True
    """

    def __init__(
        self,
        schema: Any,
        *,
        boosts: FieldBoosts,
        ranking: Ranking,
        analyzer: GermanAnalyzer,
        limits: QueryLimits | None = None,
    ) -> None:
        self._boosts = boosts
        self._ranking = ranking
        self._limits = limits or QueryLimits()
        self._analyzer = analyzer
        self._exact_analyzer = schema[exact_field("title")].analyzer
        #: The stopword twins' analyzer, if the index has them (format 3 on).
        stop_twin = stopword_field("title")
        self._stopwords: GermanAnalyzer | None = (
            schema[stop_twin].analyzer if stop_twin in schema else None
        )
        self._parser = make_parser(schema, boosts=boosts, ranking=ranking)
        self._rewriter = Rewriter(analyzer, stopwords=self._stopwords)

    def plan(self, text: str, stats: Statistics | None = None) -> Plan:
        """The plan for ``text``; ``stats`` (when given) finds the common words
        and the words each prefix stands for.

        Raises :class:`~newssearch.errors.QueryError` for a query that is not
        a string, is empty, cannot be parsed or asks for too much (a range on
        a text field, a one-letter prefix).
        """
        if not isinstance(text, str):
            raise QueryError(f"a query must be a string, not {type(text).__name__}")
        check_characters(text)
        if not text.strip():
            raise QueryError(
                "the query is empty (give words to search for, or * to list the archive)"
            )
        words = text.split()
        cut = len(words) > self._limits.max_words
        if cut:
            text = " ".join(words[: self._limits.max_words])
        plain = is_plain(text)
        if plain and self._ranking.drop_question_words:
            text = drop_question_words(text)
        try:
            # Normalised after rewriting: normalising builds new leaves, which lose
            # what the parser attached to them (the quoted text of a phrase).
            parsed: wq.Query = self._parser.parse(balance(text), normalize=False)
        except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
            raise QueryError(f"cannot parse the query {text!r}: {exc}") from exc
        match = expand_prefixes(self._rewriter.rewrite(parsed), stats, self._limits)
        if match is wq.NullQuery and plain and self._stopwords is not None:
            match = self._stopword_match(text, self._stopwords)
        warnings = query_warnings(text, match, stopwords_indexed=self._stopwords is not None)
        if cut:
            warnings = (
                f"the query has {len(words)} words: only its first "
                f"{self._limits.max_words} were searched",
                *warnings,
            )
        if not plain or match is wq.NullQuery:
            return Plan(text, match, None, warnings)
        common: list[wq.Query] = []
        if stats is not None:
            match, common = self._split_common(match, stats)
        extras = common + self._ranking_extras(text)
        return Plan(text, match, wq.Or(extras) if extras else None, warnings)

    def _split_common(self, q: wq.Query, stats: Statistics) -> tuple[wq.Query, list[wq.Query]]:
        """Split an OR of query words into the rarer ones and the common ones.

        A word is common when, in some text field, more than
        ``common_cutoff`` of the articles and more than ``common_min_df``
        articles hold it (the word itself: its compound parts do not count).
        If every word is common, all stay.
        """
        cutoff = self._ranking.common_cutoff
        if not cutoff or not isinstance(q, wq.Or) or len(q.subqueries) < 2:
            return q, []
        limit = max(cutoff * stats.doc_count_all(), self._ranking.common_min_df)

        def is_common(clause: wq.Query) -> bool:
            return any(
                stats.doc_frequency(t.fieldname, t.text) > limit for t in _word_terms(clause)
            )

        common: list[wq.Query] = []
        rare: list[wq.Query] = []
        for clause in q.subqueries:
            (common if is_common(clause) else rare).append(clause)
        if not common or not rare:
            return q, []
        return (rare[0] if len(rare) == 1 else wq.Or(rare, boost=q.boost)), common

    def _stopword_match(self, text: str, stopwords: GermanAnalyzer) -> wq.Query:
        """Free text of stopwords alone (``der die das``, ``wir sind wir``): every
        word, in the stopword twins, each in its best field."""
        words = dict.fromkeys(t.text for t in stopwords(text, mode="query"))
        fields = [(name, w) for name, w in self._boosts.as_dict().items() if w > 0]
        if not words or not fields:
            return wq.NullQuery
        clauses = [
            self._across_fields(
                [wq.Term(stopword_field(name), word, boost=weight) for name, weight in fields]
            )
            for word in words
        ]
        return clauses[0] if len(clauses) == 1 else wq.And(clauses)

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
            words = [t.text for t in self._analyzer(text, mode="query") if t.kind in PHRASE_KINDS]
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


def _word_terms(q: wq.Query) -> Iterator[wq.Term]:
    """The terms of ``q`` that stand for whole words (not inside an AND of compound parts)."""
    if isinstance(q, wq.Term):
        yield q
    elif isinstance(q, wq.CompoundQuery) and not isinstance(q, wq.And):
        for sub in q.subqueries:
            yield from _word_terms(sub)
