"""Browsing: ``*``, or no query with filters, a time range or a date order, lists the
archive newest first (undated last), with every filter, facets and pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newssearch import Article, QueryError, Searcher, build_index
from newssearch.cli import main

ARTICLES = [
    Article(id="old", title="Alt", published=datetime(2015, 1, 1, tzinfo=UTC), section="Sport"),
    Article(id="mid", title="Mitte", published=datetime(2016, 6, 1, tzinfo=UTC), section="Inland"),
    Article(id="new", title="Neu", published=datetime(2017, 3, 1, tzinfo=UTC), section="Sport"),
    Article(id="undated", title="Ohne Datum", section="Sport"),
    Article(id="gone", title="Gelöscht", published=datetime(2018, 1, 1, tzinfo=UTC)),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    index, _ = build_index(tmp_path_factory.mktemp("browse") / "ix", ARTICLES)
    index.delete(["gone"])
    with index, Searcher(index) as s:
        yield s


def ids(searcher: Searcher, text: str, **options: object) -> list[str]:
    return [h.id for h in searcher.search(text, limit=10, **options).hits]  # type: ignore[arg-type]


def test_a_star_lists_every_live_article_newest_first(searcher: Searcher) -> None:
    result = searcher.search("*")
    assert [h.id for h in result.hits] == ["new", "mid", "old", "undated"]
    assert result.total == 4
    assert all(h.score is None for h in result.hits)
    assert all(h.highlights is not None and h.highlights.body == () for h in result.hits)


def test_browsing_keeps_filters_time_ranges_sort_and_pages(searcher: Searcher) -> None:
    assert ids(searcher, "*", filters={"section": "sport"}) == ["new", "old", "undated"]
    assert ids(searcher, "", filters={"section": "Sport"}) == ["new", "old", "undated"]
    assert ids(searcher, "", since="2016-01-01") == ["new", "mid"]
    assert ids(searcher, "", sort="oldest") == ["old", "mid", "new", "undated"]
    assert ids(searcher, "*", sort="oldest", until="2016-12-31") == ["old", "mid"]
    assert [h.id for h in searcher.search("*", limit=2, offset=1).hits] == ["mid", "old"]


def test_browsing_counts_facets_over_the_archive(searcher: Searcher) -> None:
    facets = searcher.search("*", facets=["section"], limit=0).facets
    assert facets == {"section": {"Sport": 3, "Inland": 1}}


def test_an_empty_query_alone_says_how_to_browse(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match=r"\* to list the archive"):
        searcher.search("  ")


def test_the_cli_browses_with_a_star(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_index(tmp_path / "ix", ARTICLES)[0].close()
    assert (
        main(["search", "*", "--index", str(tmp_path / "ix"), "--json", "--section", "Sport"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in out["hits"]] == ["new", "old", "undated"]


def test_the_cli_says_articles_when_it_lists_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_index(tmp_path / "ix", ARTICLES)[0].close()
    assert main(["search", "*", "--index", str(tmp_path / "ix"), "--color", "never"]) == 0
    assert capsys.readouterr().out.startswith("5 articles (showing 1–5, ")
