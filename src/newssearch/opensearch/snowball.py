"""The German Snowball stemmer as Lucene 9 (and so OpenSearch 2) runs it.

Lucene's ``SnowballFilter`` with ``language: German`` is generated from the
Snowball project's ``german.sbl`` of Snowball 2.x; PyStemmer 3 (ours) runs
the revised algorithm of Snowball 3, which stems some words otherwise
(``gesprochen``, ``ergebnisse`` …).  The export gives Lucene our stems for
exactly those words (a ``stemmer_override`` in front of the Snowball
filter), so it must know Lucene's stem of a word without a JVM: this module
is that algorithm, step for step as ``german.sbl`` states it.  The Lucene
parity suite (``tests/test_lucene_parity.py``) checks it against Lucene on
every word of the bundled sample.

>>> lucene_german_stem("ergebnisse")
'ergebnis'
"""

from __future__ import annotations

__all__ = ["lucene_german_stem"]

_VOWELS = frozenset("aeiouyäöü")
_S_ENDING = frozenset("bdfghklmnrt")
_ST_ENDING = _S_ENDING - {"r"}


def _prelude(word: str) -> str:
    """ß → ss; a ``u`` or ``y`` between vowels is marked (``U``, ``Y``: not a vowel)."""
    chars = list(word.replace("ß", "ss"))
    at = 0
    # Snowball's ``repeat goto (v [('u'] v <- 'U') or ('y'] v <- 'Y'))``: each
    # match consumes the vowel after the marked letter.
    while at + 2 < len(chars):
        if chars[at] in _VOWELS and chars[at + 1] in "uy" and chars[at + 2] in _VOWELS:
            chars[at + 1] = chars[at + 1].upper()
            at += 3
        else:
            at += 1
    return "".join(chars)


def _regions(word: str) -> tuple[int, int]:
    """R1 and R2 as start indices (``len(word)`` when empty); R1 starts at 3 at least."""
    n = len(word)

    def after_vowel_consonant(start: int) -> int:
        i = start
        while i < n and word[i] not in _VOWELS:
            i += 1
        while i < n and word[i] in _VOWELS:
            i += 1
        return min(i + 1, n) if i < n else n

    p1 = after_vowel_consonant(0)
    p2 = after_vowel_consonant(p1)
    return max(p1, 3) if n >= 3 else n, p2


def _longest(word: str, suffixes: tuple[str, ...]) -> str | None:
    """Snowball's ``among``: the longest of ``suffixes`` that ``word`` ends with."""
    found = [s for s in suffixes if word.endswith(s)]
    return max(found, key=len) if found else None


def _step1(word: str, r1: int) -> str:
    suffix = _longest(word, ("em", "ern", "er", "e", "en", "es", "s"))
    if suffix is None or len(word) - len(suffix) < r1:
        return word
    stem = word[: -len(suffix)]
    if suffix == "s":
        return stem if stem and stem[-1] in _S_ENDING else word
    if suffix in ("e", "en", "es") and stem.endswith("niss"):
        return stem[:-1]
    return stem


def _step2(word: str, r1: int) -> str:
    suffix = _longest(word, ("en", "er", "est", "st"))
    if suffix is None or len(word) - len(suffix) < r1:
        return word
    stem = word[: -len(suffix)]
    if suffix == "st":
        # a valid st-ending, itself preceded by at least three letters
        return stem if len(stem) >= 4 and stem[-1] in _ST_ENDING else word
    return stem


def _step3(word: str, r1: int, r2: int) -> str:
    suffix = _longest(word, ("end", "ung", "ig", "ik", "isch", "lich", "heit", "keit"))
    if suffix is None or len(word) - len(suffix) < r2:
        return word
    stem = word[: -len(suffix)]
    if suffix in ("end", "ung"):
        if stem.endswith("ig") and not stem.endswith("eig") and len(stem) - 2 >= r2:
            return stem[:-2]
        return stem
    if suffix in ("ig", "ik", "isch"):
        return word if stem.endswith("e") else stem
    if suffix in ("lich", "heit"):
        if stem.endswith(("er", "en")) and len(stem) - 2 >= r1:
            return stem[:-2]
        return stem
    # keit
    inner = _longest(stem, ("lich", "ig"))
    if inner is not None and len(stem) - len(inner) >= r2:
        return stem[: -len(inner)]
    return stem


def _postlude(word: str) -> str:
    return word.translate(str.maketrans("YUäöü", "yuaou"))


def lucene_german_stem(word: str) -> str:
    """Lucene 9's German Snowball stem of one lowercase word."""
    marked = _prelude(word)
    r1, r2 = _regions(marked)
    stemmed = _step3(_step2(_step1(marked, r1), r1), r1, r2)
    return _postlude(stemmed)
