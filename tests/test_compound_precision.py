"""Compound splitting never invents words (issue: precision in running text).

A part that comes out as its word's own term is not given twice, and
inflection endings (``-sen`` of ``-nissen``) are never parts.  Names,
adjectives, participles and particle verbs are not cut into invented parts,
and real compounds still split (``tests/test_compound_golden.py`` searches).
"""

from __future__ import annotations

import pytest

from newssearch.analysis import analyze, german_analyzer
from newssearch.analysis.compounds import CompoundSplitter
from newssearch.sample import sample_articles


def test_a_part_that_is_its_words_own_term_is_not_given_twice() -> None:
    terms = [(t.text, t.position) for t in analyze("Befugnissen")]
    assert terms == [("befugnis", 0)]


def test_inflection_endings_are_not_parts() -> None:
    splitter = CompoundSplitter()
    assert splitter.split("befugnissen") == ()
    assert splitter.split("forschungsergebnissen") == ("forschung", "ergebnissen")


def test_no_term_is_given_twice_at_one_position_in_the_corpus() -> None:
    analyzer = german_analyzer()
    for article in sample_articles()[::25]:
        seen = [(t.text, t.pos) for t in analyzer(article.body, positions=True, mode="index")]
        assert len(seen) == len(set(seen)), article.id


# Split only where the evidence is good (issue 17) --------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "fielding",  # English field + ing, not fiel + ding
        "michigans",  # Michigan + s, not michi + gans
        "evolutionären",  # the adjective suffix -ären is no head
        "inflationären",
        "heutiger",  # heu + tiger cuts -iger apart
        "nervigen",
        "tausende",  # a participle's -ende is a head only after a linking element
        "wachsenden",
        "lehrerinnen",  # lehre + rinnen cuts -erinnen apart
        "gegenlicht",  # gegen is a particle, not gege + n
        "voraussicht",  # voraus is a particle
        "magdalen",  # alen: too rare for a four-letter part
        "polnisches",
        "hartmann",  # as frequent as a name, and no noun form
        "donnerstag",  # the days of the week are single words
    ],
)
def test_names_adjectives_and_particles_are_not_split(word: str) -> None:
    assert CompoundSplitter().split(word) == ()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("zeitachsen", ("zeit", "achsen")),  # not zeit + ach + sen
        ("sauerstoff", ("sauer", "stoff")),  # an adjective is a first part only: not sau|erst|off
        ("innenminister", ("innen", "minister")),  # a frequent non-noun beats inn + en
        ("rathausplatz", ("rat", "haus", "platz")),  # the full flat split, haus not hau + s
        ("wochenende", ("woche", "ende")),  # -ende after a linking element
        ("radiosender", ("radio", "sender")),  # -ender with a stem: a noun
        ("kleinspenden", ("klein", "spenden")),
        ("bundeslehrerinnen", ("bund", "lehrerinnen")),
        ("schlüsselring", ("schlüssel", "ring")),  # -ing of a German word
        ("kampfjets", ("kampf", "jets")),  # a plural more frequent than its singular
        ("bundesstaats", ("bund", "staats")),  # a genitive splits as its word does
    ],
)
def test_real_compounds_still_split(word: str, parts: tuple[str, ...]) -> None:
    assert CompoundSplitter().split(word) == parts


def test_a_lowercase_word_with_an_infinitive_head_is_a_particle_verb() -> None:
    splitter = CompoundSplitter()
    assert splitter.split("hochfahren", noun=False) == ()
    assert splitter.split("weiterfahren", noun=False) == ()
    assert splitter.split("zufriedenstellen", noun=False) == ()
    assert splitter.split("hochfahren") == ("hoch", "fahren")  # das Hochfahren: a noun
    # an adjective's -en is no infinitive
    assert splitter.split("einflussreichen", noun=False) == ("einfluss", "reichen")
    assert splitter.lowercase_splits.get("hochfahren") == ()
    assert splitter.splits.get("hochfahren") == ("hoch", "fahren")


def test_a_frequent_non_noun_stays_whole_only_when_capitalised() -> None:
    splitter = CompoundSplitter()
    assert splitter.split("hartmann") == ()
    assert splitter.split("erfolgreich", noun=False) == ("erfolg", "reich")


def test_the_analyzer_splits_by_the_case_in_the_text() -> None:
    terms = {t.text for t in analyze("Das Hochfahren, dann hochfahren.")}
    assert {"hoch", "fahr"} <= terms
    lowercase = {t.text for t in analyze("dann hochfahren")}
    assert lowercase == {"hochfahr"}


# Names, linking elements and adjective heads (issue 17, second round) -------------------------


@pytest.mark.parametrize(
    "word",
    [
        "kaindorf",  # known, but as no noun form, and in a place name's ending
        "kaindorfs",
        "mariazeller",  # the place's -er
        "hartberg",
        "habermann",
        "engländer",  # England's inhabitant, not eng + länder
        "engländerin",
        "handlungen",  # -ungen is no head after one letter: not hand + lungen
    ],
)
def test_names_and_their_inhabitants_stay_whole(word: str) -> None:
    assert CompoundSplitter().split(word) == ()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("feriendorf", ("ferien", "dorf")),  # a noun form: no name
        ("landesparteiobmann", ("land", "partei", "obmann")),  # its head is a noun in -mann
        ("notenbank", ("note", "bank")),  # Note + n, not Not + en
        ("rundenzeiten", ("runde", "zeiten")),
        ("sternenbanner", ("stern", "banner")),  # Sterns: Sterne is Stern's plural
        ("linkspartei", ("links", "partei")),  # a genitive is rarer than its nominative
        ("arbeiterkammer", ("arbeiter", "kammer")),  # -er is a plural after one syllable only
        ("hackerangriffe", ("hacker", "angriffe")),  # Hack would be Häcker
        ("kinderarzt", ("kind", "arzt")),
        ("liederbuch", ("lied", "buch")),
        ("fehlerquote", ("fehler", "quote")),  # ten times as frequent as Fehl
        ("bodenschätze", ("boden", "schätze")),  # ten times as frequent as Bode
        ("rohstoffpreisen", ("roh", "stoff", "preisen")),  # a three-letter adjective
        ("neubau", ("neu", "bau")),
    ],
)
def test_the_likeliest_reading_of_a_linking_element_wins(word: str, parts: tuple[str, ...]) -> None:
    assert CompoundSplitter().split(word) == parts


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("tagelang", ("tag", "lang")),
        ("widerstandsfähig", ("widerstand", "fähig")),
        ("genmanipuliertes", ("gen", "manipuliertes")),  # a participle after a noun
        ("hochprofessionell", ("hoch", "professionell")),
        ("selbstständige", ("selbst", "ständige")),
        ("mitteleuropäische", ("mittel", "europäische")),
        ("nationalsozialistische", ("national", "sozialistische")),
        ("höchstgerichtlich", ("höchst", "gerichtlich")),  # an adjective as first part
        ("computergesteuert", ("computer", "gesteuert")),
    ],
)
def test_a_lowercase_word_may_end_in_an_adjective(word: str, parts: tuple[str, ...]) -> None:
    splitter = CompoundSplitter()
    assert splitter.split(word, noun=False) == parts
    assert splitter.split(word) in {parts, ()}  # a noun's head is a noun


@pytest.mark.parametrize(
    "word",
    [
        "festgenommen",  # a particle verb's participle
        "zugeschlagen",
        "teilnehmende",
        "bekanntzugeben",  # its zu-infinitive, not bekannt + zug + eben
        "festlegen",  # its infinitive
        "schwanken",  # an infinitive, not schwan + ken
        "gerecht",  # the prefix ge-, not ger + echt
        "ökologische",  # the adjective of Ökologie, not öko + logische
        "allergrößten",  # aller- and beider- are pronouns
        "beiderseitig",
        "minderjährigen",  # -jährig is a word only after a number
        "irgendwie",
        "außerhalb",
        "neuester",  # neu's superlative, not neu + ester
        "hilfreich",  # hilf is a verb form, no first part
        "angenehme",  # ange is a fragment
    ],
)
def test_lowercase_verbs_and_derivations_stay_whole(word: str) -> None:
    assert CompoundSplitter().split(word, noun=False) == ()
