"""Suggestions while typing (newssearch.suggest) on a small index with titles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, build_index
from newssearch.suggest import Suggester, SuggestOptions, suggest

ARTICLES = [
    Article(id="a1", title="Sebastian Kurz trifft Merkel", body="Österreich und Deutschland."),
    Article(id="a2", title="Sebastian Kurz in Wien", body="Österreich wählt. Österreichs Kanzler."),
    Article(
        id="a3", title="Sebastian Kurz gewinnt", body="Der Österreicher gewinnt in Österreich."
    ),
    Article(id="a4", title="Straße gesperrt", body="Die Straße in Wien bleibt zu."),
    Article(id="a5", title="Kurzarbeit steigt", body="Kurzarbeit in Österreich nimmt zu."),
]


@pytest.fixture(scope="module", params=["vocabulary files", "index only"])
def suggester(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Suggester]:
    """A suggester reading the index's vocabulary files, or (an index written before
    them) the index itself: every test below holds for both."""
    path: Path = tmp_path_factory.mktemp("suggest") / "index"
    index, _ = build_index(path, ARTICLES, procs=1)
    if request.param == "index only":
        for file in path.glob("*.voc"):
            file.unlink()
    with index, index.store.reader() as reader:
        found = Suggester(reader)
        assert found.stored == (request.param == "vocabulary files")
        yield found


def test_blank_prefix_suggests_nothing(suggester: Suggester) -> None:
    assert suggester.suggest("") == ()
    assert suggester.suggest("   \t") == ()


@pytest.mark.parametrize("prefix", ["Österr", "Osterr", "oesterr", "ÖSTERR", "österr"])
def test_umlaut_and_case_insensitive_with_display_spelling(
    suggester: Suggester, prefix: str
) -> None:
    found = suggester.suggest(prefix)
    assert found[0].text == "Österreich"
    assert found[0].kind == "word"
    assert found[0].count == 4
    assert {s.text for s in found} >= {"Österreich", "Österreichs", "Österreicher"}


def test_sharp_s_is_found_and_shown(suggester: Suggester) -> None:
    assert suggester.suggest("Strass")[0].text == "Straße"


def test_phrases_from_titles(suggester: Suggester) -> None:
    found = suggester.suggest("Seb")
    assert ("Sebastian Kurz", "phrase") in {(s.text, s.kind) for s in found}
    assert [s.text for s in found[:2]] == ["Sebastian", "Sebastian Kurz"]  # by weight


def test_completion_after_typed_words(suggester: Suggester) -> None:
    found = suggester.suggest("Sebastian Ku")
    assert found[0].text == "Sebastian Kurz"
    assert all(s.text.startswith("Sebastian") for s in found)


def test_limit_and_ranking(suggester: Suggester) -> None:
    found = suggester.suggest("k", limit=2)
    assert len(found) == 2
    assert found[0].weight >= found[1].weight
    assert suggester.suggest("k", limit=0) == ()
    with pytest.raises(ValueError):
        suggester.suggest("k", limit=-1)


def test_unknown_prefix_and_stopwords(suggester: Suggester) -> None:
    assert suggester.suggest("xyzzy") == ()
    assert all(s.text.lower() != "der" for s in suggester.suggest("de"))


def test_one_letter_prefix_is_bounded_without_vocabulary_files(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", ARTICLES, procs=1)
    with index, index.store.reader() as reader:
        # With vocabulary files every completion is ranked: max_terms bounds only reading.
        every = suggest(reader, "k", options=SuggestOptions(max_terms=10**6))
        assert suggest(reader, "k", options=SuggestOptions(max_terms=1)) == every
        for file in index.path.glob("*.voc"):
            file.unlink()
        found = suggest(reader, "w", options=SuggestOptions(max_terms=1))
        assert 1 <= len(found) <= 3  # at most one term per field and segment


def test_options_are_checked() -> None:
    with pytest.raises(ValueError):
        SuggestOptions(max_terms=0)
