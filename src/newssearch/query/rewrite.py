"""Fix up the query tree Whoosh's parser builds, before it is planned.

Phrases get one token per position (and their stopwords, where the exact
twins hold them, must stand in the same field), prefix and wildcard terms of keyword
fields are lowercased, ``a NOT b`` inside an OR means "a, but not b" (as in
Lucene), every AND NOT is matched by :class:`~newssearch.engine.scoring.Excluding`,
and ranges of words are refused (only ``published`` has ranges).
"""

from __future__ import annotations

from whoosh import query as wq

from newssearch.analysis import PHRASE_KINDS, GermanAnalyzer
from newssearch.article import FACET_FIELDS, TEXT_FIELDS
from newssearch.engine.parser import quoted_text
from newssearch.engine.schema import stopword_field
from newssearch.engine.scoring import Excluding
from newssearch.errors import QueryError

__all__ = ["Rewriter"]


class Rewriter:
    """Rewrites the leaves of a parsed query; ``analyzer`` re-analyses phrases.

    ``stopwords`` is the stopword twins' analyzer when the index has them: a
    phrase's stopwords are then matched in the twin of the phrase's field (as
    words of the same field: the twins hold no positions).
    """

    def __init__(
        self, analyzer: GermanAnalyzer, *, stopwords: GermanAnalyzer | None = None
    ) -> None:
        self._analyzer = analyzer
        self._stopwords = stopwords

    def rewrite(self, q: wq.Query) -> wq.Query:
        """``q`` with every node fixed up."""
        rewritten: wq.Query = q.accept(self._node).normalize()
        return rewritten

    def _node(self, q: wq.Query) -> wq.Query:
        if isinstance(q, wq.TermRange):
            # A range of words walks the whole vocabulary between its ends.
            raise QueryError(
                f"ranges work on published only (published:[2015 TO 2016]), not on {q.fieldname}"
            )
        if isinstance(q, wq.Phrase) and q.fieldname in TEXT_FIELDS:
            phrase = self._phrase(q)
            if phrase is not None:
                return phrase
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

    def _phrase(self, q: wq.Phrase) -> wq.Query | None:
        """A quoted phrase as it is matched (``None``: leave it as parsed)."""
        # The parser analysed the phrase with every token kind; analyse the
        # quoted text again keeping one token per position.
        text = quoted_text(q)
        if not text:
            return None
        words = [t.text for t in self._analyzer(text, mode="query") if t.kind in PHRASE_KINDS]
        clauses: list[wq.Query] = []
        if len(words) == 1:
            clauses.append(wq.Term(q.fieldname, words[0]))
        elif words:
            clauses.append(wq.Phrase(q.fieldname, words, slop=q.slop))
        if self._stopwords is not None:
            stops = dict.fromkeys(t.text for t in self._stopwords(text, mode="query"))
            clauses.extend(wq.Term(stopword_field(q.fieldname), s) for s in stops)
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0].with_boost(q.boost)
        return wq.And(clauses, boost=q.boost)
