"""newssearch.punkt, the port of NLTK's Punkt inference: the same sentence spans as
NLTK's ``PunktSentenceTokenizer`` with the same parameters, without importing NLTK."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newssearch.sentences as sentences_module
from conftest import seed_article
from newssearch.punkt import PunktParameters, PunktSentenceTokenizer

#: NLTK 3.10.2 made curly quotes and guillemets closing punctuation; the port
#: follows it, so an older NLTK splits ``„…“`` differently.
NLTK_MIN = (3, 10, 2)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


@pytest.fixture(scope="module")
def ours() -> PunktSentenceTokenizer:
    return PunktSentenceTokenizer(sentences_module._parameters())


@pytest.fixture(scope="module")
def nltks() -> Any:
    """NLTK's tokenizer with NLTK parameters built from the same data as ours."""
    nltk = pytest.importorskip("nltk")
    if _version(nltk.__version__) < NLTK_MIN:
        pytest.skip(f"NLTK {nltk.__version__} predates the Punkt the port follows (3.10.2)")
    from nltk.tokenize.punkt import PunktParameters as NltkParameters
    from nltk.tokenize.punkt import PunktSentenceTokenizer as NltkTokenizer

    params = sentences_module._parameters()
    theirs = NltkParameters()
    theirs.abbrev_types = set(params.abbrev_types)
    theirs.collocations = set(params.collocations)
    theirs.sent_starters = set(params.sent_starters)
    theirs.ortho_context.update(params.ortho_context)
    return NltkTokenizer(theirs)


def assert_same_spans(ours: PunktSentenceTokenizer, nltks: Any, text: str) -> None:
    for realign in (True, False):
        expected = list(nltks.span_tokenize(text, realign_boundaries=realign))
        got = list(ours.span_tokenize(text, realign_boundaries=realign))
        assert got == expected, (text, realign)


# -- the bundled corpus, line by line as SentenceSplitter splits it -----------------------


def corpus_lines() -> list[str]:
    from newssearch.sample import sample_articles

    lines = []
    for article in [*sample_articles(), seed_article()]:
        for text in (article.title, article.lead, article.body):
            lines.extend(line for line in text.split("\n") if line.strip())
    return lines


def test_every_line_of_the_corpus_splits_as_nltk_splits_it(
    ours: PunktSentenceTokenizer, nltks: Any
) -> None:
    lines = corpus_lines()
    assert len(lines) > 2000
    different = [
        line
        for line in lines
        if list(ours.span_tokenize(line)) != list(nltks.span_tokenize(line))
        or list(ours.span_tokenize(line, False)) != list(nltks.span_tokenize(line, False))
    ]
    assert different == []


def test_whole_texts_with_line_breaks_split_as_nltk_splits_them(
    ours: PunktSentenceTokenizer, nltks: Any
) -> None:
    from newssearch.sample import sample_articles

    for article in list(sample_articles())[::20]:
        assert_same_spans(ours, nltks, f"{article.title}\n\n{article.lead}\n{article.body}\n")


# -- hand-written tricky lines -----------------------------------------------------------

TRICKY = [
    # abbreviations
    "Das gilt z.B. für Wien. Danach war Ruhe.",
    "Das gilt z. B. für Wien. Danach war Ruhe.",
    "Laut Dr. Müller ist das falsch. Er widerspricht.",
    "Prof. Dr. med. Huber operierte. Es ging gut.",
    "Es gibt Äpfel, Birnen usw. Das reicht.",
    "Es gibt Äpfel, Birnen usw. und noch mehr.",
    "Es ging d. h. um die Sache. U. a. war er dort.",
    "Mio. Euro wurden ausgegeben. Mrd. auch.",
    "Er wohnt in der Hauptstr. 5. Dort ist es ruhig.",
    "Die sog. Experten (vgl. Kapitel 3) irrten. Ca. 500 kamen.",
    "Die U.S.A. und die EU. Beide verhandeln.",
    "Er ist Nr. 1. Das freut ihn.",
    # ordinals and dates
    "Die Wahl findet am 15. August statt. Danach wird gezählt.",
    "Am 3. Oktober 1990 kam die Einheit. Am 9. November 1989 fiel die Mauer.",
    "Er kam am 15. Danach ging er.",
    "Er kam am 15. August. Dann ging er.",
    "Der 1. FC Köln gewann. 2. Bundesliga.",
    "Er wurde am 1.1.2020 geboren. Sie am 2. 2. 2021.",
    "3. Liga. 4. Platz.",
    # initials
    "J. R. R. Tolkien schrieb den Herrn der Ringe. Er war Professor.",
    "Johann S. Bach komponierte viel. Er starb 1750.",
    "Sie hieß Anna B. aus Wien. Sie war 23.",
    "Das sagte Husam M. Dann schwieg er.",
    # ellipses
    "Er zögerte... Dann sprach er. Und dann … nichts.",
    "Warte . . . was? Nein.",
    "Und dann...? Nichts.",
    # quotes and brackets
    "„Das geht nicht.“ Dann ging sie.",
    "Sie sagte: „Das geht nicht.“ Dann ging sie.",
    "Er rief: „Halt!“ Niemand hörte es.",
    "Er fragte: „Wer?“ – und schwieg.",
    "«Nein», sagte er. »Niemals.« Dann ging er.",
    "Er sagte: ‚Nein.‘ Dann ging er.",
    'Er sagte: "Ja." Sie: "Nein!" Ende.',
    "Sie schrieb: 'Gut.' Er las es.",
    "Zitat Ende.“ Dann kam er.",
    "Er war dort (im Mai.) Dann nicht mehr.",
    "Er war dort (vgl. Kapitel 3). Dann nicht mehr.",
    "Die Partei (SPÖ) gewann. [Anm. d. Red.: Das stimmt.] Weiter.",
    "Die Firma (GmbH.) wächst. Gut so.",
    "Er sagte -- und das ist wichtig -- nein. Dann ging er.",
    # numbers and URLs
    "Die Stadt hat 1.000.000 Einwohner. Das sind 3,5 Prozent mehr.",
    "Das kostet 1.000.000. Euro? Nein.",
    "Um 21.30 Uhr war Schluss. Die Inflation lag bei 1,5 Prozent.",
    "Der Preis stieg um 5 %. Das ist viel.",
    "Mehr unter https://www.orf.at/stories/3.14/. Das war es.",
    "Siehe www.derstandard.at. Dort steht es. Oder auf derstandard.at/2000.html?",
    "Schreiben Sie an info@example.org. Wir antworten.",
    # ?, ! and their runs
    "Was?! Das kann nicht sein!? Doch.",
    "Wirklich?!! Ja!!! Gut.",
    "Warum? Weil. Darum!",
    # whitespace and edges
    "  Führende Leerzeichen. Und Ende  ",
    "Tab\tgetrennt. Satz\u00a0mit geschütztem Leerzeichen. Ende.",
    "Zeilen\r\nmit CR. Und\nLF. Und\n\nLeerzeilen.",
    "Kein Satzende",
    "ENDE. Neue Zeile.",
    "Das war's. Oder?",
    ".",
    "...",
    "?!",
    "a.",
    "",
    " ",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_lines_split_as_nltk_splits_them(
    ours: PunktSentenceTokenizer, nltks: Any, text: str
) -> None:
    assert_same_spans(ours, nltks, text)


# -- random text from German news pieces --------------------------------------------------

PIECES = [
    *("Dr.", "z.B.", "z. B.", "usw.", "Nr.", "ca.", "vgl.", "Prof.", "d. h.", "u.a."),
    *(". ", "? ", "! ", "?!", ".", "..", "...", "…", ". . .", "!!", "?", "!"),
    *("15.", "1.", "2021", "1.000.000", "3,5", "21.30", "5 %", "1.1.2020"),
    *("„", "“", "”", "‚", "‘", "«", "»", '"', "'", "(", ")", "[", "]", "{", "}"),
    *("-", "--", "–", ",", ";", ":", "*", "@", "&", "#", "/"),
    *("Der", "die", "Er", "und", "August", "Mai", "Wien", "Müller", "J.", "R.", "A.", "ö."),
    *("ÖSTERREICH", "Äpfel", "straße", "US-Regierung", "www.orf.at", "https://a.at/b.c?d=1."),
    *(" ", " ", " ", "  ", "\t", "\n", "\n\n", "\r", "\u00a0"),
]


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_random_text_splits_as_nltk_splits_it(
    ours: PunktSentenceTokenizer, nltks: Any, text: str
) -> None:
    assert_same_spans(ours, nltks, text)


# -- no NLTK at runtime ----------------------------------------------------------------------


def test_splitting_sentences_imports_neither_nltk_nor_numpy() -> None:
    code = (
        "import sys\n"
        "from newssearch.sentences import SentenceSplitter\n"
        "print(SentenceSplitter().spans('Das ist z.B. so. Am 15. August kam er. „Ja.“ Gut.'))\n"
        "print(sorted(m for m in ('nltk', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    spans, loaded = done.stdout.splitlines()
    assert spans == "[(0, 16), (17, 38), (39, 44), (45, 49)]"
    assert loaded == "[]"


def test_the_port_needs_no_parameters_to_split() -> None:
    """Empty parameters: every period that is not part of an ellipsis ends a sentence."""
    text = "Dr. Müller kam. Er ging… Ende"
    spans = list(PunktSentenceTokenizer().span_tokenize(text))
    assert [text[a:b] for a, b in spans] == ["Dr.", "Müller kam.", "Er ging… Ende"]


def test_parameters_are_ours_not_nltks() -> None:
    params = sentences_module._parameters()
    assert isinstance(params, PunktParameters)
    assert ("##number##", "august") in params.collocations
