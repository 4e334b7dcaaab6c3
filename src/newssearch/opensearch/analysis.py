"""newssearch's German chain as OpenSearch analysis settings (Lucene's own components).

The chain is rebuilt from built-in parts, step for step as
:mod:`newssearch.analysis` runs it:

========================  ===========================================================
newssearch                OpenSearch / Lucene
========================  ===========================================================
GermanTokenizer           ``pattern`` tokenizer (``group: 0``): our token pattern in
                          Java's syntax, so numbers (``1,5``), URLs, domains and
                          e-mail addresses stay one token as ours do.  ``standard``
                          (UAX #29) would cut URLs, e-mail addresses and ``11:30``
                          apart and keep one-letter parts of hyphenated words
                          (``E-Mail`` → ``e``, ``mail``), which shifts every later
                          position by one.  A pattern tokenizer gives one token
                          per match, so a hyphenated word gives its parts, not the
                          whole word as well (``US-Präsident`` → ``US``,
                          ``Präsident``), at the positions ours gives them.
(abbreviation dots)       ``pattern_replace``: ``z.B.`` → ``zB`` as ours
(max. token length)       ``truncate`` to 255 characters (Lucene refuses a term over
                          32,766 bytes: one such token would fail its article)
lowercase                 ``lowercase``
GermanStopFilter          ``stop`` with our list (and its ae/oe/ue/ss spellings)
GermanDecompoundFilter    ``synonym`` rules ``word => word, part, part`` for the
                          compounds of the exported index, read off our own
                          analyzer (see :class:`ChainRules`); optionally a
                          ``dictionary_decompounder`` after it for words the
                          rules do not know (see :func:`decompounder_words`)
(apostrophes)             ``pattern_replace``: our normalisation drops them
GermanNormalizeFilter     ``german_normalization`` (ours is a port of it)
(words only are stemmed)  ``keyword_marker`` on tokens with a non-letter
GermanStemFilter          ``stemmer_override`` with PyStemmer's stem for each word
                          of the index that Lucene's older German Snowball stems
                          otherwise (:mod:`~newssearch.opensearch.snowball`),
                          then ``snowball`` German
GermanUniquePartsFilter   ``remove_duplicates`` (same term at the same position)
========================  ===========================================================

The ``exact`` analyzer is the chain without decompounding and stemming, as
the ``_exact`` twins are.  What Lucene cannot do as ours does: stopwords leave
a gap in the positions (ours closes it; phrases match alike on both sides,
since queries are analysed the same way); a word first seen after the export
is not split (or, with the decompounder, split wherever a listed part stands
in it) and is stemmed by Lucene's Snowball; a hyphenated word gives its
parts but not itself as a whole.

Why ``synonym`` and not ``synonym_graph``: the rules have one word on each
side, so both put the parts at the word's position, as ours does; the plain
filter can serve the index analyzer too (a graph filter would need
flattening there), and one analyzer serves indexing and search alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from newssearch.analysis import german_analyzer
from newssearch.analysis.compounds import CompoundSplitter, load_lexicon
from newssearch.analysis.filters import GermanStemFilter, load_stopwords, normalize_german
from newssearch.analysis.tokenizer import TokenKind
from newssearch.config import MAX_COMPOUND_CHARS, MAX_TOKEN_CHARS, AnalyzerConfig
from newssearch.opensearch.snowball import lucene_german_stem

__all__ = [
    "ANALYZER",
    "EXACT_ANALYZER",
    "TOKEN_PATTERN",
    "ChainRules",
    "ChainRulesCollector",
    "DecompounderWords",
    "analysis_settings",
    "chain_rules",
    "decompounder_words",
]

#: The names of the two analyzers in the exported settings.
ANALYZER = "german"
EXACT_ANALYZER = "exact"

# Our token pattern (analysis/tokenizer.py) in Java's syntax.  Python's
# ``[^\W_]`` is a letter or digit, ``\w`` that or "_", ``\s`` Unicode white space.
_A = r"[\p{L}\p{N}]"
_W = r"[\p{L}\p{N}_]"
_S = r"\p{IsWhite_Space}"
_WORD = rf"{_A}+(?:['’]{_A}+)*"
_NUMBER = r"\p{Nd}+(?:[.,:/]\p{Nd}+)+"
_UNIT = rf"(?:{_NUMBER}(?!{_A})|{_WORD})"
_NOT_URL = rf"""[^{_S}<>"'„“”»«()\[\]{{}}]"""
_URL_END = rf"""[^{_S}<>"'„“”»«()\[\]{{}}.,;:!?]"""
#: A one-letter part of a hyphenated word (the ``E`` of ``E-Mail``): ours drops it.
_LONE_LETTER = rf"\p{{L}}(?!{_A}|['’]{_A})(?:(?=-{_A})|(?<={_A}-\p{{L}}))"

#: The pattern tokenizer's pattern: each match is a token.
TOKEN_PATTERN = "|".join(
    [
        rf"(?:https?://|www\.){_NOT_URL}*{_URL_END}",
        rf"{_A}[\p{{L}}\p{{N}}_.+-]*@{_A}[\p{{L}}\p{{N}}_-]*(?:\.[\p{{L}}\p{{N}}_-]+)+",
        rf"(?<![\p{{L}}\p{{N}}_.]){_A}[\p{{L}}\p{{N}}_-]*(?:\.[\p{{L}}\p{{N}}_-]+)*"
        rf"\.(?:at|de|ch|com|org|net|eu|info|io)(?![\p{{L}}\p{{N}}_.]*{_W})",
        rf"(?<!{_A})(?:\p{{L}}{{1,2}}\.){{2,}}",
        rf"(?!{_LONE_LETTER}){_UNIT}",
    ]
)

#: Dots of a dotted abbreviation (``z.B.``, ``u.a.``), which ours drops.
_ABBREVIATION_DOTS = r"^(\p{L}{1,2})\.(?:(\p{L}{1,2})\.)?(?:(\p{L}{1,2})\.)?(?:(\p{L}{1,2})\.)?$"


@dataclass(frozen=True)
class DecompounderWords:
    """The word list of the exported ``dictionary_decompounder`` and its options.

    ``words`` are lowercase surface forms (umlauts and ß as in the text: the
    decompounder runs before normalisation), sorted.  ``vocabulary`` is how
    many word types the list was chosen on, ``dropped`` how many parts our
    splitter gives that were left out because Lucene would find them inside
    more (frequency-weighted) words that ours does not split that way than in
    words it does.
    """

    words: tuple[str, ...]
    min_word_size: int
    min_subword_size: int
    max_subword_size: int
    only_longest_match: bool
    vocabulary: int
    dropped: int

    def filter(self) -> dict[str, Any]:
        """The token filter's settings."""
        return {
            "type": "dictionary_decompounder",
            "word_list": list(self.words),
            "min_word_size": self.min_word_size,
            "min_subword_size": self.min_subword_size,
            "max_subword_size": self.max_subword_size,
            "only_longest_match": self.only_longest_match,
        }


@dataclass(frozen=True)
class ChainRules:
    """What the exported chain learns from the index's own words.

    ``parts`` maps each compound (lowercase, as the ``synonym`` filter sees
    it: before normalisation) to the parts our analyzer gives it, in the
    reading it gives most often; ``stems`` maps each word or part (lowercase,
    normalised, as the stemmer sees it) to PyStemmer's stem where Lucene's
    German Snowball stems it otherwise.  Both are sorted by word.
    ``vocabulary`` is how many distinct words the rules were read off.

    >>> rules = chain_rules(["Die Sicherheitsgarantien"])
    >>> rules.synonyms()
    ['sicherheitsgarantien => sicherheitsgarantien, sicherheit, garantien']
    """

    parts: tuple[tuple[str, tuple[str, ...]], ...]
    stems: tuple[tuple[str, str], ...]
    vocabulary: int

    def synonyms(self) -> list[str]:
        """The ``synonym`` filter's rules: ``word => word, part, part``."""
        return [f"{word} => {', '.join((word, *parts))}" for word, parts in self.parts]

    def overrides(self) -> list[str]:
        """The ``stemmer_override`` filter's rules: ``word => stem``."""
        return [f"{word} => {stem}" for word, stem in self.stems]


class ChainRulesCollector:
    """Reads :class:`ChainRules` off texts, one at a time (an index of any size
    streams through it; it keeps one entry per distinct word).

    The texts go through our own analyzer for ``config`` without stemming
    and normalisation: its compound parts are the rules' parts, and its
    words and parts, normalised, are the words whose stems are compared.
    """

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        config = config or AnalyzerConfig()
        self._analyzer = german_analyzer(replace(config, stemming=False, normalize=False))
        self._stopwords = load_stopwords()
        self._readings: dict[str, Counter[tuple[str, ...]]] = {}
        self._unsplit: Counter[str] = Counter()
        self._stemmed: set[str] = set()

    def add(self, text: str) -> None:
        """Read one text (a title, lead or body)."""
        if not text:
            return
        word: str | None = None
        found: list[str] = []
        for token in self._analyzer(text, mode="index"):
            if token.kind == TokenKind.CPART:
                if word is not None:
                    found.append(token.text)
                continue
            if word is not None:
                self._note(word, found)
            word, found = None, []
            if token.kind in (TokenKind.WORD, TokenKind.HPART) and token.text.isalpha():
                word = token.text
        if word is not None:
            self._note(word, found)

    def _note(self, word: str, parts: list[str]) -> None:
        self._stemmed.add(normalize_german(word))
        # A part that is a stopword would be removed while OpenSearch parses
        # the rule (it analyses rules with the chain before the filter), and
        # a rule that loses a word is refused.
        kept = tuple(p for p in parts if p.isalpha() and p not in self._stopwords)
        for p in kept:
            self._stemmed.add(normalize_german(p))
        if not kept or word in self._stopwords or len(word) > MAX_TOKEN_CHARS:
            self._unsplit[word] += 1
            return
        readings = self._readings.get(word)
        if readings is None:
            readings = self._readings[word] = Counter()
        readings[kept] += 1

    def rules(self) -> ChainRules:
        """The rules for the texts read so far."""
        parts = []
        for word, readings in self._readings.items():
            # Our splitter reads the case (``Essen``/``essen``); the filter sees
            # lowercase words: the reading ours gives most often wins.
            reading, count = readings.most_common(1)[0]
            if count >= self._unsplit[word]:
                parts.append((word, reading))
        ours = GermanStemFilter()
        stems = []
        for word in self._stemmed:
            if word.isalpha():
                stem = ours.stem(word)
                if lucene_german_stem(word) != stem:
                    stems.append((word, stem))
        return ChainRules(
            parts=tuple(sorted(parts)),
            stems=tuple(sorted(stems)),
            vocabulary=len(self._unsplit.keys() | self._readings.keys()),
        )


def chain_rules(texts: Iterable[str], config: AnalyzerConfig | None = None) -> ChainRules:
    """:class:`ChainRules` for ``texts`` (see :class:`ChainRulesCollector`)."""
    collector = ChainRulesCollector(config)
    for text in texts:
        collector.add(text)
    return collector.rules()


def analysis_settings(
    config: AnalyzerConfig,
    words: DecompounderWords | None = None,
    *,
    rules: ChainRules | None = None,
) -> dict[str, Any]:
    """The ``settings.analysis`` of the export: the ``german`` and ``exact`` analyzers
    for ``config``, which steps run as its flags say.

    ``rules`` (from :func:`chain_rules`) give the compounds their parts and
    the stemmer PyStemmer's stems; ``words`` puts a ``dictionary_decompounder``
    after the rules for the words they do not know.  A decompounding chain
    needs at least one of them.
    """
    filters: dict[str, Any] = {
        "abbreviation_dots": {
            "type": "pattern_replace",
            "pattern": _ABBREVIATION_DOTS,
            "replacement": "$1$2$3$4",
        },
        "max_token_length": {"type": "truncate", "length": MAX_TOKEN_CHARS},
        "apostrophes": {"type": "pattern_replace", "pattern": "['’]", "replacement": ""},
    }
    head = ["abbreviation_dots", "max_token_length", "lowercase"]
    if config.stopwords:
        filters["german_stop"] = {"type": "stop", "stopwords": sorted(load_stopwords())}
        head.append("german_stop")
    tail = ["apostrophes"]
    if config.normalize:
        tail.append("german_normalization")
    full = [*head]
    if config.decompound:
        if words is None and rules is None:
            raise ValueError("a decompounding chain needs its rules or its word list")
        if rules is not None and rules.parts:
            filters["german_compound_parts"] = {"type": "synonym", "synonyms": rules.synonyms()}
            full.append("german_compound_parts")
        if words is not None:
            filters["german_decompounder"] = words.filter()
            full.append("german_decompounder")
    full += tail
    if config.stemming:
        filters["only_words_stemmed"] = {
            "type": "keyword_marker",
            "keywords_pattern": r".*[^\p{L}].*",
        }
        full.append("only_words_stemmed")
        if rules is not None and rules.stems and config.normalize:
            # The rules' words are normalised: without normalisation, leave them out.
            filters["german_stems"] = {"type": "stemmer_override", "rules": rules.overrides()}
            full.append("german_stems")
        filters["german_stemmer"] = {"type": "snowball", "language": "German"}
        full.append("german_stemmer")
    if config.decompound or config.stemming:
        full.append("remove_duplicates")
    return {
        "tokenizer": {
            "german_tokens": {"type": "pattern", "pattern": TOKEN_PATTERN, "group": 0},
        },
        "filter": filters,
        "analyzer": {
            ANALYZER: {"type": "custom", "tokenizer": "german_tokens", "filter": full},
            EXACT_ANALYZER: {
                "type": "custom",
                "tokenizer": "german_tokens",
                "filter": [*head, *tail],
            },
        },
    }


def decompounder_words(
    vocabulary: Mapping[str, float] | None = None,
    *,
    min_part_length: int = 3,
    lexicon_min_zipf: float = 2.5,
) -> DecompounderWords:
    """The word list that makes Lucene's dictionary decompounder split as our splitter does.

    The candidates are the parts our splitter (as it is now: nothing is
    copied) gives for the words of the compound lexicon at least
    ``lexicon_min_zipf`` frequent and for ``vocabulary`` (lowercase words of
    the text to be indexed, each with its count).  Lucene emits every listed
    word found inside a token (``only_longest_match`` is off: of a
    ``Bundeskanzleramt`` ours gives ``bund``, ``kanzler`` and ``amt``, all
    inside each other's longest matches).  So a candidate is kept only if,
    over those words weighted by frequency, the term it becomes is one ours
    gives for the word more often than not: ``zeit`` is inside
    ``Zeitung`` as often as in ``Zeitpunkt``.
    """
    splitter = CompoundSplitter(min_part_length=min_part_length)
    weights = _vocabulary(vocabulary or {}, lexicon_min_zipf)
    min_word = 2 * min_part_length
    stem = GermanStemFilter().stem
    terms: dict[str, str] = {}

    def term(word: str) -> str:
        found = terms.get(word)
        if found is None:
            found = terms[word] = stem(normalize_german(word))
        return found

    expected: dict[str, frozenset[str]] = {}
    candidates: set[str] = set()
    for word in weights:
        if len(word) < min_word or not word.isalpha():
            continue
        surface = _surface_parts(word, splitter.split(word))
        if surface:
            expected[word] = frozenset(term(p) for p in surface)
            candidates.update(surface)
    longest = min(max((len(w) for w in candidates), default=min_part_length), MAX_COMPOUND_CHARS)
    # Without only_longest_match a listed word is found wherever it stands,
    # whatever else is listed: one pass tallies every candidate.
    good: dict[str, float] = {}
    bad: dict[str, float] = {}
    nothing: frozenset[str] = frozenset()
    for word, weight in weights.items():
        if len(word) < min_word:
            continue
        found = _lucene_parts(word, candidates, min_part_length, longest)
        if not found:
            continue
        own = term(word)
        wanted = expected.get(word, nothing)
        for part in found:
            t = term(part)
            if t == own:
                continue  # the word's own term: remove_duplicates drops it
            tally = good if t in wanted else bad
            tally[part] = tally.get(part, 0.0) + weight
    harmful = {p for p, w in bad.items() if w > good.get(p, 0.0)}
    return DecompounderWords(
        words=tuple(sorted(candidates - harmful)),
        min_word_size=min_word,
        min_subword_size=min_part_length,
        max_subword_size=longest,
        only_longest_match=False,
        vocabulary=len(weights),
        dropped=len(harmful),
    )


def _vocabulary(counts: Mapping[str, float], min_zipf: float) -> dict[str, float]:
    """Words with their frequency per billion words: the lexicon's above
    ``min_zipf`` (Zipf is log10 of that) plus ``counts`` scaled alike."""
    lexicon = load_lexicon()
    weights: dict[str, float] = {w: 10.0**z for w, z in lexicon.modifiers.items() if z >= min_zipf}
    for w, hundredths in lexicon.never_parts.items():
        if hundredths >= min_zipf * 100:
            weights[w] = weights.get(w, 0.0) + 10.0 ** (hundredths / 100.0)
    total = sum(counts.values())
    if total:
        scale = 1e9 / total
        for w, n in counts.items():
            weights[w] = weights.get(w, 0.0) + n * scale
    return weights


def _surface_parts(word: str, parts: Iterable[str]) -> list[str]:
    """``parts`` (of ``word`` casefolded: ß → ss) as they stand in ``word``.

    A part is found in the casefolded word from where the previous one ended
    and mapped back through the characters that casefolding lengthened.
    """
    folded: list[int] = []  # for each casefolded character, the original one it comes from
    for i, ch in enumerate(word):
        folded.extend([i] * len(ch.casefold()))
    text = word.casefold()
    out: list[str] = []
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            continue
        end = found + len(part)
        start_char = folded[found]
        end_char = folded[end - 1] + 1
        out.append(word[start_char:end_char])
        at = end
    return out


def _lucene_parts(word: str, listed: Container[str], shortest: int, longest: int) -> list[str]:
    """What Lucene's ``DictionaryCompoundWordTokenFilter`` adds after ``word``
    (``only_longest_match`` false): every listed word inside it, by start then length."""
    found = []
    n = len(word)
    for i in range(n - shortest + 1):
        for j in range(i + shortest, min(i + longest, n) + 1):
            piece = word[i:j]
            if piece in listed:
                found.append(piece)
    return found
