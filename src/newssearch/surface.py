"""How the words of stored text are written: the display spelling of a normalised word.

The exact fields hold words lowercased and umlaut-normalised (``osterreich``);
did-you-mean (:mod:`newssearch.spelling`) and suggestions
(:mod:`newssearch.suggest`) show a word as the articles write it
(``Österreich``), its commonest form in a few stored texts that hold it.
Finding those forms means normalising a text's words; normalising every word
of a body was most of a cold suggestion's time, so the first letters are
compared first (:func:`first_letter`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from operator import itemgetter

from newssearch.analysis.filters import normalize_german
from newssearch.cache import BoundedCache

__all__ = ["Forms", "commonest", "first_letter", "normal", "writes", "written_forms"]

# What the first letter of a word becomes when normalised (any other letter: itself).
_FIRST_LETTER = {"ä": "a", "ö": "o", "ü": "u", "ß": "s"}


def normal(word: str) -> str:
    """``word`` as the exact fields hold it: lowercased and normalised.

    >>> normal("Straße"), normal("Österreich")
    ('strasse', 'osterreich')
    """
    return normalize_german(word.lower())


def first_letter(word: str) -> str:
    """The first letter of :func:`normal` of ``word`` (cheaper than normalising it).

    ``normalize_german`` makes a first letter itself or its entry in
    ``_FIRST_LETTER`` and drops apostrophes; a word of stored text starts with
    a word character, never an apostrophe.

    >>> first_letter("Österreich"), first_letter("Straße")
    ('o', 's')
    """
    first = word[:1].lower()[:1]
    return _FIRST_LETTER.get(first, first)


def writes(word: str, norm: str) -> bool:
    """Whether ``word`` (as a text has it) is written for the normalised ``norm``.

    >>> writes("Österreich", "osterreich"), writes("Oesterreich", "osterreich")
    (True, True)
    """
    return first_letter(word) == norm[:1] and normal(word) == norm


def written_forms(words: Iterable[str], norm: str) -> Counter[str]:
    """How often each form of the normalised ``norm`` occurs in ``words`` (a text's words).

    >>> written_forms(["Österreich", "und", "ÖSTERREICH", "Österreich"], "osterreich")
    Counter({'Österreich': 2, 'ÖSTERREICH': 1})
    """
    return Forms().written_forms(words, norm)


class Forms:
    """Finds the forms of normalised words in texts, remembering the words it normalised
    (at most ``size``): the texts of one search repeat their words."""

    def __init__(self, size: int = 50_000) -> None:
        self._normals: BoundedCache[str, str] = BoundedCache(size)
        self._firsts: BoundedCache[str, str] = BoundedCache(4096)

    def normal(self, word: str) -> str:
        """:func:`normal` of ``word``."""
        found = self._normals.get(word)
        if found is None:
            found = self._normals.put(word, normal(word))
        return found

    def places(self, words: Sequence[str], norm: str) -> list[int]:
        """The places in ``words`` (non-empty) of the words written for ``norm``."""
        firsts = list(map(_first, words))
        can = self._can_start(firsts, norm)
        if not can:
            return []
        places = compress(range(len(words)), map(can.__contains__, firsts))
        return [i for i in places if self.normal(words[i]) == norm]

    def written_forms(self, words: Iterable[str], norm: str) -> Counter[str]:
        """How often each form of ``norm`` occurs in ``words`` (non-empty; see
        :func:`written_forms`)."""
        words = list(words)
        firsts = list(map(_first, words))
        can = self._can_start(firsts, norm)
        if not can:
            return Counter()
        counts = Counter(compress(words, map(can.__contains__, firsts)))
        return Counter({w: n for w, n in counts.items() if self.normal(w) == norm})

    def _can_start(self, firsts: Iterable[str], norm: str) -> set[str]:
        """Those of the first characters ``firsts`` that a word written for ``norm`` may have."""
        first = norm[:1]
        known = self._firsts
        can = set()
        for c in set(firsts):
            letter = known.get(c)
            if letter is None:
                letter = known.put(c, first_letter(c))
            if letter == first:
                can.add(c)
        return can


# A word's first character (a word of a text is never empty).
_first = itemgetter(0)


def commonest(forms: Counter[str]) -> str | None:
    """The commonest of ``forms``; among equals one not in capitals (a headline's), then
    the first in code point order; ``None`` for none.

    >>> commonest(Counter({"ÖVP": 2, "Övp": 2, "övp": 1}))
    'Övp'
    """
    if not forms:
        return None
    return max(forms.items(), key=lambda item: (item[1], not item[0].isupper(), item[0]))[0]
