"""Related articles ("more like this"): the articles most like a given one.

The article's stored title, lead and body are analysed with the index's German
analyzer (stemmed, compound parts added), and each term gets a weight

    tf · idf,   tf = Σ field boost · occurrences in the field (title 3, lead 2, body 1)
                idf = log(N / df) + 1, df = the term's largest document frequency in a text field

The :attr:`RelatedOptions.terms` best terms (25) become one OR query over
title, lead and body, each term boosted by its weight (relative to the best
term's) times the field's boost, scored with BM25 term at a time
(:class:`~newssearch.engine.accumulate.Accumulator`, the scoring
:class:`~newssearch.searcher.Searcher` runs its queries with).  The article
itself and any ``exclude`` ids (its wire copies) are left out of the result.

Terms found in one article only (``df < 2``: nothing else can match them),
terms in more than :attr:`RelatedOptions.max_doc_share` of the articles
(too common to tell anything), numbers and terms shorter than
:attr:`RelatedOptions.min_length` letters are not used.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from newssearch.article import TEXT_FIELDS, Article
from newssearch.cache import BoundedCache
from newssearch.config import FieldBoosts
from newssearch.engine.accumulate import Accumulator
from newssearch.engine.documents import from_stored, live_docnums
from newssearch.errors import QueryError

__all__ = ["Related", "RelatedHit", "RelatedOptions", "related"]


@dataclass(frozen=True)
class RelatedOptions:
    """How related articles are found.

    ``terms``: how many of the article's distinctive terms are queried;
    ``min_length``: shorter terms are not used; ``max_doc_share``: terms in a
    larger share of the articles are not used; ``part_weight``: the weight of
    a compound part (``kris`` of ``Flüchtlingskrise``) relative to a word.
    """

    terms: int = 25
    min_length: int = 3
    max_doc_share: float = 0.5
    part_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.terms < 1:
            raise ValueError(f"terms must be at least 1, not {self.terms!r}")
        if not 0.0 < self.max_doc_share <= 1.0:
            raise ValueError(f"max_doc_share must be in (0, 1], not {self.max_doc_share!r}")
        if not 0.0 <= self.part_weight <= 1.0:
            raise ValueError(f"part_weight must be in [0, 1], not {self.part_weight!r}")


@dataclass(frozen=True)
class RelatedHit:
    """One related article: its rank (from 1), similarity score and displayed title
    (the title, or the lead or body when it has none)."""

    id: str
    rank: int
    score: float
    title: str
    article: Article


class Related:
    """Finds related articles in one Whoosh searcher; make one per searcher and reuse it.

    ``searcher`` is a Whoosh searcher of the index (``index.store.searcher()``),
    ``analyzer`` the index's German analyzer
    (``german_analyzer(index.settings.analyzer)``; reuse one: it memoises its
    words), ``boosts`` the field boosts (default title 3, lead 2, body 1).
    Pass the searcher's :class:`Accumulator` to share what it has read
    (document lengths).  Document frequencies looked up are kept (at most
    ``df_cache`` of them), so later calls look up only new words.  Like a
    Whoosh searcher, use it from one thread at a time.
    """

    def __init__(
        self,
        searcher: Any,
        *,
        analyzer: Any,
        boosts: FieldBoosts | None = None,
        options: RelatedOptions | None = None,
        accumulator: Accumulator | None = None,
        df_cache: int = 200_000,
    ) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._analyzer = analyzer
        self._boosts = boosts or FieldBoosts()
        self._options = options or RelatedOptions()
        self._accumulator = accumulator or Accumulator(searcher)
        self._df: BoundedCache[str, int] = BoundedCache(df_cache)

    def find(
        self, article_id: str, *, limit: int = 10, exclude: Collection[str] = ()
    ) -> tuple[RelatedHit, ...]:
        """The ``limit`` articles most like the article ``article_id``, best first.

        ``exclude`` are ids never returned (the article's wire copies).  An id
        the index does not hold raises :class:`QueryError`.
        """
        if limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit!r}")
        reader = self._reader
        own = live_docnums(reader, "id", article_id)
        if not own:
            raise QueryError(f"no article with id {article_id!r} in the index")
        if limit == 0:
            return ()
        terms = self.key_terms(from_stored(reader.stored_fields(own[0])))
        if not terms:
            return ()
        scores = self._accumulator.scores(_query(terms, self._boosts.as_dict()))
        skip = set(own)
        for other in exclude:
            skip.update(live_docnums(reader, "id", other))
        scores = scores.without(skip)
        out = []
        for rank, (docnum, score) in enumerate(scores.top(limit), start=1):
            found = from_stored(reader.stored_fields(docnum))
            out.append(
                RelatedHit(
                    id=found.id, rank=rank, score=score, title=_display_title(found), article=found
                )
            )
        return tuple(out)

    def key_terms(self, article: Article) -> tuple[tuple[str, float], ...]:
        """The article's distinctive terms and their tf·idf weights, best first
        (at most :attr:`RelatedOptions.terms`; see the module docstring)."""
        options = self._options
        field_boosts = self._boosts.as_dict()
        tf: dict[str, float] = {}
        for name in TEXT_FIELDS:
            text = getattr(article, name)
            boost = field_boosts.get(name, 1.0)
            if not text or not boost:
                continue
            for token in self._analyzer(text, mode="index"):
                word = token.text
                if len(word) < options.min_length or word.isdigit():
                    continue
                part = getattr(token, "kind", "word") == "cpart"
                tf[word] = tf.get(word, 0.0) + boost * (options.part_weight if part else 1.0)
        total = max(int(self._reader.doc_count()), 1)
        most = options.max_doc_share * total
        scored: list[tuple[float, str]] = []
        for word, freq in tf.items():
            df = self._doc_frequency(word)
            if df < 2 or df > most:
                continue
            scored.append((freq * (math.log(total / df) + 1.0), word))
        best = heapq.nlargest(options.terms, scored)
        return tuple((word, weight) for weight, word in best)

    def _doc_frequency(self, word: str) -> int:
        """The word's document frequency in the body, or where the body lacks it,
        the larger of its title's and lead's (an estimate of its articles)."""
        df = self._df.get(word)
        if df is None:
            reader = self._reader
            df = _field_frequency(reader, "body", word) or max(
                _field_frequency(reader, name, word) for name in TEXT_FIELDS
            )
            self._df.put(word, df)
        return df


def related(
    searcher: Any,
    article_id: str,
    *,
    analyzer: Any,
    boosts: FieldBoosts | None = None,
    limit: int = 10,
    exclude: Collection[str] = (),
    options: RelatedOptions | None = None,
    accumulator: Accumulator | None = None,
) -> tuple[RelatedHit, ...]:
    """The ``limit`` articles most like ``article_id``, once; see :class:`Related`
    (reuse one of those for many calls on one searcher)."""
    finder = Related(
        searcher, analyzer=analyzer, boosts=boosts, options=options, accumulator=accumulator
    )
    return finder.find(article_id, limit=limit, exclude=exclude)


def _query(terms: tuple[tuple[str, float], ...], boosts: Mapping[str, float]) -> wq.Query:
    """OR of each term in each text field, boosted by its relative weight times the field's."""
    top = terms[0][1]
    return wq.Or(
        [
            wq.Term(name, word, boost=weight / top * boost)
            for word, weight in terms
            for name, boost in boosts.items()
            if boost
        ]
    )


def _field_frequency(reader: Any, fieldname: str, text: str) -> int:
    try:
        return int(reader.doc_frequency(fieldname, text))
    except Exception:  # a field the index lacks
        return 0


def _display_title(article: Article) -> str:
    return next((str(getattr(article, f)) for f in TEXT_FIELDS if getattr(article, f)), article.id)
