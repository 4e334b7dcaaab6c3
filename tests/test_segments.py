"""Reading an index's segment files executes nothing stored in them.

Whoosh unpickles data from segment files in seven places (see
:mod:`newssearch.engine.segments`).  For each, a crafted index here carries a
pickle whose ``__reduce__`` runs ``touch MARKER`` in that place; a test passes
only if newssearch refuses it with an :class:`IndexStateError` and the marker
never appears.  A control per place shows that stock Whoosh does run it, so
the others are not passing vacuously.
"""

from __future__ import annotations

import io
import operator
import os
import pickle
import shlex
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import columns, fields, formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3Segment, W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.reading import IndexReader
from whoosh.system import pack_int, pack_long, pack_uint

from newssearch import Article, build_index, open_index, sample_articles, search
from newssearch.config import IndexSettings
from newssearch.engine import segments
from newssearch.engine.schema import build_schema
from newssearch.engine.segments import (
    POSTING_GLOBALS,
    STORED_GLOBALS,
    AllowListUnpickler,
    SafeCodec,
    SafeSegment,
    decode_positions,
    whoosh_segments,
)
from newssearch.engine.storage import INDEX_NAME, Store, create_store, open_store
from newssearch.errors import IndexStateError

DATA = Path(__file__).parent / "data"
REFUSED = f"refuses to load '{os.system.__module__}.system'"


@pytest.fixture(scope="module")
def schema() -> fields.Schema:
    return build_schema(IndexSettings())


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "MARKER"


class _RunsShell:
    """Unpickling this runs ``touch marker`` (pickle stores it as a call of posix.system)."""

    def __init__(self, marker: Path) -> None:
        self.command = f"touch {shlex.quote(str(marker))}"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (self.command,))


def _payload(marker: Path) -> bytes:
    # Protocol 2, as Whoosh writes segment data.
    return pickle.dumps(_RunsShell(marker), 2)


def _index(tmp_path: Path, schema: fields.Schema, *, compound: bool) -> Path:
    """Ten articles in one segment; ``compound=False`` leaves its files apart."""
    path = tmp_path / "ix"
    path.mkdir()
    with create_store(path, schema) as store:
        writer = store.writer(compound=compound)
        for n in range(10):
            writer.add_document(
                id=f"a{n}",
                title=f"Meldung {n}",
                body=f"Die Regierung plant eine Reform der Pensionen, Nummer {n}.",
                published=datetime(2024, 5, n + 1, 12),
            )
        writer.commit()
    return path


def _stock_schema() -> fields.Schema:
    """Our schema with Whoosh's own ``Positions`` format on the body (which unpickles)."""
    schema = build_schema(IndexSettings())
    schema["body"].format = formats.Positions(field_boost=1.0)
    return schema


def _segment_file(path: Path, ext: str) -> Path:
    (found,) = path.glob(f"{INDEX_NAME}_*{ext}")
    return found


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    content = path.read_bytes()
    path.write_bytes(content[:offset] + data + content[offset + len(data) :])


def _busiest_body_term(path: Path) -> tuple[bytes, tuple[int, int]]:
    """The body term in most documents, and the extent of its postings."""
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME, schema=_stock_schema())
    with ix.reader() as reader:
        term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
        return term, reader.term_info("body", term).extent()


def _block(header: bytes, data: bytes = b"") -> bytes:
    """A term's postings as one (last) block: Whoosh's tag, length, header, data."""
    return b"W3Bl" + pack_int(-(len(header) + len(data))) + header + data


# One header of a block of one posting (document 0), uncompressed.
_HEADER = pickle.dumps((1, 0, 1.0, 0, 1, 1), 2)


# The crafts: each rewrites an index so that reading one place runs the payload


def _craft_compound_directory(path: Path, marker: Path) -> None:
    seg = _segment_file(path, ".seg")
    content = seg.read_bytes()
    directory = _payload(marker) + pickle.dumps({}, 2)
    seg.write_bytes(pack_long(len(content)) + content[8:] + directory)


def _rewrite_terms(path: Path, change: Callable[[bytes, bytes], bytes], fieldmap: Any) -> None:
    """Write the terms file anew with Whoosh's writer: each value through ``change``."""
    trm = _segment_file(path, ".trm")
    with open(trm, "rb") as f:
        old = OrderedHashReader(StructFile(f), trm.stat().st_size)
        items = list(old.items())
        real = old.extras["fieldmap"]
    writer = OrderedHashWriter(StructFile(open(trm, "wb")))  # noqa: SIM115 (closed by close())
    writer.extras["fieldmap"] = real if fieldmap is None else fieldmap
    for key, value in items:
        writer.add(key, change(key, value))
    writer.close()


def _craft_field_map(path: Path, marker: Path) -> None:
    _rewrite_terms(path, lambda key, value: value, _RunsShell(marker))


def _craft_inlined_postings(path: Path, marker: Path) -> None:
    term, _ = _busiest_body_term(path)
    size = W3TermInfo._struct.size

    def inline(key: bytes, value: bytes) -> bytes:
        if not key.endswith(term):
            return value
        return b"\x01" + value[1:size] + _payload(marker)  # flag: postings inlined

    _rewrite_terms(path, inline, None)


def _craft_block_header(path: Path, marker: Path) -> None:
    _, (offset, _) = _busiest_body_term(path)
    _overwrite(_segment_file(path, ".pst"), offset, _block(_payload(marker)))


def _craft_block_data(path: Path, marker: Path) -> None:
    _, (offset, _) = _busiest_body_term(path)
    _overwrite(_segment_file(path, ".pst"), offset, _block(_HEADER, _payload(marker)))


def _craft_positions(path: Path, marker: Path) -> None:
    _, (offset, _) = _busiest_body_term(path)
    value = pack_uint(1) + _payload(marker)
    data = pickle.dumps(((0,), None, (value,)), 2)
    _overwrite(_segment_file(path, ".pst"), offset, _block(_HEADER, data))


def _craft_stored_fields(path: Path, marker: Path) -> None:
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME, schema=_stock_schema())
    with ix.reader() as reader:
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    col = _segment_file(path, "._stored.col")
    column = columns.PickleColumn(columns.CompressedBytesColumn())
    writer = column.writer(StructFile(open(col, "wb")))  # noqa: SIM115 (closed below)
    writer.add(0, _RunsShell(marker))
    for n, document in enumerate(stored[1:], start=1):
        writer.add(n, document)
    writer.finish(len(stored))
    writer._child._dbfile.close()


def _postings(reader: IndexReader) -> Any:
    term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
    return reader.postings("body", term)


@dataclass(frozen=True)
class Craft:
    """A crafted index: ``make`` rewrites it, ``read`` is what then reads the payload."""

    name: str
    compound: bool
    make: Callable[[Path, Path], None]
    read: Callable[[IndexReader], object]


def _ids(reader: IndexReader) -> list[int]:
    return list(_postings(reader).all_ids())


def _positions(reader: IndexReader) -> Any:
    return _postings(reader).value_as("positions")


def _stored(reader: IndexReader) -> Any:
    return reader.stored_fields(0)


def _count(reader: IndexReader) -> int:
    return int(reader.doc_count())


CRAFTS = [
    Craft("compound-directory", True, _craft_compound_directory, _count),
    Craft("field-map", False, _craft_field_map, _count),
    Craft("inlined-postings", False, _craft_inlined_postings, _ids),
    Craft("block-header", False, _craft_block_header, _postings),
    Craft("block-data", False, _craft_block_data, _ids),
    Craft("positions", False, _craft_positions, _positions),
    Craft("stored-fields", False, _craft_stored_fields, _stored),
]


@pytest.mark.parametrize("craft", CRAFTS, ids=[craft.name for craft in CRAFTS])
def test_stock_whoosh_runs_the_crafted_pickle(
    craft: Craft, tmp_path: Path, schema: fields.Schema, marker: Path
) -> None:
    # The control: reading the crafted place with Whoosh's own readers runs the command
    # (what Whoosh then does with os.system's return value does not matter).
    path = _index(tmp_path, schema, compound=craft.compound)
    craft.make(path, marker)
    assert not marker.exists()
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME, schema=_stock_schema())
    with suppress(Exception), ix.reader() as reader:
        craft.read(reader)
    assert marker.exists()


@pytest.mark.parametrize("craft", CRAFTS, ids=[craft.name for craft in CRAFTS])
def test_newssearch_refuses_the_crafted_pickle_and_nothing_runs(
    craft: Craft, tmp_path: Path, schema: fields.Schema, marker: Path
) -> None:
    path = _index(tmp_path, schema, compound=craft.compound)
    craft.make(path, marker)
    with (
        open_store(path, schema) as store,
        pytest.raises(IndexStateError, match=REFUSED) as refused,
        store.reader() as reader,
    ):
        craft.read(reader)
    assert "not an index file newssearch wrote" in str(refused.value)
    assert not marker.exists()


def test_the_refusal_names_the_file(tmp_path: Path, schema: fields.Schema, marker: Path) -> None:
    path = _index(tmp_path, schema, compound=False)
    _craft_block_header(path, marker)
    with (
        open_store(path, schema) as store,
        store.searcher() as searcher,
        pytest.raises(IndexStateError, match=_segment_file(path, ".pst").name),
    ):
        _postings(searcher.reader())
    assert not marker.exists()


@pytest.mark.parametrize("craft", ["stored-fields", "block-data"])
def test_a_search_of_a_crafted_index_is_an_index_state_error(
    craft: str, tmp_path: Path, schema: fields.Schema, marker: Path
) -> None:
    # Through the public API: build an index, then craft its (only) segment.
    path = tmp_path / "news"
    articles = [
        Article(id=f"a{n}", title=f"Meldung {n}", body="Die Regierung plant eine Reform.")
        for n in range(10)
    ]
    build_index(path, articles)[0].close()
    (segment,) = path.glob(f"{INDEX_NAME}_*.seg")
    with open_store(path, build_schema(IndexSettings())) as store:
        writer = store.writer(compound=False)
        writer.commit(optimize=True)  # rewritten as loose files, easier to craft
    assert not segment.exists()
    {"stored-fields": _craft_stored_fields, "block-data": _craft_block_data}[craft](path, marker)
    with open_index(path) as index, pytest.raises(IndexStateError, match=REFUSED):
        search(index, "Regierung plant Reform")
    assert not marker.exists()


# What the allow-lists hold


def _walk_with_stock_whoosh(path: Path) -> None:
    """Read everything a search can read from the index at ``path``, with Whoosh's readers."""
    schema = _stock_schema()
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME, schema=schema)
    with ix.reader() as reader:
        for sub, _ in reader.leaf_readers():
            for (fieldname, text), _info in sub._terms.items():
                matcher = sub.postings(fieldname, text)
                positions = schema[fieldname].format.supports("positions")
                while matcher.is_active():
                    matcher.weight()
                    value = matcher.value()
                    if positions:
                        formats.Positions.decode_positions(schema[fieldname].format, value)
                    matcher.next()
            for docnum in range(sub.doc_count_all()):
                sub.stored_fields(docnum)


@pytest.fixture(scope="module")
def written_every_way(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Indexes written every way newssearch writes, and the 0.1 index."""
    root = tmp_path_factory.mktemp("every-way")
    articles = list(sample_articles())[:120]
    dated = [
        Article(
            id=f"dated-{n}",
            title="Wahl in Wien",
            body="Die Wahl in Wien bringt eine neue Regierung.",
            published=datetime(2024, 5, n + 1, 12, tzinfo=UTC),
            tags=("Wien", "Politik"),
            author="Anna Berger",
            section="Inland",
            source="apa",
            url=f"https://example.org/{n}",
        )
        for n in range(3)
    ]
    single, _ = build_index(root / "single", articles[:60] + dated, procs=1)
    single.close()
    parallel, _ = build_index(root / "parallel", articles[:60] + dated, procs=2)
    parallel.close()
    updated, _ = build_index(root / "updated", articles[:40] + dated, procs=1)
    updated.update(articles[40:120], procs=2)
    updated.update([*articles[20:25], Article(id="dated-1", title="Neu", body="Neuer Text")])
    updated.delete(["dated-2", articles[5].id])
    for n in range(3):  # small commits, merged by Whoosh's merge policy
        updated.update(articles[n * 5 : n * 5 + 5])
    updated.close()
    with open_store(root / "updated", build_schema(IndexSettings())) as store:
        store.writer().commit(optimize=True)
    return [root / "single", root / "parallel", root / "updated", DATA / "index_v0_1"]


def test_the_allow_lists_are_exactly_what_real_segment_files_hold(
    written_every_way: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Record the globals of every pickle stock Whoosh unpickles while reading everything.
    import whoosh.codec.whoosh3
    import whoosh.columns
    import whoosh.filedb.structfile
    import whoosh.formats

    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    counts: Counter[str] = Counter()

    def recorder(site: str) -> type[pickle.Unpickler]:
        class Recorder(pickle.Unpickler):
            def find_class(self, module: str, name: str) -> Any:
                seen[site].add((module, name))
                return super().find_class(module, name)

        return Recorder

    def loads(site: str) -> Callable[[bytes], Any]:
        def load(data: bytes) -> Any:
            counts[site] += 1
            return recorder(site)(io.BytesIO(data)).load()

        return load

    def load_file(file: Any) -> Any:
        if str(getattr(file, "name", "")).endswith(".toc"):  # test_storage covers the TOC
            return pickle.load(file)
        counts["file"] += 1
        return recorder("file")(file).load()

    monkeypatch.setattr(whoosh.codec.whoosh3, "loads", loads("postings"))
    monkeypatch.setattr(whoosh.columns, "loads", loads("stored"))
    monkeypatch.setattr(whoosh.formats, "loads", loads("positions"))
    monkeypatch.setattr(whoosh.filedb.structfile, "load", load_file)
    for path in written_every_way:
        _walk_with_stock_whoosh(path)
    # Compound directories, terms file headers, block headers: no global.
    assert counts["file"] > 0 and not seen["file"]
    assert counts["positions"] > 0 and not seen["positions"]
    assert seen["postings"] == set(POSTING_GLOBALS)
    assert seen["stored"] == set(STORED_GLOBALS)


def test_allowed_globals_build_what_whoosh_wrote() -> None:
    # _codecs.encode resolves to str.encode: the same bytes, for every byte value.
    # (Whoosh never writes an empty value, which protocol 2 would spell __builtin__.bytes.)
    for value in (bytes(range(256)), b"\x00\x00\x00\x01\x80\x02", b"."):
        data = pickle.dumps(((1, 2), None, (value,)), 2)
        assert segments._loads(segments._PostingUnpickler, data, "test", "test") == (
            (1, 2),
            None,
            (value,),
        )
    stored = {"published": datetime(2024, 5, 1, 12, 30, 15, 7), "tags": ["a", "b"]}
    data = pickle.dumps(stored, 2)
    assert segments._loads(segments._StoredUnpickler, data, "test", "test") == stored


def test_a_global_named_without_c_or_i_bytes_is_refused_too() -> None:
    # STACK_GLOBAL (protocol 4+) with names holding neither "c" nor "i": the fast path's
    # byte check must still send it to the allow-list.
    data = pickle.dumps(operator.attrgetter("x"), 4)
    assert b"c" not in data and b"i" not in data
    with pytest.raises(IndexStateError, match=r"refuses to load 'operator\.attrgetter'"):
        segments._loads(AllowListUnpickler, data, "test", "test")
    with pytest.raises(IndexStateError, match=r"refuses to load 'operator\.attrgetter'"):
        decode_positions(pack_uint(1) + data)


_PICKLED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.tuples(children, children),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=_PICKLED,
    protocol=st.integers(0, 5),
    cut=st.integers(0, 40),
    flip=st.binary(max_size=3),
)
def test_bytes_without_a_global_opcode_name_no_global(
    value: Any, protocol: int, cut: int, flip: bytes
) -> None:
    # The fast path loads such bytes with pickle.loads; an unpickler refusing every global
    # must never be asked for one on them (damaged bytes may fail any other way).
    data = pickle.dumps(value, protocol)
    data = data[:cut] + flip + data[cut + len(flip) :]
    if segments._has_global_opcode(data) is not None:
        return
    try:
        AllowListUnpickler(io.BytesIO(data)).load()
    except segments.RefusedGlobal:
        pytest.fail(f"{data!r} names a global")
    except Exception:
        pass


@settings(max_examples=200)
@given(st.lists(st.integers(0, 2**20), max_size=40))
def test_positions_decode_as_whoosh_decodes_them(positions: list[int]) -> None:
    positions = sorted(positions)
    value = formats.Positions().encode(positions)
    assert decode_positions(value) == formats.Positions().decode_positions(value) == positions


# Damaged segment files


@pytest.mark.parametrize(
    "block",
    [
        _block(b"garbage"),
        _block(b""),
        _block(pickle.dumps((1, 2), 2)),
        _block(pickle.dumps((1, 0, 1.0, 0, "x", 1), 2)),
        _block(_HEADER, b"\x80"),
        _block(_HEADER, pickle.dumps([1], 2)),
    ],
    ids=["garbage-header", "no-header", "short-header", "odd-header", "truncated-data", "odd-data"],
)
def test_a_damaged_posting_block_is_an_index_state_error(
    block: bytes, tmp_path: Path, schema: fields.Schema
) -> None:
    path = _index(tmp_path, schema, compound=False)
    _, (offset, _) = _busiest_body_term(path)
    _overwrite(_segment_file(path, ".pst"), offset, block)
    with (
        open_store(path, schema) as store,
        store.reader() as reader,
        pytest.raises(IndexStateError, match="is damaged"),
    ):
        _ids(reader)


def test_a_damaged_compound_directory_is_an_index_state_error(
    tmp_path: Path, schema: fields.Schema
) -> None:
    path = _index(tmp_path, schema, compound=True)
    seg = _segment_file(path, ".seg")
    content = seg.read_bytes()
    for directory in (b"garbage", pickle.dumps([1, 2], 2) + pickle.dumps({}, 2)):
        seg.write_bytes(pack_long(len(content)) + content[8:] + directory)
        with (
            open_store(path, schema) as store,
            pytest.raises(IndexStateError, match="file directory is damaged"),
        ):
            store.reader()


# The segment classes stay ours in memory and Whoosh's on disk


def _toc_segments(toc: bytes) -> bytes:
    """The segment-list pickle of TOC file contents ``toc`` (see test_storage)."""
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


@pytest.fixture
def store(tmp_path: Path, schema: fields.Schema) -> Iterator[Store]:
    path = _index(tmp_path, schema, compound=True)
    with open_store(path, schema) as opened:
        yield opened


def test_readers_of_our_index_read_through_our_classes(store: Store) -> None:
    with store.reader() as reader:
        segment = reader.segment()
        assert type(segment) is SafeSegment
        assert type(segment.codec()) is SafeCodec
        assert type(reader.leaf_readers()[0][0]._terms) is not W3TermsReader


def test_stock_whoosh_in_the_same_process_still_reads_with_its_own_classes(
    store: Store, schema: fields.Schema
) -> None:
    # Nothing in Whoosh is patched: only indexes opened by newssearch read differently.
    with store.reader():
        stock = whoosh_index.open_dir(str(store.path), indexname=INDEX_NAME, schema=schema)
        with stock.reader() as reader:
            assert type(reader.segment()) is W3Segment
            assert type(reader.segment().codec()) is W3Codec
            assert type(reader.leaf_readers()[0][0]._terms) is W3TermsReader


def test_a_toc_written_by_newssearch_holds_only_whoosh_classes_byte_for_byte(
    store: Store,
) -> None:
    # A commit that keeps the segments read from the TOC (a deletion) writes them back.
    writer = store.writer()
    writer.delete_by_term("id", "a3")
    writer.commit(merge=False)
    toc = (store.path / f"_{INDEX_NAME}_{store.generation()}.toc").read_bytes()
    slot = _toc_segments(toc)
    assert b"newssearch.engine" not in slot
    loaded = pickle.loads(slot)  # our own test index: safe to load
    assert [type(s) for s in loaded] == [W3Segment]
    assert pickle.dumps(loaded, -1) == slot  # what Whoosh's TOC.write writes for them
    ours = store._ix._read_toc().segments
    assert pickle.dumps(whoosh_segments(ours), -1) == slot


def test_our_segment_classes_refuse_to_be_pickled(store: Store) -> None:
    # A TOC naming them could be opened by neither stock Whoosh nor newssearch.
    (segment,) = store._ix._read_toc().segments
    for obj in (segment, segment.codec()):
        with pytest.raises(TypeError, match="whoosh_segments"):
            pickle.dumps(obj)


def test_our_segments_equal_whoosh_segments_of_the_same_id(store: Store) -> None:
    (ours,) = store._ix._read_toc().segments
    (theirs,) = whoosh_segments([ours])
    assert type(theirs) is W3Segment
    assert ours == theirs and theirs == ours and hash(ours) == hash(theirs)


# Reading a field's vocabulary


def _whoosh_vocabulary(reader: Any, field: str, prefix: str = "") -> Counter[str]:
    counts: Counter[str] = Counter()
    for term, info in reader.iter_prefix(field, prefix):
        counts[term.decode("utf-8")] += info.doc_frequency()
    return counts


def test_doc_frequencies_are_whooshs_over_several_segments(tmp_path: Path) -> None:
    articles = sample_articles()[:120]
    index, _ = build_index(tmp_path / "ix", articles[:60])
    index.update(articles[60:])  # a second segment, overlapping vocabulary
    index.delete([articles[0].id])
    with index.store.reader() as reader:
        assert len(list(reader.leaf_readers())) >= 2
        for field, prefix in (("body_exact", ""), ("body", ""), ("body_exact", "ost")):
            ours: Counter[str] = Counter()
            for term, df in segments.doc_frequencies(reader, field, prefix=prefix):
                ours[term] += df
            assert ours == _whoosh_vocabulary(reader, field, prefix)
            assert ours
        assert list(segments.doc_frequencies(reader, "no_such_field")) == []
        per_segment = list(segments.segment_doc_frequencies(reader, "body_exact", prefix="ost"))
        assert len(per_segment) == len(list(reader.leaf_readers()))
        for terms in per_segment:
            listed = list(terms)
            assert [t for t, _ in listed] == sorted(t for t, _ in listed)
            assert all(t.startswith("ost") for t, _ in listed)


def test_doc_frequencies_read_stock_whoosh_readers_too(tmp_path: Path) -> None:
    schema = fields.Schema(body=fields.TEXT())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        writer.add_document(body="alpha beta")
        writer.add_document(body="alpha gamma")
    with ix.reader() as reader:
        assert dict(segments.doc_frequencies(reader, "body")) == {
            "alpha": 2,
            "beta": 1,
            "gamma": 1,
        }
        assert dict(segments.doc_frequencies(reader, "body", prefix="g")) == {"gamma": 1}
