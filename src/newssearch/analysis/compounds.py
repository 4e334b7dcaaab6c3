"""Decompounding: closed German compounds also index their parts.

``Sicherheitsgarantien`` → ``sicherheit`` + ``garantien``,
``Bundeskanzleramt`` → ``bund`` + ``kanzler`` + ``amt``.  The splitter is
frequency based (Koehn and Knight, 2003): over a lexicon of German word
frequencies it picks the split whose parts have the highest mean Zipf
frequency (the log of their geometric mean), and splits only when that beats
the whole word by a margin.  Parts are real words of at least
``min_part_length`` letters; linking elements (-s-, -es-, -n-, -en-, -er-,
-e-) are dropped between parts; bound morphemes, particles and derivational
suffixes are never parts, so derivations (Untersuchung, Nachbarschaft) and
simplex words (Regierung) stay whole.  A part that is itself a compound gives
its parts (the full flat split: ``Rathausplatz`` → ``rat`` + ``haus`` + ``platz``).

The mean part frequency alone splits names, adjectives and verbs into
invented words (``Fielding`` → ``fiel`` + ``ding``, ``evolutionären`` →
``evolution`` + ``ären``), so a split needs good evidence (issue 17):

- **strong parts**: a three- or four-letter part must be a frequent word
  (not ``gan``, ``aren``, ``gege``); a word that is no noun form (``innen``,
  ``fein``) is a first part only;
- **suffixes**: the head of a word in ``-ären``, ``-lichen``, ``-iger``,
  ``-erinnen`` … holds that suffix with a stem before it (not ``heu|tiger``,
  ``lehre|rinnen``), a participle's ``-ende(n)`` only after a linking element
  (``Woche|n|ende``, not ``tau|ende``);
- **names and foreign words**: a capitalised word that the lexicon knows only
  as a frequent non-noun (``Hartmann``) stays whole, and so do a genitive of a
  more frequent word that stays whole (``Michigans``) and an English ``-ing``
  form (``Fielding``);
- **case**: :class:`GermanDecompoundFilter` passes whether a word is written in
  lower case in the text (no noun, no name): such a word with an infinitive
  head is a particle verb (``hochfahren``) and stays whole.

``python benchmarks/compounds_eval.py`` measures the splitter on the dev
compound list and on a hand-labelled sample of running text.

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
ität sich sowie dies diese dieser jene voraus weiter herbei herum herunter hinunter hinauf herauf
hinüber herüber umher einher vorweg entlang beisammen
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
ome omen iden ide heit sen ses nen isches ischem eren erweise
""".split()
)

#: Short parts must be this frequent (Zipf) by length: a three-letter part about as
#: frequent as ``öko``, ``kur`` or ``jet`` (not ``heu``, ``tau``, ``dia``), a
#: four-letter one as ``pult`` or ``jets`` (not ``gege``, ``alen``, ``aren``).
_SHORT_PART_ZIPF = {3: 3.6, 4: 3.0}

#: Adjective, participle and feminine endings, longest first: the head of a
#: word with one of them must hold it whole, with a stem before it.
SUFFIXES = tuple(
    sorted(
        {
            stem + ending
            for stem in ("är", "lich", "ig", "end")
            for ending in ("", "e", "en", "er", "es", "em")
        }
        | {"erin", "erinnen"},
        key=lambda s: (-len(s), s),
    )
)

#: More adjective endings, for a word that is no noun (lowercase in the text)
#: only: nouns end so too (Fische, Hitzewelle, Signal, Motiv).
VERBAL_SUFFIXES = tuple(
    sorted(
        {
            stem + ending
            for stem in ("isch", "ell", "al", "iv")
            for ending in ("", "e", "en", "er", "es", "em")
        },
        key=lambda s: (-len(s), s),
    )
)

#: The letters a head must have before the word's suffix (``sp|enden``, not ``t|iger``).
_SUFFIX_STEM = 2

#: An adjective's ``-er`` and ``-es`` forms are at least this frequent (``lober`` is a name).
_ADJECTIVE_ZIPF = 2.0

#: A stem of ``-ing`` that the list knows only as another word rarer than this
#: is English (``field`` of ``Fielding``).
_ENGLISH_ZIPF = 4.0

#: Country and region names and the days of the week are single words, whatever
#: their letters spell.
_PROTECTED = frozenset(
    """
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
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
    #: A first part that is no noun form (``innen``, ``fein``) must be this frequent.
    min_other_zipf = 3.0
    #: A capitalised word (``noun=True``) that the lexicon knows only as another word
    #: (no noun form) and at least this frequent is never split: frequent noun
    #: compounds are noun forms in Wiktionary, so such a word is a name (Hartmann,
    #: Regensburg) or a sentence's first word.  Lowercase adjectives
    #: (``erfolgreich``) are split.
    max_other_zipf = 4.0

    def __init__(self, *, min_part_length: int = 3) -> None:
        if min_part_length < 2:
            raise ValueError("min_part_length must be at least 2")
        self.min_part_length = min_part_length
        self._cache: BoundedCache[str, tuple[str, ...]] = BoundedCache(_CACHE_LIMIT)
        self._lowercase_cache: BoundedCache[str, tuple[str, ...]] = BoundedCache(_CACHE_LIMIT)

    def __getstate__(self) -> dict[str, Any]:
        return {"min_part_length": self.min_part_length}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.min_part_length = state["min_part_length"]
        self._cache = BoundedCache(_CACHE_LIMIT)
        self._lowercase_cache = BoundedCache(_CACHE_LIMIT)

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

    @property
    def lowercase_splits(self) -> Mapping[str, tuple[str, ...]]:
        """What :meth:`split` made of each word with ``noun=False`` so far (as :attr:`splits`)."""
        return self._lowercase_cache

    def split(self, word: str, *, noun: bool = True) -> tuple[str, ...]:
        """The parts of ``word``, case-folded (ß → ss), linking elements dropped; or ``()``.

        ``noun=False`` says that the word cannot be a noun (it is written in
        lower case in the text): a head that reads as an infinitive then makes
        it a particle verb (``hochfahren``, ``angeloben``), which stays whole.

        >>> splitter = CompoundSplitter()
        >>> splitter.split("hochfahren"), splitter.split("hochfahren", noun=False)
        (('hoch', 'fahren'), ())
        """
        cache = self._cache if noun else self._lowercase_cache
        cached = cache.get(word)
        if cached is not None:
            return cached
        return cache.put(word, self._split(word.casefold(), verbal=not noun))

    def _split(self, word: str, *, verbal: bool = False) -> tuple[str, ...]:
        parts = self._split_once(word, verbal=verbal)
        if not parts:
            return ()
        # The full flat split: a part that is itself a compound gives its parts
        # (Rathaus|platz → rat|haus|platz), as the labelled lists split.
        flat: list[str] = []
        for i, part in enumerate(parts):
            flat.extend(self._split_once(part, verbal=verbal and i == len(parts) - 1) or (part,))
        return tuple(flat) if len(flat) <= self.max_parts else parts

    def _split_once(self, word: str, *, verbal: bool = False) -> tuple[str, ...]:
        if (
            not 2 * self.min_part_length <= len(word) <= MAX_COMPOUND_CHARS
            or not word.isalpha()
            or word in _PROTECTED
        ):
            return ()
        lexicon = load_lexicon(self)
        whole = lexicon.frequency(word)
        if (
            not verbal
            and whole >= self.max_other_zipf
            and word in lexicon.modifiers
            and word not in lexicon.nouns
        ):
            return ()
        if self._inflected_whole(word, lexicon):
            return ()
        heads = _Heads(_suffix_of(word, verbal), verbal)
        best = self._best(word, lexicon, self.max_parts, heads, whole=False, first=True)
        if best is None:
            return ()
        score, parts = best
        if len(parts) < 2 or score <= whole + self.margin:
            return ()
        return parts

    def _inflected_whole(self, word: str, lexicon: Lexicon) -> bool:
        """Whether ``word`` is a genitive or an English gerund of a word that stays whole.

        ``Michigans`` is ``Michigan`` + s (not ``michi`` + ``gans``) and
        ``Fielding`` is English ``field`` + ing (not ``fiel`` + ``ding``): the
        word less its ending is a more frequent word of the list, so the word
        is split only as that word would be (``Kampfjets`` is more frequent
        than ``Kampfjet``: a plural of its own).  An English stem is one the
        list knows only as a rare other word (``field``; not ``eher`` of
        ``Ehering``).
        """
        if word.endswith("s"):
            stem = word[:-1]
            if lexicon.frequency(stem) > lexicon.frequency(word):
                return not self._split_once(stem)
        if word.endswith("ing"):
            stem = word[:-3]
            zipf = lexicon.frequency(stem)
            return stem not in lexicon.nouns and 0.0 < zipf < _ENGLISH_ZIPF
        return False

    def _best(
        self,
        word: str,
        lexicon: Lexicon,
        max_parts: int,
        heads: _Heads,
        *,
        whole: bool = True,
        first: bool = False,
    ) -> tuple[float, tuple[str, ...]] | None:
        """The best reading of ``word`` as one or more parts (two or more unless
        ``whole``): (mean Zipf, parts).

        ``heads`` says which heads the word being split (which ``word`` ends)
        may have (:meth:`_fits`).
        """
        m = self.min_part_length
        options: list[tuple[float, tuple[str, ...]]] = []
        if whole and self._is_head(word, lexicon):
            options.append((lexicon.zipf[word], (word,)))
        if max_parts > 1:
            for j in range(m, len(word) - m + 1):
                found = self._modifier(word[:j], lexicon, first)
                if found is None:
                    continue
                modifier, linked = found
                rest = self._best(word[j:], lexicon, max_parts - 1, heads)
                if rest is None:
                    continue
                rest_score, rest_parts = rest
                n = len(rest_parts)
                if n == 1 and not self._fits(rest_parts[0], heads, linked, lexicon):
                    continue
                score = (lexicon.zipf[modifier] + rest_score * n) / (n + 1)
                options.append((score, (modifier, *rest_parts)))
        if not options:
            return None
        return max(options, key=lambda o: (o[0], -len(o[1])))

    def _fits(self, head: str, heads: _Heads, linked: bool, lexicon: Lexicon) -> bool:
        """Whether ``head`` may end the word: it holds the word's suffix with a stem
        before it, and it is no infinitive if the word is no noun.

        ``evolution|ären``, ``heu|tiger``, ``nervi|gen``, ``lehre|rinnen``
        cut the adjective, participle or feminine suffix apart: the head of
        ``evolutionären`` must be an adjective in ``-ären`` itself.  A
        participle ending (``tau|ende``, ``wachs|enden``) is a head only after a
        linking element (``Woche|n|ende``).  A word that is no noun and ends
        in an infinitive (``hoch|fahren``: ``fahrt`` is a word too) is a verb.
        """
        if heads.verbal and _infinitive(head, lexicon):
            return False
        suffix = heads.suffix
        if not suffix or (linked and suffix.startswith("end")):
            return True
        stem = 1 if suffix.startswith("end") else _SUFFIX_STEM  # Radio|sender, not t|iger
        return len(head) >= len(suffix) + stem

    def _modifier(self, region: str, lexicon: Lexicon, first: bool) -> tuple[str, bool] | None:
        """The first part standing in ``region`` (before the head), linking element dropped,
        and whether one was dropped.

        A base form plus a linking element wins over the region as it stands
        (``wochen`` → ``woche`` + n); of several bases the most frequent
        (``massen`` → ``masse`` + n, not ``mass`` + en) — unless the region as
        it stands ends in -s and is ten times as frequent as that base (a
        genitive rarely is: ``haus``, not ``hau`` + s), or is a more frequent
        word that is no noun (``innen``, not ``inn`` + en).  A particle or
        prefix (``gegen``) is no base plus a linking element.
        """
        if region in lexicon.bound:
            return None
        bases = [region[: -len(link)] for link in LINKS if region.endswith(link)]
        # Linking elements follow nouns (Woche|n, Lied|er), not other words.
        valid = [
            b
            for b in bases
            if len(b) >= self.min_part_length
            and b in lexicon.nouns
            and self._is_modifier(b, lexicon, first)
        ]
        as_is = self._is_modifier(region, lexicon, first)
        if valid:
            base = max(valid, key=lambda b: lexicon.zipf[b])
            if not as_is:
                return base, True
            gain = lexicon.zipf[region] - lexicon.zipf[base]
            genitive = region.endswith("s")  # a genitive is rarely 10× its nominative
            if (gain < 1.0 or not genitive) and (region in lexicon.nouns or gain <= 0.0):
                return base, True
        return (region, False) if as_is else None

    def _strong(self, part: str, zipf: float) -> bool:
        """Whether ``part`` is frequent enough for its length to be a word, not a fragment.

        Three- and four-letter strings are often endings or syllables that the
        word list holds as rare words (``gan``, ``aren``, ``alen``, ``gege``).
        """
        return zipf >= max(self.min_zipf, _SHORT_PART_ZIPF.get(len(part), 0.0))

    def _is_modifier(self, part: str, lexicon: Lexicon, first: bool) -> bool:
        """Whether ``part`` may stand before the head: a noun form, or a frequent
        other word as the first part only (``Fein|staub``, not ``sau|erst|off``)."""
        zipf = lexicon.modifiers.get(part)
        if zipf is None or not self._strong(part, zipf):
            return False
        return part in lexicon.nouns or (first and zipf >= self.min_other_zipf)

    def _is_head(self, part: str, lexicon: Lexicon) -> bool:
        zipf = lexicon.nouns.get(part)
        return zipf is not None and len(part) >= self.min_part_length and self._strong(part, zipf)


@dataclass(frozen=True)
class _Heads:
    """What the head of a word must be: holding ``suffix`` (if any), no infinitive if ``verbal``."""

    suffix: str
    verbal: bool


def _infinitive(head: str, lexicon: Lexicon) -> bool:
    """Whether ``head`` reads as an infinitive: it ends in ``-en`` (``-ern``, ``-eln``),
    its stem plus ``-t`` or ``-et`` is a word (``fahren``/``fahrt``, ``achten``/``achtet``) and
    its stem is no adjective (``reichen``: ``reicher`` and ``reiches`` are words)."""
    if len(head) < 5 or not head.endswith("n"):
        return False
    stem = head[:-2] if head.endswith("en") else head[:-1]
    if min(lexicon.frequency(stem + "er"), lexicon.frequency(stem + "es")) >= _ADJECTIVE_ZIPF:
        return False  # an adjective's -en (reichen: reicher, reiches), not a verb's
    return lexicon.frequency(stem + "t") > 0.0 or lexicon.frequency(stem + "et") > 0.0


def _suffix_of(word: str, verbal: bool) -> str:
    """The longest derivational or participle ending in :data:`SUFFIXES` (and
    :data:`VERBAL_SUFFIXES` if ``verbal``) that ``word`` has."""
    found = next((suffix for suffix in SUFFIXES if word.endswith(suffix)), "")
    if verbal:
        other = next((suffix for suffix in VERBAL_SUFFIXES if word.endswith(suffix)), "")
        found = max(found, other, key=len)
    return found


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
        known_lowercase = splitter.lowercase_splits.get
        min_length = 2 * splitter.min_part_length
        for t in tokens:
            # Later filters change the shared token in place: read it before yielding.
            text = t.text
            if len(text) >= min_length and t.kind in _SPLIT_KINDS:
                if t.original[:1].islower():  # no noun: not a name either
                    parts = known_lowercase(text)
                    if parts is None:
                        parts = split(text, noun=False)
                else:
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
