"""Search behaviour on a small index: ranking, query language, highlights."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from newssearch import Article, QueryError, Searcher, build_index, render_html


def ids(searcher: Searcher, query: str, **options: object) -> list[str]:
    return [hit.id for hit in searcher.search(query, **options).hits]  # type: ignore[arg-type]


def test_compound_query_finds_the_compound_and_its_parts_find_it(searcher: Searcher) -> None:
    assert ids(searcher, "Sicherheitsgarantien")[0] == "seed"
    assert "seed" in ids(searcher, "Garantien")
    assert "politik-1" in ids(searcher, "Verteidigungsminister")


def test_inflected_forms_meet(searcher: Searcher) -> None:
    assert "politik-2" in ids(searcher, "Präsidenten")
    assert "seed" in ids(searcher, "Präsidenten")


def test_umlaut_spellings_meet(searcher: Searcher) -> None:
    assert "wirtschaft-1" in ids(searcher, "Mueller")
    assert "wirtschaft-1" in ids(searcher, "Muller")


def test_more_matched_words_rank_higher(searcher: Searcher) -> None:
    assert ids(searcher, "Inflation Prozent Nationalbank Entspannung")[0] == "wirtschaft-1"


def test_title_match_outranks_body_match(searcher: Searcher) -> None:
    # "Reform" is in politik-2's title; "Truppen" in politik-1's title and the seed's body.
    assert ids(searcher, "Truppen")[0] == "politik-1"


def test_quoted_phrase_needs_the_words_in_order(searcher: Searcher) -> None:
    assert ids(searcher, '"Sicherheitsgarantien für die Ukraine"') == ["seed"]
    assert ids(searcher, '"Ukraine Sicherheitsgarantien"') == []


def test_phrase_across_a_hyphenated_word(searcher: Searcher) -> None:
    assert ids(searcher, '"Präsident Trump"') == ["seed"]


def test_must_and_must_not(searcher: Searcher) -> None:
    # The seed article has "US-Regierung"; politik-2 is about pensions.
    assert ids(searcher, "Regierung -Pensionen") == ["seed"]
    assert ids(searcher, "+Derby Regierung") == ["sport-1"]


def test_a_hyphen_inside_a_word_is_not_an_operator(searcher: Searcher) -> None:
    assert ids(searcher, "US-Präsident")[0] == "seed"


@pytest.mark.parametrize("op", ["AND", "UND"])
def test_and_operators(searcher: Searcher, op: str) -> None:
    assert ids(searcher, f"Inflation {op} Prozent") == ["wirtschaft-1"]
    assert ids(searcher, f"Inflation {op} Derby") == []


@pytest.mark.parametrize(("op", "neg"), [("OR", "NOT"), ("ODER", "NICHT")])
def test_or_and_not_operators(searcher: Searcher, op: str, neg: str) -> None:
    assert sorted(ids(searcher, f"Inflation {op} Derby")) == ["sport-1", "wirtschaft-1"]
    assert ids(searcher, f"Derby {neg} Rapid") == []


def test_lowercase_nicht_is_a_word(searcher: Searcher) -> None:
    assert "politik-2" in ids(searcher, "Präsident nicht")


def test_field_queries(searcher: Searcher) -> None:
    assert ids(searcher, "title:Inflation") == ["wirtschaft-1"]
    assert ids(searcher, "section:sport") == ["sport-1"]
    assert ids(searcher, 'author:"Anna Berger"') == ["sport-1"]
    assert ids(searcher, "tags:wien") == ["sport-1"]
    assert ids(searcher, "titel:Derby") == ["sport-1"]


def test_prefix_queries_use_the_unstemmed_words(searcher: Searcher) -> None:
    assert ids(searcher, "Sicherheits*") == ["seed"]
    assert "politik-1" in ids(searcher, "Verteidigungsmin*")


@pytest.mark.parametrize("query", ['"Ukraine', "(Ukraine", "Ukraine)", "title:", "AND", '"'])
def test_malformed_queries_never_raise_anything_but_query_error(
    searcher: Searcher, query: str
) -> None:
    with contextlib.suppress(QueryError):
        searcher.search(query)


def test_empty_query_is_a_query_error(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match="empty"):
        searcher.search("   ")


def test_paging_continues_where_the_last_page_ended(searcher: Searcher) -> None:
    everything = ids(searcher, "die OR der OR Inflation OR Regierung OR Derby", limit=10)
    page1 = searcher.search("die OR der OR Inflation OR Regierung OR Derby", limit=2)
    page2 = searcher.search("die OR der OR Inflation OR Regierung OR Derby", limit=2, offset=2)
    assert [h.id for h in page1.hits + page2.hits] == everything[:4]
    assert page1.total == page2.total == len(everything)
    assert [h.rank for h in page2.hits] == [3, 4]


def test_filters_and_sorting(searcher: Searcher) -> None:
    assert ids(
        searcher, "Regierung OR Verteidigungsminister OR Derby", filters={"section": "Inland"}
    ) == ["politik-2", "politik-1"] or sorted(
        ids(searcher, "Regierung OR Verteidigungsminister OR Derby", filters={"section": "Inland"})
    ) == ["politik-1", "politik-2"]
    with pytest.raises(QueryError):
        searcher.search("Derby", filters={"body": "x"})


def test_facet_counts(searcher: Searcher) -> None:
    result = searcher.search("Regierung OR Verteidigungsminister OR Derby", facets=("section",))
    assert result.facets["section"]["Inland"] == 2


def test_highlights_mark_compounds_and_inflections_as_they_stand(searcher: Searcher) -> None:
    hit = searcher.search("Garantie Präsident").hits
    seed = next(h for h in hit if h.id == "seed")
    assert seed.highlights is not None
    html = " ".join(render_html(f) for f in seed.highlights.body)
    assert "<mark>Sicherheitsgarantien</mark>" in html
    assert "<mark>US-Präsident</mark>" in html or "<mark>Präsidenten</mark>" in html
    assert 1 <= len(seed.highlights.body) <= 3


def test_title_highlight(searcher: Searcher) -> None:
    hit = searcher.search("Inflation").hits[0]
    assert hit.highlights is not None and hit.highlights.title is not None
    assert render_html(hit.highlights.title) == "<mark>Inflation</mark> sinkt auf 1,5 Prozent"


def test_html_highlights_escape_the_document_text(searcher: Searcher) -> None:
    hit = searcher.search("Opposition Wahlkampf").hits[0]
    assert hit.highlights is not None
    html = " ".join(render_html(f) for f in hit.highlights.body)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&amp;" in html


def test_negated_terms_are_not_highlighted(searcher: Searcher) -> None:
    hit = searcher.search("Regierung NOT Derby -Truppen").hits[0]
    assert hit.highlights is not None
    html = " ".join(render_html(f) for f in hit.highlights.body)
    assert "<mark>Truppen" not in html


def test_result_is_typed(searcher: Searcher) -> None:
    result = searcher.search("Inflation", limit=1)
    assert result.total == 1 and result.took_ms > 0 and result.offset == 0
    hit = result.hits[0]
    assert (hit.id, hit.rank, hit.title) == ("wirtschaft-1", 1, "Inflation sinkt auf 1,5 Prozent")
    assert hit.score > 0 and hit.article.section == "Wirtschaft"


def test_prefix_highlights_mark_only_words_that_start_with_the_prefix(tmp_path: Path) -> None:
    article = Article(
        id="bund",
        title="Der Bundespräsident und der Bund",
        body=(
            "Die Bundes-Wahl im Bund: der Bundeskanzler und die Bundesländer. "
            "Die Wahl zum Bundespräsidenten ist geheim. Die Vertreter des Bundes kamen."
        ),
    )
    index, _ = build_index(tmp_path / "ix", [article])
    with index, Searcher(index) as searcher:
        (hit,) = searcher.search("Bundes*").hits
        assert hit.highlights is not None and hit.highlights.title is not None
        marked = [
            f.text[a:b] for f in (hit.highlights.title, *hit.highlights.body) for a, b in f.matches
        ]
    assert marked, "nothing highlighted"
    assert all(word.lower().startswith("bundes") for word in marked), marked
    assert {"Bundespräsident", "Bundeskanzler", "Bundesländer", "Bundes"} <= set(marked)
