"""Score the matches of a query term by term, with Whoosh's scores, fast.

Whoosh runs a query document at a time through a tree of Python matcher
objects: for every posting of every term, each node of the tree above it
makes several method calls.  A free-text query over three fields, with
compound parts, the best field per word, exact forms and word pairs, builds
dozens of such nodes, and walking them was most of a query's time (cProfile
of the speed suite's queries).  Here each term's postings are read a block
at a time and their BM25 scores computed as arrays, and the query's nodes
combine the arrays (:mod:`newssearch.engine.matches`): OR adds; AND starts
from its rarest clause and reads the others only on the documents that clause
found; the best field takes the maximum; a phrase finds the documents with
all its words the same way and checks positions there.  Scoring only some
documents (the rescoring of the best matches) skips the posting blocks that
hold none of them.  Decoded blocks are kept for the next queries
(:class:`~newssearch.engine.postings.BlockCache`), and so is what the terms
file and the scorer say about each term.

The numbers are Whoosh's own — the same formula on the same statistics,
checked against the matchers in the tests.  A node or a scorer this module
does not know is run through its Whoosh matcher.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from time import monotonic
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from newssearch.cache import BoundedCache
from newssearch.engine.matches import (
    NONE,
    Ids,
    Matches,
    Values,
    best,
    both,
    distinct,
    drop,
    plus,
    union,
)
from newssearch.engine.postings import BlockCache, leaf_matcher, term_postings
from newssearch.engine.scoring import BestField, Excluding
from newssearch.engine.segments import field_length_bytes

__all__ = ["Accumulator"]

#: A node's matches on one segment: its document numbers (ascending) and scores.
Part = tuple[Ids, Values]

#: How many terms an accumulator keeps what it looked up about (cleared when full).
_TERM_LIMIT = 50_000


@dataclass(frozen=True)
class _Term:
    """What scoring a term on one segment needs, looked up once per searcher: its
    bytes, its scorer and (when its postings are a Whoosh 3 block list that
    :func:`~newssearch.engine.postings.term_postings` reads) the segment's id
    and where the postings start; ``start`` is ``None`` for any other term.
    A term is scored here when it is such a block list and its scorer is BM25
    (``bm25``), else through its matcher."""

    btext: bytes
    scorer: Any
    segment: str = ""
    start: int | None = None

    @property
    def bm25(self) -> bool:
        return self.start is not None and isinstance(self.scorer, BM25FScorer)


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
    if segment is not None and isinstance(reader.codec(), W3Codec) and not info.is_inlined():
        return _Term(btext, scorer, segment.segment_id(), info.extent()[0])
    return _Term(btext, scorer)


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
        self._norms: dict[tuple[int, str, float, float], NDArray[np.float64]] = {}
        self._deleted: dict[int, Ids | None] = {}
        self._terms: BoundedCache[tuple[int, str, str], _Term | None] = BoundedCache(_TERM_LIMIT)
        self.blocks = blocks if blocks is not None else BlockCache()
        self._deadline: float | None = None
        self.partial = False

    def scores(
        self,
        q: wq.Query,
        *,
        allow: Collection[int] | None = None,
        within: Sequence[int] | None = None,
        deadline: float | None = None,
    ) -> Matches:
        """The documents ``q`` matches, with their scores.

        ``allow`` keeps only the documents it holds (a filter); ``within``
        scores only these documents, reading no more postings than needed.
        Past ``deadline`` no more postings are read: the scores are partial
        (some words not or not fully counted) and :attr:`partial` is set.
        """
        self._deadline = deadline
        self.partial = False
        docnums: list[Ids] = []
        scores: list[Values] = []
        for sub, base in self._searcher.leaf_searchers():
            local: Ids | None = None
            if within is not None:
                end = base + sub.doc_count_all()
                local = distinct(np.array([d - base for d in within if base <= d < end], np.int64))
                if not len(local):
                    continue
            ids, values = _Segment(self, sub, local).scores(q)
            docnums.append(ids + base if base else ids)
            scores.append(values)
        if not docnums:
            return Matches.empty()
        out = Matches(np.concatenate(docnums), np.concatenate(scores))
        return out if allow is None else out.among(allow)

    def documents(self, fieldname: str, text: str) -> Ids:
        """The live documents holding ``fieldname:text``, ascending (not scored;
        read through the block cache, whatever the deadline)."""
        parts = []
        for sub, base in self._searcher.leaf_searchers():
            found = _Segment(self, sub, None).documents(fieldname, text)
            parts.append(found + base if base else found)
        return np.concatenate(parts) if parts else NONE[0]

    def norms(
        self, sub: Any, fieldname: str, b: float, k1: float, avgfl: float
    ) -> NDArray[np.float64]:
        """``K1 * ((1 - B) + B * length / avgfl)`` for every document of a segment."""
        reader = sub.reader()
        key = (id(reader), fieldname, b, k1)
        norms = self._norms.get(key)
        if norms is None:
            stored = field_length_bytes(reader, fieldname)
            count = reader.doc_count_all()
            if stored == b"":  # no lengths stored: Whoosh's default, 1, for every document
                norms = np.full(count, k1 * ((1 - b) + b * 1 / avgfl))
            elif stored is not None:
                # The same formula on each of the 256 lengths a byte stands for.
                each = [
                    k1 * ((1 - b) + b * (byte_to_length(i) if i else 0) / avgfl) for i in range(256)
                ]
                norms = np.array(each)[np.frombuffer(stored, dtype=np.uint8)]
            else:
                length = reader.doc_field_length
                norms = np.fromiter(
                    (
                        k1 * ((1 - b) + b * (length(docnum, fieldname, 1) or 0) / avgfl)
                        for docnum in range(count)
                    ),
                    dtype=np.float64,
                    count=count,
                )
            self._norms[key] = norms
        return norms

    def deleted(self, sub: Any) -> Ids | None:
        """The deleted documents of the segment ``sub`` (``None``: none), as an array
        made once per segment reader, not once per term."""
        reader = sub.reader()
        key = id(reader)
        if key not in self._deleted:
            found: frozenset[int] = reader.deleted_docs_set
            self._deleted[key] = (
                np.fromiter(found, dtype=np.int64, count=len(found)) if found else None
            )
        return self._deleted[key]

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
    """Scores on one segment, of all its documents or of ``only`` (ascending)."""

    def __init__(self, owner: Accumulator, sub: Any, only: Ids | None) -> None:
        self._owner = owner
        self._sub = sub
        self._only = only

    def scores(self, q: wq.Query) -> Part:
        kind = type(q)
        if q is wq.NullQuery:
            return NONE
        if isinstance(q, wq.Term) and kind is wq.Term:
            found = self._term(q.fieldname, q.text)[0]
            return found if q.boost == 1.0 else _scaled(found, q.boost)
        if kind in (wq.Or, wq.And, BestField):
            return self._compound(q)
        if kind is wq.Phrase and len(q.words) >= 2:  # type: ignore[attr-defined]
            return self._phrase(q)
        if kind is wq.AndMaybe:
            return plus(self.scores(q.a), self.scores(q.b))  # type: ignore[attr-defined]
        if kind is wq.AndNot or kind is Excluding:
            a = self.scores(q.a)  # type: ignore[attr-defined]
            return drop(a, self.scores(q.b)[0])  # type: ignore[attr-defined]
        return self._through_matcher(q)

    def _compound(self, q: Any) -> Part:
        subqueries = q.subqueries
        if not subqueries:
            return NONE
        if len(subqueries) == 1:  # Whoosh ignores the boost of a one-child compound
            return self.scores(subqueries[0])
        if type(q) is wq.Or and (q.scale or q.minmatch):
            return self._through_matcher(q)
        if type(q) is BestField and q.tiebreak:
            return self._through_matcher(q)
        if type(q) is wq.And:
            merged = self._conjunction(subqueries)
        else:
            parts = [self.scores(s) for s in subqueries]
            size = self._sub.doc_count_all()
            merged = union(parts, size) if type(q) is wq.Or else best(parts, size)
        return merged if q.boost == 1.0 else _scaled(merged, q.boost)

    def _conjunction(self, subqueries: Any) -> Part:
        """AND: the rarest clause first, the others only on the documents it found
        (compound parts such as ``end`` of ``Wochenende`` are common words)."""
        reader = self._sub.reader()
        ordered = sorted(subqueries, key=lambda sub: sub.estimate_size(reader))
        merged = self.scores(ordered[0])
        for clause in ordered[1:]:
            if not len(merged[0]):
                return NONE
            found = _Segment(self._owner, self._sub, merged[0]).scores(clause)
            merged = both(merged, found)
        return merged

    def _phrase(self, q: Any) -> Part:
        """A phrase (with slop) as Whoosh's SpanNear2 scores it: the words'
        scores added, where each word follows the one before within ``slop``
        positions.  The documents with every word are found from the rarest
        word on, and positions are decoded for those documents only."""
        if q.fieldname not in self._sub.schema:
            return NONE
        field = self._sub.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            return self._through_matcher(q)
        reader = self._sub.reader()
        words = list(q.words)
        docs: Ids | None = self._only
        for word in sorted(set(words), key=lambda w: reader.doc_frequency(q.fieldname, w)):
            docs = _Segment(self._owner, self._sub, docs)._term(q.fieldname, word)[0][0]
            if not len(docs):
                return NONE
        narrowed = _Segment(self._owner, self._sub, docs)
        postings = {w: narrowed._term(q.fieldname, w, positions=True) for w in set(words)}
        if self._owner.expired():  # some positions may be missing: no phrase is sure
            return NONE
        weights = {
            w: dict(zip(found[0][0].tolist(), found[0][1].tolist(), strict=True))
            for w, found in postings.items()
        }
        slop = q.slop
        out: dict[int, float] = {}
        for docnum in docs.tolist() if docs is not None else ():
            ends: Sequence[int] = postings[words[0]][1][docnum]
            for word in words[1:]:
                ends = [p for p in postings[word][1][docnum] if _follows(p, ends, slop)]
                if not ends:
                    break
            if ends:
                out[docnum] = sum(weights[w][docnum] for w in words) * q.boost
        return _part(out)

    def _term(
        self, fieldname: str, text: str, *, positions: bool = False
    ) -> tuple[Part, dict[int, Sequence[int]]]:
        """Score of ``fieldname:text`` in each document that has it, and (if asked)
        its positions there."""
        owner = self._owner
        if owner.expired():
            return NONE, {}
        term = owner.term(self._sub, fieldname, text)
        if term is None:
            return NONE, {}
        reader = self._sub.reader()
        if not term.bm25:  # not BM25 on a block list this module reads: through the matcher
            matcher = reader.postings(fieldname, term.btext, scorer=term.scorer)
            return self._term_through_matcher(matcher, positions)
        docnums, tf, where = self._postings(fieldname, term, positions=positions, deadline=True)
        scorer = term.scorer
        norms = owner.norms(self._sub, fieldname, scorer.B, scorer.K1, scorer.avgfl)
        # whoosh.scoring.bm25(), the length part looked up: the same operations in
        # the same order as on Python floats, so the same numbers.
        scores = scorer.idf * ((tf * (scorer.K1 + 1)) / (tf + norms[docnums]))
        live = self._live(docnums)
        if live is None:
            return (docnums, scores), where
        for docnum in reader.deleted_docs_set.intersection(where):
            del where[docnum]
        return (docnums[live], scores[live]), where

    def documents(self, fieldname: str, text: str) -> Ids:
        """The live documents holding ``fieldname:text`` (of ``only``, if set)."""
        term = self._owner.term(self._sub, fieldname, text)
        if term is None:
            return NONE[0]
        reader = self._sub.reader()
        if term.start is None:
            matcher = reader.postings(fieldname, term.btext)
            docnums = np.fromiter(self._visit(matcher, deadline=False), dtype=np.int64)
        else:
            docnums = self._postings(fieldname, term, positions=False, deadline=False)[0]
        live = self._live(docnums)
        return docnums if live is None else docnums[live]

    def _live(self, docnums: Ids) -> NDArray[np.bool_] | None:
        """Which of ``docnums`` are not deleted; ``None`` when the segment has no deletions."""
        gone = self._owner.deleted(self._sub)
        return None if gone is None else np.isin(docnums, gone, invert=True)

    def _postings(
        self, fieldname: str, term: _Term, *, positions: bool, deadline: bool
    ) -> tuple[Ids, Values, dict[int, Sequence[int]]]:
        """The documents (of ``only``, if set) holding a block-list ``term``, its
        weight in each and (if asked) its positions there, read through the block
        cache; with ``deadline``, only the blocks read before the scoring's
        deadline."""
        reader = self._sub.reader()
        assert term.start is not None

        def open_leaf() -> Any:
            return leaf_matcher(reader.postings(fieldname, term.btext))

        docnums, weights, encoded = term_postings(
            self._owner.blocks,
            term.segment,
            term.start,
            open_leaf,
            only=self._only,
            values=positions,
            stop=self._owner.expired if deadline else None,
        )
        where: dict[int, Sequence[int]] = {}
        if positions:
            decode = self._sub.schema[fieldname].format.decoder("positions")
            where = dict(zip(docnums.tolist(), map(decode, encoded), strict=True))
        return docnums, weights, where

    def _term_through_matcher(
        self, matcher: Any, positions: bool
    ) -> tuple[Part, dict[int, Sequence[int]]]:
        scores: dict[int, float] = {}
        where: dict[int, Sequence[int]] = {}
        for docnum in self._visit(matcher):
            scores[docnum] = float(matcher.score())
            if positions:
                where[docnum] = matcher.value_as("positions")
        return _part(scores), where

    def _through_matcher(self, q: wq.Query) -> Part:
        matcher = q.matcher(self._sub, self._owner.context)
        return _part({docnum: float(matcher.score()) for docnum in self._visit(matcher)})

    def _visit(self, matcher: Any, *, deadline: bool = True) -> Iterator[int]:
        """Move ``matcher`` to each document it matches (of ``only``, if set),
        until the scoring's deadline (with ``deadline``)."""

        def expired() -> bool:
            return deadline and self._owner.expired()

        if self._only is None:
            count = 0
            while matcher.is_active():
                count += 1
                if count % 256 == 0 and expired():
                    return
                yield matcher.id()
                matcher.next()
            return
        for docnum in self._only.tolist():
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


def _scaled(found: Part, boost: float) -> Part:
    return found[0], found[1] * boost


def _part(scores: dict[int, float]) -> Part:
    """The scores of a dict as a :data:`Part`."""
    found = Matches.of(scores)
    return found.docnums, found.scores
