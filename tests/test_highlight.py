"""Highlighting: fragments cut at sentence boundaries, matches marked as they stand
in the text (inflected, compound and umlaut forms), and the three renderers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newssearch import (
    Hit,
    Searcher,
    german_analyzer,
    render_ansi,
    render_html,
    render_plain,
    sample_articles,
)
from newssearch.analysis import exact_analyzer
from newssearch.article import TEXT_FIELDS
from newssearch.highlight import Fragment, _Matcher
from newssearch.sentences import SentenceSplitter

FRAGMENT_CHARS = 200  # Searcher.search's default fragment_chars
ANSI_ON, ANSI_OFF = "\x1b[1;33m", "\x1b[0m"
WORD_CHAR = re.compile(r"\w")


def snippet_source(hit: Hit) -> str:
    """The text the body fragments are cut from: every stored text field but the
    one shown as the title, separated by blank lines (see Searcher._hit)."""
    text = {f: getattr(hit.article, f) for f in TEXT_FIELDS}
    title_field = next(f for f in TEXT_FIELDS if text[f])
    return "\n\n".join(text[f] for f in TEXT_FIELDS if f != title_field and text[f])


def hit_by_id(searcher: Searcher, query: str, doc_id: str, **options: object) -> Hit:
    result = searcher.search(query, **options)  # type: ignore[arg-type]
    found = [hit for hit in result.hits if hit.id == doc_id]
    assert found, f"{doc_id} not found for {query!r}: {[h.id for h in result.hits]}"
    return found[0]


def body_html(hit: Hit) -> str:
    assert hit.highlights is not None
    return " ".join(render_html(f) for f in hit.highlights.body)


def marked(fragment: Fragment) -> list[str]:
    return [fragment.text[a:b] for a, b in fragment.matches]


# -- titles ----------------------------------------------------------------------


def test_title_highlight_marks_the_matching_word(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Truppen", "politik-1")
    assert hit.highlights is not None and hit.highlights.title is not None
    title = hit.highlights.title
    assert title.text == hit.title == "Verteidigungsminister besucht Truppen"
    assert marked(title) == ["Truppen"]
    assert render_html(title) == "Verteidigungsminister besucht <mark>Truppen</mark>"


def test_title_highlight_marks_the_inflected_form_in_the_title(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Reformen", "politik-2")
    assert hit.highlights is not None and hit.highlights.title is not None
    assert render_html(hit.highlights.title) == "Regierung plant <mark>Reform</mark>"


def test_title_without_a_match_has_no_highlight(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Präsidenten", "politik-2")
    assert hit.highlights is not None
    assert hit.highlights.title is None
    assert hit.highlights.body  # but the body matched


# -- body fragments ------------------------------------------------------------------

QUERIES = [
    "Putin",
    "Präsidenten",
    "Garantien",
    "Sicherheitsgarantien für die Ukraine",
    "Trump Putin Ukraine",
    "Russland Verhandlungen",
    "Mueller",
    "Opposition Wahlkampf",
    "Inflation Prozent",
]


@pytest.mark.parametrize("query", QUERIES)
def test_fragments_are_short_few_and_sentence_aligned(searcher: Searcher, query: str) -> None:
    result = searcher.search(query)
    assert result.hits
    splitter = SentenceSplitter()
    for hit in result.hits:
        assert hit.highlights is not None
        body = hit.highlights.body
        assert 1 <= len(body) <= 3
        source = snippet_source(hit)
        sentences = splitter.spans(source)
        starts = {a for a, _ in sentences}
        ends = {b for _, b in sentences}
        previous_end = -1
        for fragment in body:
            assert len(fragment.text) <= FRAGMENT_CHARS, fragment.text
            assert source[fragment.start : fragment.end] == fragment.text
            assert fragment.start >= previous_end, "fragments overlap or are out of order"
            previous_end = fragment.end
            if fragment.truncated_start:
                assert source[fragment.start - 1].isspace()  # cut at a word boundary
            else:
                assert fragment.start in starts, fragment.text
            if fragment.truncated_end:
                assert source[fragment.end].isspace()
            else:
                assert fragment.end in ends, fragment.text
            assert fragment.matches, f"{hit.id}: an unmarked fragment for {query!r}"


@pytest.mark.parametrize("query", QUERIES)
def test_marks_cover_whole_words_in_order(searcher: Searcher, query: str) -> None:
    for hit in searcher.search(query).hits:
        assert hit.highlights is not None
        fragments = [*hit.highlights.body]
        if hit.highlights.title is not None:
            fragments.append(hit.highlights.title)
        for fragment in fragments:
            last = 0
            for a, b in fragment.matches:
                assert last <= a < b <= len(fragment.text), fragment.matches
                last = b
                word = fragment.text[a:b]
                assert word == word.strip() and WORD_CHAR.match(word[0])
                # Not part of a longer word (a hyphenated part may follow "-").
                assert a == 0 or not WORD_CHAR.match(fragment.text[a - 1]), word
                assert b == len(fragment.text) or not WORD_CHAR.match(fragment.text[b]), word


def test_at_most_three_fragments_and_the_options_are_honoured(searcher: Searcher) -> None:
    seed = hit_by_id(searcher, "Putin", "seed")
    assert seed.highlights is not None
    assert len(seed.highlights.body) == 3  # Putin is in many more sentences
    one = hit_by_id(searcher, "Putin", "seed", max_fragments=1)
    assert one.highlights is not None and len(one.highlights.body) == 1
    short = hit_by_id(searcher, "Putin", "seed", fragment_chars=80)
    assert short.highlights is not None and short.highlights.body
    for fragment in short.highlights.body:
        assert len(fragment.text) <= 80
        assert "Putin" in marked(fragment) or "Putins" in marked(fragment)


def test_fragments_prefer_sentences_with_more_query_words(searcher: Searcher) -> None:
    seed = hit_by_id(searcher, "Trump Putin Ukraine", "seed")
    assert seed.highlights is not None
    best = max(len({w.lower() for w in marked(f)}) for f in seed.highlights.body)
    assert best >= 3


def test_long_sentence_is_cut_around_the_match(searcher: Searcher) -> None:
    # "Russlands Staatschef Wladimir Putin hat sich ..." is far longer than 200 characters.
    seed = hit_by_id(searcher, "Staatschef", "seed")
    assert seed.highlights is not None
    (fragment,) = [f for f in seed.highlights.body if "Staatschef" in marked(f)]
    assert fragment.truncated_end and not fragment.truncated_start
    assert len(fragment.text) <= FRAGMENT_CHARS
    rendered = render_html(fragment)
    assert rendered.startswith("Russlands <mark>Staatschef</mark>") and rendered.endswith("…")


def test_without_a_body_match_the_opening_sentences_are_shown(searcher: Searcher) -> None:
    # "gewinnt" is only in sport-1's title.
    hit = hit_by_id(searcher, "gewinnt", "sport-1")
    assert hit.highlights is not None
    (fragment,) = hit.highlights.body
    assert fragment.matches == ()
    assert (
        fragment.text == "Im Wiener Derby siegte Rapid mit 2:1. Der Trainer lobte die Mannschaft."
    )


def test_highlight_off(searcher: Searcher) -> None:
    assert all(hit.highlights is None for hit in searcher.search("Putin", highlight=False).hits)


# -- what is marked ------------------------------------------------------------------


def test_inflected_forms_are_marked_as_they_stand(searcher: Searcher) -> None:
    politik = body_html(hit_by_id(searcher, "Präsidenten", "politik-2"))
    assert "<mark>Präsident</mark> äußerte" in politik
    seed = body_html(hit_by_id(searcher, "Präsidenten", "seed"))
    assert "<mark>Präsidenten</mark>" in seed
    assert "<mark>Präsident</mark> Donald Trump" in seed


def test_compound_is_marked_whole_for_its_part(searcher: Searcher) -> None:
    seed = body_html(hit_by_id(searcher, "Garantien", "seed"))
    assert "<mark>Sicherheitsgarantien</mark>" in seed
    assert "Sicherheits<mark>" not in seed
    politik = body_html(hit_by_id(searcher, "Garantien", "politik-1"))
    assert "neue <mark>Garantien</mark> für" in politik


def test_compound_query_marks_its_parts_where_they_stand_alone(searcher: Searcher) -> None:
    politik = body_html(hit_by_id(searcher, "Sicherheitsgarantien", "politik-1"))
    assert "<mark>Garantien</mark>" in politik and "<mark>Sicherheit</mark>" in politik


@pytest.mark.parametrize("query", ["Mueller", "Muller", "Müller", "MÜLLER"])
def test_umlaut_spellings_mark_the_word_in_the_text(searcher: Searcher, query: str) -> None:
    html_body = body_html(hit_by_id(searcher, query, "wirtschaft-1"))
    assert "Herr <mark>Müller</mark> von der Nationalbank" in html_body


def test_only_query_words_are_marked(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Inflation", "wirtschaft-1")
    assert hit.highlights is not None
    assert {w for f in hit.highlights.body for w in marked(f)} == {"Inflation"}


# -- renderers ---------------------------------------------------------------------------


def test_html_renderer_escapes_the_document_text(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Opposition", "politik-2")
    assert hit.highlights is not None
    (fragment,) = hit.highlights.body
    assert "<script>" in fragment.text  # the stored text is raw
    rendered = render_html(fragment)
    assert "<mark>Opposition</mark>" in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "Wahlkampf &amp; Theater" in rendered
    without_marks = rendered.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert html.unescape(without_marks) == fragment.text


def test_html_renderer_example() -> None:
    assert render_html(Fragment("a <b> c", 0, 7, ((0, 1),))) == "<mark>a</mark> &lt;b&gt; c"
    assert render_html(Fragment('"x" & y', 0, 7, ((6, 7),))) == "&quot;x&quot; &amp; <mark>y</mark>"


def test_ansi_renderer(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Opposition", "politik-2")
    assert hit.highlights is not None
    (fragment,) = hit.highlights.body
    rendered = render_ansi(fragment)
    assert f"{ANSI_ON}Opposition{ANSI_OFF}" in rendered
    assert "<script>" in rendered and "&amp;" not in rendered  # a terminal needs no escaping
    assert rendered.replace(ANSI_ON, "").replace(ANSI_OFF, "") == fragment.text


def test_plain_renderer(searcher: Searcher) -> None:
    hit = hit_by_id(searcher, "Opposition", "politik-2")
    assert hit.highlights is not None
    (fragment,) = hit.highlights.body
    rendered = render_plain(fragment)
    assert "**Opposition**" in rendered
    assert rendered.replace("**", "") == fragment.text
    assert "[[Opposition[[" in render_plain(fragment, marker="[[")


@pytest.mark.parametrize(
    ("render", "expected"),
    [
        (render_html, "…ein <mark>Kreml</mark> &amp; mehr…"),
        (render_ansi, f"…ein {ANSI_ON}Kreml{ANSI_OFF} & mehr…"),
        (render_plain, "…ein **Kreml** & mehr…"),
    ],
)
def test_renderers_show_where_a_fragment_was_cut(
    render: Callable[[Fragment], str], expected: str
) -> None:
    fragment = Fragment(
        "ein Kreml & mehr", 10, 26, ((4, 9),), truncated_start=True, truncated_end=True
    )
    assert render(fragment) == expected


def test_renderers_without_matches_return_the_text() -> None:
    fragment = Fragment("Text <ohne> Treffer.", 0, 20, ())
    assert render_plain(fragment) == render_ansi(fragment) == fragment.text
    assert render_html(fragment) == "Text &lt;ohne&gt; Treffer."


def test_splitting_near_the_matches_gives_the_fragments_full_splitting_gives() -> None:
    """The highlighter splits sentences only around matches; nothing may change."""
    import random

    from newssearch.analysis import german_analyzer
    from newssearch.highlight import Highlighter
    from newssearch.sample import sample_articles
    from newssearch.sentences import SentenceSplitter

    class Everything(SentenceSplitter):
        def spans_around(
            self, text: str, ranges: object, *, margin: int = 100
        ) -> list[tuple[int, int]]:
            return self.spans(text)

    analyzer = german_analyzer()
    near = Highlighter(analyzer=analyzer, splitter=SentenceSplitter())
    full = Highlighter(analyzer=analyzer, splitter=Everything())
    rng = random.Random(5)
    for article in list(sample_articles())[::5]:
        text = "  \n" + article.lead + "\n\n" + article.body
        words = [t.text for t in analyzer(text, mode="index")]
        terms = frozenset(rng.sample(words, min(len(words), rng.choice([1, 2, 4]))))
        for size in (120, 200):
            assert near.fragments(text, terms, fragment_chars=size) == full.fragments(
                text, terms, fragment_chars=size
            )
            assert near.leading(text, fragment_chars=size) == full.leading(
                text, fragment_chars=size
            )


# -- finding the matches ---------------------------------------------------------------

#: Each analyzer a highlighter uses, with a match finder of its own.
FINDERS = [
    (analyzer, _Matcher(analyzer))
    for analyzer in (german_analyzer(), exact_analyzer(stopwords=True))
]


def test_the_match_finder_finds_what_the_analyzer_finds_in_every_article() -> None:
    for article in list(sample_articles())[:60]:
        text = f"{article.title}\n\n{article.lead}\n\n{article.body}"
        for analyzer, matcher in FINDERS:
            words = [t.text for t in analyzer(article.title, mode="query")]
            for terms in (frozenset(words), frozenset(words[:1]), frozenset({"die", "regier"})):
                expected = sorted(analyzer.find(text, terms))
                assert sorted(matcher.find(text, terms)) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("aäbdeiorsuß -.,„“\n\t"), max_size=80))
def test_the_match_finder_finds_what_the_analyzer_finds_in_any_text(text: str) -> None:
    terms = frozenset({"a", "ab", "bad", "die", "rose", "ross", "bar", "ei", "sus"})
    for analyzer, matcher in FINDERS:
        expected = sorted(analyzer.find(text, terms))
        assert sorted(matcher.find(text, terms)) == expected


def test_the_match_finder_starts_afresh_when_it_has_seen_too_many_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newssearch.highlight as highlight

    monkeypatch.setattr(highlight, "_CHUNK_LIMIT", 50)
    analyzer = german_analyzer()
    matcher = _Matcher(analyzer)
    terms = frozenset({"regier", "wien", "die"})
    for article in list(sample_articles())[:20]:
        expected = sorted(analyzer.find(article.body, terms))
        assert sorted(matcher.find(article.body, terms)) == expected
        assert len(matcher.pieces) <= max(50, len(set(article.body.split())))
