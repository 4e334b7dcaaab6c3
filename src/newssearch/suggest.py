"""Suggestions while typing: words and title phrases that start with what was typed.

Words
    The last word typed is lowercased and umlaut-normalised as the exact twin
    fields are (``Österr``, ``Osterr`` and ``Oesterr`` all become ``osterr``)
    and completed from the terms of ``title_exact``, ``lead_exact`` and
    ``body_exact`` with that prefix, ranked by document frequency (the sum
    over the three fields, title counting :attr:`SuggestOptions.title_weight`
    times).  At most :attr:`SuggestOptions.max_terms` terms per field are read
    in term order, so a one-letter prefix stays bounded (it then ranks the
    first ``max_terms`` terms of each field, not all of them).  Stopwords are
    not in the exact fields, so they are never suggested.

Vocabulary files
    An index written by this version has a vocabulary file per segment
    (:mod:`newssearch.engine.vocabulary`): the words with their document
    frequencies, the best words of each prefix with many, and the titles and
    leads.  A suggester then ranks *all* completions of a prefix, one letter
    long too, without ``max_terms``, and reads the display spellings and title
    phrases below from the files' titles and leads instead of the stored
    documents, by the same rules.  Without the files (an index written before
    them), or when one is damaged, it reads the index as described here.

Display spelling
    The exact terms are normalised (``osterreich``).  A word is shown as it is
    most often written in the stored titles and leads of the first
    :attr:`SuggestOptions.surface_docs` articles containing it
    (``Österreich``); the spelling is kept per suggester (at most
    :attr:`SuggestOptions.cache` words).  Without a stored form the normal
    form is shown.

Phrases
    For the best :attr:`SuggestOptions.phrase_words` completed words, the stored
    titles of up to :attr:`SuggestOptions.phrase_docs` articles with the word in
    their title are read, and their two- and three-word runs starting with the
    word (not crossing punctuation, not ending in a stopword) counted; a run
    found in at least :attr:`SuggestOptions.min_phrase_titles` of those titles
    is suggested, its count estimated as its share of the sampled titles times
    the word's title document frequency.  An index whose articles have no
    titles (10kGNAD) takes the phrases from the leads, which are shown as
    their titles.  These samples are kept per word too.

Words before the last one are kept as typed: ``Sebastian Ku`` suggests
``Sebastian Kurz`` (a phrase, if titles have it, or the word completed).
Suggestions are ranked by ``weight``: a word's weighted document frequency,
a phrase's estimated count times :attr:`SuggestOptions.phrase_weight`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from newssearch.analysis.filters import load_stopwords, normalize_german
from newssearch.cache import BoundedCache
from newssearch.engine.postings import iter_docnums
from newssearch.engine.segments import segment_doc_frequencies
from newssearch.engine.vocabulary import (
    TEXT_FIELDS,
    TITLE_WEIGHT,
    VOCABULARY_FIELDS,
    Vocabulary,
    open_vocabulary,
)
from newssearch.errors import IndexStateError
from newssearch.surface import Forms, commonest, normal

__all__ = ["Completion", "SuggestOptions", "Suggester", "suggest"]

# A word: letters (and digits), inner hyphens and apostrophes allowed.
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# The word after a word, with only whitespace between them.
_NEXT = re.compile(r"\s+(\w+(?:[-'’]\w+)*)")
# What may stand between two words of one phrase: whitespace only.
_SPACE = re.compile(r"\s+")
_FIELDS = ("title_exact", "lead_exact", "body_exact")


@dataclass(frozen=True)
class Completion:
    """One completion: ``text`` as displayed (the words typed before the last
    one kept as typed), ``kind`` ``"word"`` or ``"phrase"``, ``count`` the
    articles that have it (for a phrase, an estimate) and ``weight`` its rank key."""

    text: str
    kind: Literal["word", "phrase"]
    count: int
    weight: float


@dataclass(frozen=True)
class SuggestOptions:
    """Bounds and weights of suggestions (see the module docstring)."""

    max_terms: int = 500
    title_weight: float = TITLE_WEIGHT
    surface_docs: int = 3
    phrase_words: int = 3
    phrase_docs: int = 30
    min_phrase_titles: int = 2
    phrase_weight: float = 2.0
    cache: int = 20_000

    def __post_init__(self) -> None:
        for name in ("max_terms", "surface_docs", "min_phrase_titles", "cache"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        for name in ("phrase_words", "phrase_docs"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)!r}")


@dataclass(frozen=True)
class _Word:
    term: str
    count: int
    weight: float


class Suggester:
    """Suggestions from one index reader; make one per reader (or searcher) and reuse it.

    ``reader`` is a Whoosh reader of the index (``index.store.reader()`` or
    ``searcher.reader()``); the suggester keeps display spellings and title
    phrase samples it has read, bounded by :attr:`SuggestOptions.cache`.  Use
    it from one thread at a time, like the reader.  It reads the index's
    vocabulary files if every segment has one (:attr:`stored`).
    """

    def __init__(self, reader: Any, *, options: SuggestOptions | None = None) -> None:
        self._reader = reader
        self._options = options or SuggestOptions()
        names = set(reader.indexed_field_names())
        self._fields = tuple(f for f in _FIELDS if f in names)
        self._stopwords = _stopwords()
        self._forms = Forms(self._options.cache)
        self._surface: BoundedCache[str, str] = BoundedCache(self._options.cache)
        self._completions: BoundedCache[str, tuple[list[_Word], bool]] = BoundedCache(
            self._options.cache // 10 or 1
        )
        self._phrases: BoundedCache[str, tuple[tuple[str, int], ...]] = BoundedCache(
            self._options.cache
        )
        self._vocabulary: Vocabulary | None = open_vocabulary(reader) if self._fields else None
        self._top: BoundedCache[tuple[str, int], list[_Word]] = BoundedCache(
            self._options.cache // 10 or 1
        )
        # The first stored texts of a term's articles, and whether those are all.
        self._texts: BoundedCache[tuple[str, str], tuple[list[str], bool]] = BoundedCache(
            self._options.cache // 10 or 1
        )

    @property
    def stored(self) -> bool:
        """Whether words, titles and leads are read from the index's vocabulary files."""
        return self._vocabulary is not None

    def suggest(self, prefix: str, *, limit: int = 10) -> tuple[Completion, ...]:
        """Up to ``limit`` completions of ``prefix``, best first; ``()`` for a blank prefix."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit!r}")
        typed = prefix.strip()
        if not typed or limit == 0 or not self._fields:
            return ()
        *typed_words, last = typed.split()
        head = " ".join(typed_words)
        stem = normal(last)
        if not stem:
            return ()
        opts = self._options
        words = self._words(stem, max(limit, opts.phrase_words))
        if not words:
            return ()
        before = f"{head} " if head else ""
        found: dict[str, Completion] = {}
        for phrase, count in self._candidate_phrases(head, stem, words):
            key = _normal_words(phrase)
            if key not in found:
                found[key] = Completion(phrase, "phrase", count, count * opts.phrase_weight)
        for word in words[:limit]:  # only these can be shown: spell only these
            text = before + self.display(word.term)
            key = _normal_words(text)
            if key not in found:
                found[key] = Completion(text, "word", word.count, word.weight)
        ranked = sorted(found.values(), key=lambda s: (-s.weight, s.kind != "word", s.text))
        return tuple(ranked[:limit])

    def _candidate_phrases(
        self, head: str, stem: str, words: list[_Word]
    ) -> Iterator[tuple[str, int]]:
        """Title phrases completing the typed text: with no words before the last,
        the phrases of its best completions; else the phrases of the first word
        typed that go on as typed."""
        if not head:
            for word in words[: self._options.phrase_words]:
                yield from self._phrases_of(word.term, word.count)
            return
        typed = _normal_words(head).split(" ")
        wanted = " ".join([*typed, stem])
        for phrase, count in self._phrases_of(typed[0], 0):
            key = _normal_words(phrase)
            if key.startswith(wanted) and len(key.split(" ")) > len(typed):
                yield phrase, count

    def display(self, term: str) -> str:
        """How the exact (normalised) ``term`` is most often written in stored titles and leads."""
        shown = self._surface.get(term)
        if shown is None:
            shown = self._surface.put(term, self._read_surface(term))
        return shown

    def _words(self, stem: str, limit: int) -> list[_Word]:
        """The completions of the normalised ``stem``, best first (with vocabulary
        files, the best ``limit``; else all that were read).

        Without the files, a shorter prefix whose completions were all read
        (typing goes on from it) is filtered instead of reading the term lists
        again."""
        if self._vocabulary is not None:
            try:
                return self._stored_words(self._vocabulary, stem, limit)
            except IndexStateError:
                self._vocabulary = None  # damaged: read the index instead
        for cut in range(len(stem), 0, -1):
            known = self._completions.get(stem[:cut])
            if known is not None and (known[1] or cut == len(stem)):
                words = (
                    known[0]
                    if cut == len(stem)
                    else [w for w in known[0] if w.term.startswith(stem)]
                )
                return words
        words, complete = self._read_words(stem)
        self._completions.put(stem, (words, complete))
        return words

    def _stored_words(self, vocabulary: Vocabulary, stem: str, limit: int) -> list[_Word]:
        words = self._top.get((stem, limit))
        if words is None:
            weights = [self._options.title_weight, 1.0, 1.0]
            words = [
                # The weight is summed as _read_words sums it: fields with the word, in order.
                _Word(term, max(dfs), sum(df * w for df, w in zip(dfs, weights, strict=True) if df))
                for term, dfs in vocabulary.completions(
                    stem, limit, title_weight=self._options.title_weight
                )
            ]
            self._top.put((stem, limit), words)
        return words

    def _read_words(self, stem: str) -> tuple[list[_Word], bool]:
        """The completions of ``stem`` in each segment's term lists (at most
        ``max_terms`` per field and segment), and whether those were all."""
        opts = self._options
        counts: dict[str, dict[str, int]] = {}
        complete = True
        for name in self._fields:
            for terms in segment_doc_frequencies(self._reader, name, prefix=stem):
                for seen, (term, df) in enumerate(terms):
                    if seen >= opts.max_terms:
                        complete = False
                        break
                    per_field = counts.setdefault(term, {})
                    per_field[name] = per_field.get(name, 0) + df
        words = [
            _Word(
                term,
                max(per_field.values()),
                sum(
                    df * (opts.title_weight if name == "title_exact" else 1.0)
                    for name, df in per_field.items()
                ),
            )
            for term, per_field in counts.items()
        ]
        words.sort(key=lambda w: (-w.weight, w.term))
        return words, complete

    def _read_surface(self, term: str) -> str:
        forms: Counter[str] = Counter()
        for name, stored in (("title_exact", "title"), ("lead_exact", "lead")):
            for text in self._stored(name, stored, term, self._options.surface_docs):
                forms.update(self._forms.written_forms(_words_for(text, term), term))
            if forms:
                break
        if not forms:
            for text in self._stored("body_exact", "body", term, 1):
                forms.update(self._forms.written_forms(_words_for(text, term), term))
        return commonest(forms) or term

    def _phrases_of(self, term: str, count: int) -> tuple[tuple[str, int], ...]:
        """Frequent title runs of two and three words starting with ``term``, with
        estimated counts, best first (read once per term)."""
        cached = self._phrases.get(term)
        if cached is not None:
            return cached
        opts = self._options
        exact, stored = "title_exact", "title"
        titles = self._stored(exact, stored, term, opts.phrase_docs)
        if not titles:  # articles without titles (10kGNAD): their leads are shown instead
            exact, stored = "lead_exact", "lead"
            titles = self._stored(exact, stored, term, opts.phrase_docs)
        runs: Counter[str] = Counter()
        spelled: dict[str, Counter[str]] = {}
        for title in titles:
            seen: set[str] = set()
            for run, key in self._runs(title, term):
                if key not in seen:
                    seen.add(key)
                    runs[key] += 1
                spelled.setdefault(key, Counter())[run] += 1
        df = self._frequency(exact, term) or count
        out = (
            tuple(
                (spelled[key].most_common(1)[0][0], max(1, round(n / len(titles) * df)))
                for key, n in runs.most_common()
                if n >= opts.min_phrase_titles
            )
            if titles
            else ()
        )
        return self._phrases.put(term, out)

    def _runs(self, title: str, term: str) -> Iterator[tuple[str, str]]:
        """The two- and three-word runs of ``title`` that start with ``term``, each with
        its words normalised."""
        starts = _starting(term[:1])
        if starts is None:
            yield from self._runs_of_all(title, term)
            return
        for match in starts.finditer(title):
            if self._forms.normal(match.group()) != term:
                continue
            end = match.end()
            normals = [term]
            for _ in (2, 3):
                after = _NEXT.match(title, end)
                if after is None:
                    break
                end = after.end()
                normals.append(self._forms.normal(after.group(1)))
                if normals[-1] in self._stopwords:
                    continue
                yield title[match.start() : end], " ".join(normals)

    def _runs_of_all(self, title: str, term: str) -> Iterator[tuple[str, str]]:
        """:meth:`_runs` looking at every word of ``title``."""
        texts = _WORD.findall(title)
        words = list(_WORD.finditer(title))  # the same words, with their places
        for i in self._forms.places(texts, term):
            normals = [term]
            for end in (i + 1, i + 2):
                if end >= len(words):
                    break
                gap = title[words[end - 1].end() : words[end].start()]
                if not _SPACE.fullmatch(gap):
                    break
                normals.append(self._forms.normal(texts[end]))
                if normals[-1] in self._stopwords:
                    continue
                yield title[words[i].start() : words[end].end()], " ".join(normals)

    def _frequency(self, exact: str, term: str) -> int:
        if exact not in self._fields:
            return 0
        if self._vocabulary is not None:
            try:
                return self._vocabulary.frequencies(term)[VOCABULARY_FIELDS.index(exact)]
            except IndexStateError:
                self._vocabulary = None  # damaged: read the index instead
        return int(self._reader.doc_frequency(exact, term))

    def _stored(self, exact: str, stored: str, term: str, docs: int) -> list[str]:
        """The stored ``stored`` text of up to ``docs`` live articles with ``term`` in ``exact``.

        Kept per term (a term's phrases read its first texts, then its display
        spelling reads the first few of them again)."""
        if exact not in self._fields or docs < 1:
            return []
        key = (exact, term)
        known = self._texts.get(key)
        if known is not None and (len(known[0]) >= docs or known[1]):
            return known[0][:docs]
        texts: list[str] = []
        for docnum in self._documents(exact, term):
            if len(texts) >= docs:
                break
            text = self._text(docnum, stored)
            if isinstance(text, str):
                texts.append(text)
        else:
            self._texts.put(key, (texts, True))  # all there are
            return texts
        self._texts.put(key, (texts, False))
        return texts

    def _documents(self, exact: str, term: str) -> Iterator[int]:
        """The live documents with ``term`` in ``exact``, in order."""
        if self._vocabulary is not None:
            try:
                return self._vocabulary.documents(exact, term)
            except IndexStateError:
                self._vocabulary = None  # damaged: read the index instead
        return iter_docnums(self._reader, exact, term)

    def _text(self, docnum: int, stored: str) -> object:
        """The stored field ``stored`` of document ``docnum``: from the vocabulary files
        for titles and leads."""
        if self._vocabulary is not None and stored in TEXT_FIELDS:
            try:
                return self._vocabulary.text(docnum, stored)
            except IndexStateError:
                self._vocabulary = None  # damaged: read the stored documents instead
        return self._reader.stored_fields(docnum).get(stored)


def suggest(
    reader: Any, prefix: str, *, limit: int = 10, options: SuggestOptions | None = None
) -> tuple[Completion, ...]:
    """Completions of ``prefix`` once; see :class:`Suggester` (reuse one per reader)."""
    return Suggester(reader, options=options).suggest(prefix, limit=limit)


def _words_for(text: str, term: str) -> list[str]:
    """The words of ``text`` that may be written for the normalised ``term``: all of
    them, or (cheaper) those whose first letter can start it."""
    starts = _starting(term[:1])
    return (starts or _WORD).findall(text)


@cache
def _starting(letter: str) -> re.Pattern[str] | None:
    """The words of a text that ``_WORD`` finds whose first letter may, normalised, be
    ``letter`` (a to z; else ``None``), and perhaps a few more.

    A word starts where a word character follows neither a word character nor one
    of ``-'’`` after a word character (else ``_WORD`` joins it to the word before).
    Its first character normalises to ``letter`` if it is that letter in either
    case, an umlaut or ß of it, or a character whose lower case starts with it
    (``İ``, the Kelvin sign): the case-insensitive class matches all of them
    (tests/test_vocabulary.py checks every code point).
    """
    if not ("a" <= letter <= "z"):
        return None
    extra = {"a": "ä", "o": "ö", "u": "ü", "s": "ßẞ"}.get(letter, "")
    return re.compile(rf"(?<!\w)(?<!\w[-'’])[{letter}{extra}]\w*(?:[-'’]\w+)*", re.IGNORECASE)


@cache
def _stopwords() -> frozenset[str]:
    """The stopwords, normalised as the exact fields' words are."""
    return frozenset(normalize_german(w) for w in load_stopwords())


def _normal_words(text: str) -> str:
    return " ".join(normal(w) for w in _WORD.findall(text))
