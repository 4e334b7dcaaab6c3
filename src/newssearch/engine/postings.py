"""Posting formats, and the one place that knows Whoosh 3's private block API.

Writing: Whoosh posting formats that take the German analyzer's terms without tokens.

Whoosh builds a document's postings by pulling one token object at a time
through the analyzer and counting into dictionaries; with the analyzer's
chunk cache warm, that token traffic was the largest part of analysing an
article (cProfile of ``build_index``).  These formats ask
:meth:`~newssearch.analysis.chain.GermanAnalyzer.term_positions` for each
term's positions directly.  What they write is byte for byte what Whoosh's
``Positions`` and ``Frequency`` write (tests compare them), so an index reads
the same; any other analyzer or value goes the usual way.

Reading: :func:`leaf_blocks` hands out a term's postings a block at a time
(ids, weights, encoded values) through ``W3LeafMatcher``'s private
``_read_ids`` / ``_read_weights`` / ``_read_values`` / ``_next_block``: the
only code in newssearch that walks them (checked against
:data:`newssearch.engine.WHOOSH_VERSION`); how a block is read from disk is
:class:`~newssearch.engine.segments.SafeLeafMatcher`'s business.  Positions
are decoded without plain unpickling (:meth:`PositionsFormat.decode_positions`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import pack_uint

from newssearch.engine.segments import SafeLeafMatcher, decode_positions

__all__ = ["FrequencyFormat", "PositionsFormat", "leaf_blocks", "leaf_matcher"]

#: (term, frequency, weight, encoded value); Whoosh annotates the term as bytes,
#: but formats yield the text and ``Field.index`` encodes it.
Posting = tuple[Any, int, float, bytes]


def _fast_path(value: Any, analyzer: Any, kwargs: dict[str, Any]) -> Any:
    """The analyzer's ``term_positions`` if it can stand in for the token stream."""
    if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
        return None
    if set(kwargs) - {"mode"}:  # start_pos, start_char, …: let Whoosh handle them
        return None
    return getattr(analyzer, "term_positions", None)


class _TermPositionsFormat(formats.Format):
    """``word_values`` from the analyzer's term positions; ``_encoded`` is the value."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterable[Posting]:
        term_positions = _fast_path(value, analyzer, kwargs)
        if term_positions is None:
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        encoded = self._encoded
        # Every token weighs 1.0, so a term's weight is its frequency.
        return [
            (term, len(poslist), len(poslist) * fb, encoded(poslist))
            for term, poslist in term_positions(value).items()
        ]

    def _encoded(self, poslist: list[int]) -> bytes:
        raise NotImplementedError


class PositionsFormat(_TermPositionsFormat, formats.Positions):
    """Whoosh's ``Positions`` (frequency, weight, positions per posting).

    A value is the frequency and the pickled list of position deltas; it is
    unpickled with no globals allowed (a list of ints holds none).
    """

    def _encoded(self, poslist: list[int]) -> bytes:
        return bytes(self.encode(poslist))

    # formats.Positions.decode_positions, without plain pickle.loads.  A static method:
    # the decoder accumulate.py asks for is then the function itself, one call less per
    # posting (mypy cannot tell that a static method overrides a method compatibly).
    decode_positions = staticmethod(decode_positions)  # type: ignore[assignment]


class FrequencyFormat(_TermPositionsFormat, formats.Frequency):
    """Whoosh's ``Frequency`` (frequency and weight per posting)."""

    def _encoded(self, poslist: list[int]) -> bytes:
        return pack_uint(len(poslist))


def leaf_matcher(matcher: Any) -> Any | None:
    """The Whoosh 3 leaf matcher of a term's postings: ``matcher`` itself, or the
    leaf a deleted-documents filter wraps; ``None`` for any other matcher."""
    if type(matcher) in _LEAF_MATCHERS:
        return matcher
    child = getattr(matcher, "child", None)
    return child if type(child) in _LEAF_MATCHERS else None


# Whoosh's, and ours that reads blocks the same way (the one newssearch's indexes get).
_LEAF_MATCHERS = (SafeLeafMatcher, W3LeafMatcher)


def leaf_blocks(
    matcher: Any, only: list[int] | None, values: bool
) -> Iterator[tuple[Sequence[int], Sequence[float], Sequence[bytes]]]:
    """Postings of a fresh leaf matcher (see :func:`leaf_matcher`) a block at a
    time: ids, weights and (if ``values``) encoded values; with ``only`` (sorted
    document numbers), just those documents, and blocks holding none of them
    are not decoded.  Deleted documents are not filtered out."""
    next_wanted = 0
    while matcher.is_active():
        if only is not None:
            if next_wanted == len(only):
                return
            if matcher.block_max_id() < only[next_wanted]:
                matcher._next_block()
                continue
        matcher._read_ids()
        matcher._read_weights()
        if values:
            matcher._read_values()
        ids, weights = matcher._ids, matcher._weights
        vals = matcher._values if values else ()
        if only is None:
            yield ids, weights, vals
        else:
            stop = bisect_right(only, ids[-1])
            keep = []
            for docnum in only[next_wanted:stop]:
                i = bisect_left(ids, docnum)
                if i < len(ids) and ids[i] == docnum:
                    keep.append(i)
            next_wanted = stop
            if keep:
                yield (
                    [ids[i] for i in keep],
                    [weights[i] for i in keep],
                    [vals[i] for i in keep] if values else (),
                )
        matcher._next_block()
