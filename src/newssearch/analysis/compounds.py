"""Decompounding: closed German compounds also index their parts.

``Sicherheitsgarantien`` → ``sicherheit`` + ``garantien``,
``Bundeskanzleramt`` → ``bund`` + ``kanzler`` + ``amt``.  The splitter is
frequency based (Koehn and Knight, 2003): over a lexicon of German word
frequencies it picks the split whose parts have the highest mean Zipf
frequency, and splits only when that beats the whole word by a margin.  Parts
are real words of at least ``min_part_length`` letters; linking elements
(-s-, -es-, -n-, -en-, -er-, -e-) are dropped between parts; bound morphemes,
particles and derivational suffixes are never parts, so derivations
(Untersuchung, Nachbarschaft) and simplex words (Regierung) stay whole.

The lexicon (``data/compounds_lexicon.bin``, stored as ``lexicon.py`` says)
is built by ``tools/build_lexicon.py`` from wordfreq's German frequencies and
the noun forms of German Wiktionary (both CC BY-SA 4.0): a part must be a
noun form, or for a first part a frequent other word (Innen|minister,
Fein|staub).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from whoosh.analysis import Filter

from newssearch.analysis.lexicon import SortedWords, read_lexicon
from newssearch.analysis.tokenizer import GermanToken, TokenKind
from newssearch.cache import BoundedCache
from newssearch.config import MAX_COMPOUND_CHARS
from newssearch.errors import AnalyzerError

__all__ = ["CompoundSplitter", "GermanDecompoundFilter", "load_lexicon"]

#: Bound of each splitter's word cache; cleared when full.
_CACHE_LIMIT = 200_000
#: The kinds of token that are split: plain words and parts of hyphenated words.
_SPLIT_KINDS = frozenset({TokenKind.WORD, TokenKind.HPART})
_KIND_CPART = TokenKind.CPART  # set per part: a global is cheaper than the enum member

#: Linking elements, longest first so that the base form wins ties.
LINKS = ("es", "en", "er", "s", "n", "e")

#: Never a first part: prefixes, particles, prepositions and pronouns make
#: derivations (Ausstellung, Untersuchung), not compounds.
_NOT_MODIFIERS = frozenset(
    """
ab an auf aus bei be da dar dass dem den der des die das durch ein eine einer ent er es ge gegen
her heraus herein hin hinaus hinein hinter in ins miss mit nach neben ob über um un unter ur ver
vor voran vorbei weg wider zer zu zum zur zurück zusammen fort los nieder empor entgegen statt
wieder gar ion ier ung ant kon pro con dis anti non sub per inter trans pre ihr ihre sein seine
sie wir uns man als auch aber oder und nicht kein keine ohne nur noch ierung ation ismus ist
ität sich sowie dies diese dieser jene
""".split()
)

#: Never a last part: derivational suffixes and inflection endings that the
#: word list holds as foreign or clipped words.
_NOT_HEADS = frozenset(
    """
ung ungen heit heiten keit keiten schaft schaften tion tionen ität itäten ismus ismen isten lich
liche lichen licher isch ische ischen ischer ig ige igen iger bar bare baren nis nisse nissen
tum tümer tums chen lein ling linge lingen ern ei eien ien ierung ierungen ation ationen ieren
iert ierte ik iker ikern ent enten ant anten ur uren enz enzen ose ine inen sion sionen ionen
ion ier iers erin erinnen ler lern ner nern ter tern ten end los lose losen ens ers est este
esten haft hafte haften sam same samen weise mäßig mäßige artig artige ismus istin istinnen itis
ome omen iden ide heit sen ses nen
""".split()
)

#: Country and region names are single words, whatever their letters spell.
_PROTECTED = frozenset(
    """
großbritannien nordkorea südkorea südafrika nordirland neuseeland saudiarabien niederlande
ostfriesland vatikanstadt nordmazedonien osttimor südsudan elfenbeinküste
""".split()
)


@dataclass(frozen=True)
class Lexicon:
    """The words that may be parts, with their Zipf frequency, and every word's frequency.

    ``nouns`` may be parts anywhere and ``modifiers`` (the nouns and the other
    forms) first parts, each word with its Zipf frequency, all at least as
    frequent as a part must be (:attr:`CompoundSplitter.min_zipf`) and none a
    bound morpheme; ``zipf`` is ``modifiers``.  ``bound`` holds the frequency of
    the bound morphemes among the lexicon's parts, ``never_parts`` that of the
    words that are never parts.
    """

    nouns: dict[str, float]
    modifiers: dict[str, float]
    bound: dict[str, float]
    never_parts: SortedWords

    @property
    def zipf(self) -> dict[str, float]:
        return self.modifiers

    def frequency(self, word: str) -> float:
        """The Zipf frequency of any ``word`` (0.0 if unknown or rarer than a part)."""
        found = self.modifiers.get(word)
        if found is None:
            found = self.bound.get(word)
        if found is not None:
            return found
        stored = self.never_parts.get(word)
        return stored / 100.0 if stored is not None else 0.0


def load_lexicon(splitter: CompoundSplitter | None = None) -> Lexicon:
    """The shipped lexicon as ``splitter`` (default: the default one) needs it;
    read once per process and part frequency, on first use."""
    settings = splitter or CompoundSplitter
    return _lexicon(settings.min_zipf - max(settings.margin, 0.0))


@cache
def _lexicon(threshold: float) -> Lexicon:
    # Words rarer than ``threshold`` are not loaded: a part must be at least
    # min_zipf frequent, so every split scores at least min_zipf and beats
    # such a word's frequency plus the margin.
    try:
        stored = resources.files("newssearch.analysis").joinpath("data/compounds_lexicon.bin")
        with stored.open("rb") as f:
            table = read_lexicon(f, threshold=threshold)
    except (OSError, ValueError) as exc:
        raise AnalyzerError(f"the decompounding lexicon is missing or damaged: {exc}") from exc
    # The table is ours alone: its nouns become the lexicon's (a copy would
    # cost 2 MB).  Bound morphemes are neither heads nor first parts, whatever
    # their tag; only their frequency is kept.
    nouns = table.nouns
    modifiers = nouns.copy()  # a dict's copy is one memcpy, its update one insert a word
    modifiers.update(table.others)
    bound = {}
    for word in _NOT_HEADS | _NOT_MODIFIERS:
        nouns.pop(word, None)
        if word in modifiers:
            bound[word] = modifiers.pop(word)
    return Lexicon(nouns=nouns, modifiers=modifiers, bound=bound, never_parts=table.never_parts)


class CompoundSplitter:
    """Splits lowercase German words into their parts (see the module doc).

    >>> CompoundSplitter().split("sicherheitsgarantien")
    ('sicherheit', 'garantien')
    >>> CompoundSplitter().split("regierung")
    ()
    """

    #: A part must be at least this frequent (Zipf) to count as a word.
    min_zipf = 1.5
    #: The split's mean part frequency must beat the whole word's by this much.
    margin = 0.0
    #: At most this many parts.
    max_parts = 4

    def __init__(self, *, min_part_length: int = 3) -> None:
        if min_part_length < 2:
            raise ValueError("min_part_length must be at least 2")
        self.min_part_length = min_part_length
        self._cache: BoundedCache[str, tuple[str, ...]] = BoundedCache(_CACHE_LIMIT)

    def __getstate__(self) -> dict[str, Any]:
        return {"min_part_length": self.min_part_length}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.min_part_length = state["min_part_length"]
        self._cache = BoundedCache(_CACHE_LIMIT)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.min_part_length == self.min_part_length

    def __hash__(self) -> int:
        return hash((type(self), self.min_part_length))

    @property
    def splits(self) -> Mapping[str, tuple[str, ...]]:
        """What :meth:`split` made of each word so far (a bounded memo: read it, never write it).

        >>> splitter = CompoundSplitter()
        >>> splitter.split("kremlchef"), splitter.splits.get("kremlchef"), splitter.splits.get("x")
        (('kreml', 'chef'), ('kreml', 'chef'), None)
        """
        return self._cache

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of ``word``, case-folded (ß → ss), linking elements dropped; or ``()``."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        return self._cache.put(word, self._split(word.casefold()))

    def _split(self, word: str) -> tuple[str, ...]:
        if (
            not 2 * self.min_part_length <= len(word) <= MAX_COMPOUND_CHARS
            or not word.isalpha()
            or word in _PROTECTED
        ):
            return ()
        lexicon = load_lexicon(self)
        best = self._best(word, lexicon, self.max_parts)
        if best is None:
            return ()
        score, parts = best
        if len(parts) < 2 or score <= lexicon.frequency(word) + self.margin:
            return ()
        return parts

    def _best(
        self, word: str, lexicon: Lexicon, max_parts: int
    ) -> tuple[float, tuple[str, ...]] | None:
        """The best reading of ``word`` as one or more parts: (mean Zipf, parts)."""
        m = self.min_part_length
        options: list[tuple[float, tuple[str, ...]]] = []
        if self._is_head(word, lexicon):
            options.append((lexicon.zipf[word], (word,)))
        if max_parts > 1:
            for j in range(m, len(word) - m + 1):
                modifier = self._modifier(word[:j], lexicon)
                if modifier is None:
                    continue
                rest = self._best(word[j:], lexicon, max_parts - 1)
                if rest is None:
                    continue
                rest_score, rest_parts = rest
                n = len(rest_parts)
                score = (lexicon.zipf[modifier] + rest_score * n) / (n + 1)
                options.append((score, (modifier, *rest_parts)))
        if not options:
            return None
        return max(options, key=lambda o: (o[0], -len(o[1])))

    def _modifier(self, region: str, lexicon: Lexicon) -> str | None:
        """The first part standing in ``region`` (before the head), linking element dropped.

        A base form plus a linking element wins over the region as it stands
        (``wochen`` → ``woche`` + n); of several bases the most frequent
        (``massen`` → ``masse`` + n, not ``mass`` + en).
        """
        bases = [region[: -len(link)] for link in LINKS if region.endswith(link)]
        # Linking elements follow nouns (Woche|n, Lied|er), not other words.
        valid = [
            b
            for b in bases
            if len(b) >= self.min_part_length
            and b in lexicon.nouns
            and self._is_modifier(b, lexicon)
        ]
        if valid:
            return max(valid, key=lambda b: lexicon.zipf[b])
        return region if self._is_modifier(region, lexicon) else None

    def _is_modifier(self, part: str, lexicon: Lexicon) -> bool:
        return part in lexicon.modifiers and lexicon.zipf[part] >= self.min_zipf

    def _is_head(self, part: str, lexicon: Lexicon) -> bool:
        return (
            len(part) >= self.min_part_length
            and part in lexicon.nouns
            and lexicon.zipf[part] >= self.min_zipf
        )


class GermanDecompoundFilter(Filter):
    """Adds the parts of each closed compound after it, at its position and character range.

    Parts carry ``kind=TokenKind.CPART`` and the compound's ``original``, so that a
    match on a part marks the whole compound as it stands in the text.  Only
    plain words and parts of hyphenated words are split, never numbers, URLs
    or a hyphenated word as a whole.
    """

    def __init__(self, *, min_part_length: int = 3) -> None:
        self.splitter = CompoundSplitter(min_part_length=min_part_length)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.splitter == self.splitter

    def __hash__(self) -> int:
        return hash((type(self), self.splitter))

    def __call__(  # type: ignore[override]
        self, tokens: Iterable[GermanToken]
    ) -> Iterator[GermanToken]:
        splitter = self.splitter
        split = splitter.split
        known = splitter.splits.get  # a hit without a call of split() (see newssearch.cache)
        min_length = 2 * splitter.min_part_length
        for t in tokens:
            # Later filters change the shared token in place: read it before yielding.
            text = t.text
            if len(text) >= min_length and t.kind in _SPLIT_KINDS:
                parts = known(text)
                if parts is None:
                    parts = split(text)
            else:
                parts = ()
            yield t
            for part in parts:
                t.text = part
                t.kind = _KIND_CPART
                yield t
