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

Reading: :func:`term_postings` hands out a term's postings (ids, weights,
encoded values), read a block at a time by :func:`cached_blocks` through
``W3LeafMatcher``'s private
``_goto`` / ``_read_ids`` / ``_read_weights`` / ``_read_values``: the
only code in newssearch that walks them (checked against
:data:`newssearch.engine.WHOOSH_VERSION`); how a block is read from disk is
:class:`~newssearch.engine.segments.SafeLeafMatcher`'s business.  Positions
are decoded without plain unpickling (:meth:`PositionsFormat.decode_positions`).

Decoding a block (reading its header, ``zlib.decompress``, unpickling, the
delta-decoding of its ids) was about 40 % of a query's time (cProfile of the
speed suite's queries), and the words people search for are much the same
from one query to the next.  :class:`BlockCache` keeps decoded blocks as
arrays, shared by the threads that search one index and bounded in bytes;
:func:`term_postings` reads a term's postings from it where it can, and keeps
a term read whole as one entry.  A segment's postings never change once
written (deletions are applied after reading), so a block is keyed by its
segment and its place in the postings file, and stays valid across commits
for as long as its segment lives.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from whoosh import formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import pack_uint

from newssearch.engine.segments import SafeLeafMatcher, decode_positions

__all__ = [
    "BlockCache",
    "FrequencyFormat",
    "PositionsFormat",
    "iter_docnums",
    "leaf_matcher",
    "term_postings",
]

#: (term, frequency, weight, encoded value); Whoosh annotates the term as bytes,
#: but formats yield the text and ``Field.index`` encodes it.
Posting = tuple[Any, int, float, bytes]
#: A block of postings as :func:`cached_blocks` hands it out: ids, weights, encoded values.
Block = tuple[NDArray[np.uint32], "Weights", Sequence[bytes]]


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


def iter_docnums(reader: Any, fieldname: str, text: str) -> Iterator[int]:
    """The numbers of the live documents of ``reader`` holding ``text`` in
    ``fieldname``, in order, as they are read: a block of ids at a time where the
    postings are a Whoosh 3 block list (Whoosh's matchers take several calls per
    document, and asking a multi-segment reader which are deleted another few)."""
    for base, ids, deleted in _id_blocks(reader, fieldname, text):
        for docnum in ids.tolist():
            if docnum not in deleted:
                yield base + docnum


def _id_blocks(
    reader: Any, fieldname: str, text: str
) -> Iterator[tuple[int, NDArray[Any], AbstractSet[int]]]:
    """Each segment's blocks of ids of ``fieldname:text``, with the segment's first
    document number and its deleted documents (segment numbers)."""
    for sub, base in reader.leaf_readers():
        if (fieldname, text) not in sub:
            continue
        deleted = sub.deleted_docs_set if sub.has_deletions() else frozenset()
        matcher = sub.postings(fieldname, text)
        leaf = leaf_matcher(matcher)
        blocks = [np.fromiter(matcher.all_ids(), np.int64)] if leaf is None else _block_ids(leaf)
        for ids in blocks:
            yield base, ids, deleted


def _block_ids(leaf: Any) -> Iterator[NDArray[np.uint32]]:
    while True:
        yield _id_array(leaf)
        if leaf._lastblock:
            return
        leaf._goto(leaf._nextoffset)


def _id_array(leaf: Any) -> NDArray[np.uint32]:
    """W3LeafMatcher._read_ids as an array: the ids' differences (unless stored
    as bytes) added up without a Python step per id."""
    leaf._read_data()
    stored = leaf._data[0]
    if leaf._byteids:
        return np.asarray(stored, dtype=np.uint32)
    return np.cumsum(np.asarray(stored, dtype=np.int64)).astype(np.uint32)


def leaf_matcher(matcher: Any) -> Any | None:
    """The Whoosh 3 leaf matcher of a term's postings: ``matcher`` itself, or the
    leaf a deleted-documents filter wraps; ``None`` for any other matcher."""
    if type(matcher) in _LEAF_MATCHERS:
        return matcher
    child = getattr(matcher, "child", None)
    return child if type(child) in _LEAF_MATCHERS else None


# Whoosh's, and ours that reads blocks the same way (the one newssearch's indexes get).
_LEAF_MATCHERS = (SafeLeafMatcher, W3LeafMatcher)


#: A :class:`BlockCache` key: a segment's id, where in its postings file a block
#: (or a term's postings) starts, and whether the entry holds all of the term's
#: postings as one block.
_Key = tuple[str, int, bool]

#: Weights as they are cached: ``float32`` where that holds them exactly.
Weights = NDArray[np.float32] | NDArray[np.float64]

#: One block in a :class:`BlockCache`: the largest id in it, where the next block of
#: the term starts (``None``: this is the last), then (``None`` until the block has
#: been read for its postings) ids, weights and (if they were asked for) values.
_Cached = tuple[int, int | None, NDArray[np.uint32] | None, Weights | None, Sequence[bytes] | None]


class BlockCache:
    """Decoded posting blocks, bounded in bytes: the least recently used go first.

    One cache serves every thread searching an index (a lock guards it);
    blocks are keyed by ``(segment id, offset)`` and are only ever added
    whole, so a reader sees a block as it was decoded or not at all.  The
    sizes are estimates (array payloads and object overheads), within a
    factor of about 1.5 of what the blocks hold.

    >>> cache = BlockCache(max_bytes=1 << 20)
    >>> cache.nbytes, len(cache)
    (0, 0)
    """

    def __init__(self, *, max_bytes: int = 64 << 20) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be >= 0, not {max_bytes!r}")
        self.max_bytes = max_bytes
        self._blocks: OrderedDict[_Key, tuple[_Cached, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        #: Blocks found decoded, and blocks read from the postings file (counted
        #: without the lock: about right when threads race).
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._blocks)

    @property
    def nbytes(self) -> int:
        """The estimated bytes the cached blocks take."""
        return self._bytes

    def get(self, key: _Key) -> _Cached | None:
        with self._lock:
            found = self._blocks.get(key)
            if found is None:
                return None
            self._blocks.move_to_end(key)
            return found[0]

    def put(self, key: _Key, block: _Cached) -> None:
        size = _size(block)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._blocks.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._blocks[key] = (block, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._blocks.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        """Forget every block (the next reads are cold)."""
        with self._lock:
            self._blocks.clear()
            self._bytes = 0


def _size(block: _Cached) -> int:
    """About how many bytes ``block`` and its key take in a :class:`BlockCache`."""
    _, _, ids, weights, values = block
    size = 300  # the tuples, the key, the numbers
    if ids is not None:
        size += 100 + ids.nbytes
    if weights is not None:
        size += 100 + weights.nbytes
    if values is not None:
        size += 60 + sum(40 + len(v) for v in values)
    return size


def term_postings(
    cache: BlockCache,
    segment: str,
    start: int,
    open_leaf: Callable[[], Any],
    *,
    only: NDArray[np.int64] | None = None,
    values: bool = False,
    stop: Callable[[], bool] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64], list[bytes]]:
    """A term's postings, of the documents ``only`` (ascending) if given: their
    ids (ascending), weights and (if ``values``) encoded values; blocks are read
    until ``stop()`` says so.  Deleted documents are not filtered out.

    All of a term's ids and weights, once read, are kept in ``cache`` as one
    entry (one overhead instead of one a block, and one array to pick from);
    reads of some documents or of values go :func:`cached_blocks`' way.
    """
    whole = None if values else cache.get((segment, start, True))
    encoded: list[bytes] = []
    ids: NDArray[np.uint32]
    weights: Weights
    if whole is not None and whole[2] is not None and whole[3] is not None:
        cache.hits += 1
        ids, weights = whole[2], whole[3]
    else:
        keep = only is not None or values  # a whole term is cached whole, below
        id_blocks: list[NDArray[np.uint32]] = []
        weight_blocks: list[Weights] = []
        complete = True
        for block_ids, block_weights, block_values in cached_blocks(
            cache, segment, start, open_leaf, only, values, keep=keep
        ):
            if stop is not None and stop():
                complete = False
                break
            id_blocks.append(block_ids)
            weight_blocks.append(block_weights)
            encoded.extend(block_values)
        if not id_blocks:
            return np.zeros(0, np.int64), np.zeros(0), []
        ids = np.concatenate(id_blocks)
        weights = cast(Weights, np.concatenate(weight_blocks))
        if complete and not keep:
            cache.put((segment, start, True), (int(ids[-1]), None, ids, weights, None))
    docnums = ids.astype(np.int64)
    if only is not None:  # the documents asked for, where the term has them
        at = np.searchsorted(docnums, only)
        inside = at < len(docnums)
        at = at[inside]
        at = at[docnums[at] == only[inside]]
        docnums, weights = docnums[at], weights[at]
        if values:
            encoded = [encoded[i] for i in at.tolist()]
    return docnums, weights.astype(np.float64), encoded


def cached_blocks(
    cache: BlockCache,
    segment: str,
    start: int,
    open_leaf: Callable[[], Any],
    only: NDArray[np.int64] | None,
    values: bool,
    *,
    keep: bool = True,
) -> Iterator[Block]:
    """A term's postings a block at a time: ids, weights and (if ``values``)
    encoded values; with ``only`` (sorted document numbers), just the blocks
    whose range of ids holds some of them (the caller picks those documents
    out), and blocks holding none of them are not decoded.  Deleted documents
    are not filtered out.

    ``segment`` is the id of the term's segment and ``start`` where its postings
    begin in the postings file; ``open_leaf`` makes a fresh leaf matcher on
    them (see :func:`leaf_matcher`), called only when a block is not in
    ``cache``.  Blocks read are added to it with ``keep`` (those skipped
    because they hold none of ``only``, by their header alone).
    """
    leaf: Any = None
    at: int | None = None  # the key of the block the leaf matcher stands on
    key: int | None = start
    wanted_ids = None if only is None else only.tolist()
    next_wanted = 0
    while key is not None:
        if only is not None and next_wanted == len(only):
            return
        block = cache.get((segment, key, False))
        wanted = only is None or (block is not None and block[0] >= only[next_wanted])
        if block is None or (wanted and (block[2] is None or (values and block[4] is None))):
            if leaf is None:
                leaf, at = open_leaf(), start
            if at != key:
                leaf._goto(key)
                at = key
            block = _read_block(leaf, only, next_wanted, values)
            if keep:
                cache.put((segment, key, False), block)
            cache.misses += 1
        else:
            cache.hits += 1
        maxid, following, ids, weights, vals = block
        key = following
        if ids is None or weights is None or (only is not None and maxid < only[next_wanted]):
            continue  # the block holds none of the wanted documents
        if wanted_ids is not None:
            next_wanted = bisect_right(wanted_ids, maxid, next_wanted)
        yield ids, weights, vals if values and vals is not None else ()


def _read_block(
    leaf: Any, only: NDArray[np.int64] | None, next_wanted: int, values: bool
) -> _Cached:
    """The block ``leaf`` stands on, decoded unless it holds none of ``only[next_wanted:]``."""
    maxid = leaf.block_max_id()
    following = None if leaf._lastblock else leaf._nextoffset
    if only is not None and maxid < only[next_wanted]:
        return maxid, following, None, None, None
    # W3LeafMatcher._read_ids and _read_weights, as arrays: 4 bytes an id (instead
    # of 36 for a Python number) and 4 a weight (instead of 32) where float32
    # holds it exactly (term frequencies do), the same values.
    ids = _id_array(leaf)
    stored_weights = leaf._data[1]
    weights: Weights
    if stored_weights is None:
        weights = np.ones(leaf._blocklength, dtype=np.float32)
    elif isinstance(stored_weights, float):  # Whoosh repeats it in an array("f")
        weights = np.full(leaf._blocklength, stored_weights, dtype=np.float32)
    else:
        weights = np.asarray(stored_weights, dtype=np.float64)
        narrow = weights.astype(np.float32)
        if np.array_equal(narrow, weights):
            weights = narrow
    vals = None
    if values:
        leaf._read_values()
        vals = leaf._values
    return maxid, following, ids, weights, vals
