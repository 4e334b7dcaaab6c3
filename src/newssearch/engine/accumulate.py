"""Score the matches of a query term by term, with Whoosh's scores, fast.

Whoosh runs a query document at a time through a tree of Python matcher
objects: for every posting of every term, each node of the tree above it
makes several method calls.  A free-text query over three fields, with
compound parts, the best field per word, exact forms and word pairs, builds
dozens of such nodes, and walking them was most of a query's time (cProfile
of the speed suite's queries).  Here each term's postings are read a block
at a time and their BM25 scores written into a dict, and the query's nodes
combine the dicts: OR adds; AND starts from its rarest clause and reads the
others only on the documents that clause found; the best field takes the
maximum; a phrase finds the documents with all its words the same way and
checks positions there.  Scoring only some documents (the rescoring of the
best matches) skips the posting blocks that hold none of them.  Decoded
blocks are kept for the next queries (:class:`~newssearch.engine.postings.BlockCache`),
and so is what the terms file and the scorer say about each term.

The numbers are Whoosh's own — the same formula on the same statistics,
checked against the matchers in the tests.  A node or a scorer this module
does not know is run through its Whoosh matcher.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from time import monotonic
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer

from newssearch.cache import BoundedCache
from newssearch.engine.postings import BlockCache, cached_blocks, leaf_matcher
from newssearch.engine.scoring import BestField, Excluding

__all__ = ["Accumulator", "top_scores"]

Scores = dict[int, float]

#: How many terms an accumulator keeps what it looked up about (cleared when full).
_TERM_LIMIT = 50_000


@dataclass(frozen=True)
class _Term:
    """What scoring a term on one segment needs, looked up once per searcher: its
    bytes, its scorer and (when its postings are a Whoosh 3 block list that
    :func:`~newssearch.engine.postings.cached_blocks` reads and the scorer is
    BM25) the segment's id and where the postings start; ``start`` is ``None``
    for any other term, which is scored through its matcher."""

    btext: bytes
    scorer: Any
    segment: str = ""
    start: int | None = None


def _look_up(sub: Any, weighting: Any, fieldname: str, text: str) -> _Term | None:
    """The :class:`_Term` of ``fieldname:text`` on the segment ``sub``; ``None``
    when the segment does not have it."""
    if fieldname not in sub.schema:
        return None
    try:
        btext = sub.schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    reader = sub.reader()
    try:
        info = reader.term_info(fieldname, btext)
    except TermNotFound:
        return None
    scorer = weighting.scorer(sub, fieldname, btext)
    segment = reader.segment() if hasattr(reader, "segment") else None
    if (
        isinstance(scorer, BM25FScorer)
        and segment is not None
        and isinstance(reader.codec(), W3Codec)
        and not info.is_inlined()
    ):
        return _Term(btext, scorer, segment.segment_id(), info.extent()[0])
    return _Term(btext, scorer)


def top_scores(scores: Scores, n: int) -> list[tuple[int, float]]:
    """The ``n`` best ``(docnum, score)`` of ``scores``, best first, equal scores by
    document number: ``heapq.nsmallest(n, scores.items(), key=(-score, docnum))``,
    without a Python key call per match (a query matching 600,000 articles of a
    million spent more time choosing its ten best than scoring them).

    >>> top_scores({7: 1.0, 3: 2.5, 5: 1.0, 9: 0.5}, 3)
    [(3, 2.5), (5, 1.0), (7, 1.0)]
    """
    if n <= 0 or not scores:
        return []
    if len(scores) > 4 * n:
        # The n-th best score, then only the matches that reach it (ties included).
        cut = heapq.nlargest(n, scores.values())[-1]
        scores = {docnum: score for docnum, score in scores.items() if score >= cut}
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:n]


class Accumulator:
    """Scores queries against one Whoosh searcher.

    Make one per searcher and reuse it (from one thread at a time): the first
    query on a field reads that field's document lengths once and keeps them,
    the first on a term what the terms file and the scorer say about it.
    Decoded posting blocks go to ``blocks``, which may be shared with the
    accumulators of other threads and index generations (by default the
    accumulator has its own).  A scoring with a ``deadline`` (a
    :func:`time.monotonic` time) stops reading postings when it passes and
    returns what it has; :attr:`partial` says so.
    """

    def __init__(self, searcher: Any, *, blocks: BlockCache | None = None) -> None:
        self._searcher = searcher
        self._context = searcher.context()
        self._norms: dict[tuple[int, str, float, float], list[float]] = {}
        self._terms: BoundedCache[tuple[int, str, str], _Term | None] = BoundedCache(_TERM_LIMIT)
        self.blocks = blocks if blocks is not None else BlockCache()
        self._deadline: float | None = None
        self.partial = False

    def scores(
        self,
        q: wq.Query,
        *,
        allow: Container[int] | None = None,
        within: Sequence[int] | None = None,
        deadline: float | None = None,
    ) -> Scores:
        """The documents ``q`` matches, with their scores.

        ``allow`` keeps only the documents it holds (a filter); ``within``
        scores only these documents, reading no more postings than needed.
        Past ``deadline`` no more postings are read: the scores are partial
        (some words not or not fully counted) and :attr:`partial` is set.
        """
        self._deadline = deadline
        self.partial = False
        out: Scores = {}
        for sub, base in self._searcher.leaf_searchers():
            local: list[int] | None = None
            if within is not None:
                end = base + sub.doc_count_all()
                local = sorted(d - base for d in within if base <= d < end)
                if not local:
                    continue
            part = _Segment(self, sub, local).scores(q)
            if base:
                out.update(zip(map(base.__add__, part), part.values(), strict=True))
            else:
                out.update(part)
        if allow is not None:
            out = {docnum: score for docnum, score in out.items() if docnum in allow}
        return out

    def norms(self, sub: Any, fieldname: str, b: float, k1: float, avgfl: float) -> list[float]:
        """``K1 * ((1 - B) + B * length / avgfl)`` for every document of a segment."""
        reader = sub.reader()
        key = (id(reader), fieldname, b, k1)
        norms = self._norms.get(key)
        if norms is None:
            length = reader.doc_field_length
            norms = [
                k1 * ((1 - b) + b * (length(docnum, fieldname, 1) or 0) / avgfl)
                for docnum in range(reader.doc_count_all())
            ]
            self._norms[key] = norms
        return norms

    def term(self, sub: Any, fieldname: str, text: str) -> _Term | None:
        """What scoring ``fieldname:text`` on the segment ``sub`` needs (see :class:`_Term`)."""
        key = (id(sub.reader()), fieldname, text)
        try:
            return self._terms[key]
        except KeyError:
            return self._terms.put(key, _look_up(sub, self._context.weighting, fieldname, text))

    def forget(self) -> None:
        """Empty the caches of terms and decoded blocks (the next queries read cold)."""
        self._terms.clear()
        self.blocks.clear()

    @property
    def context(self) -> Any:
        return self._context

    def expired(self) -> bool:
        """Whether the deadline of the current scoring has passed (then it is partial)."""
        if self.partial:
            return True
        if self._deadline is not None and monotonic() > self._deadline:
            self.partial = True
        return self.partial


class _Segment:
    """Scores on one segment, of all its documents or of ``only`` (sorted)."""

    def __init__(self, owner: Accumulator, sub: Any, only: list[int] | None) -> None:
        self._owner = owner
        self._sub = sub
        self._only = only

    def scores(self, q: wq.Query) -> Scores:
        kind = type(q)
        if q is wq.NullQuery:
            return {}
        if isinstance(q, wq.Term) and kind is wq.Term:
            found = self._term(q.fieldname, q.text)[0]
            return found if q.boost == 1.0 else _scaled(found, q.boost)
        if kind in (wq.Or, wq.And, BestField):
            return self._compound(q)
        if kind is wq.Phrase and len(q.words) >= 2:  # type: ignore[attr-defined]
            return self._phrase(q)
        if kind is wq.AndMaybe:
            a = self.scores(q.a)  # type: ignore[attr-defined]
            b = self.scores(q.b)  # type: ignore[attr-defined]
            return {d: s + b[d] if d in b else s for d, s in a.items()}
        if kind is wq.AndNot or kind is Excluding:
            a = self.scores(q.a)  # type: ignore[attr-defined]
            b = self.scores(q.b)  # type: ignore[attr-defined]
            return {d: s for d, s in a.items() if d not in b}
        return self._through_matcher(q)

    def _compound(self, q: Any) -> Scores:
        subqueries = q.subqueries
        if not subqueries:
            return {}
        if len(subqueries) == 1:  # Whoosh ignores the boost of a one-child compound
            return self.scores(subqueries[0])
        if type(q) is wq.Or and (q.scale or q.minmatch):
            return self._through_matcher(q)
        if type(q) is BestField and q.tiebreak:
            return self._through_matcher(q)
        if type(q) is wq.And:
            merged = self._conjunction(subqueries)
            return merged if q.boost == 1.0 else _scaled(merged, q.boost)
        parts = [self.scores(s) for s in subqueries]
        merged = _union(parts) if type(q) is wq.Or else _best(parts)
        return merged if q.boost == 1.0 else _scaled(merged, q.boost)

    def _conjunction(self, subqueries: Any) -> Scores:
        """AND: the rarest clause first, the others only on the documents it found
        (compound parts such as ``end`` of ``Wochenende`` are common words)."""
        reader = self._sub.reader()
        ordered = sorted(subqueries, key=lambda sub: sub.estimate_size(reader))
        merged = self.scores(ordered[0])
        for clause in ordered[1:]:
            if not merged:
                return {}
            narrowed = _Segment(self._owner, self._sub, sorted(merged))
            found = narrowed.scores(clause)
            merged = {d: score + found[d] for d, score in merged.items() if d in found}
        return merged

    def _phrase(self, q: Any) -> Scores:
        """A phrase (with slop) as Whoosh's SpanNear2 scores it: the words'
        scores added, where each word follows the one before within ``slop``
        positions.  The documents with every word are found from the rarest
        word on, and positions are decoded for those documents only."""
        if q.fieldname not in self._sub.schema:
            return {}
        field = self._sub.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            return self._through_matcher(q)
        reader = self._sub.reader()
        words = list(q.words)
        docs: list[int] | None = self._only
        for word in sorted(set(words), key=lambda w: reader.doc_frequency(q.fieldname, w)):
            found = _Segment(self._owner, self._sub, docs)._term(q.fieldname, word)[0]
            docs = sorted(found)
            if not docs:
                return {}
        narrowed = _Segment(self._owner, self._sub, docs)
        postings = {w: narrowed._term(q.fieldname, w, positions=True) for w in set(words)}
        if self._owner.expired():  # some positions may be missing: no phrase is sure
            return {}
        slop = q.slop
        out: Scores = {}
        for docnum in docs or ():
            ends: Sequence[int] = postings[words[0]][1][docnum]
            for word in words[1:]:
                ends = [p for p in postings[word][1][docnum] if _follows(p, ends, slop)]
                if not ends:
                    break
            if ends:
                out[docnum] = sum(postings[w][0][docnum] for w in words) * q.boost
        return out

    def _term(
        self, fieldname: str, text: str, *, positions: bool = False
    ) -> tuple[Scores, dict[int, Sequence[int]]]:
        """Score of ``fieldname:text`` in each document that has it, and (if asked)
        its positions there."""
        owner = self._owner
        if owner.expired():
            return {}, {}
        sub = self._sub
        term = owner.term(sub, fieldname, text)
        if term is None:
            return {}, {}
        reader = sub.reader()
        if term.start is None:  # not a block list this module reads: through the matcher
            matcher = reader.postings(fieldname, term.btext, scorer=term.scorer)
            return self._term_through_matcher(matcher, positions)
        scorer = term.scorer
        norms = owner.norms(sub, fieldname, scorer.B, scorer.K1, scorer.avgfl)
        idf = scorer.idf
        k1_plus_1 = scorer.K1 + 1
        decode = sub.schema[fieldname].format.decoder("positions") if positions else None
        scores: Scores = {}
        where: dict[int, Sequence[int]] = {}

        def open_leaf() -> Any:
            return leaf_matcher(reader.postings(fieldname, term.btext))

        blocks = cached_blocks(
            owner.blocks, term.segment, term.start, open_leaf, self._only, positions
        )
        for ids, weights, values in blocks:
            if owner.expired():
                break
            for docnum, tf in zip(ids, weights, strict=True):
                # whoosh.scoring.bm25(), the length part looked up
                scores[docnum] = idf * ((tf * k1_plus_1) / (tf + norms[docnum]))
            if decode is not None:
                where.update(zip(ids, map(decode, values), strict=True))
        deleted: frozenset[int] = reader.deleted_docs_set
        if deleted:
            for docnum in deleted.intersection(scores):
                del scores[docnum]
                where.pop(docnum, None)
        return scores, where

    def _term_through_matcher(
        self, matcher: Any, positions: bool
    ) -> tuple[Scores, dict[int, Sequence[int]]]:
        scores: Scores = {}
        where: dict[int, Sequence[int]] = {}
        for docnum in self._visit(matcher):
            scores[docnum] = float(matcher.score())
            if positions:
                where[docnum] = matcher.value_as("positions")
        return scores, where

    def _through_matcher(self, q: wq.Query) -> Scores:
        matcher = q.matcher(self._sub, self._owner.context)
        return {docnum: float(matcher.score()) for docnum in self._visit(matcher)}

    def _visit(self, matcher: Any) -> Iterator[int]:
        """Move ``matcher`` to each document it matches (of ``only``, if set)."""
        expired = self._owner.expired
        if self._only is None:
            count = 0
            while matcher.is_active():
                count += 1
                if count % 256 == 0 and expired():
                    return
                yield matcher.id()
                matcher.next()
            return
        for docnum in self._only:
            if not matcher.is_active() or expired():
                return
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                yield docnum


def _follows(pos: int, ends: Sequence[int], slop: int) -> bool:
    """Whether some position in (sorted) ``ends`` lies 1 to ``slop`` positions before ``pos``."""
    i = bisect_left(ends, pos - slop)
    return i < len(ends) and ends[i] < pos


def _scaled(scores: Scores, boost: float) -> Scores:
    return {docnum: score * boost for docnum, score in scores.items()}


def _union(parts: list[Scores]) -> Scores:
    parts = sorted(parts, key=len, reverse=True)
    out = dict(parts[0])
    for part in parts[1:]:
        for docnum, score in part.items():
            out[docnum] = out[docnum] + score if docnum in out else score
    return out


def _best(parts: list[Scores]) -> Scores:
    parts = sorted(parts, key=len, reverse=True)
    out = dict(parts[0])
    for part in parts[1:]:
        for docnum, score in part.items():
            if docnum not in out or score > out[docnum]:
                out[docnum] = score
    return out
