"""Opening and creating the Whoosh index of a newssearch index, without unpickling code.

A Whoosh index keeps its state in a TOC file, ``_<name>_<generation>.toc``: a
short header, the pickled schema and the pickled list of segments.  Stock
Whoosh unpickles both with plain :mod:`pickle` whenever it opens or reads the
index (``whoosh.index.open_dir``, ``exists_in``, every ``reader()``), so a
crafted TOC runs any code it names, and an index whose schema was pickled
under class paths that have since moved cannot be opened at all.

This module reads the TOC itself:

* the schema slot is skipped; the caller always supplies the schema (built from
  the index's settings by :func:`newssearch.engine.schema.build_schema`);
* the segment list is unpickled by an unpickler that admits only the few
  globals a real segment list holds (:data:`SEGMENT_GLOBALS`) and the result is
  checked before Whoosh uses it;
* anything else -- a refused global, a truncated or foreign file, an older TOC
  format -- is an :class:`~newssearch.errors.IndexStateError` and nothing runs.

Each segment so read is a :class:`~newssearch.engine.segments.SafeSegment`
holding a :class:`~newssearch.engine.segments.SafeCodec`: every reader of the
index then reads the segment files (postings, terms, stored fields, compound
files) without plain unpickling too; :mod:`newssearch.engine.segments` says how.

Whoosh still pickles the schema into every TOC it commits, so stock Whoosh can
open our indexes; we just never read it back.  The rest of newssearch is given
only a :class:`Store`, never the Whoosh index object, so that it cannot reach
Whoosh's own TOC reader by accident.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from whoosh.fields import Schema, ensure_schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import _CURRENT_TOC_VERSION, TOC, FileIndex, LockError
from whoosh.reading import IndexReader
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher
from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE
from whoosh.writing import IndexWriter

from newssearch.closing import Closing
from newssearch.engine import check_whoosh
from newssearch.engine.segments import AllowListUnpickler, RefusedGlobal, SafeCodec, SafeSegment
from newssearch.engine.writers import ParallelWriter, SegmentWriter
from newssearch.errors import IndexNotFoundError, IndexStateError

__all__ = [
    "INDEX_NAME",
    "SEGMENT_GLOBALS",
    "Store",
    "create_store",
    "open_store",
    "other_whoosh_index",
    "store_exists",
]

#: The Whoosh index name of a newssearch index: its TOC files are ``_newssearch_<N>.toc``.
INDEX_NAME = "newssearch"

#: Every global a segment list written by whoosh3 3.54.0 refers to, found by
#: disassembling (``pickletools``) the TOCs of indexes written every way
#: newssearch writes them: one and many commits, deletions, merges and
#: optimize, several segments from the multi-process writer.  A segment is a
#: ``W3Segment`` holding its ``W3Codec`` and its field lengths, a
#: ``defaultdict(int)``; deleted documents are a plain ``set`` (no global).
#: The two Whoosh classes resolve to our reading subclasses
#: (:mod:`newssearch.engine.segments`); our writers commit them as Whoosh's again.
SEGMENT_GLOBALS: Mapping[tuple[str, str], object] = MappingProxyType(
    {
        ("whoosh.codec.whoosh3", "W3Segment"): SafeSegment,
        ("whoosh.codec.whoosh3", "W3Codec"): SafeCodec,
        ("collections", "defaultdict"): defaultdict,
        ("builtins", "int"): int,
    }
)

# Whoosh names each TOC "_<indexname>_<generation>.toc"; any index name, to find foreign ones.
_ANY_TOC = re.compile(r"^_(?P<name>.+)_[0-9]+\.toc$")
# The segment ids Whoosh generates (random_name: lowercase letters and digits).  A segment
# id becomes part of file names, so one with a slash or dots must never reach Whoosh.
_SEGMENT_ID = re.compile(r"[0-9a-z]+")
# The instance attributes whoosh3 3.54.0 gives a W3Segment and its W3Codec.
_SEGMENT_ATTRIBUTES = frozenset(
    {"indexname", "segid", "_codec", "_doccount", "_deleted", "_fieldlengths", "compound"}
)
_CODEC_ATTRIBUTES = frozenset({"_blocklimit", "_compression", "_inlinelimit"})
# Our TOCs, one per generation: "_<name>_<gen>.toc".
_OUR_TOC = re.compile(rf"^_{INDEX_NAME}_[0-9]+\.toc$")
# A TOC being written: Whoosh writes "_<name>_<gen>.toc.<time>", then renames it.
_TEMP_TOC = re.compile(rf"^_{INDEX_NAME}_[0-9]+\.toc\..+$")
# A file of segment <id>: "<name>_<id>.seg", or its parts before they are assembled.
_SEGMENT_FILE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
# How often to look again when the latest TOC vanishes between listing the
# directory and opening it: a committing writer deletes the previous generation.
_TOC_RETRIES = 10


def store_exists(path: Path) -> bool:
    """Whether ``path`` holds a TOC file of a Whoosh index named :data:`INDEX_NAME`.

    Only the file names are looked at (Whoosh's own pattern and generation
    logic); nothing is opened or unpickled, so this is safe on any directory.
    A missing or unreadable directory is ``False``.
    """
    return _latest_generation(path) >= 0


def other_whoosh_index(path: Path) -> bool:
    """Whether ``path`` holds TOC files of a Whoosh index *not* named :data:`INDEX_NAME`.

    For example ``_MAIN_1.toc``, which stock ``whoosh.index.create_in`` writes.
    Only file names are looked at, as in :func:`store_exists`.
    """
    for filename in FileStorage(str(path)).list():
        match = _ANY_TOC.match(filename)
        if match and match["name"] != INDEX_NAME:
            return True
    return False


def create_store(path: Path, schema: Schema) -> Store:
    """Create an empty index with ``schema`` in the existing directory ``path`` and open it.

    Earlier TOC files of :data:`INDEX_NAME` in ``path`` are deleted (the caller
    decides whether an existing index may be replaced); other files are left
    alone.  Raises :class:`OSError` if ``path`` is not a writable directory.
    """
    check_whoosh()
    storage = _SafeStorage(str(path), schema)
    return Store(path, storage.create_index(schema, INDEX_NAME))


def open_store(path: Path, schema: Schema) -> Store:
    """Open the index at ``path`` with ``schema``, executing nothing stored there.

    The schema pickled in the TOC is never read.  Raises
    :class:`IndexNotFoundError` if ``path`` has no TOC of :data:`INDEX_NAME`,
    :class:`IndexStateError` if the latest TOC is not one newssearch could have
    written (a refused global, truncated, another TOC format).
    """
    check_whoosh()
    if not store_exists(path):
        raise IndexNotFoundError(f"there is no newssearch index at {path}")
    return Store(path, _SafeIndex(_SafeStorage(str(path), schema), schema))


class Store(Closing):
    """An open newssearch index: the only handle the rest of newssearch has on Whoosh's index.

    Every call reads the latest committed generation through the safe TOC
    reader, so a TOC that is replaced after opening is checked too.  Use
    :func:`create_store` or :func:`open_store`; a context manager that closes
    the store.
    """

    def __init__(self, path: Path, ix: _SafeIndex) -> None:
        self.path = path
        self._ix = ix

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def schema(self) -> Schema:
        """The schema the store was opened with (never the one pickled in the TOC)."""
        return self._ix.schema

    def searcher(self, weighting: WeightingModel | type[WeightingModel] | None = None) -> Searcher:
        """A Whoosh searcher of the latest generation; Whoosh's BM25F unless ``weighting``."""
        kwargs = {} if weighting is None else {"weighting": weighting}
        searcher: Searcher = self._ix.searcher(**kwargs)
        return searcher

    def reader(self) -> IndexReader:
        """A Whoosh reader of the latest generation; the caller closes it."""
        reader: IndexReader = self._ix.reader()
        return reader

    def writer(self, **kwargs: Any) -> IndexWriter:
        """A writer: a :class:`~newssearch.engine.writers.SegmentWriter`, or with
        ``procs > 1`` a :class:`~newssearch.engine.writers.ParallelWriter` (one
        segment per process, workers that die with it); other ``kwargs`` go to
        Whoosh's writer (``limitmb``, ``compound``…).

        Raises :class:`IndexStateError` if another writer holds the index's lock or the
        latest TOC is refused (then without taking the lock).
        """
        # Check the TOC before Whoosh takes the lock: a writer that fails to read it
        # after locking stays locked for as long as its exception's traceback lives.
        self._ix._read_toc()
        try:
            return self._ix.writer(**kwargs)
        except LockError:
            raise IndexStateError(
                f"the index at {self.path} is locked by another writer; try again when it is done"
            ) from None

    def clean(self) -> list[str]:
        """Remove what a writer that died left in the index directory; the names removed.

        That is: Whoosh's temporary storage (``newssearch.tmp``: job files and
        posting runs), TOCs being written, TOCs of earlier generations, and the
        files of segments the latest TOC does not list (written by a writer that
        never committed them).  Whoosh's commit removes the last two itself, so
        after a clean commit there is nothing to remove.  Call it only while
        holding the index's writer lock: it would remove a live writer's files.
        """
        # A Whoosh writer opened around our lock (``store.writer()`` called
        # directly) holds Whoosh's own lock: its files are not debris.
        lock = self._ix.lock("WRITELOCK")
        if not lock.acquire(False):
            return []
        try:
            return self._clean_unlocked()
        finally:
            lock.release()

    def _clean_unlocked(self) -> list[str]:
        toc = self._ix._read_toc()
        live = {segment.segment_id() for segment in toc.segments}
        current = TOC._filename(INDEX_NAME, toc.generation)
        removed = []
        for name in sorted(os.listdir(self.path)):
            segment = _SEGMENT_FILE.match(name)
            stale = (
                _TEMP_TOC.match(name)
                or (_OUR_TOC.match(name) and name != current)
                or (segment is not None and segment[1] not in live)
            )
            if stale:
                (self.path / name).unlink(missing_ok=True)
                removed.append(name)
        temp = self.path / f"{INDEX_NAME}.tmp"
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
            removed.append(temp.name)
        return removed

    def doc_count(self) -> int:
        """The number of documents, not counting deleted ones."""
        return int(self._ix.doc_count())

    def doc_count_all(self) -> int:
        """The number of documents, counting deleted ones not yet merged away."""
        return int(self._ix.doc_count_all())

    def segment_count(self) -> int:
        """The number of segments in the latest generation."""
        return len(self._ix._segments())

    def generation(self) -> int:
        """The latest committed generation (0 for a new, empty index)."""
        return int(self._ix.latest_generation())

    def close(self) -> None:
        """Release the index; readers, searchers and writers handed out stay the caller's."""
        self._ix.close()


class _SafeIndex(FileIndex):
    """Whoosh's file index, with the TOC read by :func:`_read_toc` and the schema always ours.

    Whoosh reads the TOC only through ``FileIndex.__init__`` and
    ``FileIndex._read_toc`` (readers, searchers, ``refresh``, ``SegmentWriter``
    and everything else go through the latter), so these two are replaced.
    """

    storage: _SafeStorage
    _schema: Schema

    def __init__(self, storage: _SafeStorage, schema: Schema, indexname: str = INDEX_NAME) -> None:
        # Not FileIndex.__init__: it would read the TOC with Whoosh's unpickling reader.
        self.storage = storage
        self._schema = ensure_schema(schema)
        self.indexname = indexname
        # Read once now so that a bad index fails on opening, as with Whoosh.
        self._read_toc()

    def _read_toc(self) -> TOC:
        return _read_toc(self.storage, self.indexname, self._schema)

    @property
    def schema(self) -> Schema:
        # Whoosh's property reads the TOC for the schema; ours is fixed.
        return self._schema

    def writer(self, procs: int = 1, **kwargs: Any) -> IndexWriter:
        # Ours, not Whoosh's: they commit the segments read here as Whoosh's classes.
        if procs > 1:
            return ParallelWriter(self, procs=procs, **kwargs)
        return SegmentWriter(self, **kwargs)


class _SafeStorage(FileStorage):
    """A file storage whose ``open_index`` opens a :class:`_SafeIndex` with our schema.

    Whoosh's multi-process writer reopens the index in each worker with
    ``storage.open_index(indexname)`` (``multiproc.SubWriterTask.run``); the
    stock method would unpickle the TOC's schema there.  The storage is copied
    into the worker (forked, or pickled by us for ``start_method="spawn"``),
    schema included.
    """

    def __init__(self, path: str, schema: Schema) -> None:
        super().__init__(path)
        self._schema = schema

    def create_index(
        self, schema: Schema, indexname: str = INDEX_NAME, indexclass: Any = None
    ) -> _SafeIndex:
        ix: _SafeIndex = _SafeIndex.create(self, schema, indexname)
        return ix

    def open_index(
        self, indexname: str = INDEX_NAME, schema: Schema | None = None, indexclass: Any = None
    ) -> _SafeIndex:
        return _SafeIndex(self, self._schema if schema is None else schema, indexname)


class _SegmentUnpickler(AllowListUnpickler):
    """Unpickles a segment list, admitting only the globals in :data:`SEGMENT_GLOBALS`."""

    allowed = SEGMENT_GLOBALS


def _latest_generation(path: Path) -> int:
    # Whoosh's own listing logic (TOC._pattern over the directory), -1 if none.
    return int(TOC._latest_generation(FileStorage(str(path)), INDEX_NAME))


def _read_toc(storage: FileStorage, indexname: str, schema: Schema) -> TOC:
    """The latest TOC of ``indexname``: ``whoosh.index.TOC.read`` minus both plain unpicklings.

    Mirrors ``TOC.read`` for ``_CURRENT_TOC_VERSION`` (-111) only, with
    ``schema`` in place of the pickled one.
    """
    for _ in range(_TOC_RETRIES):
        generation = TOC._latest_generation(storage, indexname)
        if generation < 0:
            raise IndexStateError(f"there is no index named {indexname!r} in {storage.folder}")
        filename = TOC._filename(indexname, generation)
        try:
            with storage.open_file(filename) as file:
                data = file.read()
        except FileNotFoundError:
            # A writer committed a newer generation and deleted this one; look again.
            continue
        segments = _parse_toc(data, filename, generation, indexname)
        return TOC(schema, segments, generation)
    raise IndexStateError(f"the index in {storage.folder} changes too fast to be read")


def _parse_toc(data: bytes, filename: str, generation: int, indexname: str) -> list[SafeSegment]:
    """The segment list of TOC file ``filename`` (contents ``data``), checked."""
    foreign = f"{filename} is not an index file newssearch wrote"
    # Parsed from memory: the file is small, and a short read cannot meet a concurrent write.
    stream = StructFile(io.BytesIO(data), name=filename)
    try:
        for name, size in (("int", _INT_SIZE), ("long", _LONG_SIZE), ("float", _FLOAT_SIZE)):
            if stream.read_varint() != size:
                raise IndexStateError(f"{foreign}: it is for another {name} size")
        if stream.read_int() != -12345:
            raise IndexStateError(f"{foreign}: wrong byte order or not a TOC")
        version = stream.read_int()
        if version != _CURRENT_TOC_VERSION:
            raise IndexStateError(
                f"{filename} has TOC format {version}, this newssearch reads only "
                f"{_CURRENT_TOC_VERSION}; rebuild the index"
            )
        for _ in range(3):  # the Whoosh release that wrote it; unused, as in Whoosh
            stream.read_varint()
        # Skip the pickled schema: reading it is what would run code.
        stream.skip_string()
        if stream.read_int() != generation:
            raise IndexStateError(f"{foreign}: it names another generation")
        stream.read_int()  # unused slot
        segments = _SegmentUnpickler(stream.file).load()
    except RefusedGlobal as refused:
        raise IndexStateError(
            f"newssearch refuses to load {refused.args[0]!r} from {filename}: "
            "not an index file newssearch wrote"
        ) from None
    except IndexStateError:
        raise
    except Exception as exc:
        # The allow-list bounds what can be built, not how malformed bytes fail: truncation and
        # garbage surface as EOFError, struct.error, UnpicklingError, TypeError, ...
        raise IndexStateError(f"{foreign}: it is damaged ({type(exc).__name__}: {exc})") from None
    if stream.read(1):
        raise IndexStateError(f"{foreign}: there are bytes after the segment list")
    return _check_segments(segments, foreign, indexname)


def _check_segments(segments: object, foreign: str, indexname: str) -> list[SafeSegment]:
    # Allowed classes can still be given any state: odd values, or instance attributes that
    # shadow methods.  Whoosh turns segment ids into file names and trusts the rest, so the
    # state must have the shape whoosh3 writes before Whoosh sees it.
    if not isinstance(segments, list):
        raise IndexStateError(f"{foreign}: the segment list is a {type(segments).__name__}")
    for segment in segments:
        if type(segment) is not SafeSegment:
            raise IndexStateError(f"{foreign}: a segment is a {type(segment).__name__}")
        state = vars(segment)
        segid = state.get("segid")
        if not (isinstance(segid, str) and _SEGMENT_ID.fullmatch(segid)):
            raise IndexStateError(f"{foreign}: bad segment id {segid!r}")
        if not _segment_state_ok(state, indexname):
            raise IndexStateError(f"{foreign}: segment {segid} is not a whoosh3 segment")
    return segments


def _segment_state_ok(state: dict[str, Any], indexname: str) -> bool:
    codec = state.get("_codec")
    deleted = state.get("_deleted")
    lengths = state.get("_fieldlengths", {})
    return (
        state.keys() <= _SEGMENT_ATTRIBUTES
        and state.get("indexname") == indexname
        and type(state.get("_doccount")) is int
        and type(state.get("compound", False)) is bool
        and (deleted is None or (type(deleted) is set and all(type(d) is int for d in deleted)))
        and isinstance(lengths, dict)
        and all(type(k) is str and type(v) is int for k, v in lengths.items())
        and type(codec) is SafeCodec
        and vars(codec).keys() <= _CODEC_ATTRIBUTES
        and all(type(v) is int for v in vars(codec).values())
    )
