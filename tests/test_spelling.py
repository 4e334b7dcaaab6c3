"""Did you mean: newssearch.spelling."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import build_index
from newssearch.article import Article
from newssearch.spelling import Speller, SpellingOptions, Suggestion, damerau_levenshtein

# Normalised words (as the exact fields hold them) and their frequencies.
WORDS = {
    "fluchtlingskrise": 40,
    "fluchtlinge": 80,
    "faymann": 60,
    "regierung": 120,
    "osterreich": 200,
    "strasse": 30,
    "muller": 25,
    "bundeskanzler": 70,
    "sebastian": 50,
    "kanzler": 90,
    "kanzlers": 3,
    "brauchen": 60,
    "rauchen": 4,
    "wien": 150,
    "wein": 12,
    "haus": 40,
    "hause": 2,
}
SURFACES = {
    "fluchtlingskrise": "Flüchtlingskrise",
    "osterreich": "Österreich",
    "faymann": "Faymann",
}


@pytest.fixture
def speller() -> Speller:
    return Speller(WORDS, surface=SURFACES.get)


def corrected(speller: Speller, text: str) -> str | None:
    found = speller.suggest(text)
    return None if found is None else found.query


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Regierugn", "Regierung"),  # transposition
        ("Regierng", "Regierung"),  # dropped letter
        ("Regierrung", "Regierung"),  # doubled letter
        ("Regieruhg", "Regierung"),  # neighbouring key
        ("Flüchtlingkrise", "Flüchtlingskrise"),  # missing linking s
        ("Bundesskanzler", "Bundeskanzler"),  # extra linking s
        ("Faymnn", "Faymann"),  # name
        ("Sbeastian", "Sebastian"),
        ("Fluechtlingkrise", "Flüchtlingskrise"),  # ue spelling plus a typo
        ("Bundeskannzlerr", "Bundeskanzler"),  # distance 2 in a long word
    ],
)
def test_each_kind_of_typo_is_corrected(speller: Speller, typed: str, meant: str) -> None:
    assert corrected(speller, typed) == meant


@pytest.mark.parametrize(
    "text", ["Osterreich", "Oesterreich", "Österreich", "Strasse", "Straße", "Mueller", "Müller"]
)
def test_umlaut_and_sharp_s_spellings_are_not_typos(speller: Speller, text: str) -> None:
    assert speller.suggest(text) is None


@pytest.mark.parametrize("text", ["Wein", "Kanzlers", "rauchen", "Hause", "Wien Regierung"])
def test_known_words_are_kept(speller: Speller, text: str) -> None:
    # Wein is frequent enough; Kanzlers/Hause are inflections of frequent words;
    # rauchen -> brauchen is not a typical slip.
    assert speller.suggest(text) is None


def test_a_word_found_often_is_never_corrected() -> None:
    words = {"haus": 10, "hausen": 100_000}
    assert Speller(words).suggest("Haus") is None
    assert Speller(words, options=SpellingOptions(keep=11)).suggest("Haus") is None  # inflection
    assert Speller({"wein": 10, "wien": 1_000}).suggest("Wein") is None


def test_a_rare_known_word_is_corrected_to_a_slip_far_more_frequent() -> None:
    speller = Speller({"faymann": 100, "faymnan": 1})
    assert corrected(speller, "Faymnan") == "Faymann"
    assert Speller({"faymann": 9, "faymnan": 1}).suggest("Faymnan") is None  # not 10x


@pytest.mark.parametrize("text", ["", "   ", "a", "12345", "der die das", "?!", "x" * 500, "Wien"])
def test_empty_and_odd_input_gives_no_suggestion(speller: Speller, text: str) -> None:
    assert speller.suggest(text) is None


def test_case_is_kept(speller: Speller) -> None:
    assert corrected(speller, "faymnn") == "faymann"
    assert corrected(speller, "Faymnn") == "Faymann"
    assert corrected(speller, "FAYMNN") == "FAYMANN"
    assert corrected(speller, "flüchtlingkrise") == "flüchtlingskrise"


def test_without_a_surface_the_normalised_form_is_shown() -> None:
    assert corrected(Speller(WORDS), "Flüchtlingkrise") == "Fluchtlingskrise"


def test_the_suggestion_keeps_the_rest_of_the_query_and_marks_changes(speller: Speller) -> None:
    found = speller.suggest("Faymnn  <b>&  Regierng!")
    assert found == Suggestion(
        query="Faymann  <b>&  Regierung!",
        words=(("Faymnn", "Faymann"), ("Regierng", "Regierung")),
        html="<mark>Faymann</mark>  &lt;b&gt;&amp;  <mark>Regierung</mark>!",
    )


def test_query_syntax_is_left_alone(speller: Speller) -> None:
    assert speller.suggest('"Faymnn Regierng"') is None
    assert speller.suggest("title:Faymnn") is None
    assert speller.suggest("Faymnn* Regier?ng Faymnn~ Faymnn^2 FAYMNN-Regierng") is None
    assert corrected(speller, "Wien AND Faymnn") == "Wien AND Faymann"
    assert corrected(speller, "+Faymnn -(Regierng)") == "+Faymann -(Regierung)"
    assert corrected(speller, '"Wien" Faymnn') == '"Wien" Faymann'


def test_damerau_levenshtein() -> None:
    assert damerau_levenshtein("", "") == 0
    assert damerau_levenshtein("abc", "acb") == 1
    assert damerau_levenshtein("faymann", "fayman") == 1
    assert damerau_levenshtein("kitten", "sitting") == 3
    assert damerau_levenshtein("a", "abcdefg", limit=2) == 3


def test_the_index_is_built_once_and_sized() -> None:
    speller = Speller(WORDS)
    entries = speller.build()
    assert entries == speller.build() > len(WORDS)
    assert speller.size == len(WORDS)
    assert speller.index_bytes() > 0


def test_max_words_bounds_the_suggestions() -> None:
    speller = Speller({"faymann": 5, "regierung": 100}, options=SpellingOptions(max_words=1))
    assert speller.size == 1
    assert speller.suggest("Faymnn") is None
    assert corrected(speller, "Regierng") == "Regierung"


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("spelling") / "index"
    articles = [
        Article(
            id=f"a{i}",
            title="Die Flüchtlingskrise in Österreich",
            lead="Bundeskanzler Faymann und die Regierung",
            body="Werner Faymann sprach in der Straße über die Flüchtlingskrise.",
        )
        for i in range(12)
    ]
    index, _ = build_index(path, articles)
    index.close()
    yield path


@pytest.mark.parametrize("files", ["vocabulary files", "index only"])
def test_from_reader_uses_the_index_vocabulary_and_its_spelling(
    index_path: Path, tmp_path: Path, files: str
) -> None:
    from newssearch import open_index

    if files == "index only":  # an index written before vocabulary files
        index_path = Path(shutil.copytree(index_path, tmp_path / "copy"))
        for file in index_path.glob("*.voc"):
            file.unlink()
    with open_index(index_path) as index, index.store.reader() as reader:
        speller = Speller.from_reader(reader)
        assert speller.stored == (files == "vocabulary files")
        assert speller.size > 5
        found = speller.suggest("Flüchtlingkrise Faymnn")
        assert found is not None
        assert found.query == "Flüchtlingskrise Faymann"
        assert corrected(speller, "Fluchtlingkrise") == "Flüchtlingskrise"
        for fine in ("Osterreich", "Oesterreich", "Strasse", "Faymann", "fluechtlingskrise"):
            assert speller.suggest(fine) is None


def test_a_blob_longer_than_any_word_is_not_corrected_and_costs_nothing() -> None:
    speller = Speller({"verteidigungsminister": 50, "wien": 80})
    blob = "verteidigungsministr" * 250  # 5,000 letters: its deletions would need GBs
    assert speller.correct(blob) is None
    assert speller.suggest(f"Wien {blob}") is None
    assert speller.correct("Verteidigungsministr") == "Verteidigungsminister"
