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
  ``fein``, the three-letter adjectives ``roh``, ``neu``) is a first part only;
- **suffixes**: the head of a word in ``-ären``, ``-lichen``, ``-iger``,
  ``-erinnen``, ``-ungen`` … holds that suffix with a stem before it (not
  ``heu|tiger``, ``lehre|rinnen``, ``hand|lungen``), a participle's
  ``-ende(n)`` only after a linking element (``Woche|n|ende``, not
  ``tau|ende``); ``-jährig``, ``-seitig`` … are no heads;
- **linking elements**: of the readings of a modifier the likeliest
  (``note|n``, not ``not|en``; ``arbeiter``, not ``arbeit|er``; ``links``,
  not ``link|s``: see :meth:`CompoundSplitter._modifier`);
- **names and foreign words**: a capitalised word that the lexicon knows only
  as a frequent non-noun (``Hartmann``) stays whole, and so do a word it
  knows, but as no noun form, in a place or family name's ending
  (``Kaindorf``, ``Mariazeller``), a genitive of a more frequent word that
  stays whole (``Michigans``), an inhabitant's ``-er`` of a name
  (``Engländer``) and an English ``-ing`` form (``Fielding``);
- **case**: :class:`GermanDecompoundFilter` passes whether a word is written in
  lower case in the text (no noun, no name).  Such a word may end in an
  adjective or participle (``widerstands|fähig``, ``gen|manipuliertes``: an
  adjective is a word whose forms in -e, -en, -er and -es are all in use),
  its first part then a noun, an adjective or a frequent other word that is
  no verb form; it stays whole if it is a verb (``schwanken``), a particle
  verb's infinitive, participle or ``zu``-infinitive (``hochfahren``,
  ``festgenommen``, ``bekanntzugeben``) or an ``-isch`` adjective of a noun
  that stays whole (``ökologisch``).

``python benchmarks/compounds_eval.py`` measures the splitter on the dev
compound list and on a hand-labelled sample of running text.

The lexicon (``data/compounds_lexicon.bin``, stored as ``lexicon.py`` says)
is built by ``tools/build_lexicon.py`` from wordfreq's German frequencies and
the noun forms of German Wiktionary (both CC BY-SA 4.0): a part must be a
noun form, or for a first part a frequent other word (Innen|minister,
Fein|staub).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from whoosh.analysis import Filter

from newssearch.analysis.lexicon import SortedWords, read_lexicon
from newssearch.analysis.tokenizer import GermanToken, TokenKind
from newssearch.cache import BoundedCache
from newssearch.config import MAX_COMPOUND_CHARS
from newssearch.errors import AnalyzerError
from newssearch.packaged import read_packaged

__all__ = ["CompoundSplitter", "GermanDecompoundFilter", "load_lexicon"]

#: Bound of each splitter's word cache; cleared when full.
_CACHE_LIMIT = 200_000
#: The kinds of token that are split: plain words and parts of hyphenated words.
_SPLIT_KINDS = frozenset({TokenKind.WORD, TokenKind.HPART})
_KIND_CPART = TokenKind.CPART  # set per part: a global is cheaper than the enum member

#: Linking elements, longest first so that the base form wins ties.
LINKS = ("es", "en", "er", "s", "n", "e")
#: The linking elements a word ending in each letter may end in, in the order of
#: :data:`LINKS` (only those can: a link is the word's last letters).
_LINKS_BY_LAST: Final = {
    last: tuple(link for link in LINKS if link.endswith(last)) for last in {x[-1] for x in LINKS}
}

#: Never a first part: prefixes, particles, prepositions and pronouns make
#: derivations (Ausstellung, Untersuchung), not compounds.
_NOT_MODIFIERS = frozenset(
    """
ab an auf aus bei be da dar dass dem den der des die das durch ein eine einer ent er es ge gegen her
heraus herein hin hinaus hinein hinter in ins miss mit nach neben ob über um un unter ur ver vor
voran vorbei weg wider zer zu zum zur zurück zusammen fort los nieder empor entgegen statt wieder
gar ion ier ung ant kon pro con dis anti non sub per inter trans pre ihr ihre sein seine sie wir uns
man als auch aber oder und nicht kein keine ohne nur noch ierung ation ismus ist ität sich sowie
dies diese dieser jene voraus weiter herbei herum herunter hinunter hinauf herauf hinüber herüber
umher einher vorweg entlang beisammen euer eure eur unser jen aller beide beider beiden beides
ausser irgend welche welchem welchen welcher welches einem einen eines ander andere anderem anderen
anderer anderes diesem diesen dieses all meines deines seines ihres unseres wenn ebenso hervor heran
hinzu dazu davon daran darauf darum daraus dahin daher dabei dagegen danach
""".split()
)

#: Adjective suffixoids, words of their own only after a number (18-jährigen,
#: 4-teilige), and the suffix ``-arisch`` that the word list holds as a word:
#: never heads (minder|jährigen, beider|seitig, mission|arische).
_SUFFIXOIDS = (
    "jährig tägig wöchig monatig stündig minütig köpfig prozentig stellig seitig teilig arisch"
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
ome omen iden ide heit sen ses nen isches ischem eren erweise ester estes estem
""".split()
) | {stem + ending for stem in _SUFFIXOIDS.split() for ending in ("", "e", "en", "er", "es", "em")}

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
        | {"erin", "erinnen", "ung", "ungen"},
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

#: Endings of German place and family names (Kaindorf, Hartberg, Bleiburg,
#: Mauerbach, Waldheim, Mauthausen, Althofen, Bornstein, Gottwald, Habermann,
#: Steinmüller, Mariazell), with the genitive and the inhabitant's ``-er``.  A
#: word that the lexicon knows (wordfreq counts it) but not as a noun form
#: (Wiktionary has no such noun) and that ends so is a name: of the lexicon's
#: such words in ``-dorf``, ``-berg``, ``-heim``, ``-mann`` … nearly all are,
#: while its common nouns in them are noun forms (Feriendorf, Fachmann).  The
#: endings whose other words are often common compounds too (``-feld``,
#: ``-tal``, ``-baum``, ``-bauer``, ``-hammer``: Aufgabenfeld, Stammbaum,
#: Tunnelbauer) are not among them.
_NAME_ENDINGS = tuple(
    stem + ending
    for stem in ("dorf berg burg bach heim hausen hofen stein wald mann müller zell".split())
    for ending in ("", "s", "er", "ern", "ers")
)

#: Separable verb particles that the lexicon also knows as nouns or adjectives
#: (Fest, Teil, Hoch): before a participle they make a particle verb
#: (``festgenommen``, ``teilnehmende``), not a compound (``genmanipuliert``).
_PARTICLES = frozenset(
    """
acht bekannt bereit blau breit dicht eis fehl fern fertig fest frei gerade glatt gleich gross gut
hart heim hoch kalt kaputt klar klein krank kund kurz lahm lang leer leicht lieb mass nah nahe
not offen preis probe rad richtig satt schlecht schwarz schwer sicher stand statt still teil tief
tot voll wach warm weit
""".split()
)

#: More separable verb particles (the rest are in _NOT_MODIFIERS and _PARTICLES).
_SEPARABLE = frozenset(
    "allein auseinander fort gegenüber hinab hinterher inne rein zuwider".split()
)

#: The endings of an adjective's forms, longest first.
_ADJECTIVE_ENDINGS = ("em", "en", "er", "es", "e", "")

#: A noun whose genitive in -s is at least this frequent is masculine or neuter:
#: its form in -e is its plural or dative (Sterne, Staate), no noun of its own.
_GENITIVE_ZIPF = 2.0

#: A three-letter adjective's four forms are all at least this frequent (see
#: :func:`_short_adjective`).
_SHORT_ADJECTIVE_ZIPF = 2.5

_VOWELS = re.compile("[aeiouäöüy]+")
#: An ``-isch`` adjective's ending.
_ISCH = re.compile("isch(?:e[mnrs]?)?$")
#: The endings of an inhabitant or a place's adjective (Engländer, Engländerin, Mariazeller).
_INHABITANT = re.compile("er(?:in(?:nen)?|[ns])?$")
_UMLAUT = str.maketrans("äöü", "aou")
#: The vowels of a one-syllable noun whose -er plural has no umlaut (Kind, Lied, Geist, Feld).
_ER_VOWELS = frozenset({"e", "i", "ie", "ei", "ä", "ö", "ü", "äu", "eu"})

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
        stored = read_packaged("newssearch.analysis", "data/compounds_lexicon.bin")
        table = read_lexicon(stored, threshold=threshold)
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
        self._modifiers: BoundedCache[tuple[str, bool], _Modifier | None] = BoundedCache(
            _CACHE_LIMIT
        )

    def __getstate__(self) -> dict[str, Any]:
        return {"min_part_length": self.min_part_length}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.min_part_length = state["min_part_length"]
        self._cache = BoundedCache(_CACHE_LIMIT)
        self._lowercase_cache = BoundedCache(_CACHE_LIMIT)
        self._modifiers = BoundedCache(_CACHE_LIMIT)

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
        if not verbal and _name_like(word, lexicon):
            return ()
        if verbal and _verb(word, lexicon):
            return ()
        if self._inflected_whole(word, lexicon, verbal) or self._derived_whole(word, lexicon):
            return ()
        heads = _Heads(_suffix_of(word, verbal), verbal, whole)
        best = self._best(word, lexicon, self.max_parts, heads, whole=False, first=True)
        if best is None:
            return ()
        score, parts = best
        if len(parts) < 2 or score <= whole + self.margin:
            return ()
        return parts

    def _inflected_whole(self, word: str, lexicon: Lexicon, verbal: bool) -> bool:
        """Whether ``word`` is a genitive or an English gerund of a word that stays whole.

        ``Michigans`` is ``Michigan`` + s (not ``michi`` + ``gans``) and
        ``Fielding`` is English ``field`` + ing (not ``fiel`` + ``ding``): the
        word less its ending is a more frequent word of the list, so the word
        is split only as that word would be (``Kampfjets`` is more frequent
        than ``Kampfjet``: a plural of its own).  An English stem is one the
        list knows only as a rare other word (``field``; not ``eher`` of
        ``Ehering``).  So is an inhabitant's ``-er`` of a name (a word that is no
        noun form): ``Engländer`` of ``England``, not ``eng`` + ``länder``.
        """
        if word.endswith("s"):
            stem = word[:-1]
            if lexicon.frequency(stem) > lexicon.frequency(word):
                return not self._split_once(stem, verbal=verbal)
        if word.endswith("ing"):
            stem = word[:-3]
            zipf = lexicon.frequency(stem)
            return stem not in lexicon.nouns and 0.0 < zipf < _ENGLISH_ZIPF
        found = _INHABITANT.search(word)
        if found is not None:
            base = word[: found.start()]
            if not lexicon.frequency(base):
                base = _without_umlaut(base)  # Engländer: England
            if (
                len(base) > 3
                and base not in lexicon.nouns
                and lexicon.frequency(base)
                # no verb, adjective or noun stem: radfahr|en, todkrank|en, volksschul|en
                and not lexicon.frequency(base + "en")
            ):
                return not self._split_once(base)
        return False

    def _derived_whole(self, word: str, lexicon: Lexicon) -> bool:
        """Whether ``word`` is an ``-isch`` adjective of a noun in ``-ie`` or ``-ik`` that
        stays whole (``ökologische`` of ``Ökologie``, not ``öko`` + ``logische``;
        ``wirtschaftspolitische`` of ``Wirtschafts|politik`` splits)."""
        found = _ISCH.search(word)
        if found is None:
            return False
        stem = word[: found.start()]
        for ending in ("ie", "ik"):
            base = stem + ending
            if base in lexicon.nouns:
                return not self._split_once(base)
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
        if whole:
            zipf = self._head_zipf(word, lexicon, heads.verbal, heads.floor)
            if zipf:
                options.append((zipf, (word,)))
        if max_parts > 1:
            for j in range(m, len(word) - m + 1):
                found = self._modifier(word[:j], lexicon, first)
                if found is None:
                    continue
                modifier, linked, modifier_zipf = found
                if j == 3 and word.startswith("ge") and lexicon.frequency(word[2:]):
                    continue  # the prefix ge-: ge|recht, not ger|echt
                if first and not self._first_fits(modifier, lexicon, heads):
                    continue
                rest = self._best(word[j:], lexicon, max_parts - 1, heads)
                if rest is None:
                    continue
                rest_score, rest_parts = rest
                n = len(rest_parts)
                if n == 1 and not self._fits(rest_parts[0], heads, linked, lexicon, modifier):
                    continue
                score = (modifier_zipf + rest_score * n) / (n + 1)
                options.append((score, (modifier, *rest_parts)))
        if not options:
            return None
        return max(options, key=lambda o: (o[0], -len(o[1])))

    def _first_fits(self, modifier: str, lexicon: Lexicon, heads: _Heads) -> bool:
        """Whether ``modifier`` may be the word's first part.

        In a word that is no noun, a first part that is no noun
        form is an adjective (``höchst|gerichtlich``) or a frequent word that is
        no verb form (``innen|politisch``), not a fragment or a verb form
        (``ange|nehme``, ``hilf|reich``, ``gehe|issen``).
        """
        if not heads.verbal or modifier in lexicon.nouns:
            return True
        if _adjective(modifier, lexicon, _ADJECTIVE_ZIPF, 4):
            return True
        return lexicon.frequency(modifier) >= _ENGLISH_ZIPF and not _verb_form(modifier, lexicon)

    def _fits(
        self, head: str, heads: _Heads, linked: bool, lexicon: Lexicon, modifier: str
    ) -> bool:
        """Whether ``head`` may end the word after ``modifier``: it holds the word's
        suffix with a stem before it, and if the word is no noun it is no
        infinitive, nor a participle after a particle.

        ``evolution|ären``, ``heu|tiger``, ``nervi|gen``, ``lehre|rinnen``
        cut the adjective, participle or feminine suffix apart: the head of
        ``evolutionären`` must be an adjective in ``-ären`` itself.  A
        participle ending (``tau|ende``, ``wachs|enden``) is a head only after a
        linking element (``Woche|n|ende``).  A word that is no noun and ends
        in an infinitive (``hoch|fahren``: ``fahrt`` is a word too) is a verb,
        and so is one that ends in a participle after a particle, an adjective
        or an infinitive (``fest|genommen``, ``teil|nehmende``,
        ``kennen|gelernt``); after a noun it is a compound (``gen|manipuliert``).
        """
        if heads.verbal:
            if _infinitive(head, lexicon):
                return False
            if _participle(head) and (
                modifier in _PARTICLES
                or modifier not in lexicon.nouns
                or _infinitive(modifier, lexicon)
            ):
                return False
        suffix = heads.suffix
        if not suffix or (linked and suffix.startswith("end")):
            return True
        stem = 1 if suffix.startswith("end") else _SUFFIX_STEM  # Radio|sender, not t|iger
        return len(head) >= len(suffix) + stem

    def _modifier(self, region: str, lexicon: Lexicon, first: bool) -> _Modifier | None:
        """:meth:`_read_modifier`, memoised: the same regions recur in many words
        (two in three calls on news text are repeats)."""
        key = (region, first)
        found = self._modifiers.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._modifiers.put(key, self._read_modifier(region, lexicon, first))
        return found  # type: ignore[return-value]

    def _read_modifier(self, region: str, lexicon: Lexicon, first: bool) -> _Modifier | None:
        """The first part standing in ``region`` (before the head), linking element dropped,
        whether one was dropped, and the part's Zipf frequency.

        A base form plus a linking element wins over the region as it stands
        (``wochen`` → ``woche`` + n); of several bases the most frequent
        (``jahres`` → ``jahr`` + es, not ``jahre`` + s) but a base in ``-e``
        plus n over one without it plus en (``noten`` → ``note`` + n, not
        ``not`` + en) — unless the region as it stands ends in -s and is more
        frequent than that base (a genitive is rarer than its nominative:
        ``haus``, not ``hau`` + s; ``links``, not ``link`` + s), or is a more
        frequent word that is no noun (``innen``, not ``inn`` + en), or is a noun
        ten times as frequent as the base plus -n, -e or -er (a plural rarely
        is: ``boden``, not ``bode`` + n; ``fehler``, not ``fehl`` + er; but
        ``migranten`` is ``migrant`` + en).  A particle or prefix (``gegen``)
        is no base plus a linking element, and ``-er`` is a plural
        (``Kind|er``, ``Lied|er``) only after one syllable that an umlaut
        would not change (``arbeiter``, ``kammer``, ``hacker`` stand as they
        are: the plurals would be ``Kämme``, ``Häcke``).
        """
        if region in lexicon.bound:
            return None
        nouns = lexicon.nouns
        # Linking elements follow nouns (Woche|n, Lied|er), not other words.
        valid = [
            (base, link)
            for link in _LINKS_BY_LAST.get(region[-1:], ())
            if region.endswith(link)
            and len(base := region[: -len(link)]) >= self.min_part_length
            and base in nouns
            and self._modifier_zipf(base, lexicon, first)
            and (link != "er" or _er_plural(base))
        ]
        as_is = self._modifier_zipf(region, lexicon, first)
        if valid:
            if (
                len(valid) > 1
                and (region[:-1], "n") in valid
                and nouns[region[:-1]] >= self.min_other_zipf
                and lexicon.frequency(region[:-2] + "s") < _GENITIVE_ZIPF
            ):  # Note|n, not Not|en; but Stern|en (Sterns: Sterne is its plural)
                valid = [(b, link) for b, link in valid if link != "en"]
            base, link = max(valid, key=lambda v: nouns[v[0]])
            if not as_is:
                return base, True, nouns[base]
            gain = as_is - nouns[base]
            if region.endswith("s"):  # a genitive is rarer than its nominative
                if gain <= 0.0:
                    return base, True, nouns[base]
            elif region not in nouns or link == "en":
                if region in nouns or gain <= 0.0:
                    return base, True, nouns[base]
            elif gain < 1.0:  # a plural is rarely 10× its singular: Fehler, Boden
                return base, True, nouns[base]
        return (region, False, as_is) if as_is else None

    def _strong(self, part: str, zipf: float) -> bool:
        """Whether ``part`` is frequent enough for its length to be a word, not a fragment.

        Three- and four-letter strings are often endings or syllables that the
        word list holds as rare words (``gan``, ``aren``, ``alen``, ``gege``).
        """
        return zipf >= max(self.min_zipf, _SHORT_PART_ZIPF.get(len(part), 0.0))

    def _modifier_zipf(self, part: str, lexicon: Lexicon, first: bool) -> float:
        """The Zipf frequency of ``part`` if it may stand before the head, else 0.0:
        a noun form, or a frequent other word as the first part only
        (``Fein|staub``, not ``sau|erst|off``) — among them the three-letter
        adjectives, which the lexicon holds as never-parts (``roh``, ``neu``)."""
        zipf = lexicon.modifiers.get(part)
        if zipf is None:
            if first and len(part) == 3 and part not in _NOT_MODIFIERS:
                zipf = lexicon.frequency(part)
                if zipf >= self.min_other_zipf and _short_adjective(part, lexicon):
                    return zipf
            return 0.0
        if not self._strong(part, zipf):
            return 0.0
        return zipf if part in lexicon.nouns or (first and zipf >= self.min_other_zipf) else 0.0

    def _head_zipf(self, part: str, lexicon: Lexicon, verbal: bool, floor: float) -> float:
        """The Zipf frequency of ``part`` if it may be the head, else 0.0: a noun form,
        or in a word that is no noun also an adjective or participle
        (``widerstands|fähig``, ``tage|lang``, ``gen|manipuliertes``) at least
        ``floor`` frequent: a compound is rarer than its adjective head (not
        ``alter|nativer``)."""
        if len(part) < self.min_part_length:
            return 0.0
        zipf = lexicon.nouns.get(part)
        if zipf is not None:
            return zipf if self._strong(part, zipf) else 0.0
        if not verbal or part in _NOT_HEADS or part in _NOT_MODIFIERS:
            return 0.0
        zipf = lexicon.frequency(part)
        if zipf < floor or not self._strong(part, zipf):
            return 0.0
        if len(part) == 3:  # neu, tot (brand|neu), not a pronoun's der
            return zipf if _short_adjective(part, lexicon) else 0.0
        for ending in _ADJECTIVE_ENDINGS:
            if part.endswith(ending):
                stem = part[: len(part) - len(ending)]
                # all four forms in use, three of them as often as an adjective's
                if _adjective(stem, lexicon, _ADJECTIVE_ZIPF) and _adjective(
                    stem, lexicon, self.min_zipf, 4
                ):
                    return zipf
        return 0.0


#: What :meth:`CompoundSplitter._modifier` finds: the part, whether a linking
#: element was dropped, and its Zipf frequency.
_Modifier = tuple[str, bool, float]
#: A memo's marker of a key not seen yet (``None`` is a result).
_UNKNOWN: Final = object()


@dataclass(frozen=True)
class _Heads:
    """What the head of a word must be: holding ``suffix`` (if any), no infinitive if
    ``verbal``, and an adjective head at least ``floor`` frequent (the whole word's Zipf)."""

    suffix: str
    verbal: bool
    floor: float = 0.0


def _name_like(word: str, lexicon: Lexicon) -> bool:
    """Whether ``word`` is a place or family name: the lexicon knows it, but as no
    noun form, and it ends in a name ending (:data:`_NAME_ENDINGS`: ``Kaindorf``,
    ``Mariazeller``, ``Habermann``)."""
    if not (
        word.endswith(_NAME_ENDINGS)
        and word not in lexicon.nouns
        and word not in lexicon.bound
        and lexicon.frequency(word) > 0.0
    ):
        return False
    # A compound whose head is a noun ending in one (Landesparteiobmann,
    # Wirtschaftsfachmann) is no name.
    nouns = lexicon.nouns
    return not any(word[at:] in nouns for at in range(1, len(word) - 5))


def _adjective(stem: str, lexicon: Lexicon, zipf: float, forms: int = 3) -> bool:
    """Whether ``stem`` is an adjective's (or participle's) stem: at least ``forms``
    of its forms in ``-e``, ``-en``, ``-er``, ``-es`` are at least ``zipf``
    frequent (``fähig``: fähige, fähigen, fähiger; not a verb's ``lern``: lerne, lernen)."""
    if len(stem) < 3:
        return False
    missing = 4 - forms
    for ending in ("e", "en", "er", "es"):
        if lexicon.frequency(stem + ending) < zipf:
            missing -= 1
            if missing < 0:
                return False
    return True


def _without_umlaut(stem: str) -> str:
    """``stem`` with its last umlaut undone (``engländ`` → ``england``)."""
    for at in range(len(stem) - 1, -1, -1):
        if stem[at] in "äöü":
            return stem[:at] + stem[at].translate(_UMLAUT) + stem[at + 1 :]
    return stem


def _verb_form(word: str, lexicon: Lexicon) -> bool:
    """Whether ``word`` reads as a verb form: an infinitive, or a stem or first person
    in ``-e`` whose stem has ``-en`` and ``-t`` forms (``frag``, ``gehe``: gehen, geht)."""
    stem = word[:-1] if word.endswith("e") else word
    if lexicon.frequency(stem + "en") and lexicon.frequency(stem + "t"):
        return True
    return _infinitive(word, lexicon)


def _zu_infinitive(word: str, lexicon: Lexicon) -> bool:
    """Whether ``word`` is the ``zu``-infinitive of a particle verb: something, ``zu``
    and an infinitive (``bekanntzugeben``, ``anzugreifen``, ``festzulegen``)."""
    at = word.find("zu", 2)
    while at != -1:
        rest = word[at + 2 :]
        if len(rest) >= 4 and rest.endswith("n") and _infinitive(rest, lexicon):
            return True
        at = word.find("zu", at + 1)
    return False


def _verb(word: str, lexicon: Lexicon) -> bool:
    """Whether the lowercase ``word`` is a verb form that stays whole: an infinitive
    (``schwanken``), a particle verb's infinitive or participle (``fest|legen``,
    ``fest|setzen``, ``zu|geschlagen``, ``allein|gelassen``) or its
    ``zu``-infinitive (``bekannt|zu|geben``, ``an|zu|greifen``)."""
    if _infinitive(word, lexicon) or _zu_infinitive(word, lexicon):
        return True
    for at in range(2, min(len(word) - 3, 12)):
        particle = word[:at]
        if particle in _PARTICLES or particle in _NOT_MODIFIERS or particle in _SEPARABLE:
            rest = word[at:]
            if rest.startswith("ge") and _participle(rest) and lexicon.frequency(rest):
                return True
            # fest|legen, though leger is an adjective (as _infinitive would have it)
            if rest.endswith("en") and lexicon.frequency(rest[:-2] + "t") and rest in lexicon.nouns:
                return True
    return False


def _short_adjective(word: str, lexicon: Lexicon) -> bool:
    """Whether the three-letter ``word`` is an adjective: all its four forms are in
    use (``roh``: rohe, rohen, roher, rohes; not a verb's ``hab`` or a name's ``tim``)."""
    return _adjective(word, lexicon, _SHORT_ADJECTIVE_ZIPF, 4)


def _participle(head: str) -> bool:
    """Whether ``head`` reads as a participle: a ``ge-`` form ending in -t or -en
    (``genommen``, ``gelegte``) or a present participle (``nehmende``)."""
    for ending in _ADJECTIVE_ENDINGS:
        if head.endswith(ending):
            stem = head[: len(head) - len(ending)]
            if stem.endswith("end") or (
                stem.startswith("ge") and stem.endswith(("t", "en")) and len(stem) > 4
            ):
                return True
    return False


def _er_plural(base: str) -> bool:
    """Whether ``base`` + er can be its plural: one syllable whose vowel no umlaut
    changes (``Kind|er``, ``Lied|er``, ``Geist|er``; ``Kamm`` would be ``Kämm|er``)."""
    vowels = _VOWELS.findall(base)
    return len(vowels) == 1 and vowels[0] in _ER_VOWELS


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
    found = ""
    if word.endswith(SUFFIXES):  # most words have none: no loop
        found = next(suffix for suffix in SUFFIXES if word.endswith(suffix))
    if verbal and word.endswith(VERBAL_SUFFIXES):
        other = next(suffix for suffix in VERBAL_SUFFIXES if word.endswith(suffix))
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
