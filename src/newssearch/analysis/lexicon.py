"""The decompounding lexicon: its stored form and loading it in milliseconds.

The lexicon knows about 500,000 German words, each with its Zipf frequency
(×100, an integer) and a tag: ``N`` a noun form (a compound part anywhere),
``A`` a frequent other word (a first part only), ``-`` a known word that is
never a part (its frequency only decides whether it is split).  Parsing it as
text took 0.6–1.7 s, most of a command-line search; the stored form lets a
process load only what it uses:

``compounds_lexicon.bin``::

    b"newssearch-lexicon 1\\n"
    {"groups": [["N", count], ["A", count], ["-", count]], "words_bytes": n}\\n
    the words, UTF-8, one per line: N and A each most frequent first, "-" sorted
    their frequencies, one little-endian uint16 each, in the same order

A word rarer than the splitter's ``min_zipf`` can be neither a part nor beat a
split (every split scores at least ``min_zipf``), so nouns and other words
below the threshold asked for are never loaded: of 273,000 noun and other
forms 105,000 remain, in a dict; the never-part words stay a sorted list
looked up by bisection.  Loading takes about 0.1 s instead of 0.65 s.
"""

from __future__ import annotations

import json
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAGIC", "TAGS", "WordTable", "read_lexicon", "write_lexicon"]

MAGIC = b"newssearch-lexicon 1\n"
#: The tags, in the order their groups are stored.
TAGS = ("N", "A", "-")


@dataclass(frozen=True)
class WordTable:
    """The words a splitter needs: parts with their Zipf frequency, and the rest.

    ``zipf`` holds every noun (``N``) and other (``A``) form at least as
    frequent as the threshold it was loaded with; ``nouns`` and ``others``
    say which is which; :meth:`frequency` knows every word's frequency.
    """

    zipf: dict[str, float]
    nouns: frozenset[str]
    others: frozenset[str]
    never_parts: tuple[str, ...]  # sorted
    never_part_zipf: array  # type: ignore[type-arg]  # array('H'), zipf × 100

    def frequency(self, word: str) -> float:
        """The Zipf frequency of ``word``; 0.0 for a word unknown or below the threshold."""
        found = self.zipf.get(word)
        if found is not None:
            return found
        at = bisect_left(self.never_parts, word)
        if at < len(self.never_parts) and self.never_parts[at] == word:
            return int(self.never_part_zipf[at]) / 100.0
        return 0.0


def read_lexicon(data: bytes, *, threshold: float) -> WordTable:
    """The lexicon stored in ``data``, parts of Zipf frequency ``threshold`` and above.

    Raises :class:`ValueError` if ``data`` is not a stored lexicon.
    """
    if not data.startswith(MAGIC):
        raise ValueError("not a newssearch lexicon (or of another version)")
    header, _, rest = data[len(MAGIC) :].partition(b"\n")
    meta = json.loads(header)
    counts = dict(meta["groups"])
    size = int(meta["words_bytes"])
    words = rest[:size].decode("utf-8").split("\n")
    freqs = array("H")
    freqs.frombytes(rest[size:])
    if sys.byteorder == "big":
        freqs.byteswap()
    if [tag for tag, _ in meta["groups"]] != list(TAGS) or len(words) != len(freqs):
        raise ValueError("a damaged lexicon")
    cut = round(threshold * 100)
    n_nouns, n_others = counts["N"], counts["A"]
    # Both part groups are stored most frequent first: keep each one's head.
    nouns_end = _frequent_end(freqs, 0, n_nouns, cut)
    others_end = _frequent_end(freqs, n_nouns, n_nouns + n_others, cut)
    kept = [*range(nouns_end), *range(n_nouns, others_end)]
    return WordTable(
        zipf={words[i]: freqs[i] / 100.0 for i in kept},
        nouns=frozenset(words[:nouns_end]),
        others=frozenset(words[n_nouns:others_end]),
        never_parts=tuple(words[n_nouns + n_others :]),
        never_part_zipf=freqs[n_nouns + n_others :],
    )


def _frequent_end(freqs: array, start: int, end: int, cut: int) -> int:  # type: ignore[type-arg]
    """The end of the run of ``freqs[start:end]`` (descending) that is at least ``cut``."""
    return bisect_left(range(start, end), True, key=lambda i: freqs[i] < cut) + start


def write_lexicon(rows: Iterable[tuple[str, int, str]], path: Path) -> int:
    """Store ``(word, zipf×100, tag)`` rows at ``path``; returns how many.

    The same rows give the same bytes.
    """
    groups: dict[str, list[tuple[str, int]]] = {tag: [] for tag in TAGS}
    for word, frequency, tag in rows:
        if "\n" in word or not 0 <= frequency < 2**16:
            raise ValueError(f"cannot store {word!r} ({frequency})")
        groups[tag].append((word, frequency))
    ordered: list[tuple[str, int]] = []
    for tag in TAGS:
        if tag == "-":
            ordered.extend(sorted(groups[tag]))
        else:
            ordered.extend(sorted(groups[tag], key=lambda row: (-row[1], row[0])))
    words = "\n".join(word for word, _ in ordered).encode("utf-8")
    freqs = array("H", (frequency for _, frequency in ordered))
    if sys.byteorder == "big":
        freqs.byteswap()
    header = {"groups": [[tag, len(groups[tag])] for tag in TAGS], "words_bytes": len(words)}
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + words + freqs.tobytes())
    return len(ordered)
