"""Did you mean: a corrected query from the index's own vocabulary.

A :class:`Speller` knows the words of the exact twin fields (``title_exact``,
``lead_exact``, ``body_exact``: lowercased, umlaut-normalised, unstemmed) and
their doc frequencies.  :meth:`Speller.suggest` looks at each plain word of a
free-text query and replaces a word the index does not know (or knows far
less than a near neighbour) by the neighbour that is likeliest meant.

German-aware by construction: words are compared in the analyzer's normal
form (``ä → a``, ``ß → ss``, ``ae → a``), so ``Osterreich``, ``Strasse`` and
``Mueller`` *are* the words ``Österreich``, ``Straße`` and ``Müller`` and are
never corrected; stopwords (which the exact fields do not hold) are never
looked at.

Candidates
    A symmetric-delete index (SymSpell) over the vocabulary: each word and
    every form of it with one letter deleted, hashed and packed into one
    sorted ``array('q')`` (8 bytes per entry, built lazily on the first
    suggestion).  A query word's own one- and (for words of at least
    :attr:`SpellingOptions.long_word` letters) two-letter deletions are looked
    up with :func:`bisect.bisect_left`, so a suggestion never scans the
    vocabulary.  This finds every word within Damerau-Levenshtein distance 1
    (a dropped, doubled, substituted or swapped letter, a missing or extra
    linking ``s``) and, for long words, two extra letters or an extra letter
    plus a substitution; two letters missing from a long word are not found.

Ranking
    A noisy channel: ``log(frequency) - cost(edits)`` where an edit costs
    :attr:`SpellingOptions.edit_cost`, less for the typical slips (doubled
    letter, swapped letters, linking ``s``, neighbouring key), more when the
    first letter changes.

When to correct
    A word is corrected when the index does not know it, or when it is rarer
    than :attr:`SpellingOptions.keep`, the suggestion is at least
    :attr:`SpellingOptions.ratio` times as frequent, is not just another
    inflection of it (``Kanzler``/``Kanzlers``, ``beider``/``beiden``) and is
    one typical slip away with the first letter right (so ``rauchen`` is not
    "corrected" to ``brauchen``).  A word the index knows ``keep`` times or
    more is never corrected.

Query syntax
    Only plain words are corrected: a whitespace-separated chunk of letters,
    optionally with a leading ``+``/``-``/``(`` or trailing ``)``/``,``/``.``/
    ``;``/``!``.  Words in double quotes, with a field prefix (``title:``),
    wildcards, ``~``/``^``, digits or hyphens, and the operators
    ``AND``/``OR``/``NOT``/``TO`` are left alone, so the suggestion keeps the
    query's syntax.

Display spelling
    The exact form is normalised (``fluchtlingskrise``).  With a reader,
    the spelling is taken from the stored text of a document containing the
    word (``Flüchtlingskrise``), its most common form there; otherwise the
    normalised form is shown.  The case of the user's word is kept: a
    capitalised word stays capitalised, an upper-case word upper case, a
    lower-case word lower case.
"""

from __future__ import annotations

import html
import math
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newssearch.analysis.filters import load_stopwords, normalize_german
from newssearch.config import MAX_COMPOUND_CHARS
from newssearch.engine.segments import doc_frequencies
from newssearch.engine.vocabulary import (
    SPELLING_MAX_LENGTH,
    SPELLING_MIN_LENGTH,
    TEXT_FIELDS,
    VOCABULARY_FIELDS,
    Vocabulary,
    open_vocabulary,
)
from newssearch.errors import IndexStateError
from newssearch.surface import Forms, commonest

__all__ = [
    "EXACT_FIELDS",
    "Speller",
    "SpellingOptions",
    "Suggestion",
    "damerau_levenshtein",
]

#: The exact twin fields whose words a speller knows by default.
EXACT_FIELDS = ("title_exact", "lead_exact", "body_exact")

# A plain word chunk: optional opening punctuation, letters, optional closing punctuation.
_PLAIN = re.compile(r"^(?P<pre>[+\-(]*)(?P<word>[^\W\d_]+)(?P<post>[),.;!]*)$")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})
_WHITESPACE = re.compile(r"(\s+)")
_WORD = re.compile(r"[^\W\d_]+")
# Entries of the delete index: 44 bits of a string's hash, 20 bits of word id.
_ID_BITS = 20
_ID_MASK = (1 << _ID_BITS) - 1
_HASH_MASK = (1 << 43) - 1
# Inflectional endings: a rare word that differs from a frequent one only by
# these is another form of it, not a misspelling.
_ENDINGS = frozenset({""} | set("e n s r m t en er es em st te ern ens nen ns".split()))
# Neighbouring keys on a German (QWERTZ) keyboard.
_QWERTZ_ROWS = ("qwertzuiopu", "asdfghjklo", "yxcvbnm")


def _neighbours() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for r, row in enumerate(_QWERTZ_ROWS):
        for c, key in enumerate(row):
            near = out.setdefault(key, set())
            for rr in (r - 1, r, r + 1):
                if 0 <= rr < len(_QWERTZ_ROWS):
                    for cc in (c - 1, c, c + 1):
                        if 0 <= cc < len(_QWERTZ_ROWS[rr]):
                            near.add(_QWERTZ_ROWS[rr][cc])
            near.discard(key)
    return {k: frozenset(v) for k, v in out.items()}


_KEY_NEIGHBOURS = _neighbours()


@dataclass(frozen=True)
class Suggestion:
    """A corrected query.

    ``query`` is the corrected text (the original with the changed words
    replaced, everything else as written), ``words`` the changes as
    ``(original, corrected)`` pairs in query order, ``html`` the corrected
    query HTML-escaped with each changed word in ``<mark>``.
    """

    query: str
    words: tuple[tuple[str, str], ...]
    html: str


@dataclass(frozen=True, kw_only=True)
class SpellingOptions:
    """How eagerly a :class:`Speller` corrects.

    - ``min_length``: shorter words are never corrected.
    - ``long_word``: words of at least this many letters may be corrected at
      edit distance 2; shorter ones at distance 1 only.
    - ``keep``: a word with at least this frequency (summed doc frequency over
      the fields) is never corrected.
    - ``ratio``: a known, rarer word is corrected only to a word at least this
      many times as frequent.
    - ``edit_cost``: the noisy-channel cost of one edit, in natural-log units
      of frequency (3.0: one edit must buy a 20 times more frequent word).
    - ``max_words``: the most frequent words to index (bounds memory; rarer
      words are still recognised as known, just never suggested).
    """

    min_length: int = 3
    long_word: int = 8
    keep: int = 10
    ratio: float = 10.0
    edit_cost: float = 3.0
    max_words: int = 1_000_000


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``; ``limit`` + 1 when above ``limit``.

    >>> damerau_levenshtein("faymnn", "faymann"), damerau_levenshtein("ab", "ba")
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[len(b)], limit + 1)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _key(text: str) -> int:
    return hash(text) & _HASH_MASK


class Speller:
    """Suggests corrected queries from a vocabulary of normalised words and frequencies.

    ``words`` maps each normalised word (as in the exact fields) to its
    frequency, or is an index's vocabulary files
    (:class:`~newssearch.engine.vocabulary.Vocabulary`).  ``frequency`` gives
    the frequency of any word (default: ``words.get``; a reader-backed one also
    knows words left out of ``words``), ``surface`` the display spelling of a
    normalised word or ``None``, ``fallback`` the words to use instead of the
    files should one turn out damaged (else that is an ``IndexStateError``).

    The delete index is built on the first :meth:`suggest` (or by
    :meth:`build`); a speller is read-only afterwards and can be shared by
    threads once built.  A speller of an index with vocabulary files
    (:meth:`from_reader`, :meth:`from_vocabulary`) builds nothing: it looks
    words up in the files' spelling indexes, and suggests what the in-memory
    one would.
    """

    def __init__(
        self,
        words: Mapping[str, int] | Vocabulary,
        *,
        frequency: Callable[[str], int] | None = None,
        surface: Callable[[str], str | None] | None = None,
        stopwords: Collection[str] | None = None,
        options: SpellingOptions | None = None,
        fallback: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        self.options = options or SpellingOptions()
        self._words: _Words
        if not isinstance(words, Vocabulary):
            self._words = _MemoryWords(words, frequency, self.options)
        elif _readable(words, self.options):
            self._words = _StoredWords(words, self.options)
        else:  # options the files cannot serve: their words in memory
            self._words = _MemoryWords(dict(words.words()), words.frequency, self.options)
        self._fallback = fallback
        self._surface = surface
        self._stopwords = load_stopwords() if stopwords is None else frozenset(stopwords)

    @classmethod
    def from_reader(
        cls,
        reader: Any,
        *,
        fields: Sequence[str] = EXACT_FIELDS,
        stopwords: Collection[str] | None = None,
        options: SpellingOptions | None = None,
    ) -> Speller:
        """A speller over the words of ``fields`` of a Whoosh ``reader``.

        With the index's vocabulary files (:mod:`newssearch.engine.vocabulary`:
        every segment has one, and ``fields`` are the exact fields) nothing is
        read now; otherwise the vocabulary is read now (one pass over each
        field's terms).  The reader is used again by :meth:`suggest` for the
        display spelling of a suggested word (stored text of a document
        containing it), so keep it open while the speller is in use (one
        speller per searcher).
        """
        present = set(reader.indexed_field_names())
        used = [f for f in fields if f in present]
        vocabulary = open_vocabulary(reader) if tuple(fields) == VOCABULARY_FIELDS else None
        surface = _ReaderSurface(reader, used, texts=vocabulary)
        if vocabulary is not None:
            return cls(
                vocabulary,
                surface=surface,
                stopwords=stopwords,
                options=options,
                fallback=lambda: _read_words(reader, used),
            )
        return cls(_read_words(reader, used), surface=surface, stopwords=stopwords, options=options)

    @classmethod
    def from_vocabulary(
        cls,
        vocabulary: Vocabulary,
        *,
        surface: Callable[[str], str | None] | None = None,
        stopwords: Collection[str] | None = None,
        options: SpellingOptions | None = None,
    ) -> Speller:
        """A speller over the words of an index's vocabulary files (:func:`open_vocabulary`).

        It reads them as it goes, unless ``options`` ask for what the files do
        not hold (words shorter than they index, or fewer words than they have):
        then it reads all their words now and builds its own index.
        """
        return cls(vocabulary, surface=surface, stopwords=stopwords, options=options)

    @property
    def stored(self) -> bool:
        """Whether words are looked up in the index's vocabulary files (else in memory)."""
        return isinstance(self._words, _StoredWords)

    @property
    def size(self) -> int:
        """How many words may be suggested."""
        return self._words.size()

    def build(self) -> int:
        """Build the delete index now (else on the first suggestion); its entry count."""
        return self._words.build()

    def index_bytes(self) -> int:
        """Memory of the delete index and the word list (not the frequency lookup);
        for a speller of vocabulary files, the size of their spelling indexes."""
        return self._words.index_bytes()

    def suggest(self, text: str) -> Suggestion | None:
        """A corrected ``text``, or ``None`` when no word needs correcting."""
        if not text or not text.strip():
            return None
        pieces = _WHITESPACE.split(text)
        changes: list[tuple[int, str, str, str]] = []  # piece index, pre, word, post
        words: list[tuple[str, str]] = []
        in_quotes = False
        for i, chunk in enumerate(pieces):
            if i % 2 == 1 or not chunk:
                continue
            quoted = in_quotes or '"' in chunk
            if chunk.count('"') % 2:
                in_quotes = not in_quotes
            if quoted:
                continue
            match = _PLAIN.match(chunk)
            if match is None or match["word"] in _OPERATORS:
                continue
            word = match["word"]
            better = self.correct(word)
            if better is not None:
                changes.append((i, match["pre"], better, match["post"]))
                words.append((word, better))
        if not changes:
            return None
        marked = [html.escape(p, quote=False) for p in pieces]
        for i, pre, better, post in changes:
            pieces[i] = pre + better + post
            marked[i] = (
                html.escape(pre, quote=False)
                + "<mark>"
                + html.escape(better, quote=False)
                + "</mark>"
                + html.escape(post, quote=False)
            )
        return Suggestion(query="".join(pieces), words=tuple(words), html="".join(marked))

    def correct(self, word: str) -> str | None:
        """The correction of one word as written (case kept), or ``None``."""
        lower = word.lower()
        if lower in self._stopwords:
            return None
        norm = normalize_german(lower)
        opts = self.options
        if (
            not opts.min_length <= len(norm) <= MAX_COMPOUND_CHARS
            or not norm.isalpha()
            or norm in self._stopwords
        ):
            # Longer than any word (a blob, glued text): its deletions alone would
            # take quadratic time and memory.
            return None
        try:
            best = self._correct(norm)
        except IndexStateError:
            if self._fallback is None:
                raise
            # A damaged vocabulary file: the words read as a speller without one reads them.
            self._words = _MemoryWords(self._fallback(), None, self.options)
            self._fallback = None
            best = self._correct(norm)
        if best is None:
            return None
        shown = (self._surface(best) if self._surface else None) or best
        return _with_case(word, shown)

    def _correct(self, norm: str) -> str | None:
        have = self._words.frequency(norm)
        if have >= self.options.keep:
            return None
        return self._best(norm, have)

    def _best(self, norm: str, have: int) -> str | None:
        opts = self.options
        limit = 2 if len(norm) >= opts.long_word else 1
        best: tuple[float, str] | None = None
        for cand, freq in self._words.candidates(norm, limit):
            if cand == norm or (have and (freq < opts.ratio * have or _inflected(norm, cand))):
                continue
            distance = damerau_levenshtein(norm, cand, limit)
            if distance > limit or (have and not _typical_slip(norm, cand, distance)):
                continue
            score = math.log(freq) - _cost(norm, cand, distance, opts.edit_cost)
            if best is None or score > best[0] or (score == best[0] and cand < best[1]):
                best = (score, cand)
        return None if best is None else best[1]


def _readable(vocabulary: Vocabulary, options: SpellingOptions) -> bool:
    """Whether a speller with ``options`` can look words up in ``vocabulary``'s spelling
    indexes: they hold every word it may suggest, and no more than it would keep."""
    return options.min_length >= SPELLING_MIN_LENGTH and vocabulary.spelling_words_bound() <= min(
        options.max_words, _ID_MASK + 1
    )


def _read_words(reader: Any, fields: Iterable[str]) -> Counter[str]:
    """The words of ``fields`` with their summed document frequencies, read from the index."""
    words: Counter[str] = Counter()
    for name in fields:
        for text, df in doc_frequencies(reader, name):
            words[text] += df
    return words


def _variants(norm: str, limit: int) -> set[str]:
    """``norm`` and its forms with one letter deleted (and two, at ``limit`` 2)."""
    variants = {norm} | _deletes(norm)
    if limit >= 2:
        variants |= {d2 for d in _deletes(norm) for d2 in _deletes(d)}
    return variants


class _Words:
    """Where a speller finds words: their frequencies, and the candidates for a word."""

    def frequency(self, word: str) -> int:
        raise NotImplementedError

    def candidates(self, norm: str, limit: int) -> Iterator[tuple[str, int]]:
        """The words sharing a form with ``norm`` (see :func:`_variants`), with frequencies."""
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def build(self) -> int:
        raise NotImplementedError

    def index_bytes(self) -> int:
        raise NotImplementedError


class _MemoryWords(_Words):
    """The most frequent words in a list, and a delete index over them in memory."""

    def __init__(
        self,
        words: Mapping[str, int],
        frequency: Callable[[str], int] | None,
        options: SpellingOptions,
    ) -> None:
        ranked = sorted(
            ((w, f) for w, f in words.items() if f > 0 and _indexable(w, options)),
            key=lambda item: (-item[1], item[0]),
        )[: min(options.max_words, _ID_MASK + 1)]
        self._words = [w for w, _ in ranked]
        self._freqs = array("l", (f for _, f in ranked))
        self._lookup = dict(words)
        self._frequency = frequency or (lambda word: self._lookup.get(word, 0))
        self._index: array[int] | None = None

    def frequency(self, word: str) -> int:
        return self._frequency(word)

    def size(self) -> int:
        return len(self._words)

    def build(self) -> int:
        if self._index is None:
            entries = []
            for word_id, word in enumerate(self._words):
                entries.append((_key(word) << _ID_BITS) | word_id)
                entries.extend((_key(d) << _ID_BITS) | word_id for d in _deletes(word))
            entries.sort()
            self._index = array("q", entries)
        return len(self._index)

    def index_bytes(self) -> int:
        self.build()
        assert self._index is not None
        words = sum(49 + len(w) for w in self._words) + 8 * len(self._words)
        return self._index.itemsize * len(self._index) + words

    def candidates(self, norm: str, limit: int) -> Iterator[tuple[str, int]]:
        self.build()
        index = self._index
        assert index is not None
        seen: set[int] = set()
        for variant in _variants(norm, limit):
            key = _key(variant)
            pos = bisect_left(index, key << _ID_BITS)
            while pos < len(index) and index[pos] >> _ID_BITS == key:
                word_id = index[pos] & _ID_MASK
                pos += 1
                if word_id not in seen:
                    seen.add(word_id)
                    yield self._words[word_id], self._freqs[word_id]


class _StoredWords(_Words):
    """The words of an index's vocabulary files, looked up in their spelling indexes."""

    def __init__(self, vocabulary: Vocabulary, options: SpellingOptions) -> None:
        self._vocabulary = vocabulary
        self._min_length = options.min_length
        self._size: int | None = None

    def frequency(self, word: str) -> int:
        return self._vocabulary.frequency(word)

    def size(self) -> int:
        if self._size is None:
            self._size = sum(
                1
                for w, _ in self._vocabulary.words()
                if len(w) >= self._min_length and _indexable(w, SpellingOptions())
            )
        return self._size

    def build(self) -> int:
        return self._vocabulary.deletion_entries()

    def index_bytes(self) -> int:
        return 8 * self._vocabulary.deletion_entries()

    def candidates(self, norm: str, limit: int) -> Iterator[tuple[str, int]]:
        variants = _variants(norm, limit)
        for word, freq in self._vocabulary.spelling_candidates(variants).items():
            # The files key forms by CRC-32: keep only the words that do share a form.
            if len(word) >= self._min_length and (
                word in variants or not _deletes(word).isdisjoint(variants)
            ):
                yield word, freq


def _indexable(word: str, options: SpellingOptions) -> bool:
    return len(word) >= options.min_length and word.isalpha() and len(word) <= SPELLING_MAX_LENGTH


def _inflected(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ only by an inflectional ending (``beider``/``beiden``)."""
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return common >= 3 and a[common:] in _ENDINGS and b[common:] in _ENDINGS


def _typical_slip(typed: str, cand: str, distance: int) -> bool:
    """Whether a known word is a typical slip for ``cand``: one swapped, doubled or
    neighbouring key or linking ``s``, the first letter right (``rauchen`` is not
    a slip for ``brauchen``, nor ``Weber`` for ``weder``)."""
    return distance == 1 and typed[:1] == cand[:1] and _slip_factor(typed, cand) < 1.0


def _cost(typed: str, cand: str, distance: int, unit: float) -> float:
    """The noisy-channel cost of typing ``cand`` as ``typed``: cheaper for typical slips."""
    cost = unit * distance
    if distance == 1:
        cost *= _slip_factor(typed, cand)
    if typed[:1] != cand[:1]:
        cost += unit * 0.5
    return cost


def _slip_factor(typed: str, cand: str) -> float:
    if len(typed) == len(cand):
        diff = [i for i in range(len(typed)) if typed[i] != cand[i]]
        if len(diff) == 2:  # swapped neighbours
            return 0.6
        if len(diff) == 1:
            i = diff[0]
            return 0.7 if cand[i] in _KEY_NEIGHBOURS.get(typed[i], frozenset()) else 1.0
        return 1.0
    short, long = (typed, cand) if len(typed) < len(cand) else (cand, typed)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    extra = long[i]
    if (i > 0 and long[i - 1] == extra) or (i + 1 < len(long) and long[i + 1] == extra):
        return 0.6  # a doubled letter, or one of a double dropped
    if extra == "s" and 3 <= i <= len(long) - 4:
        return 0.6  # a linking s inside a compound
    return 1.0


def _with_case(written: str, shown: str) -> str:
    if len(written) > 1 and written.isupper():
        return shown.upper()
    if written[:1].isupper():
        return shown[:1].upper() + shown[1:]
    return shown.lower()


class _ReaderSurface:
    """The display spelling of a normalised word: its commonest form in stored text
    (titles and leads from the vocabulary files ``texts`` if given)."""

    def __init__(
        self, reader: Any, fields: Iterable[str], *, docs: int = 3, texts: Vocabulary | None = None
    ) -> None:
        self.reader = reader
        self.fields = [(f, f.removesuffix("_exact")) for f in fields]
        self.docs = docs
        self.texts = texts
        self.forms = Forms()

    def _documents(self, exact: str, norm: str) -> Iterator[int]:
        if self.texts is not None:
            try:
                return self.texts.documents(exact, norm)
            except IndexStateError:
                self.texts = None  # damaged: read the index
        if not self.reader.doc_frequency(exact, norm):
            return iter(())
        postings = self.reader.postings(exact, norm)

        def documents() -> Iterator[int]:
            while postings.is_active():
                yield postings.id()
                postings.next()

        return documents()

    def _text(self, docnum: int, stored: str) -> object:
        if self.texts is not None and stored in TEXT_FIELDS:
            try:
                return self.texts.text(docnum, stored)
            except IndexStateError:
                self.texts = None  # damaged: read the stored documents
        return self.reader.stored_fields(docnum).get(stored)

    def __call__(self, norm: str) -> str | None:
        forms: Counter[str] = Counter()
        for exact, stored in self.fields:
            for seen, docnum in enumerate(self._documents(exact, norm)):
                if seen >= self.docs:
                    break
                text = self._text(docnum, stored)
                if isinstance(text, str):
                    forms.update(self.forms.written_forms(_WORD.findall(text), norm))
            if forms:
                break
        return commonest(forms)
