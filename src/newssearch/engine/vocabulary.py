"""Vocabulary files: what suggestions and did-you-mean read instead of scanning the index.

Suggestions while typing (:mod:`newssearch.suggest`) and did-you-mean
(:mod:`newssearch.spelling`) need the words of the exact twin fields with
their document frequencies, a spelling index over them, and the titles and
leads of the articles that hold a word.  Read from the index, that costs a
fresh searcher seconds at 100,000 articles (the speller's vocabulary and
delete index) or tens of milliseconds a call (term lists and stored texts);
a one-shot command pays all of it.  So the writer stores them, and a reader
maps them.

One file per segment
    ``<segment id>.voc`` beside the segment's own files (``newssearch_<id>.voc``),
    written after each commit for every segment that lacks a valid one
    (:func:`write_vocabularies`).  A Whoosh segment never changes once written
    (deletions are a set in the TOC), so a segment's file is never stale, a
    commit costs only the segments it made (new articles, merges), and when
    a merge removes a segment Whoosh removes its files, this one included.
    Everything a segment's file counts follows Whoosh's document frequencies:
    an article deleted later still counts until its segment is merged.
    Texts of deleted articles are not read (postings never reach them).

What a file holds (format version :data:`FORMAT_VERSION`)
    1. The terms of :data:`VOCABULARY_FIELDS` (their union, sorted), each with its
       document frequency in each of the three fields: what
       :func:`~newssearch.engine.segments.segment_doc_frequencies` reads.
    2. A symmetric-delete spelling index: for every word of
       :data:`SPELLING_MIN_LENGTH` to :data:`SPELLING_MAX_LENGTH` letters, the
       word and each form of it with one letter deleted, as ``crc32(form) << 32 |
       term number``, sorted.
    3. For every prefix with more than :data:`HEAVY_PREFIX` terms in the segment,
       its :data:`TOP_TERMS` terms of highest weight (title frequency times
       :data:`TITLE_WEIGHT` plus lead and body frequency), best first: a
       completion of a short prefix reads these instead of thousands of terms.
    4. The stored ``title`` and ``lead`` of every live article (what the
       display spelling and the title phrases of suggestions read).
    5. The wire-copy band keys of every live article with a stored signature
       (:func:`newssearch.duplicates.band_keys`), as ``key << 32 | document``,
       sorted: the candidates :mod:`newssearch.stories` checks when it labels
       new articles (64 keys of 8 bytes an article; as the terms of an
       index field, up to index format 3, they had doubled the index).

    The file is a fixed header (magic, version, byte order, segment id and
    document count, the parameters above, counts, and the offset, length and
    CRC-32 of each section) followed by the sections: arrays in the machine's
    byte order and UTF-8 text.  Nothing in it is executed: no pickle.

Reading
    :func:`open_vocabulary` maps the files of a reader's segments (nothing is
    read up front) and checks each header: magic, version, byte order,
    parameters, segment id and document count, and that every section lies in
    the file with the size its counts give.  A missing file, or one of another
    version, gives ``None`` (the features then read the index as before);
    a damaged one too, or :class:`~newssearch.errors.IndexStateError` with
    ``strict=True``.  Damage inside a section that the header cannot show (a bad
    offset) is an ``IndexStateError`` when it is read; the writer checks every
    section's CRC-32 before it keeps a file, so the next commit replaces it.

    :class:`Vocabulary` combines the segments: frequencies are summed, the
    completions of a prefix are the segments' top lists merged by the
    threshold algorithm (Fagin et al.: stop when the k-th best exact sum beats
    the sum of the lists' next weights), spelling candidates are the union of
    the segments' matches.
"""

from __future__ import annotations

import mmap
import os
import signal
import struct
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from heapq import merge, nsmallest
from itertools import pairwise
from pathlib import Path
from typing import Any

from newssearch.cache import BoundedCache
from newssearch.duplicates import band_keys
from newssearch.engine.documents import stored_signature
from newssearch.engine.postings import iter_docnums
from newssearch.engine.segments import segment_doc_frequencies
from newssearch.engine.storage import Store
from newssearch.errors import IndexStateError
from newssearch.forking import fork_child

__all__ = [
    "EXTENSION",
    "FORMAT_VERSION",
    "HEAVY_PREFIX",
    "SPELLING_MAX_LENGTH",
    "SPELLING_MIN_LENGTH",
    "TEXT_FIELDS",
    "TITLE_WEIGHT",
    "TOP_TERMS",
    "VOCABULARY_FIELDS",
    "Frequencies",
    "SegmentVocabulary",
    "Vocabulary",
    "deletion_key",
    "open_vocabulary",
    "vocabulary_files",
    "write_vocabularies",
]

#: The fields whose terms a vocabulary holds, in the order of their frequencies.
VOCABULARY_FIELDS = ("title_exact", "lead_exact", "body_exact")
#: The stored texts a vocabulary holds.
TEXT_FIELDS = ("title", "lead")
#: A vocabulary file is ``<segment id>.<EXTENSION>``.
EXTENSION = "voc"
FORMAT_VERSION = 2
#: The words of the spelling index: letters only, this many or more...
SPELLING_MIN_LENGTH = 3
#: ... and at most this many.
SPELLING_MAX_LENGTH = 40
#: A prefix with more terms than this in a segment has a list of its best terms.
HEAVY_PREFIX = 200
#: How many terms such a list holds.
TOP_TERMS = 64
#: The weight of a title's document frequency in those lists (a lead's and a body's: 1).
TITLE_WEIGHT = 3.0

#: Document frequencies of a term in title, lead and body.
Frequencies = tuple[int, int, int]

_MAGIC = b"NSVOCAB\x00"
_ENDIAN = 0x01020304
_SECTIONS = (
    ("term offsets", "Q"),
    ("terms", "B"),
    ("frequencies", "I"),
    ("deletions", "Q"),
    ("prefix offsets", "Q"),
    ("prefixes", "B"),
    ("prefix lists", "Q"),
    ("prefix terms", "I"),
    ("text offsets", "Q"),
    ("text flags", "B"),
    ("texts", "B"),
    ("band keys", "Q"),
)
(
    _TERM_OFFSETS,
    _TERMS,
    _FREQUENCIES,
    _DELETIONS,
    _PREFIX_OFFSETS,
    _PREFIXES,
    _PREFIX_LISTS,
    _PREFIX_TERMS,
    _TEXT_OFFSETS,
    _TEXT_FLAGS,
    _TEXTS,
    _BAND_KEYS,
) = range(len(_SECTIONS))
# magic, version, byte order, segment id, documents; min/max spelling length, heavy
# prefix, top terms, title weight; terms, spelling words, deletions, prefixes.
_HEAD = struct.Struct("=8sII64sQIIIIdQQQQ")
_SECTION = struct.Struct("=QQI4x")
_HEADER_SIZE = _HEAD.size + len(_SECTIONS) * _SECTION.size + 4  # + the header's CRC-32
_DATA_START = (_HEADER_SIZE + 7) // 8 * 8
_PARAMETERS = (SPELLING_MIN_LENGTH, SPELLING_MAX_LENGTH, HEAVY_PREFIX, TOP_TERMS, TITLE_WEIGHT)
# Bytes no UTF-8 text holds: after a prefix, the bound of the terms it starts.
_AFTER = b"\xff"
_UTF8 = ("utf-8", "surrogatepass")


def deletion_key(form: str) -> int:
    """The spelling index's key of ``form`` (a word, or a word with letters deleted)."""
    return zlib.crc32(form.encode(*_UTF8))


# -- writing -----------------------------------------------------------------------------


def vocabulary_files(store: Store) -> dict[str, Path]:
    """The vocabulary file of each segment of the latest generation, by segment id
    (whether or not it exists)."""
    with store.reader() as reader:
        return {
            segment.segment_id(): _path(store.path, segment.segment_id())
            for sub, _ in reader.leaf_readers()
            if (segment := sub.segment()) is not None
        }


def write_vocabularies(store: Store, *, processes: int | None = None) -> list[str]:
    """Write the vocabulary file of every segment that lacks a valid one; the names written.

    Call it after a commit, holding the index's writer lock (``NewsIndex`` does).
    A file whose header or any section's CRC-32 does not match is rewritten.
    Several files are written by up to ``processes`` processes (default: one
    per CPU, at most 4, and no more than :data:`_PARALLEL_DOCUMENTS` documents'
    segments at once; forked, as the parallel writer's): a parallel import
    leaves a segment per process.  A write that fails (no disk space, no
    permission, a process that died) leaves no file: the features then read
    the index, and the next commit tries again; the commit before it stands.
    """
    for debris in Path(store.path).glob(f"*.{EXTENSION}.part"):  # a writer that died
        debris.unlink(missing_ok=True)
    with store.reader() as reader:
        todo = []
        for sub, _ in reader.leaf_readers():
            segment = sub.segment()
            if segment is None:
                continue
            name = segment.segment_id()
            path = _path(store.path, name)
            documents = int(sub.doc_count_all())
            try:
                SegmentVocabulary.open(path, segment=name, documents=documents, verify=True).close()
            except (FileNotFoundError, IndexStateError):
                todo.append(_Task(sub, name, path, documents))
        workers = min(len(todo), processes or min(os.cpu_count() or 1, _MAX_PROCESSES))
        if processes is None:  # no more segments at once than memory allows
            largest = sorted((task.documents for task in todo), reverse=True)
            while workers > 1 and sum(largest[:workers]) > _PARALLEL_DOCUMENTS:
                workers -= 1
        if workers > 1 and hasattr(os, "fork"):
            _write_forked([todo[k::workers] for k in range(workers)])
        else:
            for task in todo:
                task.write()
        return [task.path.name for task in todo if task.written()]


#: The most processes :func:`write_vocabularies` uses by default.
_MAX_PROCESSES = 4
#: By default, files are written by several processes only while the segments
#: written at once hold at most this many documents together: a process
#: writing the file of a segment of 500,000 articles (with wire copies) peaked
#: at 2.0 GB, and two of them at 4.1 GB together.
_PARALLEL_DOCUMENTS = 400_000


@dataclass(frozen=True)
class _Task:
    """The vocabulary file of one segment, to write."""

    sub: Any
    segment: str
    path: Path
    documents: int

    def write(self) -> None:
        """Write the file (through a temporary name); nothing on an ``OSError``."""
        part = self.path.with_name(f"{self.path.name}.part")
        try:
            part.write_bytes(_encode(self.segment, self.documents, _Built.of(self.sub)))
            os.replace(part, self.path)
        except OSError:
            with suppress(OSError):
                part.unlink(missing_ok=True)

    def written(self) -> bool:
        """Whether the file is there now, with a valid header."""
        try:
            SegmentVocabulary.open(
                self.path, segment=self.segment, documents=self.documents
            ).close()
        except (OSError, IndexStateError):
            return False
        return True


def _write_forked(groups: list[list[_Task]]) -> None:
    """Write the files of ``groups[0]`` here and those of each other group in a forked
    child process, which reads the segments through the readers it inherits."""
    children = []
    try:
        for group in groups[1:]:
            children.append(fork_child(partial(_write_all, group)))
        _write_all(groups[0])
    finally:
        for pid in children:
            with suppress(ChildProcessError):
                if sys.exc_info()[0] is not None:  # the parent failed: stop the children
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _write_all(tasks: list[_Task]) -> None:
    for task in tasks:
        task.write()


def _path(folder: Path | str, segment: str) -> Path:
    return Path(folder) / f"{segment}.{EXTENSION}"


@dataclass(frozen=True)
class _Built:
    """The sections of one segment's file, before encoding."""

    terms: list[bytes]
    frequencies: array[int]
    deletions: array[int]
    words: int
    prefixes: list[tuple[bytes, list[int]]]
    texts: list[bytes | None]
    bands: array[int]

    @classmethod
    def of(cls, sub: Any) -> _Built:
        found: dict[str, list[int]] = {}
        for column, name in enumerate(VOCABULARY_FIELDS):
            for terms in segment_doc_frequencies(sub, name):
                for term, df in terms:
                    counts = found.get(term)
                    if counts is None:
                        counts = found[term] = [0, 0, 0]
                    counts[column] += df
        words = sorted(found)  # code point order: UTF-8 byte order, Whoosh's term order
        frequencies = array("I", (df for word in words for df in found[word]))
        weights = [_weight((f[0], f[1], f[2]), TITLE_WEIGHT) for f in map(found.__getitem__, words)]
        deletions, spelled = _deletions(words)
        texts, bands = _stored(sub)
        return cls(
            terms=[w.encode(*_UTF8) for w in words],
            frequencies=frequencies,
            deletions=deletions,
            words=spelled,
            prefixes=_heavy_prefixes(words, weights),
            texts=texts,
            bands=bands,
        )


def _deletions(words: Sequence[str]) -> tuple[array[int], int]:
    """The spelling index of ``words`` (term numbers are positions in ``words``) and
    how many words it holds."""
    keys: list[int] = []
    crc = zlib.crc32
    spelled = 0
    for number, word in enumerate(words):
        if not (SPELLING_MIN_LENGTH <= len(word) <= SPELLING_MAX_LENGTH and word.isalpha()):
            continue
        spelled += 1
        encoded = word.encode(*_UTF8)
        if len(encoded) == len(word):  # ASCII: delete bytes
            forms = {encoded[:i] + encoded[i + 1 :] for i in range(len(encoded))}
        else:
            forms = {(word[:i] + word[i + 1 :]).encode(*_UTF8) for i in range(len(word))}
        forms.add(encoded)
        keys += [crc(form) << 32 | number for form in forms]
    keys.sort()
    return array("Q", keys), spelled


def _heavy_prefixes(
    words: Sequence[str], weights: Sequence[float]
) -> list[tuple[bytes, list[int]]]:
    """Every prefix with more than :data:`HEAVY_PREFIX` of ``words`` (sorted), with
    the positions of its :data:`TOP_TERMS` heaviest words, best first (ties: in
    word order)."""
    out: list[tuple[bytes, list[int]]] = []
    # (lo, hi, depth): words[lo:hi] share their first depth letters, and there are too many.
    todo = [(0, len(words), 0)] if len(words) > HEAVY_PREFIX else []
    while todo:
        lo, hi, depth = todo.pop()
        if depth:
            best = nsmallest(TOP_TERMS, range(lo, hi), key=lambda i: (-weights[i], i))
            out.append((words[lo][:depth].encode(*_UTF8), best))
        i = lo
        while i < hi and len(words[i]) == depth:  # the prefix itself sorts first
            i += 1
        while i < hi:
            letter = words[i][depth]
            j = i + 1
            while j < hi and words[j][depth] == letter:
                j += 1
            if j - i > HEAVY_PREFIX:
                todo.append((i, j, depth + 1))
            i = j
    out.sort()
    return out


def _stored(sub: Any) -> tuple[list[bytes | None], array[int]]:
    """The stored title and lead of each document of segment reader ``sub`` (``None``:
    none, or deleted), and the band keys of the live documents' signatures, sorted."""
    texts: list[bytes | None] = []
    # The band keys by their top byte, each part sorted on its own at the end.
    bands = [array("Q") for _ in range(256)]
    deleted = sub.is_deleted if sub.has_deletions() else None
    for docnum in range(sub.doc_count_all()):
        if deleted is not None and deleted(docnum):
            texts.extend([None] * len(TEXT_FIELDS))
            continue
        stored = sub.stored_fields(docnum)
        for name in TEXT_FIELDS:
            value = stored.get(name)
            texts.append(value.encode(*_UTF8) if isinstance(value, str) else None)
        for key in band_keys(stored_signature(stored)):
            bands[key >> 24].append(key << 32 | docnum)
    return texts, _joined(bands)


def _joined(parts: list[array[int]]) -> array[int]:
    """The 64-bit numbers of ``parts`` (each holding the numbers of one top byte, in
    order of that byte) sorted into one array, each part emptied once copied: at
    most 1/256 of them are Python ints at a time (a segment of 100,000 articles
    has 6.4 million band keys: 230 MB as a list of ints, 51 MB as an array)."""
    out = array("Q")
    for k, part in enumerate(parts):
        out.extend(sorted(part))
        parts[k] = array("Q")
    return out


def _offsets(parts: Iterable[bytes]) -> array[int]:
    out = array("Q", [0])
    total = 0
    for part in parts:
        total += len(part)
        out.append(total)
    return out


def _encode(segment: str, documents: int, built: _Built) -> bytearray:
    """The file's bytes: the arrays are copied once, into them (a segment of 500,000
    articles has a file of some 300 MB)."""
    lists = array("Q", [0])
    ids = array("I")
    for _, best in built.prefixes:
        ids.extend(best)
        lists.append(len(ids))
    texts = [t or b"" for t in built.texts]
    sections: list[bytes | memoryview] = [
        _bytes_of(_offsets(built.terms)),
        b"".join(built.terms),
        _bytes_of(built.frequencies),
        _bytes_of(built.deletions),
        _bytes_of(_offsets(p for p, _ in built.prefixes)),
        b"".join(p for p, _ in built.prefixes),
        _bytes_of(lists),
        _bytes_of(ids),
        _bytes_of(_offsets(texts)),
        bytes(t is not None for t in built.texts),
        b"".join(texts),
        _bytes_of(built.bands),
    ]
    table = []
    offset = _DATA_START
    for data in sections:
        table.append(_SECTION.pack(offset, len(data), zlib.crc32(data)))
        offset += (len(data) + 7) // 8 * 8
    head = _HEAD.pack(
        _MAGIC,
        FORMAT_VERSION,
        _ENDIAN,
        segment.encode("ascii"),
        documents,
        *_PARAMETERS,
        len(built.terms),
        built.words,
        len(built.deletions),
        len(built.prefixes),
    ) + b"".join(table)
    out = bytearray(head + struct.pack("=I", zlib.crc32(head)))
    for data in sections:
        out.extend(b"\0" * (-len(out) % 8))
        out.extend(data)
    return out


def _bytes_of(numbers: array[int]) -> memoryview:
    """The bytes of ``numbers`` as they are in memory, not copied."""
    return memoryview(numbers).cast("B")


# -- reading -----------------------------------------------------------------------------


def open_vocabulary(reader: Any, *, strict: bool = False) -> Vocabulary | None:
    """The vocabulary of every segment of the Whoosh ``reader``, or ``None`` when a
    segment has no valid file (``strict``: :class:`IndexStateError` saying which).

    Opening maps the files and checks their headers; nothing else is read.
    """
    if reader.doc_count_all() == 0:
        return Vocabulary([], reader=reader)
    parts = []
    for sub, base in reader.leaf_readers():
        segment = sub.segment() if hasattr(sub, "segment") else None
        folder = _folder(sub)
        try:
            if segment is None or folder is None:
                raise IndexStateError(f"{type(sub).__name__} is not a segment on disk")
            path = _path(folder, segment.segment_id())
            try:
                part = SegmentVocabulary.open(
                    path, segment=segment.segment_id(), documents=int(sub.doc_count_all())
                )
            except FileNotFoundError:
                raise IndexStateError(
                    f"{path} is missing: the next update of the index writes it"
                ) from None
        except IndexStateError:
            if strict:
                raise
            return None
        parts.append((part, int(base), sub))
    return Vocabulary(parts, reader=reader)


def _folder(sub: Any) -> str | None:
    storage = sub.storage() if hasattr(sub, "storage") else None
    storage = getattr(storage, "b", storage)  # a compound segment: OverlayStorage(files, folder)
    folder = getattr(storage, "folder", None)
    return folder if isinstance(folder, str) else None


class _Terms:
    """A segment file's sorted terms as a sequence of UTF-8 bytes, for ``bisect``."""

    def __init__(self, data: mmap.mmap, base: int, offsets: memoryview) -> None:
        self._data = data
        self._base = base
        self._offsets = offsets
        self._len = len(offsets) - 1

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(self._len))

    def __getitem__(self, i: int) -> bytes:
        if not 0 <= i < self._len:
            raise IndexError(i)
        base = self._base
        return self._data[base + self._offsets[i] : base + self._offsets[i + 1]]

    def range(self, lo: int, hi: int) -> list[bytes]:
        """The terms at positions ``lo`` to ``hi`` (excluded), read at once."""
        if not 0 <= lo <= hi <= self._len:
            raise IndexError(f"{lo}..{hi}")
        offsets = self._offsets[lo : hi + 1].tolist()
        first = offsets[0]
        chunk = self._data[self._base + first : self._base + offsets[-1]]
        return [chunk[a - first : b - first] for a, b in pairwise(offsets)]


class SegmentVocabulary:
    """One segment's vocabulary file, memory-mapped (see the module docstring)."""

    def __init__(
        self, path: Path, data: mmap.mmap, sections: list[tuple[int, int]], head: tuple[Any, ...]
    ) -> None:
        self.path = path
        self._data = data
        self._sections = sections
        self.documents = int(head[4])
        self.words = int(head[11])
        views = [memoryview(data)[start : start + length] for start, length in sections]
        self._views = views
        self._frequencies = views[_FREQUENCIES].cast("I")
        self._deletions = views[_DELETIONS].cast("Q")
        self._prefix_lists = views[_PREFIX_LISTS].cast("Q")
        self._prefix_terms = views[_PREFIX_TERMS].cast("I")
        self._text_offsets = views[_TEXT_OFFSETS].cast("Q")
        self._text_flags = views[_TEXT_FLAGS]
        self._bands = views[_BAND_KEYS].cast("Q")
        self.terms = _Terms(data, sections[_TERMS][0], views[_TERM_OFFSETS].cast("Q"))
        self._prefixes = _Terms(data, sections[_PREFIXES][0], views[_PREFIX_OFFSETS].cast("Q"))

    @classmethod
    def open(
        cls, path: Path, *, segment: str, documents: int, verify: bool = False
    ) -> SegmentVocabulary:
        """Map the file at ``path`` of the segment ``segment`` with ``documents`` documents.

        Raises ``FileNotFoundError`` when there is none and :class:`IndexStateError`
        when it is of another version or segment, or damaged (``verify``: also
        when a section's CRC-32 does not match; that reads the whole file).
        """
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size < _DATA_START:
                raise _damaged(path, "it is shorter than its header")
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            head, sections = _read_header(path, data, size, segment, documents)
            if verify:
                for (start, length), crc, (name, _) in zip(
                    sections, head[-1], _SECTIONS, strict=True
                ):
                    if zlib.crc32(data[start : start + length]) != crc:
                        raise _damaged(path, f"its {name} do not match their CRC-32")
            return cls(path, data, sections, head[:-1])
        except BaseException:
            data.close()
            raise

    def close(self) -> None:
        """Unmap the file (readers do not need to: it goes with the object)."""
        for view in (
            self._frequencies,
            self._deletions,
            self._prefix_lists,
            self._prefix_terms,
            self._text_offsets,
            *self._views,
        ):
            view.release()
        with suppress(BufferError):
            self._data.close()

    @property
    def size_bytes(self) -> int:
        return len(self._data)

    def deletion_entries(self) -> int:
        return len(self._deletions)

    def prefix_range(self, prefix: bytes) -> tuple[int, int]:
        """The positions of the terms that start with ``prefix``."""
        terms = self.terms
        lo = bisect_left(terms, prefix)
        return lo, bisect_left(terms, prefix + _AFTER, lo)

    def find(self, term: bytes, lo: int = 0, hi: int | None = None) -> int:
        """The position of ``term``, or -1."""
        terms = self.terms
        hi = len(terms) if hi is None else hi
        i = bisect_left(terms, term, lo, hi)
        return i if i < hi and terms[i] == term else -1

    def items(self) -> Iterator[tuple[bytes, int]]:
        """Every term in order, with its document frequency summed over the fields."""
        for i, term in enumerate(self.terms):
            yield term, sum(self.frequencies(i))

    def frequencies(self, i: int) -> Frequencies:
        f = self._frequencies
        return f[3 * i], f[3 * i + 1], f[3 * i + 2]

    def frequency_table(self, lo: int, hi: int) -> list[int]:
        """The frequencies of the terms at ``lo`` to ``hi`` (excluded), three a term."""
        return self._frequencies[3 * lo : 3 * hi].tolist()

    def top(self, prefix: bytes) -> memoryview | None:
        """The positions of the best terms of a prefix with more than :data:`HEAVY_PREFIX`
        terms, best first; ``None`` if the prefix has none such."""
        i = self._find_prefix(prefix)
        if i < 0:
            return None
        lists = self._prefix_lists
        return self._prefix_terms[lists[i] : lists[i + 1]]

    def _find_prefix(self, prefix: bytes) -> int:
        prefixes = self._prefixes
        i = bisect_left(prefixes, prefix)
        return i if i < len(prefixes) and prefixes[i] == prefix else -1

    def spelled(self, key: int) -> Iterator[int]:
        """The positions of the terms with a deletion form whose key is ``key``."""
        return _keyed(self._deletions, key)

    def band_documents(self, key: int, limit: int) -> Iterator[int]:
        """The last ``limit`` documents of the segment whose signature has the band
        key ``key`` (live when the file was written)."""
        return _keyed(self._bands, key, limit)

    def text(self, docnum: int, field: int) -> str | None:
        """The stored text ``TEXT_FIELDS[field]`` of document ``docnum`` of the segment."""
        i = 2 * docnum + field
        if not self._text_flags[i]:
            return None
        start = self._sections[_TEXTS][0]
        offsets = self._text_offsets
        return self._data[start + offsets[i] : start + offsets[i + 1]].decode(*_UTF8)


def _keyed(entries: Sequence[int], key: int, limit: int | None = None) -> Iterator[int]:
    """The low 32 bits of the entries of ``entries`` (sorted) whose high 32 bits are
    ``key`` (the last ``limit`` of them, if given)."""
    end = bisect_left(entries, (key + 1) << 32)
    start = bisect_left(entries, key << 32, 0, end)
    if limit is not None:
        start = max(start, end - limit)
    return (entry & 0xFFFFFFFF for entry in entries[start:end])


def _damaged(path: Path, why: str) -> IndexStateError:
    return IndexStateError(
        f"the vocabulary file {path} is damaged: {why}; the next update of the index "
        "rewrites it (suggestions and did-you-mean read the index meanwhile)"
    )


def _read_header(
    path: Path, data: mmap.mmap, size: int, segment: str, documents: int
) -> tuple[tuple[Any, ...], list[tuple[int, int]]]:
    head = _HEAD.unpack_from(data, 0)
    table_end = _HEAD.size + len(_SECTIONS) * _SECTION.size
    (crc,) = struct.unpack_from("=I", data, table_end)
    if head[0] != _MAGIC:
        raise _damaged(path, "it is not a newssearch vocabulary file")
    if zlib.crc32(data[:table_end]) != crc:
        raise _damaged(path, "its header does not match its CRC-32")
    if head[1] != FORMAT_VERSION or head[2] != _ENDIAN or head[5:10] != _PARAMETERS:
        raise IndexStateError(
            f"the vocabulary file {path} is of format {head[1]} (or another byte order or "
            f"parameters); this newssearch reads format {FORMAT_VERSION}: the next update of "
            "the index rewrites it"
        )
    if head[3].rstrip(b"\0") != segment.encode("ascii") or head[4] != documents:
        raise _damaged(path, f"it is not the file of segment {segment} ({documents} documents)")
    terms, _, deletions, prefixes = head[10:14]
    sections = []
    crcs = []
    for k in range(len(_SECTIONS)):
        start, length, section_crc = _SECTION.unpack_from(data, _HEAD.size + k * _SECTION.size)
        if start % 8 or start < _DATA_START or start + length > size:
            raise _damaged(path, f"its {_SECTIONS[k][0]} lie outside it")
        sections.append((start, length))
        crcs.append(section_crc)
    expected = {
        _TERM_OFFSETS: 8 * (terms + 1),
        _FREQUENCIES: 4 * 3 * terms,
        _DELETIONS: 8 * deletions,
        _PREFIX_OFFSETS: 8 * (prefixes + 1),
        _PREFIX_LISTS: 8 * (prefixes + 1),
        _TEXT_OFFSETS: 8 * (2 * documents + 1),
        _TEXT_FLAGS: 2 * documents,
    }
    for k, length in expected.items():
        if sections[k][1] != length:
            raise _damaged(path, f"its {_SECTIONS[k][0]} have the wrong size")
    if sections[_BAND_KEYS][1] % 8:
        raise _damaged(path, f"its {_SECTIONS[_BAND_KEYS][0]} have the wrong size")
    # The last offset of each offset table is the length of its text.
    for offsets, text in (
        (_TERM_OFFSETS, _TERMS),
        (_PREFIX_OFFSETS, _PREFIXES),
        (_TEXT_OFFSETS, _TEXTS),
    ):
        start, length = sections[offsets]
        if struct.unpack_from("=Q", data, start + length - 8)[0] != sections[text][1]:
            raise _damaged(path, f"its {_SECTIONS[offsets][0]} do not fit its {_SECTIONS[text][0]}")
    start, length = sections[_PREFIX_LISTS]
    if 4 * struct.unpack_from("=Q", data, start + length - 8)[0] != sections[_PREFIX_TERMS][1]:
        raise _damaged(path, "its prefix lists do not fit their terms")
    return (*head, crcs), sections


class Vocabulary:
    """The vocabulary files of all segments of one reader (:func:`open_vocabulary`).

    ``parts`` are the segments' files, each with the reader's document number of
    the segment's first document and the segment's reader.  Use it from one
    thread at a time, like the reader.  Damage found while reading is an
    :class:`IndexStateError`.
    """

    def __init__(self, parts: Sequence[tuple[SegmentVocabulary, int, Any]], *, reader: Any) -> None:
        self._reader = reader
        self._parts = [(part, base) for part, base, _ in parts]
        self._bases = [base for _, base in self._parts]
        # Where each segment has a term (-1: not), for the terms looked up lately.
        self._found: BoundedCache[bytes, tuple[int, ...]] = BoundedCache(4096)

    @property
    def segments(self) -> int:
        return len(self._parts)

    def size_bytes(self) -> int:
        """The size of the mapped files."""
        return sum(part.size_bytes for part, _ in self._parts)

    def deletion_entries(self) -> int:
        """The entries of the segments' spelling indexes."""
        return sum(part.deletion_entries() for part, _ in self._parts)

    def spelling_words_bound(self) -> int:
        """At least as many as the distinct words of the spelling indexes (their sum)."""
        return sum(part.words for part, _ in self._parts)

    def words(self) -> Iterator[tuple[str, int]]:
        """Every term in order, with its document frequency summed over fields and
        segments (reads every term)."""
        with self._reading():
            streams = [part.items() for part, _ in self._parts]
            previous: bytes | None = None
            total = 0
            for term, frequency in merge(*streams):
                if term != previous:
                    if previous is not None:
                        yield previous.decode(*_UTF8), total
                    previous, total = term, 0
                total += frequency
            if previous is not None:
                yield previous.decode(*_UTF8), total

    def frequencies(self, term: str) -> Frequencies:
        """The document frequencies of ``term`` in title, lead and body, summed over segments."""
        with self._reading():
            return self._frequencies(term.encode(*_UTF8))

    def frequency(self, term: str) -> int:
        """The summed document frequency of ``term`` over the three fields."""
        return sum(self.frequencies(term))

    def spelling_candidates(self, forms: Iterable[str]) -> dict[str, int]:
        """Every word of the spelling indexes that has one of ``forms`` (the word or a
        deletion form), with its summed frequency; may hold a few more (CRC-32 collisions)."""
        keys = {deletion_key(form) for form in forms}
        with self._reading():
            return self._candidates(keys)

    def completions(
        self, prefix: str, limit: int, *, title_weight: float = TITLE_WEIGHT
    ) -> list[tuple[str, Frequencies]]:
        """The ``limit`` terms starting with ``prefix`` of highest weight (title frequency
        times ``title_weight``, plus lead and body frequency; ties in term order), best
        first, with their frequencies."""
        if limit <= 0:
            return []
        with self._reading():
            return self._completions(prefix.encode(*_UTF8), limit, title_weight)

    def documents(self, field: str, term: str) -> Iterator[int]:
        """The reader's live documents with ``term`` in ``field`` (one of
        :data:`VOCABULARY_FIELDS`), in the order the index gives them; the index is
        not asked when no segment has the term (titles of an index without them)."""
        column = VOCABULARY_FIELDS.index(field)
        key = term.encode(*_UTF8)
        with self._reading():
            found = any(
                i >= 0 and part.frequencies(i)[column]
                for (part, _), i in zip(self._parts, self._locate(key), strict=True)
            )
        return iter_docnums(self._reader, field, term) if found else iter(())

    def band_documents(self, keys: Iterable[int], *, limit: int) -> set[int]:
        """The reader's documents whose signature has one of the band ``keys``
        (:func:`newssearch.duplicates.band_keys`), at most the last ``limit`` of each
        key in each segment; some may have been deleted since."""
        keys = tuple(keys)
        found: set[int] = set()
        with self._reading():
            for part, base in self._parts:
                for key in keys:
                    found.update(docnum + base for docnum in part.band_documents(key, limit))
        return found

    def text(self, docnum: int, field: str) -> str | None:
        """The stored ``field`` (one of :data:`TEXT_FIELDS`) of the reader's document
        ``docnum`` (live), ``None`` if it has none."""
        column = TEXT_FIELDS.index(field)
        with self._reading():
            return self._text(docnum, column)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except (IndexError, ValueError, OverflowError) as exc:  # a bad offset or number
            paths = ", ".join(str(part.path) for part, _ in self._parts)
            raise IndexStateError(
                f"a vocabulary file of {paths} is damaged ({type(exc).__name__}: {exc}); "
                "the next update of the index rewrites it"
            ) from None

    def _text(self, docnum: int, column: int) -> str | None:
        k = bisect_right(self._bases, docnum) - 1
        if k < 0:
            raise IndexError(docnum)
        part, base = self._parts[k]
        return part.text(docnum - base, column)

    def _locate(self, term: bytes) -> tuple[int, ...]:
        found = self._found.get(term)
        if found is None:
            found = self._found.put(term, tuple(part.find(term) for part, _ in self._parts))
        return found

    def _frequencies(self, term: bytes) -> Frequencies:
        t = lead = body = 0
        for (part, _), i in zip(self._parts, self._locate(term), strict=True):
            if i >= 0:
                a, b, c = part.frequencies(i)
                t, lead, body = t + a, lead + b, body + c
        return t, lead, body

    def _candidates(self, keys: set[int]) -> dict[str, int]:
        found: set[bytes] = set()
        for part, _ in self._parts:
            terms = part.terms
            for key in keys:
                found.update(terms[i] for i in part.spelled(key))
        return {term.decode(*_UTF8): sum(self._frequencies(term)) for term in found}

    def _completions(
        self, prefix: bytes, limit: int, title_weight: float
    ) -> list[tuple[str, Frequencies]]:
        lists: list[_List] = []
        for part, _ in self._parts:
            lo, hi = part.prefix_range(prefix)
            if lo == hi:
                continue
            top = part.top(prefix) if hi - lo > HEAVY_PREFIX else None
            if hi - lo > HEAVY_PREFIX and top is None:
                raise ValueError(f"no list for a prefix of {hi - lo} terms")
            if title_weight != TITLE_WEIGHT:
                top = None  # the lists rank by TITLE_WEIGHT: read every term instead
            lists.append(_List.of(part, lo, hi, top, title_weight))
        if not lists:
            return []
        if len(lists) == 1 and (lists[0].complete or limit <= len(lists[0].entries)):
            return [(t.decode(*_UTF8), f) for _, t, f in lists[0].entries[:limit]]
        if all(part.complete for part in lists):
            return _scan(lists, limit, title_weight)
        return _threshold(lists, limit, title_weight) or _scan(
            [_List.of(x.part, x.lo, x.hi, None, title_weight) for x in lists], limit, title_weight
        )


def _weight(f: Frequencies, title_weight: float) -> float:
    # As suggest.py sums a word's weight: title first, each field's frequency times its weight.
    return f[0] * title_weight + f[1] * 1.0 + f[2] * 1.0


@dataclass
class _List:
    """One segment's terms of a prefix, best first: all of them (``complete``) or its top list."""

    part: SegmentVocabulary
    lo: int
    hi: int
    entries: list[tuple[float, bytes, Frequencies]]
    complete: bool

    @classmethod
    def of(
        cls, part: SegmentVocabulary, lo: int, hi: int, top: memoryview | None, title_weight: float
    ) -> _List:
        entries = []
        if top is None:
            table = part.frequency_table(lo, hi)
            for k, term in enumerate(part.terms.range(lo, hi)):
                f = (table[3 * k], table[3 * k + 1], table[3 * k + 2])
                entries.append((_weight(f, title_weight), term, f))
            entries.sort(key=lambda e: (-e[0], e[1]))
        else:
            terms = part.terms
            for i in top:
                if not lo <= i < hi:
                    raise ValueError(f"a prefix list names term {i}, outside {lo}..{hi}")
                f = part.frequencies(i)
                entries.append((_weight(f, title_weight), terms[i], f))
        return cls(part, lo, hi, entries, top is None)

    def frequencies(self, term: bytes) -> Frequencies:
        i = self.part.find(term, self.lo, self.hi)
        return self.part.frequencies(i) if i >= 0 else (0, 0, 0)


def _scan(lists: Sequence[_List], limit: int, title_weight: float) -> list[tuple[str, Frequencies]]:
    """The best ``limit`` terms of complete lists, their frequencies summed."""
    summed: dict[bytes, Frequencies] = {}
    for part in lists:
        for _, term, (a, b, c) in part.entries:
            t, lead, body = summed.get(term, (0, 0, 0))
            summed[term] = (t + a, lead + b, body + c)
    best = nsmallest(limit, summed.items(), key=lambda e: (-_weight(e[1], title_weight), e[0]))
    return [(t.decode(*_UTF8), f) for t, f in best]


def _threshold(
    lists: Sequence[_List], limit: int, title_weight: float
) -> list[tuple[str, Frequencies]] | None:
    """The best ``limit`` terms by the threshold algorithm, or ``None`` when the top
    lists end before the answer is certain (then every term must be read)."""
    known = [{term: f for _, term, f in part.entries} if part.complete else None for part in lists]
    seen: dict[bytes, tuple[float, Frequencies]] = {}
    depth = 0
    longest = max(len(part.entries) for part in lists)
    while depth < longest:
        for part in lists:
            if depth >= len(part.entries):
                continue
            term = part.entries[depth][1]
            if term in seen:
                continue
            t = lead = body = 0
            for other, table in zip(lists, known, strict=True):
                a, b, c = (
                    table.get(term, (0, 0, 0)) if table is not None else other.frequencies(term)
                )
                t, lead, body = t + a, lead + b, body + c
            f = (t, lead, body)
            seen[term] = (_weight(f, title_weight), f)
        # What a term not yet seen can weigh at most, summed over the lists.
        bound = 0.0
        for part in lists:
            if depth + 1 < len(part.entries):
                bound += part.entries[depth + 1][0]
            elif not part.complete:
                bound += part.entries[-1][0]
        depth += 1
        if len(seen) >= limit:
            best = nsmallest(limit, seen.items(), key=lambda e: (-e[1][0], e[0]))
            if best[-1][1][0] > bound or (depth >= longest and bound == 0.0):
                return [(t.decode(*_UTF8), f) for t, (_, f) in best]
    if all(part.complete for part in lists):
        best = nsmallest(limit, seen.items(), key=lambda e: (-e[1][0], e[0]))
        return [(t.decode(*_UTF8), f) for t, (_, f) in best]
    return None
