"""A segment's postings inverted in memory and written straight to Whoosh's codec.

Whoosh's writer turns every posting into a tuple ``(field, term, docnum,
weight, value)``, puts it in a generic external-sort pool, sorts all the
tuples at commit and feeds them one by one to the codec's field writer, which
looks up each posting's field length and appends it to a block.  For a news
article that is about 450 tuples; the pool, its sort and the per-posting
calls were about half of indexing (cProfile of ``build_index``).

:class:`InvertingPool` stands in for Whoosh's ``PostingPool`` in our
writers (:mod:`newssearch.engine.writers`): it keeps, per field, a dict from
term to the term's postings as one flat list ``[docnum, weight, value, …]``,
in the order documents are added (ascending document numbers).  At commit,
:meth:`InvertingPool.write` walks the fields and terms in sorted order and
writes each term's blocks and term-table entry into the files of Whoosh's own
``W3FieldWriter``: the bytes its per-posting ``add_posting``/``finish_term``
path writes, in one pass per block (:class:`_TermWriter`).  The files are
Whoosh's segment format: stock Whoosh reads them (``tests/test_inversion.py``
checks that a stock ``open_dir`` returns the same postings as an index
written through Whoosh's pool, and that the term and postings files are
byte for byte those Whoosh's writer writes).

Memory stays bounded: when the postings held pass the writer's ``limitmb``,
they are written to a run file in the writer's temporary storage (sorted by
field and term, with :mod:`marshal`: plain data, nothing to execute on
reading) and the dicts start empty; at commit the runs and what is in memory
are merged term by term (runs hold increasing document numbers, so a term's
postings are the concatenation of its lists in run order).

:func:`text_twin_terms` gives a text field and its ``_exact`` and ``_stop``
twins their terms from one pass of the German analyzer over the text
(:meth:`~newssearch.analysis.chain.GermanAnalyzer.index_terms`) instead of
three, and :meth:`InvertingPool.add_terms` adds them as postings without
building Whoosh's per-term tuples; the postings are what each field's own
format and analyzer give (``tests/test_inversion.py`` compares them).
"""

from __future__ import annotations

import heapq
import marshal
import struct
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter, sub
from pickle import dumps
from typing import Any, Final

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte

from newssearch.analysis.chain import GermanAnalyzer
from newssearch.engine.postings import FrequencyFormat, PositionsFormat
from newssearch.engine.schema import exact_field, stopword_field
from newssearch.engine.segments import field_length_bytes

__all__ = ["FieldTerms", "InvertingPool", "TextTwins", "text_twin_terms", "text_twins"]

#: A posting as the codec takes it: (term bytes, frequency, weight, encoded value).
Item = tuple[bytes, int, float, bytes]
#: One term's postings: docnum, weight, value, docnum, weight, value, …
Flat = list[Any]

#: Estimated bytes a posting takes in memory besides its value's bytes: three
#: list slots with their share of the list's growth, its weight (a float) and
#: its value's object header.  Measured: 3,000 articles of the bench corpus,
#: 1.46 million postings, 135 MB of resident memory, 92 bytes a posting.
_POSTING_BYTES = 72
#: Estimated bytes of a term's entry: its key, the dict slot and an empty list.
_TERM_BYTES = 160
#: A record of a run file holds at most this many terms, and takes no more once it
#: holds this many postings.  A record is read whole when the runs are merged, one
#: per run at a time: bounded by terms alone, a record of a run of 256 MB could
#: hold most of a field's postings, and a writer merging many such runs held
#: gigabytes (2.1 GB per writing process at a million articles).
_RUN_RECORD_TERMS = 2048
_RUN_RECORD_POSTINGS = 16_384
#: A block whose pickle is shorter is written uncompressed (Whoosh's own writer:
#: under 80 bytes; its reader honours each block's compression flag).  zlib costs
#: about 14 µs a block whatever its size, and blocks this short shrink little:
#: in a 2,000-article build, the 39,000 blocks of 80 to 255 bytes (two in three
#: compressed) were 4.6 MB and would be 3.3 MB compressed, 3 % of the index.
COMPRESSED_MIN: Final = 256
#: The length before each record of a run file.
_RECORD_LENGTH: Final = struct.Struct("<Q")
#: What a term's postings start with (``W3PostingsWriter._write_block``).
_BLOCK_MAGIC: Final = WHOOSH3_HEADER_MAGIC
#: A term's statistics as ``W3TermInfo.to_bytes`` packs them.
_TERMINFO: Final = W3TermInfo._struct
#: A term table record's key and value lengths (``whoosh.filedb.filetables``).
_KEY_VALUE_LENGTHS: Final = struct.Struct("!ii")
#: Positions below this have their one-position value memoised (``InvertingPool.add_terms``).
_CODED_POSITIONS: Final = 1 << 16
#: The length each stored length byte stands for (0: none).
_DECODED_LENGTHS: Final = tuple(byte_to_length(b) if b else 0 for b in range(256))
#: Postings and term records are written when this many bytes are buffered.
_WRITE_BYTES: Final = 1 << 20


class InvertingPool:
    """Whoosh's ``PostingPool`` interface over an in-memory inversion (see the module doc).

    ``limit`` is the estimated bytes of postings kept in memory before they go
    to a run file in ``tempstore`` (Whoosh's writer passes ``limitmb``).
    """

    def __init__(self, tempstore: Any, *, limit: int) -> None:
        self.tempstore = tempstore
        self.limit = limit
        self.fieldnames: set[str] = set()
        self.runs: list[str] = []
        self._fields: dict[str, dict[bytes, Flat]] = {}
        # add_terms' postings, by term text: encoded once per term when they are
        # sorted (_fold), not once per posting.
        self._texts: dict[str, dict[str, Flat]] = {}
        self._size = 0

    # -- adding ----------------------------------------------------------------

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(field, term bytes, docnum, weight, value)``: Whoosh's pool API,
        which its writer uses when merging segments."""
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:  # Whoosh's marker of a spelling word, not a posting
            return
        terms = self._terms(fieldname)
        value = value or b""
        found = terms.get(btext)
        if found is None:
            terms[btext] = [docnum, weight, value]
            self._size += _TERM_BYTES
        else:
            found += (docnum, weight, value)
        self._grown(_POSTING_BYTES + len(value))

    def _terms(self, fieldname: str) -> dict[bytes, Flat]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def _grown(self, size: int) -> None:
        """Count ``size`` more bytes held; past the limit, write them to a run."""
        self._size += size
        if self._size > self.limit:
            self.save()

    def add_field(
        self, fieldname: str, docnum: int, items: Sequence[Item], boost: float, scorable: bool
    ) -> int:
        """Add a document's postings in one field (``Field.index`` items, weights
        times ``boost``); return the field's length (its frequencies' sum) if
        ``scorable``, else 0: what Whoosh's ``add_document`` does per field."""
        terms = self._terms(fieldname)
        length = 0
        size = 0
        new = 0
        for btext, freq, weight, value in items:
            weight *= boost
            length += freq
            size += len(value)
            found = terms.get(btext)
            if found is None:
                terms[btext] = [docnum, weight, value]
                new += 1
            else:
                found += (docnum, weight, value)
        self._grown(size + len(items) * _POSTING_BYTES + new * _TERM_BYTES)
        return length if scorable else 0

    def add_terms(
        self,
        fieldname: str,
        docnum: int,
        analysed: FieldTerms,
        *,
        boost: float,
        scorable: bool,
        codes: dict[int, bytes],
    ) -> int:
        """:meth:`add_field` with the postings of one analysis (:func:`text_twin_terms`):
        the same postings as the field's ``Field.index`` items, without building them.

        ``codes`` (a writer's, kept from document to document) memoises the value of
        a term found at one position only, most of a text's terms: one dict look-up
        instead of encoding the same one-position list in every article.
        """
        terms = self._texts.get(fieldname)
        if terms is None:
            terms = self._texts[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        length = 0
        size = 0
        new = 0
        encode = analysed.encode
        known = codes.get
        values = _FREQUENCY_VALUES
        once = float(boost)  # the weight of a term found once
        # One loop for both formats, inlined: this runs once per posting.
        for term, found_at in analysed.terms.items():
            if encode is not None:  # positions: a PositionsFormat value
                n = len(found_at)
                if n == 1:
                    value = known(found_at[0])
                    if value is None:
                        value = encode(found_at)
                        if found_at[0] < _CODED_POSITIONS:
                            codes[found_at[0]] = value
                else:
                    value = encode(found_at)
            else:  # a frequency: FrequencyFormat's pack_uint(frequency)
                n = found_at
                value = values[n] if n < 256 else pack_uint(n)
            length += n
            size += len(value)
            weight = once if n == 1 else n * once
            found = get(term)
            if found is None:
                terms[term] = [docnum, weight, value]
                new += 1
            else:
                found += (docnum, weight, value)
        self._grown(size + len(analysed.terms) * _POSTING_BYTES + new * _TERM_BYTES)
        return length if scorable else 0

    # -- runs ------------------------------------------------------------------

    def save(self) -> None:
        """Write what is in memory to a new run file and start empty."""
        self._fold()
        if not self._fields:
            return
        name = f"{random_name()}.inv"
        # The StructFile, not its raw file: a RamStorage keeps what is written on closing it.
        with self.tempstore.create_file(name) as f:
            for fieldname, btext_flats in self._sorted_fields():
                batch: list[tuple[bytes, Flat]] = []
                postings = 0
                for entry in btext_flats:
                    batch.append(entry)
                    postings += len(entry[1]) // 3
                    if len(batch) >= _RUN_RECORD_TERMS or postings >= _RUN_RECORD_POSTINGS:
                        _write_record(f, (fieldname, batch))
                        batch = []
                        postings = 0
                if batch:
                    _write_record(f, (fieldname, batch))
        self.runs.append(name)
        self._fields = {}
        self._size = 0

    def _fold(self) -> None:
        """Move :meth:`add_terms`' postings to the others, keyed by the term's bytes
        (a term both hold gets both lists, put in document order when read)."""
        for fieldname, texts in self._texts.items():
            terms = self._terms(fieldname)
            for text, flat in texts.items():
                btext = text.encode("utf-8")
                found = terms.get(btext)
                if found is None:
                    terms[btext] = flat
                else:
                    found += flat
        self._texts = {}

    def _sorted_fields(self) -> Iterator[tuple[str, Iterator[tuple[bytes, Flat]]]]:
        self._fold()
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            yield fieldname, ((btext, terms[btext]) for btext in sorted(terms))

    def _memory_terms(self) -> Iterator[tuple[str, bytes, Flat]]:
        for fieldname, entries in self._sorted_fields():
            for btext, flat in entries:
                yield fieldname, btext, flat

    def _run_terms(self, name: str) -> Iterator[tuple[str, bytes, Flat]]:
        with self.tempstore.open_file(name).raw_file() as f:
            while (head := f.read(_RECORD_LENGTH.size)) != b"":
                (size,) = _RECORD_LENGTH.unpack(head)
                fieldname, batch = marshal.loads(f.read(size))
                for btext, flat in batch:
                    yield fieldname, btext, flat

    def terms(self) -> Iterator[tuple[str, bytes, Flat]]:
        """Every ``(field, term bytes, flat postings)`` in field and term order,
        runs and memory merged; a term's postings in ascending document order."""
        if not self.runs:
            for fieldname, btext, postings in self._memory_terms():
                yield fieldname, btext, _in_doc_order(postings)
            return
        sources = [self._run_terms(name) for name in self.runs]
        sources.append(self._memory_terms())
        # heapq.merge breaks ties by source order: a term's lists come run by run.
        merged = heapq.merge(*sources, key=itemgetter(0, 1))
        for (fieldname, btext), group in groupby(merged, key=itemgetter(0, 1)):
            flat: Flat = []
            for _, _, part in group:
                flat += part
            yield fieldname, btext, _in_doc_order(flat)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting as Whoosh's pool yields them: sorted 5-tuples."""
        for fieldname, btext, flat in self.terms():
            for i in range(0, len(flat), 3):
                yield fieldname, btext, flat[i], flat[i + 1], flat[i + 2]

    def cleanup(self) -> None:
        """Remove the run files."""
        for name in self.runs:
            with suppress(OSError):
                self.tempstore.delete_file(name)
        self.runs = []

    # -- writing ---------------------------------------------------------------

    def write(self, fieldwriter: Any, schema: Any, lengths: Any, doccount: int) -> None:
        """Write every term's postings through Whoosh's ``fieldwriter`` (a
        ``W3FieldWriter``): the bytes its ``add``/``finish_term`` calls would
        write, a term at a time (:class:`_TermWriter`).

        ``lengths`` is the segment's per-document reader (for the field lengths
        a block records) or ``None``; ``doccount`` the segment's documents.
        """
        fieldname: str | None = None
        writer: _TermWriter | None = None
        for name, btext, flat in self.terms():
            if name != fieldname:
                if writer is not None:
                    writer.flush()
                    fieldwriter.finish_field()
                fieldname = name
                fieldwriter.start_field(name, schema[name])
                writer = _TermWriter(fieldwriter, _field_lengths(lengths, name, doccount))
            assert writer is not None
            writer.add(btext, flat)
        if writer is not None:
            writer.flush()
            fieldwriter.finish_field()


def _write_record(f: Any, record: tuple[str, list[tuple[bytes, Flat]]]) -> None:
    """One record of a run file: its length, then the record in :mod:`marshal`'s format
    (read back whole with ``marshal.loads``: ``marshal.load`` reads a file in small
    pieces, which took a third of writing a 20,000-article segment)."""
    data = marshal.dumps(record)
    f.write(_RECORD_LENGTH.pack(len(data)))
    f.write(data)


def _in_doc_order(flat: Flat) -> Flat:
    """``flat`` with its postings in ascending document order (they nearly always are)."""
    ids = flat[0::3]
    if ids == sorted(ids):  # linear for a sorted list, and in C
        return flat
    triples = sorted(zip(ids, flat[1::3], flat[2::3], strict=True), key=itemgetter(0))
    return [x for triple in triples for x in triple]


def _field_lengths(lengths: Any, fieldname: str, doccount: int) -> list[int] | None:
    """Each document's length in ``fieldname`` as the codec reads it back (quantised;
    0 for none), or ``None`` without a length reader."""
    if lengths is None:
        return None
    stored = field_length_bytes(lengths, fieldname)
    if stored is None:  # lengths stored some other way: a look-up per document
        get = lengths.doc_field_length_reader(fieldname)
        return [get(docnum) or 0 for docnum in range(doccount)]
    if not stored:
        return [0] * doccount
    return list(map(_DECODED_LENGTHS.__getitem__, stored))


class _TermWriter:
    """Writes one field's terms as Whoosh's ``W3FieldWriter`` does, byte for byte.

    Per term, Whoosh's ``start_term``, an ``add_posting`` per posting and
    ``finish_term`` buffer each block of ``blocklimit`` postings, pickle and
    compress it (``W3PostingsWriter._write_block``), add its statistics to a
    ``W3TermInfo`` and write the term's entry to the term table
    (``OrderedHashWriter.add``): about 19 µs a term in Python calls.  This
    does the same with one pass over each block, and writes the postings and
    the term table in large pieces.  ``tests/test_inversion.py`` checks that
    the term and postings files equal those of Whoosh's own writer (given the
    same :data:`COMPRESSED_MIN`).
    """

    def __init__(self, fieldwriter: Any, field_lengths: list[int] | None) -> None:
        postwriter = fieldwriter._postwriter
        if postwriter._inlinelimit > 1 or postwriter._byteids:
            raise ValueError("only Whoosh 3 postings of document numbers, never inlined")
        self._postfile = postwriter._postfile
        self._tindex = fieldwriter._tindex
        self._prefix = pack_ushort(fieldwriter._fieldid)
        self._limit: int = postwriter._blocklimit
        self._compression: int = postwriter._compression
        self._fixedsize: int | None = fieldwriter._format.fixed_value_size()
        self._lengths = field_lengths
        self._postpos: int = self._postfile.tell()
        self._posts: list[bytes] = []
        self._termpos: int = self._tindex.dbfile.tell()
        self._terms: list[bytes] = []
        self._buffered = 0
        self._length_bytes: dict[int, int] = {}

    def add(self, btext: bytes, flat: Flat) -> None:
        """Write one term's postings (``flat``, in document order) and its entry."""
        count = len(flat) // 3
        limit = self._limit
        # W3TermInfo's fields, as its add_block() accumulates them.
        total: float = 0
        minlength: int | None = None
        maxlength = 0
        maxweight: float = 0
        start_offset = self._postpos
        posts = self._posts
        size = len(_BLOCK_MAGIC)
        posts.append(_BLOCK_MAGIC)
        step = 3 * limit
        for start in range(0, len(flat), step):
            part = flat[start : start + step] if count > limit else flat
            block, weight, block_max, block_min, block_maxlen = self._block(
                part, last=start + step >= len(flat)
            )
            posts.append(block)
            size += len(block)
            total += weight
            if block_max > maxweight:
                maxweight = block_max
            if minlength is None:
                minlength = block_min
            elif block_min is not None:
                minlength = min(minlength, block_min)
            if block_maxlen > maxlength:
                maxlength = block_maxlen
        self._postpos += size
        to_byte = self._length_byte
        terminfo = (
            _TERMINFO.pack(
                False,
                total,
                count,
                0 if minlength is None else to_byte(minlength),
                to_byte(maxlength),
                maxweight,
                flat[0],
                flat[-3],
            )
            + pack_long(start_offset)
            + pack_int(size)
        )
        key = self._prefix + btext
        tindex = self._tindex
        if key <= tindex.lastkey:
            raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{key!r}")
        pos = self._termpos
        tindex.index.append(pos)
        record = _KEY_VALUE_LENGTHS.pack(len(key), len(terminfo)) + key + terminfo
        self._terms.append(record)
        self._termpos += len(record)
        h = tindex.hashfn(key)
        tindex.buckets[h & 255].append((h, pos))
        tindex.lastkey = key
        self._buffered += size + len(record)
        if self._buffered >= _WRITE_BYTES:
            self.flush()

    def _block(self, flat: Flat, *, last: bool) -> tuple[bytes, float, float, int | None, int]:
        """One block of postings (``flat``, at most ``blocklimit``) as
        ``W3PostingsWriter._write_block`` writes it, with what ``W3TermInfo.add_block``
        takes from it: the block's bytes, the sum of its stored weights, its highest
        weight, and its shortest (``None``: none known) and longest field length."""
        lengths = self._lengths
        if len(flat) == 3:  # one posting: most blocks
            docnum, weight, value = flat
            stored = array("f", (weight,))  # the weight as the block keeps it
            total: float = stored[0]
            block_max = max(0, weight)
            known = lengths[docnum] if lengths is not None else 0
            block_min = known or None
            block_maxlen = known or 0
            mini_ids: tuple[int, ...] = (docnum,)
            mini_weights: Any = None if total == 1.0 else total if total == total else (total,)
            kept = [value] if value else []
        else:
            ids = flat[0::3]
            weights = flat[1::3]
            n = len(ids)
            stored = array("f", weights)
            total = sum(stored)
            block_max = max(0, max(weights))
            if lengths is None:
                block_min, block_maxlen = None, 0
            else:
                found = [k for k in map(lengths.__getitem__, ids) if k]
                block_min = min(found) if found else None
                block_maxlen = max(found) if found else 0
            # _mini_ids and _mini_weights
            mini_ids = tuple(map(sub, ids, [0, *ids[:-1]]))
            if stored.count(1.0) == n:
                mini_weights = None
            elif stored.count(stored[0]) == n:
                mini_weights = stored[0]
            else:
                mini_weights = tuple(stored)
            kept = [v for v in flat[2::3] if v]
        # _mini_values
        fixedsize = self._fixedsize
        if fixedsize is None or fixedsize < 0:
            mini_values: Any = tuple(kept)
        elif fixedsize == 0:
            mini_values = None
        else:
            mini_values = b"".join(kept)
        data = dumps((mini_ids, mini_weights, mini_values), 2)
        comp = self._compression
        if len(data) < COMPRESSED_MIN:
            comp = 0
        if comp:
            data = zlib.compress(data, comp)
        to_byte = self._length_byte
        info = dumps(
            (
                len(flat) // 3,
                flat[-3],
                block_max,
                comp,
                0 if block_min is None else to_byte(block_min),
                to_byte(block_maxlen),
            ),
            2,
        )
        blocklength = len(info) + len(data)
        if last:
            blocklength = -blocklength
        return pack_int(blocklength) + info + data, total, block_max, block_min, block_maxlen

    def _length_byte(self, length: int) -> int:
        """``length_to_byte(length)``, memoised (a bisection each time otherwise)."""
        found = self._length_bytes.get(length)
        if found is None:
            found = self._length_bytes[length] = length_to_byte(length)
        return found

    def flush(self) -> None:
        """Write what is buffered to the postings file and the term table."""
        if self._posts:
            self._postfile.write(b"".join(self._posts))
            self._posts = []
        if self._terms:
            self._tindex.dbfile.write(b"".join(self._terms))
            self._terms = []
        self._buffered = 0


# -- a text field and its twins from one analysis -------------------------------------


@dataclass(frozen=True)
class TextTwins:
    """A text field analysed by ``analyzer`` and the twins it feeds in one pass."""

    name: str
    analyzer: GermanAnalyzer
    exact: str | None
    stop: str | None


def text_twins(schema: Any) -> tuple[TextTwins, ...]:
    """The text fields of ``schema`` whose twins can be fed from their one analysis.

    That is: a field with the German chain and our ``PositionsFormat`` whose
    ``_exact`` twin has the exact chain of the same configuration and whose
    ``_stop`` twin (if any) the stopword chain, both with ``FrequencyFormat``
    (what :func:`~newssearch.engine.schema.build_schema` makes).
    """
    out = []
    for name in schema.names():
        field = schema[name]
        analyzer = getattr(field, "analyzer", None)
        if not (
            type(analyzer) is GermanAnalyzer
            and not analyzer.exact
            and analyzer.stops == "drop"
            and type(field.format) is PositionsFormat
            and field.format.field_boost == 1.0
        ):
            continue
        config = analyzer.config
        exact = _twin(schema, exact_field(name), GermanAnalyzer(config, exact=True))
        stop = _twin(schema, stopword_field(name), GermanAnalyzer(config, exact=True, stops="only"))
        if exact is not None or stop is not None:
            out.append(TextTwins(name, analyzer, exact, stop))
    return tuple(out)


def _twin(schema: Any, name: str, analyzer: GermanAnalyzer) -> str | None:
    if name not in schema.names():
        return None
    field = schema[name]
    ok = (
        getattr(field, "analyzer", None) == analyzer
        and type(field.format) is FrequencyFormat
        and field.format.field_boost == 1.0
    )
    return name if ok else None


@dataclass(frozen=True)
class FieldTerms:
    """One field's terms from one analysis, as :meth:`InvertingPool.add_terms` takes them.

    ``terms`` maps each term to its positions, encoded as values by ``encode`` (a
    ``PositionsFormat``'s), or with ``encode=None`` to its frequency (a
    ``FrequencyFormat`` with field boost 1).
    """

    terms: Mapping[str, Any]
    encode: Callable[[list[int]], bytes] | None = None


def text_twin_terms(
    twins: Iterable[TextTwins], schema: Any, fields: Mapping[str, Any]
) -> dict[str, FieldTerms]:
    """The terms of each text field of ``fields`` and of the twins given the same
    text, from one analysis per text: their postings are what each field's own
    ``Field.index`` gives (``tests/test_inversion.py`` compares them)."""
    out: dict[str, FieldTerms] = {}
    for group in twins:
        value = fields.get(group.name)
        if not isinstance(value, str):
            continue
        positions, exact, stops = group.analyzer.index_terms(value)
        out[group.name] = FieldTerms(positions, schema[group.name].format._encoded)
        for twin, counts in ((group.exact, exact), (group.stop, stops)):
            if twin is not None and _same(fields.get(twin), value):
                out[twin] = FieldTerms(counts)
    return out


def _same(other: Any, value: str) -> bool:
    return other is value or (isinstance(other, str) and other == value)


#: ``pack_uint`` of the frequencies most terms have: one shared object each
#: (a posting's value is kept until the segment is written).
_FREQUENCY_VALUES: Final = tuple(pack_uint(n) for n in range(256))
