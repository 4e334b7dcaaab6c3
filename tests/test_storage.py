"""Opening a newssearch index executes nothing stored in it and needs no pickled class paths.

The crafted TOC files here carry a pickle whose ``__reduce__`` runs
``touch MARKER``; a test passes only if the marker never appears.  One control
test shows the same file does run the command when unpickled the way stock
Whoosh does, so the others are not passing vacuously.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.query import Term
from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

from newssearch.config import IndexSettings
from newssearch.engine.schema import build_schema
from newssearch.engine.storage import (
    INDEX_NAME,
    SEGMENT_GLOBALS,
    Store,
    create_store,
    open_store,
    other_whoosh_index,
    store_exists,
)
from newssearch.errors import IndexNotFoundError, IndexStateError

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def schema() -> fields.Schema:
    return build_schema(IndexSettings())


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "MARKER"


@pytest.fixture
def store(tmp_path: Path, schema: fields.Schema) -> Iterator[Store]:
    """An index of ten articles in one commit."""
    path = tmp_path / "ix"
    path.mkdir()
    with create_store(path, schema) as created:
        _add(created, range(10))
        yield created


class _RunsShell:
    """Unpickling this runs ``touch marker`` (pickle stores it as a call of posix.system)."""

    def __init__(self, marker: Path) -> None:
        self.command = f"touch {shlex.quote(str(marker))}"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (self.command,))


def _add(store: Store, numbers: range, *, merge: bool = False, **writer_args: Any) -> None:
    """Add articles a<n> in one commit (by default merging no segments, so they add up)."""
    writer = store.writer(**writer_args)
    for n in numbers:
        writer.add_document(
            id=f"a{n}", title=f"Meldung {n}", body=f"Die Regierung plant Reform Nummer {n}."
        )
    writer.commit(merge=merge)


def _toc_path(path: Path, generation: int, name: str = INDEX_NAME) -> Path:
    return path / f"_{name}_{generation}.toc"


def _real_segments(path: Path, schema: fields.Schema) -> list[Any]:
    # Our own trusted test index, so Whoosh's reader (which unpickles segments) may read it.
    toc = whoosh_index.TOC.read(FileStorage(str(path)), INDEX_NAME, schema=schema)
    return list(toc.segments)


def _toc_bytes(
    generation: int,
    *,
    schema_pickle: bytes = b"",
    segments_pickle: bytes,
    version: int = -111,
) -> bytes:
    """A TOC file laid out as ``whoosh.index.TOC.write`` lays it out."""
    buffer = io.BytesIO()
    stream = StructFile(buffer)
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(version)
    for number in (3, 54, 0):
        stream.write_varint(number)
    stream.write_string(schema_pickle)
    stream.write_int(generation)
    stream.write_int(0)
    stream.write(segments_pickle)
    return buffer.getvalue()


def _write_next_toc(path: Path, data: bytes, generation: int) -> Path:
    toc = _toc_path(path, generation)
    toc.write_bytes(data)
    return toc


# Opening, writing, counting


def test_an_index_written_and_reopened_finds_its_documents(
    store: Store, schema: fields.Schema
) -> None:
    with open_store(store.path, schema) as reopened:
        assert reopened.doc_count() == 10
        assert reopened.schema is schema
        with reopened.searcher() as searcher:
            hits = searcher.search(Term("id", "a3"))
            assert [hit["id"] for hit in hits] == ["a3"]


def test_many_commits_leave_many_segments_and_one_generation_each(
    store: Store, schema: fields.Schema
) -> None:
    for batch in range(1, 13):
        _add(store, range(batch * 10, batch * 10 + 10))
    assert store.generation() == 13
    with open_store(store.path, schema) as reopened:
        assert reopened.doc_count() == 130
        assert reopened.segment_count() > 1
        assert reopened.generation() == 13


def test_deleted_documents_are_not_counted_until_merged_away(
    store: Store, schema: fields.Schema
) -> None:
    writer = store.writer()
    writer.delete_by_term("id", "a2")
    writer.delete_by_term("id", "a7")
    writer.commit(merge=False)
    with open_store(store.path, schema) as reopened:
        assert (reopened.doc_count(), reopened.doc_count_all()) == (8, 10)
        with reopened.searcher() as searcher:
            assert searcher.document(id="a2") is None
    writer = store.writer()
    writer.commit(optimize=True)
    assert (store.doc_count(), store.doc_count_all()) == (8, 8)


def test_a_multi_process_write_in_several_segments_opens_and_counts_right(
    store: Store, schema: fields.Schema
) -> None:
    # The workers reopen the index through the storage's open_index (fork copies it).
    _add(store, range(100, 400), procs=2)
    with open_store(store.path, schema) as reopened:
        assert reopened.doc_count() == 310
        assert reopened.segment_count() >= 2
        with reopened.searcher() as searcher:
            assert searcher.document(id="a399") is not None


def test_a_store_reads_the_latest_generation_each_time(store: Store, schema: fields.Schema) -> None:
    with open_store(store.path, schema) as other:
        _add(other, range(10, 15))
    assert store.doc_count() == 15
    assert store.generation() == 2


def test_an_index_from_newssearch_0_1_opens_though_its_pickled_schema_names_moved_classes(
    schema: fields.Schema,
) -> None:
    # Its TOC's schema pickle names newssearch.postings, which no longer exists, so stock
    # Whoosh cannot open it without a schema; we never read that slot.
    path = DATA / "index_v0_1"
    with open_store(path, schema) as old:
        assert old.doc_count() > 0
        with old.searcher() as searcher:
            assert searcher.document(id="politik-1") is not None


def test_opening_a_directory_without_an_index_says_there_is_none(
    tmp_path: Path, schema: fields.Schema
) -> None:
    with pytest.raises(IndexNotFoundError, match="no newssearch index"):
        open_store(tmp_path, schema)


def test_the_allow_list_is_exactly_what_real_segment_lists_hold(
    store: Store, schema: fields.Schema
) -> None:
    # Every way newssearch writes: commits, deletions, several processes, optimize.
    seen: set[tuple[str, str]] = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            seen.add((module, name))
            return super().find_class(module, name)

    def record() -> None:
        data = _toc_path(store.path, store.generation()).read_bytes()
        Recorder(io.BytesIO(_segments_slot(data))).load()  # our own index: safe to load

    record()
    _add(store, range(10, 20))
    record()
    writer = store.writer()
    writer.delete_by_term("id", "a1")
    writer.commit(merge=False)
    record()
    _add(store, range(100, 400), procs=2)
    record()
    _add(store, range(400, 700), procs=2)
    record()
    store.writer().commit(optimize=True)
    record()
    assert seen == set(SEGMENT_GLOBALS)


def _segments_slot(toc: bytes) -> bytes:
    """The segment-list pickle of TOC file contents ``toc``."""
    stream = StructFile(io.BytesIO(toc))
    for _ in range(3):
        stream.read_varint()
    stream.read_int()
    stream.read_int()
    for _ in range(3):
        stream.read_varint()
    stream.skip_string()
    stream.read_int()
    stream.read_int()
    return bytes(stream.read())


# Crafted TOC files


def test_the_crafted_toc_runs_code_when_stock_whoosh_opens_it(
    store: Store, schema: fields.Schema, marker: Path
) -> None:
    # The control: the payload the tests below refuse does run under Whoosh's own reader,
    # even with a schema given (that skips only the schema slot).
    crafted = _toc_bytes(2, segments_pickle=pickle.dumps([_RunsShell(marker)], -1))
    _write_next_toc(store.path, crafted, 2)
    whoosh_index.open_dir(str(store.path), indexname=INDEX_NAME, schema=schema)
    assert marker.exists()


def test_a_crafted_segment_list_is_refused_on_opening_and_nothing_runs(
    store: Store, schema: fields.Schema, marker: Path
) -> None:
    crafted = _toc_bytes(2, segments_pickle=pickle.dumps([_RunsShell(marker)], -1))
    toc = _write_next_toc(store.path, crafted, 2)
    with pytest.raises(IndexStateError) as refused:
        open_store(store.path, schema)
    assert f"refuses to load '{os.system.__module__}.system' from {toc.name}" in str(refused.value)
    assert "not an index file newssearch wrote" in str(refused.value)
    assert not marker.exists()


def test_a_crafted_exec_call_is_refused_too(
    store: Store, schema: fields.Schema, marker: Path
) -> None:
    class RunsExec:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    _write_next_toc(store.path, _toc_bytes(2, segments_pickle=pickle.dumps(RunsExec(), -1)), 2)
    with pytest.raises(IndexStateError, match=re.escape("refuses to load 'builtins.exec'")):
        open_store(store.path, schema)
    assert not marker.exists()


def test_a_crafted_generation_is_refused_by_an_already_open_store(
    store: Store, marker: Path
) -> None:
    _write_next_toc(
        store.path, _toc_bytes(2, segments_pickle=pickle.dumps([_RunsShell(marker)])), 2
    )
    for use in (store.doc_count, store.searcher, store.reader, store.segment_count, store.writer):
        with pytest.raises(IndexStateError, match="refuses to load"):
            use()
    assert not marker.exists()


def test_a_writer_refused_for_a_crafted_toc_leaves_the_index_unlocked(
    store: Store, marker: Path
) -> None:
    toc = _write_next_toc(
        store.path, _toc_bytes(2, segments_pickle=pickle.dumps([_RunsShell(marker)])), 2
    )
    with pytest.raises(IndexStateError, match="refuses to load") as refused:
        store.writer()
    toc.unlink()
    # While the error (and so its traceback) is still alive.
    assert refused.value is not None
    store.writer().cancel()


def test_a_crafted_schema_is_skipped_and_the_index_opens_with_ours(
    store: Store, schema: fields.Schema, marker: Path
) -> None:
    segments = pickle.dumps(_real_segments(store.path, schema), -1)
    crafted = _toc_bytes(
        2, schema_pickle=pickle.dumps(_RunsShell(marker)), segments_pickle=segments
    )
    _write_next_toc(store.path, crafted, 2)
    with open_store(store.path, schema) as opened:
        assert opened.generation() == 2
        assert opened.doc_count() == 10
        assert opened.schema is schema
        _add(opened, range(10, 12))
        assert opened.doc_count() == 12
    assert not marker.exists()


def test_multi_process_workers_skip_a_crafted_schema_too(
    store: Store, schema: fields.Schema, marker: Path
) -> None:
    # Each worker reopens the index itself; stock Whoosh would unpickle the schema there.
    segments = pickle.dumps(_real_segments(store.path, schema), -1)
    crafted = _toc_bytes(
        2, schema_pickle=pickle.dumps(_RunsShell(marker)), segments_pickle=segments
    )
    _write_next_toc(store.path, crafted, 2)
    with open_store(store.path, schema) as opened:
        _add(opened, range(100, 400), procs=2)
        assert opened.doc_count() == 310
    assert not marker.exists()


def test_segments_of_allowed_classes_with_a_path_as_id_are_refused(
    store: Store, schema: fields.Schema
) -> None:
    # Whoosh turns segment ids into file names; an allowed class must not smuggle a path in.
    segment = W3Segment(W3Codec(), INDEX_NAME, doccount=1, segid="../../outside")
    _write_next_toc(store.path, _toc_bytes(2, segments_pickle=pickle.dumps([segment], -1)), 2)
    with pytest.raises(IndexStateError, match="bad segment id"):
        open_store(store.path, schema)


# Looking for an index without opening it


def test_an_empty_or_missing_directory_holds_no_index(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing"):
        assert not store_exists(path)
        assert not other_whoosh_index(path)


def test_our_index_is_found_and_is_not_another_whoosh_index(store: Store) -> None:
    assert store_exists(store.path)
    assert not other_whoosh_index(store.path)


def test_a_stock_whoosh_index_is_another_index_not_ours(tmp_path: Path) -> None:
    whoosh_index.create_in(str(tmp_path), fields.Schema(text=fields.TEXT())).close()
    assert (tmp_path / "_MAIN_0.toc").exists()
    assert not store_exists(tmp_path)
    assert other_whoosh_index(tmp_path)


def test_looking_for_indexes_unpickles_nothing(tmp_path: Path, marker: Path) -> None:
    payload = pickle.dumps([_RunsShell(marker)], -1)
    crafted = _toc_bytes(1, schema_pickle=pickle.dumps(_RunsShell(marker)), segments_pickle=payload)
    _toc_path(tmp_path, 1).write_bytes(crafted)
    _toc_path(tmp_path, 1, "MAIN").write_bytes(crafted)
    assert store_exists(tmp_path)
    assert other_whoosh_index(tmp_path)
    assert not marker.exists()


# Damaged TOC files


def test_a_truncated_toc_is_an_index_state_error_wherever_it_ends(
    store: Store, schema: fields.Schema
) -> None:
    real = _toc_path(store.path, 1).read_bytes()
    segments = len(_segments_slot(real))
    # Every cut in the header and in the segment list, every 50th byte of the schema between.
    cuts = {*range(32), *range(len(real) - segments - 8, len(real)), *range(0, len(real), 50)}
    for length in sorted(cuts):
        _toc_path(store.path, 2).write_bytes(real[:length])
        with pytest.raises(IndexStateError, match="not an index file newssearch wrote"):
            open_store(store.path, schema)


def _shadowing_segment() -> W3Segment:
    """A segment whose state sets an instance attribute hiding one of its methods."""
    segment = W3Segment(W3Codec(), INDEX_NAME, doccount=1, segid="abc")
    vars(segment)["doc_count_all"] = 10**6
    return segment


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 64,
        b"not a toc at all\n" * 10,
        bytes(range(256)),
        _toc_bytes(2, segments_pickle=b"garbage"),
        _toc_bytes(2, segments_pickle=pickle.dumps({"segments": 1})),
        _toc_bytes(2, segments_pickle=pickle.dumps([1, 2])),
        _toc_bytes(3, segments_pickle=pickle.dumps([])),
        _toc_bytes(2, segments_pickle=pickle.dumps([]) + b"trailing"),
        _toc_bytes(2, segments_pickle=pickle.dumps([W3Segment(W3Codec(), "MAIN", 1)])),
        _toc_bytes(2, segments_pickle=pickle.dumps([_shadowing_segment()])),
    ],
    ids=[
        "empty",
        "zeros",
        "text",
        "all-bytes",
        "bad-pickle",
        "not-a-list",
        "not-segments",
        "wrong-generation",
        "trailing-bytes",
        "foreign-segment",
        "method-shadowed",
    ],
)
def test_a_garbage_toc_is_an_index_state_error(
    store: Store, schema: fields.Schema, data: bytes
) -> None:
    _write_next_toc(store.path, data, 2)
    with pytest.raises(IndexStateError, match="not an index file newssearch wrote"):
        open_store(store.path, schema)


def test_an_older_toc_format_is_refused_with_a_hint_to_rebuild(
    store: Store, schema: fields.Schema
) -> None:
    _write_next_toc(store.path, _toc_bytes(2, segments_pickle=pickle.dumps([]), version=-110), 2)
    with pytest.raises(IndexStateError, match=r"TOC format -110\b.*; rebuild the index"):
        open_store(store.path, schema)


# Locking


def test_a_second_writer_is_told_the_index_is_locked(store: Store, schema: fields.Schema) -> None:
    first = store.writer()
    try:
        expected = re.escape(
            f"the index at {store.path} is locked by another writer; try again when it is done"
        )
        with pytest.raises(IndexStateError, match=expected):
            store.writer()
        with (
            open_store(store.path, schema) as other,
            pytest.raises(IndexStateError, match=expected),
        ):
            other.writer()
    finally:
        first.cancel()
    store.writer().cancel()
