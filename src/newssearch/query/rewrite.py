"""Fix up the query tree Whoosh's parser builds, before it is planned.

Phrases get one token per position, prefix and wildcard terms of keyword
fields are lowercased, ``a NOT b`` inside an OR means "a, but not b" (as in
Lucene), every AND NOT is matched by :class:`~newssearch.engine.scoring.Excluding`,
and ranges of words are refused (only ``published`` has ranges).
"""

from __future__ import annotations

from whoosh import query as wq

from newssearch.analysis import PHRASE_KINDS, GermanAnalyzer
from newssearch.article import FACET_FIELDS, TEXT_FIELDS
from newssearch.engine.scoring import Excluding
from newssearch.errors import QueryError

__all__ = ["Rewriter"]


class Rewriter:
    """Rewrites the leaves of a parsed query; ``analyzer`` re-analyses phrases."""

    def __init__(self, analyzer: GermanAnalyzer) -> None:
        self._analyzer = analyzer

    def rewrite(self, q: wq.Query, source: str) -> wq.Query:
        """``q`` with every node fixed up (``source`` is the text it was parsed from)."""
        rewritten: wq.Query = q.accept(lambda node: self._node(node, source)).normalize()
        return rewritten

    def _node(self, q: wq.Query, source: str) -> wq.Query:
        if isinstance(q, wq.TermRange):
            # A range of words walks the whole vocabulary between its ends.
            raise QueryError(
                f"ranges work on published only (published:[2015 TO 2016]), not on {q.fieldname}"
            )
        if isinstance(q, wq.Phrase) and q.fieldname in TEXT_FIELDS:
            words = self.phrase_words(q, source)
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

    def phrase_words(self, q: wq.Phrase, source: str) -> list[str] | None:
        """The terms of a quoted phrase, one per position (``None``: leave it as parsed)."""
        ranges = getattr(q, "char_ranges", None)
        if not ranges or ranges[0][0] is None:
            return None
        # The parser analysed the phrase with every token kind; analyse the
        # quoted text again keeping one token per position.
        text = source[ranges[0][0] : ranges[-1][1]]
        if not text:
            return None
        words = [t.text for t in self._analyzer(text, mode="query") if t.kind in PHRASE_KINDS]
        return words or None
