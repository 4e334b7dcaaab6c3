"""Create, open and update a newssearch index on disk.

An index is a Whoosh index plus ``newssearch.json`` with the settings it was
built with.  A new index is built in a temporary sibling directory and renamed
into place, and an update is one Whoosh commit, so an interrupted or failed
import never leaves a half-written index behind.
"""

from __future__ import annotations

import dataclasses
import fcntl
import glob
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newssearch.article import Article
from newssearch.closing import Closing
from newssearch.config import DEFAULT_WAIT, FORMAT_VERSION, IndexSettings
from newssearch.engine import check_whoosh
from newssearch.engine.documents import live_docnums, to_document
from newssearch.engine.schema import build_schema, has_stopword_twins
from newssearch.engine.storage import (
    Store,
    create_store,
    open_store,
    other_whoosh_index,
    store_exists,
)
from newssearch.engine.vocabulary import open_vocabulary, write_vocabularies
from newssearch.errors import (
    IndexExistsError,
    IndexNotFoundError,
    IndexStateError,
    NewsSearchError,
)
from newssearch.forking import forked_map
from newssearch.stories import article_signature, story_fields

__all__ = [
    "DEFAULT_WAIT",
    "META_FILE",
    "IndexStats",
    "NewsIndex",
    "UpdateReport",
    "build_index",
    "create_index",
    "index_exists",
    "open_index",
]

META_FILE = "newssearch.json"
#: Stored-format versions this release reads.  Version 1 (newssearch 0.1)
#: holds the same fields and postings as version 2 and differs only in how
#: ``newssearch.json`` names its version.  Version 3 adds the stopword twins
#: (``AnalyzerConfig.stopword_fields``); the settings of older indexes say
#: they have none.  Version 4 keeps the band keys of wire copies in the
#: vocabulary files instead of ``story_bands`` terms (a version 3 reader would
#: find no candidates in it).  Older versions are read as they are, and their
#: ``newssearch.json`` is rewritten as the current version, settings unchanged,
#: on the next change.
_READABLE_VERSIONS = (1, 2, 3, FORMAT_VERSION)
#: An import of at least this many new articles is written by several
#: processes (Whoosh's multi-process writer); below, starting them costs more.
#: On 2 cores, one process / two: 100 articles 1.8 / 1.9 s, 300 articles
#: 3.6 / 2.9 s, 1,000 articles 9.0 / 5.2 s.
PARALLEL_MIN_ARTICLES = 250
#: The signatures of an import are made this many articles at a time ...
SIGNED_AT_ONCE = 10_000
#: ... each batch of at least this many by as many processes as may write the
#: import (one process makes 2,000 in about 0.2 s; a fork takes milliseconds).
PARALLEL_SIGNATURES = 2_000

#: ``progress(done, total)`` is called after each batch of an update.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class UpdateReport:
    """What an update did: new articles, replaced articles, and the time it took."""

    added: int
    replaced: int
    documents: int
    seconds: float


@dataclass(frozen=True)
class IndexStats:
    """Facts about an index, for ``newssearch stats``."""

    path: str
    documents: int
    deleted: int
    segments: int
    terms: dict[str, int]
    size_bytes: int
    settings: IndexSettings
    format_version: int


def index_exists(path: str | Path) -> bool:
    """Whether ``path`` holds a newssearch index."""
    path = Path(path)
    return (path / META_FILE).is_file() and store_exists(path)


def create_index(
    path: str | Path,
    *,
    settings: IndexSettings | None = None,
    overwrite: bool = False,
    wait: float = DEFAULT_WAIT,
) -> NewsIndex:
    """Create an empty index at ``path`` (an existing one only with ``overwrite``).

    Waits up to ``wait`` seconds for another writer of ``path`` to finish.
    """
    path = Path(path)
    with _new_index(path, settings=settings, overwrite=overwrite, wait=wait):
        pass
    return open_index(path)


def build_index(
    path: str | Path,
    articles: Iterable[Article],
    *,
    settings: IndexSettings | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    batch_size: int = 1000,
    procs: int | None = None,
    wait: float = DEFAULT_WAIT,
) -> tuple[NewsIndex, UpdateReport]:
    """Build a new index of ``articles`` at ``path``, all or nothing.

    The index is written to a temporary directory beside ``path`` and renamed
    into place when complete; on any error nothing at ``path`` changes.  One
    writer at a time: another build, rebuild or update of ``path`` is waited
    for up to ``wait`` seconds, then :class:`IndexStateError` says it is locked
    (so two builds of one new index never both report success).
    """
    path = Path(path)
    with (
        _new_index(path, settings=settings, overwrite=overwrite, wait=wait) as tmp,
        open_index(tmp) as staged,  # closed before the swap
    ):
        # (Its own writer lock is on the staging path: never contended.)
        report = staged.update(articles, progress=progress, batch_size=batch_size, procs=procs)
    return open_index(path), report


@contextmanager
def _new_index(
    path: Path, *, settings: IndexSettings | None, overwrite: bool, wait: float
) -> Iterator[Path]:
    """A new empty index in a staging directory, swapped in at ``path`` when the
    ``with`` body has filled it; all under the path's writer lock."""
    with _writing(path, wait=wait):
        if index_exists(path) and not overwrite:
            raise IndexExistsError(f"an index already exists at {path}")
        with _staging(path) as tmp:
            _init_index(tmp, settings or IndexSettings())
            yield tmp
            _swap_in(tmp, path)


def open_index(path: str | Path) -> NewsIndex:
    """Open the index at ``path``; :class:`IndexNotFoundError` says how to build one.

    The index is opened with the schema built from its ``newssearch.json``:
    the schema Whoosh pickles into the index is never read, and the segment
    list is read through an allow-list, so opening runs no code from the
    directory.  Searching still reads Whoosh's own pickled structures inside
    the segment files: open index directories from trusted sources only.
    """
    path = Path(path)
    check_whoosh()
    if not path.exists() and _moved_aside(path):
        with writer_lock(path, wait=DEFAULT_WAIT):
            _recover(path)
    if not path.exists() or not store_exists(path):
        if path.exists() and other_whoosh_index(path):
            raise IndexStateError(f"{path} holds a Whoosh index that newssearch did not build")
        raise IndexNotFoundError(
            f"no index at {path}; build one with: newssearch index ARTICLES.jsonl --index {path}"
        )
    version, settings = _read_meta(path)
    try:
        store = open_store(path, build_schema(settings))
    except NewsSearchError:
        raise
    except Exception as exc:  # Whoosh raises many kinds for a damaged index
        raise IndexStateError(f"cannot open the index at {path}: {exc}") from exc
    return NewsIndex(path, store, settings, format_version=version)


def _read_meta(path: Path) -> tuple[int, IndexSettings]:
    """The format version and settings in ``path``'s ``newssearch.json``."""
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        version = meta["format_version"] if "format_version" in meta else meta["schema_version"]
        settings = IndexSettings.from_json(meta["settings"])
    except FileNotFoundError:
        raise IndexStateError(f"{path} has no {META_FILE}: not a newssearch index") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexStateError(f"{path / META_FILE} is damaged: {exc}") from None
    if version not in _READABLE_VERSIONS:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise IndexStateError(
            f"the index at {path} has format version {version}, this newssearch reads "
            f"{', '.join(map(str, _READABLE_VERSIONS))}; "
            + (
                "upgrade newssearch to read it, or rebuild it with newssearch index --rebuild"
                if newer
                else "rebuild it with newssearch index --rebuild"
            )
        )
    if version in (1, 2):  # indexes from before the stopword twins and stories
        analyzer = dataclasses.replace(settings.analyzer, stopword_fields=False)
        settings = dataclasses.replace(settings, analyzer=analyzer, stories=False)
    return version, settings


def _write_meta(path: Path, settings: IndexSettings) -> None:
    meta = {
        "format": "newssearch",
        "format_version": FORMAT_VERSION,
        "settings": settings.to_json(),
    }
    tmp = path / f".{META_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path / META_FILE)


class NewsIndex(Closing):
    """An open index.  Use :func:`open_index`, :func:`create_index` or :func:`build_index`.

    >>> with open_index("index") as ix:          # doctest: +SKIP
    ...     ix.update(articles)
    """

    def __init__(
        self, path: Path, store: Store, settings: IndexSettings, *, format_version: int
    ) -> None:
        self.path = path
        self.settings = settings
        self._store = store
        self._format_version = format_version

    def close(self) -> None:
        self._store.close()

    @property
    def store(self) -> Store:
        """The engine's handle on this index (:mod:`newssearch.engine.storage`)."""
        return self._store

    @property
    def schema(self) -> Any:
        """The engine schema this index was opened with (built from its settings)."""
        return self._store.schema

    def doc_count(self) -> int:
        return self._store.doc_count()

    def update(
        self,
        articles: Iterable[Article],
        *,
        progress: Progress | None = None,
        batch_size: int = 1000,
        limitmb: int = 256,
        procs: int | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> UpdateReport:
        """Add ``articles``, replacing any with the same id, in one commit.

        Re-importing an article never duplicates it; an id given twice in one
        call is one article, the later record.  On any error the
        uncommitted changes are discarded and the index stays as it was.
        ``articles`` that can be iterated again (a list, a file or corpus read
        lazily) are read twice, once for their ids and once to write them, and
        never held in memory; a one-shot iterator (a generator) is held.
        ``procs`` processes analyse and write in parallel when only new
        articles come (default: one per CPU, at most 4, from
        :data:`PARALLEL_MIN_ARTICLES` articles on; each adds a segment).
        ``limitmb`` is the memory each writing process gives the postings
        it inverts (:mod:`newssearch.engine.inversion`) before it writes
        them to a sorted run on disk, merged at commit: a bound on memory
        that costs little time (2,000 articles, one process: 14.2 s of CPU
        and a 283 MB peak with 512 MB, 16.8 s and 210 MB with 32 MB).
        Another writer of this index is waited for up to ``wait`` seconds.
        """
        with self._writing(wait):
            started = time.perf_counter()
            sign = article_signature if self.settings.stories else None
            batch, ids, signatures = _unique(articles, sign, processes=_signers(procs))
            count = len(ids)
            with self._store.reader() as reader:
                empty = reader.doc_count_all() == 0  # a new index: no lookups per article
                existing = set() if empty else {i for i in ids if live_docnums(reader, "id", i)}
                if self.settings.stories and not empty and open_vocabulary(reader) is None:
                    write_vocabularies(self._store)  # the band keys new articles are matched on
                stories = story_fields(signatures, None if empty else reader) if sign else {}
            workers = 1 if existing else _workers(count, procs)
            if workers > 1:
                writer = self._store.writer(limitmb=limitmb, procs=workers)
            else:
                writer = self._store.writer(limitmb=limitmb)
            replaced = 0
            if progress is not None:
                progress(0, count)
            try:
                stopword_twins = has_stopword_twins(self.settings.analyzer)
                for done, article in enumerate(batch, start=1):
                    doc = to_document(
                        article, stopword_twins=stopword_twins, story=stories.get(article.id)
                    )
                    if article.id in existing:
                        replaced += 1
                        writer.update_document(**doc)
                    else:
                        writer.add_document(**doc)
                    if progress is not None and (done % batch_size == 0 or done == count):
                        progress(done, count)
                writer.commit()
            except BaseException:
                writer.cancel()
                with suppress(NewsSearchError, OSError):
                    self._store.clean()  # the segments its processes finished
                raise
            self._upgrade_meta()
            self._write_vocabularies()
            return UpdateReport(
                added=count - replaced,
                replaced=replaced,
                documents=self.doc_count(),
                seconds=time.perf_counter() - started,
            )

    def delete(self, ids: Iterable[str], *, wait: float = DEFAULT_WAIT) -> int:
        """Delete the articles with these ids; returns how many were deleted."""
        with self._writing(wait):
            writer = self._store.writer()
            try:
                count = sum(int(writer.delete_by_term("id", doc_id)) for doc_id in ids)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self._upgrade_meta()
            self._write_vocabularies()
        return count

    def stats(self) -> IndexStats:
        """Documents, distinct terms per field, size on disk and settings."""
        with self._store.reader() as reader:
            terms = {
                name: sum(1 for _ in reader.lexicon(name)) for name in reader.indexed_field_names()
            }
            documents = int(reader.doc_count())
            deleted = int(reader.doc_count_all()) - documents
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return IndexStats(
            path=str(self.path),
            documents=documents,
            deleted=deleted,
            segments=self._store.segment_count(),
            terms=terms,
            size_bytes=size,
            settings=self.settings,
            format_version=self._format_version,
        )

    @contextmanager
    def _writing(self, wait: float) -> Iterator[None]:
        """The index's writer lock, with what a writer that died left, beside the
        index and in it, removed first."""
        with _writing(self.path, wait=wait):
            self._store.clean()
            yield

    def _upgrade_meta(self) -> None:
        """After a change to an index of an older readable format, record it as current."""
        if self._format_version != FORMAT_VERSION:
            _write_meta(self.path, self.settings)
            self._format_version = FORMAT_VERSION

    def _write_vocabularies(self) -> None:
        """After a commit, the vocabulary file of each new segment, which suggestions and
        did-you-mean read (:mod:`newssearch.engine.vocabulary`)."""
        write_vocabularies(self._store)


def _unique(
    articles: Iterable[Article],
    sign: Callable[[Article], bytes] | None = None,
    *,
    processes: int = 1,
) -> tuple[Iterable[Article], Collection[str], dict[str, bytes]]:
    """``articles`` with each id once (its last record), their ids, and (given
    ``sign``) the signature ``sign`` makes of each (by id).

    What can be iterated again is read once for the ids and signatures (an id,
    a number and a signature per article are all that is held, and the batch
    of articles being signed) and given back to be read again; a one-shot
    iterator is read into a list.  The signatures
    are made :data:`SIGNED_AT_ONCE` articles at a time, by ``processes``
    processes when there are at least :data:`PARALLEL_SIGNATURES`
    (:func:`~newssearch.forking.forked_map`).
    """
    signatures: dict[str, bytes] = {}
    if iter(articles) is articles:  # a generator or another iterator: read once
        by_id = {article.id: article for article in articles}
        unique = list(by_id.values())
        if sign is not None:
            for start in range(0, len(unique), SIGNED_AT_ONCE):
                chunk = unique[start : start + SIGNED_AT_ONCE]
                _sign(signatures, chunk, sign, processes)
        return unique, by_id.keys(), signatures
    last: dict[str, int] = {}
    total = 0
    chunk = []
    for total, article in enumerate(articles, start=1):
        last[article.id] = total
        if sign is not None:
            chunk.append(article)
            if len(chunk) == SIGNED_AT_ONCE:
                _sign(signatures, chunk, sign, processes)
                chunk = []
    if sign is not None and chunk:
        _sign(signatures, chunk, sign, processes)
    if len(last) == total:
        return articles, last.keys(), signatures
    return _LastRecords(articles, last), last.keys(), signatures


def _sign(
    signatures: dict[str, bytes],
    articles: list[Article],
    sign: Callable[[Article], bytes],
    processes: int,
) -> None:
    """Add the signatures ``sign`` makes of ``articles`` (a later record of an id wins).

    A forked process that reads articles copies the memory pages their texts
    lie in (reference counts are written): a part of one chunk, not of the
    whole import, which may be a million articles held in memory.
    """
    if len(articles) < PARALLEL_SIGNATURES:
        processes = 1
    signed = forked_map(sign, articles, processes=processes)
    for article, signature in zip(articles, signed, strict=True):
        signatures[article.id] = signature


def _signers(procs: int | None) -> int:
    """How many processes make the signatures of an import: as many as may write it."""
    return _workers(PARALLEL_MIN_ARTICLES, procs)


class _LastRecords:
    """The records of ``articles`` that are the last of their id (numbered from 1)."""

    def __init__(self, articles: Iterable[Article], last: dict[str, int]) -> None:
        self._articles = articles
        self._last = last

    def __iter__(self) -> Iterator[Article]:
        for n, article in enumerate(self._articles, start=1):
            if self._last.get(article.id) == n:
                yield article


def _workers(count: int, procs: int | None) -> int:
    """How many processes write an import of ``count`` new articles."""
    if procs is not None:
        if procs < 1:
            raise ValueError(f"procs must be at least 1, not {procs}")
        return procs
    return min(os.cpu_count() or 1, 4) if count >= PARALLEL_MIN_ARTICLES else 1


def _init_index(path: Path, settings: IndexSettings) -> None:
    check_whoosh()
    path.mkdir(parents=True, exist_ok=True)
    create_store(path, build_schema(settings)).close()
    _write_meta(path, settings)


@contextmanager
def _staging(path: Path) -> Iterator[Path]:
    """A temporary directory beside ``path``, removed unless it was renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp: that makes the directory private; an index is an ordinary one.
    tmp = path.parent / f".{path.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(tmp: Path, path: Path) -> None:
    """Replace ``path`` with ``tmp``; the old contents are removed only after the swap."""
    if not path.exists():
        os.replace(tmp, path)
        return
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()
        os.replace(tmp, path)
        return
    if not path.is_dir():
        raise NewsSearchError(f"{path} exists and is not a directory")
    if not index_exists(path):
        keep = sorted(p.name for p in path.iterdir())[:3]
        raise IndexExistsError(
            f"{path} is not empty and holds no newssearch index ({', '.join(keep)} …); "
            "choose another directory"
        )
    strangers = sorted(p.name for p in path.iterdir() if not _is_index_file(p.name))
    if strangers:
        raise IndexExistsError(
            f"{path} holds files that are not part of the index ({', '.join(strangers[:3])}"
            f"{' …' if len(strangers) > 3 else ''}); move them away before rebuilding"
        )
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    os.replace(path, old)
    os.replace(tmp, path)
    with suppress(OSError):
        shutil.rmtree(old)


def _is_index_file(name: str) -> bool:
    """Whether ``name`` is a file an index directory holds (Whoosh's or ``newssearch.json``)."""
    # newssearch.json, its temporary twin, and Whoosh's files of the index
    # "newssearch": TOCs, segments, the write lock, newssearch.tmp.
    return name.startswith(("newssearch", "_newssearch_", f".{META_FILE}"))


def _moved_aside(path: Path) -> list[Path]:
    """Old indexes a rebuild moved aside from ``path`` (``.NAME.old-PID``), oldest first."""
    olds = path.parent.glob(f".{glob.escape(path.name)}.old-*")
    return sorted(olds, key=os.path.getmtime)


def _recover(path: Path) -> None:
    """Finish what a rebuild killed between its two renames left: the old index
    moved aside and nothing at ``path``.  The old index is put back (the new one,
    not yet in place, is the staging debris the next build removes).  Call with
    the path's writer lock held."""
    if path.exists():
        return
    olds = _moved_aside(path)
    if olds and index_exists(olds[-1]):
        os.replace(olds[-1], path)


@contextmanager
def _writing(path: Path, *, wait: float) -> Iterator[None]:
    """The writer lock of ``path``, with what a writer that died there left
    put right first: a rebuild's renames finished (:func:`_recover`), and
    staging directories, their locks and indexes moved aside removed
    (:func:`_clean_beside`).  What it left inside the index is the store's
    to remove (``Store.clean``)."""
    with writer_lock(path, wait=wait):
        _recover(path)
        _clean_beside(path)
        yield


def _clean_beside(path: Path) -> None:
    """Remove what dead writers of ``path`` left beside it.

    A staging directory (``.NAME.building-*``) and its lock file exist only
    while a writer holding the lock of ``path`` builds, and an index moved
    aside (``.NAME.old-*``) only between a rebuild's renames, so with the
    lock held and the rebuild recovered, each one found is debris.
    """
    name = glob.escape(path.name)
    found = [
        *path.parent.glob(f".{name}.building-*"),
        *path.parent.glob(f"..{name}.building-*.lock"),
    ]
    if path.exists():  # else what was moved aside is all there is (see _recover)
        found.extend(_moved_aside(path))
    for debris in found:
        if debris.is_dir() and not debris.is_symlink():
            shutil.rmtree(debris, ignore_errors=True)
        else:
            debris.unlink(missing_ok=True)


@contextmanager
def writer_lock(path: Path, *, wait: float = DEFAULT_WAIT) -> Iterator[None]:
    """Hold the one writer lock of the index at ``path`` (waiting up to ``wait`` s).

    The lock is an ``flock`` on ``.NAME.lock`` beside the index, so it covers
    creating and rebuilding (which replace the directory) as well as updates,
    and the kernel releases it when its process dies: a crashed writer never
    leaves the index locked.  The holder removes the file when it is done;
    a waiter that finds it gone or replaced locks the new one.
    """
    if wait < 0:
        raise ValueError(f"wait must be >= 0, not {wait!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise IndexStateError(
                    f"the index at {path} is locked by another writer; try again when it "
                    "is done (or wait longer: --wait SECONDS)"
                ) from None
            time.sleep(0.05)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed it: lock the one there now
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)  # releases the flock
