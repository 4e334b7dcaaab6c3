"""Long runs of text without whitespace (a base64 blob, a table glued together):
no token is longer than MAX_TOKEN_CHARS, the pieces are well formed, indexing
and queries agree, and the words stay searchable."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newssearch import Article, Searcher, analyze, build_index, german_analyzer
from newssearch.analysis.compounds import CompoundSplitter
from newssearch.analysis.tokenizer import tokenize
from newssearch.config import MAX_COMPOUND_CHARS, MAX_TOKEN_CHARS
from test_analysis import FUZZ, check_alike, check_invariants, rows

#: Units whose repetition made the tokenizer's pattern or the decompounder
#: take time quadratic (or worse) in the run's length before the cap.
_UNITS = st.sampled_from(
    ["a_", "_a", "a.b-", "a-1.", "a-", "haus", "sicherheitsgarantien", "x", "1", "Ä", "www.", "a@"]
)
#: A long run: one unit repeated, sometimes with ordinary words around it.
LONG_TEXTS = st.builds(
    lambda before, unit, times, after: before + unit * times + after,
    st.sampled_from(["", "Die Regierung ", "US-Präsident „"]),
    _UNITS,
    st.integers(min_value=MAX_TOKEN_CHARS // 4, max_value=3 * MAX_TOKEN_CHARS),
    st.sampled_from(["", " und Kanzler", "“. Wien"]),
)
LONG = settings(FUZZ, max_examples=60)  # the analysis tests' settings, fewer examples


@LONG
@given(LONG_TEXTS)
def test_no_token_is_longer_than_the_cap_and_every_token_is_well_formed(text: str) -> None:
    tokens = analyze(text)
    check_invariants(text, tokens)
    assert all(len(t.original) <= MAX_TOKEN_CHARS for t in tokens)
    assert all(t.end - t.start <= MAX_TOKEN_CHARS for t in tokenize(text))


@LONG
@given(LONG_TEXTS)
def test_long_runs_analyse_alike_for_the_index_and_for_queries(text: str) -> None:
    check_alike(text)
    analyzer = german_analyzer()
    first = rows(analyzer, text, mode="index")
    assert rows(analyzer, text, mode="index") == first  # from the chunk cache


def test_a_long_run_is_cut_into_pieces_of_the_cap_at_fixed_offsets() -> None:
    run = "abcdefghij" * 60  # 600 letters, no whitespace
    text = f"Vorher {run} nachher"
    tokens = [t for t in tokenize(text) if t.start >= 7 and t.end <= 7 + len(run)]
    assert [(t.start - 7, t.end - 7) for t in tokens] == [
        (0, MAX_TOKEN_CHARS),
        (MAX_TOKEN_CHARS, 2 * MAX_TOKEN_CHARS),
        (2 * MAX_TOKEN_CHARS, 600),
    ]
    # Each piece takes its own position, and the words after go on from there.
    positions = [t.position for t in tokenize(text)]
    assert positions == [0, 1, 2, 3, 4]


def test_text_up_to_the_cap_is_tokenized_as_before() -> None:
    word = "a" * MAX_TOKEN_CHARS
    assert [t.text for t in tokenize(f"x {word} y")] == ["x", word, "y"]
    url = "https://example.org/" + "p" * (MAX_TOKEN_CHARS - 20)
    assert [t.text for t in tokenize(url)] == [url]


def test_words_longer_than_compounds_get_are_not_split() -> None:
    splitter = CompoundSplitter()
    glued = "sicherheitsgarantien" * 4  # 80 letters, four real compounds in a row
    assert len(glued) > MAX_COMPOUND_CHARS
    assert splitter.split(glued) == ()
    assert splitter.split("sicherheitsgarantien") == ("sicherheit", "garantien")


def test_an_article_with_a_long_blob_is_indexed_and_its_words_found(tmp_path: Path) -> None:
    blob = "QUJD" * 5_000  # 20,000 characters of base64
    article = Article(
        id="blob",
        title="Bericht mit Anhang",
        body=f"Der Anhang folgt. {blob} Ende des Anhangs, Sicherheitsgarantien.",
    )
    other = Article(id="other", title="Anderes", body="Nichts davon.")
    index, _ = build_index(tmp_path / "idx", [article, other])
    with index, Searcher(index) as searcher:
        assert [h.id for h in searcher.search("Sicherheitsgarantien").hits] == ["blob"]
        # The blob's first piece is a token of its own, found as written.
        assert [h.id for h in searcher.search(blob[:MAX_TOKEN_CHARS]).hits] == ["blob"]
