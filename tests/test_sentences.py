"""The Punkt sentence splitter trained on German news: abbreviations and dates do
not end sentences, ordinary sentence ends do, offsets are exact, nothing is
downloaded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import nltk
import nltk.data
import nltk.downloader
import pytest

import newssearch.sentences as sentences_module
from conftest import seed_article
from newssearch.sentences import SentenceSplitter


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    return SentenceSplitter()


def sentences(splitter: SentenceSplitter, text: str) -> list[str]:
    return [text[a:b] for a, b in splitter.spans(text)]


# -- abbreviations and ordinals do not end a sentence --------------------------------


@pytest.mark.parametrize(
    "first",
    [
        "Das gilt z.B. für Wien.",
        "Das gilt z.B. auch für Graz.",
        "Laut Dr. Müller ist das falsch.",
        "Das sagte Dr. Anna Berger im Interview.",
        "Die sog. Experten waren sich einig.",
        "Die sog. Sicherheitsgarantien sind umstritten.",
        "Das steht im Bericht (vgl. Kapitel 3).",
        "Das widerspricht der Studie, vgl. Seite 12.",
        "Prof. Schmidt hält die Rede.",
        "Er sprach mit Prof. Dr. Huber über die Reform.",
        "Es kamen ca. 500 Menschen.",
        "Die Sanierung kostet ca. 1,5 Milliarden Euro.",
        "Das Gesetz Nr. 12 gilt ab sofort.",
        "Der Bus Nr. 13A fällt aus.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(splitter: SentenceSplitter, first: str) -> None:
    second = "Danach war Ruhe."
    assert sentences(splitter, f"{first} {second}") == [first, second]


DATE_MONTHS = [
    "Jänner",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


@pytest.mark.parametrize("month", DATE_MONTHS)
@pytest.mark.parametrize("day", [1, 3, 15, 31])
def test_ordinal_day_of_a_date_does_not_end_a_sentence(
    splitter: SentenceSplitter, day: int, month: str
) -> None:
    first = f"Die Wahl findet am {day}. {month} statt."
    assert sentences(splitter, f"{first} Danach wird gezählt.") == [first, "Danach wird gezählt."]


def test_the_documented_example(splitter: SentenceSplitter) -> None:
    text = "Das ist z.B. so. Am 15. August kam er."
    assert splitter.spans(text) == [(0, 16), (17, 38)]


# -- ordinary sentence ends ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Zug kommt. Er ist spät.", ["Der Zug kommt.", "Er ist spät."]),
        (
            "Der Zug kommt. Er ist spät! Warum? Niemand weiß es.",
            ["Der Zug kommt.", "Er ist spät!", "Warum?", "Niemand weiß es."],
        ),
        ("Er kam am 15. August. Dann ging er.", ["Er kam am 15. August.", "Dann ging er."]),
        ("Er ist Nr. 1. Das freut ihn.", ["Er ist Nr. 1.", "Das freut ihn."]),
        (
            "Er kam um 8 Uhr an. 15 Minuten später ging er.",
            ["Er kam um 8 Uhr an.", "15 Minuten später ging er."],
        ),
        ("Das war 2021. Im Jahr danach nicht.", ["Das war 2021.", "Im Jahr danach nicht."]),
        (
            'Sie sagte: "Das geht nicht." Dann ging sie.',
            ['Sie sagte: "Das geht nicht."', "Dann ging sie."],
        ),
        (
            "Um 21.30 Uhr war Schluss. Die Inflation lag bei 1,5 Prozent.",
            ["Um 21.30 Uhr war Schluss.", "Die Inflation lag bei 1,5 Prozent."],
        ),
        (
            "Die Ukraine-Krise dauert an. Die US-Regierung handelt.",
            ["Die Ukraine-Krise dauert an.", "Die US-Regierung handelt."],
        ),
    ],
)
def test_ordinary_sentence_ends_split(
    splitter: SentenceSplitter, text: str, expected: list[str]
) -> None:
    assert sentences(splitter, text) == expected


def test_line_breaks_end_sentences(splitter: SentenceSplitter) -> None:
    text = "Kreml gibt Details bekannt\nEs war die erste Äußerung.\n\nZweiter Absatz ohne Punkt"
    assert sentences(splitter, text) == [
        "Kreml gibt Details bekannt",
        "Es war die erste Äußerung.",
        "Zweiter Absatz ohne Punkt",
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \n \t"])
def test_no_text_no_sentences(splitter: SentenceSplitter, text: str) -> None:
    assert splitter.spans(text) == []


# -- offsets -------------------------------------------------------------------------------


def offset_texts() -> Iterator[str]:
    article = seed_article()
    yield article.lead
    yield article.body
    yield "Das ist z.B. so. Am 15. August kam er.  Dr. Müller   widerspricht.  \n\nNeu.\r\nEnde."
    yield "Eins.\tZwei.\u00a0Drei. Vier"


@pytest.mark.parametrize("text", list(offset_texts()), ids=["lead", "body", "mixed", "spaces"])
def test_offsets_slice_back_to_the_sentences(splitter: SentenceSplitter, text: str) -> None:
    spans = splitter.spans(text)
    assert spans
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip(), repr(sentence)
        assert text[previous_end:start].strip() == "", "text between sentences was lost"
        previous_end = end
    assert text[previous_end:].strip() == ""


def test_the_seed_body_splits_where_expected(splitter: SentenceSplitter) -> None:
    found = sentences(splitter, seed_article().body)
    assert "Kreml gibt Details zum Alaska-Treffen bekannt" in found
    assert (
        "Nach Angaben des Kremls werden sich Putin und Trump am Freitag gegen 11.30 Uhr "
        "(Ortszeit, 21.30 Uhr MESZ) auf einem US-Stützpunkt in Alaska treffen." in found
    )
    assert "Details nannte er nicht." in found
    assert len(found) > 30


# -- offline -----------------------------------------------------------------------------------


def test_never_downloads_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"NLTK data was requested: {args} {kwargs}")

    monkeypatch.setattr(nltk, "download", forbidden)
    monkeypatch.setattr(nltk.downloader, "download", forbidden)
    monkeypatch.setattr(nltk.downloader.Downloader, "download", forbidden)
    monkeypatch.setattr(nltk.data, "load", forbidden)
    monkeypatch.setattr(nltk.data, "find", forbidden)
    sentences_module._parameters.cache_clear()  # load the shipped parameters again
    try:
        fresh = SentenceSplitter()
        assert sentences(fresh, "Das ist z.B. so. Am 15. August kam er.") == [
            "Das ist z.B. so.",
            "Am 15. August kam er.",
        ]
    finally:
        sentences_module._parameters.cache_clear()


def test_a_fresh_process_needs_no_nltk_data(tmp_path: Path) -> None:
    code = (
        "import nltk, nltk.data\n"
        "def boom(*a, **k): raise SystemExit('NLTK data was requested')\n"
        "nltk.download = nltk.data.load = nltk.data.find = boom\n"
        "from newssearch.sentences import SentenceSplitter\n"
        "print(SentenceSplitter().spans('Dr. Müller kam am 1. Mai. Er ging.'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[(0, 25), (26, 34)]"


def test_parameters_are_shipped_with_the_package() -> None:
    data = resources.files("newssearch").joinpath("data/punkt_de.json.gz")
    assert data.is_file()
    params = sentences_module._parameters()
    assert {"dr", "z.b", "sog", "vgl", "prof", "ca", "nr"} <= params.abbrev_types


def test_splitting_around_ranges_finds_the_sentences_splitting_everything_finds() -> None:
    """spans_around() splits only near the ranges, and agrees with spans()."""
    import random

    from newssearch.sample import sample_articles

    splitter = SentenceSplitter()
    rng = random.Random(7)
    for article in list(sample_articles())[::4]:
        text = "\n\n".join(t for t in (article.lead, article.body) if t)
        everything = splitter.spans(text)
        for margin in (5, 100, 400):
            ranges = []
            for _ in range(rng.randrange(1, 5)):
                start = rng.randrange(len(text))
                ranges.append((start, min(len(text), start + rng.randrange(1, 300))))
            got = splitter.spans_around(text, ranges, margin=margin)
            overlapping = [s for s in everything if any(s[0] < b and s[1] > a for a, b in ranges)]
            assert got == sorted(set(got))
            assert set(overlapping) <= set(got) <= set(everything), (article.id, ranges)
