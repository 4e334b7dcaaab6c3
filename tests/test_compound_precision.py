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
