"""How matches are scored: BM25 per field with a Robertson–Spärck Jones IDF.

Whoosh's own BM25F uses ``log(N / (df + 1)) + 1`` as IDF, which keeps giving
words that occur in nearly every article (``sagte``, ``jahr``) a weight of
about 1: in a long query (a whole teaser sentence, a question) they add up
and drown the rare, telling words.  :class:`RobertsonBM25` uses the IDF of
Lucene's and Elasticsearch's BM25, ``log(1 + (N - df + 0.5) / (df + 0.5))``,
which goes to zero for such words.
"""

from __future__ import annotations

from functools import partial
from math import log
from typing import Any, cast

from whoosh import matching, query, scoring
from whoosh.qparser import DisMaxGroup

__all__ = [
    "BestField",
    "BestFieldGroup",
    "BestFieldMatcher",
    "Excluding",
    "ExcludingMatcher",
    "RobertsonBM25",
    "weighting",
]


class RobertsonBM25(scoring.BM25F):
    """Whoosh's per-field BM25 with the Robertson–Spärck Jones IDF (as in Lucene)."""

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return log(1.0 + (n - df + 0.5) / (df + 0.5))


def weighting(idf: str, *, b: float, k1: float) -> scoring.BM25F:
    """The BM25 weighting for a :class:`~newssearch.config.Ranking`'s ``idf``, ``b`` and ``k1``."""
    model = RobertsonBM25 if idf == "robertson" else scoring.BM25F
    return model(B=b, K1=k1)


class BestFieldMatcher(matching.DisjunctionMaxMatcher):
    """Whoosh's dis-max matcher with its bugs fixed.

    Whoosh 3.54's ``DisjunctionMaxMatcher.score()`` returns the larger of its
    two sub-matchers' scores even when they sit on *different* documents (so a
    document can get another document's score), its ``replace()`` drops both
    sides when one of them runs out, and the tree builder loses the
    tie-breaker.  Here only the sub-matchers on the current document count,
    and the weaker one adds ``tiebreak`` times its score (Lucene's
    ``tie_breaker``).
    """

    def __init__(self, a: Any, b: Any, tiebreak: float = 0.0) -> None:
        super().__init__(a, b, tiebreak=tiebreak)

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return float(b.score())
        if not b.is_active():
            return float(a.score())
        a_id, b_id = a.id(), b.id()
        if a_id < b_id:
            return float(a.score())
        if b_id < a_id:
            return float(b.score())
        a_score, b_score = a.score(), b.score()
        return float(max(a_score, b_score) + self.tiebreak * min(a_score, b_score))

    def replace(self, minquality: float = 0) -> Any:
        # With a tie-breaker the weaker side adds to the score, so a side below
        # minquality may still matter: only prune on quality without one.
        floor = minquality if self.tiebreak == 0 else 0
        a = self.a.replace(floor) if self.a.is_active() else self.a
        b = self.b.replace(floor) if self.b.is_active() else self.b
        a_active, b_active = a.is_active(), b.is_active()
        if not (a_active or b_active):
            return matching.NullMatcher()
        if not a_active:
            return b
        if not b_active:
            return a
        if a is not self.a or b is not self.b:
            return self.__class__(a, b, tiebreak=self.tiebreak)
        return self

    def max_quality(self) -> float:
        top = max(self.a.max_quality(), self.b.max_quality())
        return float(top * (1.0 + self.tiebreak))

    def block_quality(self) -> float:
        top = max(self.a.block_quality(), self.b.block_quality())
        return float(top * (1.0 + self.tiebreak))


class BestField(query.DisjunctionMax):
    """A document's best-scoring sub-query counts (dis-max), scored correctly.

    Used to score one query word over the text fields: the field where it
    matches best decides, so a word repeated in title, lead and body does not
    count three times (Elasticsearch's ``best_fields``).
    """

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        # Whoosh's make_weighted_tree drops keyword arguments (the tie-breaker
        # with them): bind it to the matcher class instead.
        return self._tree_matcher(
            subs,
            partial(cast(Any, BestFieldMatcher), tiebreak=self.tiebreak),
            searcher,
            context,
            lambda q: q.estimate_size(reader),
        )


class BestFieldGroup(DisMaxGroup):
    """Query-parser group that builds :class:`BestField` queries."""

    qclass = BestField


class ExcludingMatcher(matching.AndNotMatcher):
    """Whoosh's AND NOT matcher, which also checks its first document.

    Whoosh 3.54's ``AndNotMatcher`` skips the excluded side forward only when
    both sides start on the same document: when the excluded side starts
    earlier, the first match is kept even if it is excluded
    (``Regierung NICHT Wien`` found an article about the "Wiener" government).
    """

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class Excluding(query.AndNot):
    """``a ANDNOT b`` matched by :class:`ExcludingMatcher`."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return ExcludingMatcher(scored, excluded)
