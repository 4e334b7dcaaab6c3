"""Token filters of the German chain: stopwords, normalisation, stemming.

Each filter is a small picklable class holding plain data; loaded word lists
and the PyStemmer stemmer are built on first use and dropped when pickled
(Whoosh pickles the schema, analyzers included, into the index).  The
per-word work of normalising and stemming is cached per distinct surface
form, the main source of speed in pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Literal

from whoosh.analysis import Filter, Token

from newssearch.analysis.tokenizer import GermanToken, TokenKind
from newssearch.cache import BoundedCache
from newssearch.errors import AnalyzerError
from newssearch.packaged import read_packaged

__all__ = [
    "GermanNormalizeFilter",
    "GermanStemFilter",
    "GermanStopFilter",
    "GermanUniquePartsFilter",
    "StopMode",
    "load_stopwords",
    "normalize_german",
]

#: Bound of each per-filter word cache; cleared when full (news vocabularies
#: stay far below it, so this only guards against endless odd input).
_CACHE_LIMIT = 200_000

_KIND_WHOLE = TokenKind.WHOLE  # read per stopword: a global is cheaper than the enum member
_KIND_STOP = TokenKind.STOP
_KIND_CPART = TokenKind.CPART

#: What :class:`GermanStopFilter` does with stopwords.
StopMode = Literal["drop", "mark", "only"]


def load_stopwords() -> frozenset[str]:
    """The shipped German stopword list (``analysis/data/stopwords_de.txt``)."""
    return _stopwords()


@cache
def _stopwords() -> frozenset[str]:
    try:
        text = read_packaged("newssearch.analysis", "data/stopwords_de.txt").decode("utf-8")
    except OSError as exc:
        raise AnalyzerError(f"the German stopword list is missing: {exc}") from exc
    words = {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}
    # Stopwords run before normalisation: also drop their ae/oe/ue/ss spellings
    # (ueber, fuer, waehrend), as the umlaut spellings are dropped.
    return frozenset(words | {w.translate(_TRANSLITERATION) for w in words})


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_german(word: str) -> str:
    """Lucene's GermanNormalizationFilter on a lowercase word, apostrophes dropped.

    ä/ö/ü → a/o/u, ß → ss, and ``ae``/``oe``/``ue`` → a/o/u unless the ``e``
    follows a vowel pair or ``q`` + ``u``: ``mueller`` → ``muller``,
    ``frauen`` stays, ``quelle`` stays.

    >>> normalize_german("straße"), normalize_german("mueller"), normalize_german("müller")
    ('strasse', 'muller', 'muller')
    """
    if word.isascii() and "e" not in word and "'" not in word:
        return word
    out: list[str] = []
    # States as in Lucene: N(one), V(owel), U (after a/o or a lone u).
    state = "N"
    for ch in word:
        if ch in "ao":
            state = "U"
        elif ch == "u":
            state = "U" if state == "N" else "V"
        elif ch == "e":
            if state == "U":
                state = "V"
                continue
            state = "V"
        elif ch in "iqy":
            state = "V"
        elif ch == "ä":
            ch, state = "a", "V"
        elif ch == "ö":
            ch, state = "o", "V"
        elif ch == "ü":
            ch, state = "u", "V"
        elif ch == "ß":
            ch, state = "ss", "N"
        elif ch in "'’":
            continue
        else:
            state = "N"
        out.append(ch)
    return "".join(out)


class GermanStopFilter(Filter):
    """Drops German stopwords and closes the position gaps they leave.

    The list keeps negations (``kein``, ``nicht``, ``ohne``) and never holds
    ``us``; it adds no English words.  Tokens sharing a position (a hyphenated
    word and its parts, a compound and its parts) keep sharing one.

    ``mode`` says what becomes of stopwords: ``"drop"`` them (the default),
    ``"mark"`` them as :attr:`TokenKind.STOP` tokens and keep every token, or
    keep ``"only"`` them, marked (what the stopword twins ``body_stop`` index,
    so that a query of stopwords alone finds the words as written).
    """

    def __init__(self, *, extra: Iterable[str] = (), mode: StopMode = "drop") -> None:
        if mode not in ("drop", "mark", "only"):
            raise ValueError(f"mode must be 'drop', 'mark' or 'only', not {mode!r}")
        self.extra = tuple(sorted(extra))
        self.mode = mode

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.extra))

    def __call__(  # type: ignore[override]
        self, tokens: Iterable[GermanToken]
    ) -> Iterator[GermanToken]:
        stops = _stopwords().union(self.extra) if self.extra else _stopwords()
        if self.mode != "drop":
            only = self.mode == "only"
            for t in tokens:
                if t.text in stops and t.kind != _KIND_WHOLE:
                    t.kind = _KIND_STOP
                    yield t
                elif not only:
                    yield t
            return
        out_pos = -1
        prev_in: int | None = None
        for t in tokens:
            if t.text in stops and t.kind != _KIND_WHOLE:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                if t.pos != prev_in:
                    out_pos = t.pos if prev_in is None else out_pos + 1
                    prev_in = t.pos
                t.pos = out_pos
            yield t


class GermanUniquePartsFilter(Filter):
    """One term per position and form: a compound part that comes out of the
    chain as its word's own term, or as a part already given, is dropped.

    ``Befugnissen`` is ``befugnis`` stemmed, and so is its part ``Befugnis``:
    without this filter the term would count twice at one position (twice
    the term frequency in BM25).  Runs last, after stemming.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterable[GermanToken]) -> Iterator[GermanToken]:  # type: ignore[override]
        seen: set[str] = set()
        for t in tokens:
            text = t.text
            if t.kind is _KIND_CPART:
                if text in seen:
                    continue
                seen.add(text)
            else:  # a word, or a part of a hyphenated word: its parts follow it
                seen = {text}
            yield t


class GermanNormalizeFilter(Filter):
    """Folds umlaut spellings so that Müller/Mueller/Muller and Straße/Strasse meet."""

    def __init__(self) -> None:
        self._cache: BoundedCache[str, str] = BoundedCache(_CACHE_LIMIT)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._cache = BoundedCache(_CACHE_LIMIT)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        cache = self._cache
        get = cache.get  # bound once: as fast as a plain dict's get (see newssearch.cache)
        for t in tokens:
            text = t.text
            folded = get(text)
            if folded is None:
                folded = cache.put(text, normalize_german(text))
            t.text = folded
            yield t


class GermanStemFilter(Filter):
    """PyStemmer's German Snowball stemmer, one call per distinct surface form.

    Numbers, URLs and e-mail addresses are not stemmed; a hyphenated word is
    stemmed on its last part (``us-prasidenten`` → ``us-prasident``).
    """

    is_morph = True

    def __init__(self) -> None:
        self._cache: BoundedCache[str, str] = BoundedCache(_CACHE_LIMIT)
        self._stemmer: Any = None

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._cache = BoundedCache(_CACHE_LIMIT)
        self._stemmer = None

    def stem(self, word: str) -> str:
        """The stem of one lowercase, normalised word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if not word.isalpha():
            head, sep, last = word.rpartition("-")
            if sep and last.isalpha() and "@" not in word and "/" not in word:
                stem = head + sep + self._stem_one(last)
            else:
                stem = word
        else:
            stem = self._stem_one(word)
        return self._cache.put(word, stem)

    def _stem_one(self, word: str) -> str:
        if self._stemmer is None:
            import Stemmer  # the C extension is loaded on first use, not at import

            self._stemmer = Stemmer.Stemmer("german")
        return str(self._stemmer.stemWord(word))

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        get = self._cache.get  # bound once: as fast as a plain dict's get (see newssearch.cache)
        stem = self.stem
        for t in tokens:
            text = t.text
            stemmed = get(text)
            t.text = stemmed if stemmed is not None else stem(text)
            yield t
