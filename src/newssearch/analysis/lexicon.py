"""The decompounding lexicon: its stored form and loading it in milliseconds.

The lexicon knows about 500,000 German words, each with its Zipf frequency
(×100, an integer) and a tag: ``N`` a noun form (a compound part anywhere),
``A`` a frequent other word (a first part only), ``-`` a known word that is
never a part (its frequency only decides whether it is split).  Parsing it as
text took 0.6–1.7 s, most of a command-line search; the stored form lets a
process read only what it uses, and turn into Python objects only the parts:

``compounds_lexicon.bin``::

    b"newssearch-lexicon 2\\n"
    {"N": [[zipf×100, count, bytes], …], "A": […], "-": [count, bytes]}\\n
    the N words, UTF-8, each followed by "\\n": most frequent first, in runs of
        one frequency (the header lists each run: its frequency, its words and bytes)
    the A words, the same way
    the "-" words, UTF-8, each followed by "\\n", in byte order (``bytes`` in all)
    where each "-" word starts, counted from the first, then where the last one
        ends: one little-endian uint32 each
    the "-" words' frequencies, one little-endian uint16 each

A word rarer than the splitter's ``min_zipf`` can be neither a part nor beat a
split (every split scores at least ``min_zipf``), so of the noun and other
forms only the runs at least as frequent as the threshold asked for are read,
in one piece: of 273,000 forms 105,000, in dicts.  The 225,000 never-part
words stay the bytes they are stored as (:class:`SortedWords`: a lookup
bisects every 32nd of them, then finds the word among the next 32 with one
``bytes.find``).  Loading reads 5.1 of the 7.4 MB and takes a fresh process
35 ms and 21 MB; decoding every word into a list took 0.11 s and 74 MB.
"""

from __future__ import annotations

import io
import json
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, groupby, pairwise, repeat
from pathlib import Path
from typing import IO, Any, Literal

__all__ = ["MAGIC", "TAGS", "SortedWords", "WordTable", "read_lexicon", "write_lexicon"]

MAGIC = b"newssearch-lexicon 2\n"
#: The tags, in the order their groups are stored.
TAGS = ("N", "A", "-")
#: The header is one line of JSON, at most this long.
_MAX_HEADER = 1 << 20
#: A never-part word is found among this many after bisection.
_STEP = 32


@dataclass(frozen=True)
class SortedWords:
    """Words in UTF-8 byte order, each with a number, kept as the bytes they are stored as.

    Word ``i`` is ``data[starts[i] : starts[i + 1] - 1]`` (a ``"\\n"`` follows
    each word) and its number is ``values[i]``.

    >>> words = SortedWords(b"haus\\nmaus\\n", starts=[0, 5, 10], values=[7, 9])
    >>> words.get("maus"), words.get("laus"), list(words.items())
    (9, None, [('haus', 7), ('maus', 9)])
    """

    data: bytes
    starts: Sequence[int]
    values: Sequence[int]
    #: Every ``_STEP``-th word with its ``"\\n"``: a lookup bisects these in C,
    #: then finds the word among the next ones with one ``bytes.find``.
    _index: tuple[bytes, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = self.starts
        lines = map(slice, starts[:-1:_STEP], starts[1::_STEP])
        object.__setattr__(self, "_index", tuple(map(self.data.__getitem__, lines)))

    def __len__(self) -> int:
        return len(self.values)

    def get(self, word: str) -> int | None:
        """The number of ``word``, or ``None`` if it is not one of the words."""
        if "\n" in word:  # no stored word, but a line could match two
            return None
        try:
            line = word.encode("utf-8") + b"\n"
        except UnicodeEncodeError:  # a lone surrogate is no stored word
            return None
        # "\n" sorts before any byte of a word, so lines sort as their words do.
        block = bisect_right(self._index, line) - 1
        if block < 0:
            return None
        first = block * _STEP
        starts = self.starts
        words = self.data[starts[first] : starts[min(first + _STEP, len(self.values))]]
        if words.startswith(line):
            at = 0
        else:
            at = words.find(b"\n" + line) + 1
            if at == 0:
                return None
        return self.values[first + words.count(b"\n", 0, at)]

    def items(self) -> Iterator[tuple[str, int]]:
        """Every word with its number, in order."""
        data, starts = self.data, self.starts
        for i, value in enumerate(self.values):
            yield data[starts[i] : starts[i + 1] - 1].decode("utf-8"), value


@dataclass(frozen=True)
class WordTable:
    """The words a splitter needs: parts with their Zipf frequency, and the rest.

    ``nouns`` holds the noun forms (``N``) and ``others`` the other forms
    (``A``) at least as frequent as the threshold the table was read with,
    each with its Zipf frequency (dicts rather than sets: the garbage
    collector never scans a dict of strings and floats); ``never_parts`` the
    never-part words with their Zipf frequency × 100.  :meth:`frequency`
    knows every word's frequency.
    """

    nouns: dict[str, float]
    others: dict[str, float]
    never_parts: SortedWords

    def frequency(self, word: str) -> float:
        """The Zipf frequency of ``word``; 0.0 for a word unknown or below the threshold."""
        found = self.nouns.get(word)
        if found is None:
            found = self.others.get(word)
        if found is not None:
            return found
        stored = self.never_parts.get(word)
        return stored / 100.0 if stored is not None else 0.0


def read_lexicon(source: bytes | IO[bytes], *, threshold: float) -> WordTable:
    """The lexicon stored in ``source`` (its bytes, or a binary file positioned at
    its start), parts of Zipf frequency ``threshold`` and above.

    Raises :class:`ValueError` if ``source`` is not a stored lexicon.
    """
    f = io.BytesIO(source) if isinstance(source, bytes) else source
    if f.read(len(MAGIC)) != MAGIC:
        raise ValueError("not a newssearch lexicon (or of another version)")
    line = f.readline(_MAX_HEADER)
    try:
        header = json.loads(line)
        runs = {tag: [(int(z), int(n), int(size)) for z, n, size in header[tag]] for tag in "NA"}
        count, size = (int(v) for v in header["-"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"a damaged lexicon header: {exc}") from exc
    if not line.endswith(b"\n") or list(header) != list(TAGS) or min(count, size) < 0:
        raise ValueError("a damaged lexicon header")
    cut = round(threshold * 100)
    nouns = _read_parts(f, runs["N"], cut)
    others = _read_parts(f, runs["A"], cut)
    tail = f.read()
    if len(tail) != size + 4 * (count + 1) + 2 * count:
        raise ValueError("a damaged lexicon: its never-part words are cut short")
    view = memoryview(tail)
    starts = _uints(view[size : size + 4 * (count + 1)], "I")
    if starts[0] != 0 or starts[count] != size:
        raise ValueError("a damaged lexicon: its never-part words do not add up")
    values = _uints(view[size + 4 * (count + 1) :], "H")
    return WordTable(nouns=nouns, others=others, never_parts=SortedWords(tail, starts, values))


def _read_parts(f: IO[bytes], runs: list[tuple[int, int, int]], cut: int) -> dict[str, float]:
    """The words of the runs at least ``cut`` frequent, read from ``f``; the rest skipped."""
    if any(n < 1 or size < 2 * n for _, n, size in runs) or any(
        a[0] <= b[0] for a, b in pairwise(runs)
    ):
        raise ValueError("a damaged lexicon: its parts are not in runs, most frequent first")
    head = [run for run in runs if run[0] >= cut]
    head_size = sum(size for _, _, size in head)
    text = f.read(head_size)
    f.seek(sum(size for _, _, size in runs) - head_size, io.SEEK_CUR)
    if not head:
        return {}
    if len(text) != head_size or not text.endswith(b"\n"):
        raise ValueError("a damaged lexicon: its parts are cut short")
    words = text[:-1].decode("utf-8").split("\n")
    # One float per run, shared by its words.
    zipf = chain.from_iterable(repeat(z / 100.0, n) for z, n, _ in head)
    return dict(zip(words, zipf, strict=True))  # a ValueError if the counts are wrong


def _uints(view: memoryview, code: Literal["I", "H"]) -> Sequence[int]:
    """The little-endian unsigned integers in ``view``, of ``array`` type ``code``."""
    if sys.byteorder == "little":
        return view.cast(code)  # read where they lie, no copy
    numbers = array(code)
    numbers.frombytes(view)
    numbers.byteswap()
    return numbers


def write_lexicon(rows: Iterable[tuple[str, int, str]], path: Path) -> int:
    """Store ``(word, zipf×100, tag)`` rows at ``path``; returns how many.

    The same rows give the same bytes.  Raises :class:`ValueError` for a word
    that cannot be stored (empty, with a control character up to the line
    break or a lone surrogate, or listed twice), a frequency outside 0–65535
    or an unknown tag.
    """
    groups: dict[str, list[tuple[bytes, int]]] = {tag: [] for tag in TAGS}
    seen: set[str] = set()
    for word, frequency, tag in rows:
        if not word or min(word) <= "\n" or word in seen or not 0 <= frequency < 2**16:
            raise ValueError(f"cannot store {word!r} ({frequency})")
        if tag not in groups:
            raise ValueError(f"unknown tag {tag!r} of {word!r}")
        seen.add(word)
        groups[tag].append((word.encode("utf-8"), frequency))
    header: dict[str, Any] = {}
    texts: list[bytes] = []
    for tag in "NA":
        ordered = sorted(groups[tag], key=lambda row: (-row[1], row[0]))
        runs = []
        for frequency, run in groupby(ordered, key=lambda row: row[1]):
            text = b"".join(encoded + b"\n" for encoded, _ in run)
            runs.append([frequency, text.count(b"\n"), len(text)])
            texts.append(text)
        header[tag] = runs
    never = sorted(groups["-"])
    text = b"".join(encoded + b"\n" for encoded, _ in never)
    if len(text) >= 2**32:
        raise ValueError("too many never-part words for 32-bit offsets")
    header["-"] = [len(never), len(text)]
    starts = array("I", [0])
    for encoded, _ in never:
        starts.append(starts[-1] + len(encoded) + 1)
    freqs = array("H", (frequency for _, frequency in never))
    if sys.byteorder == "big":
        starts.byteswap()
        freqs.byteswap()
    head = MAGIC + json.dumps(header).encode() + b"\n"
    path.write_bytes(b"".join([head, *texts, text, starts.tobytes(), freqs.tobytes()]))
    return sum(len(group) for group in groups.values())
