"""Timezone-aware publication times (indexed, read back, sorted, filtered) and facet counts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newssearch import Article, NewsIndex, Searcher, build_index, create_index, open_index
from newssearch.cli import main

CEST = timezone(timedelta(hours=2))
EST = timezone(timedelta(hours=-5))

#: Three "Derby" articles published in three time zones.  In UTC "new-york" (20:00)
#: is newer than "abend" (19:30), though its local wall time (15:00) is earlier:
#: only a correct conversion to UTC orders them right.
DATED = (
    Article(
        id="abend",
        title="Derby am Abend",
        published=datetime(2025, 8, 14, 21, 30, tzinfo=CEST),
        section="Sport",
    ),
    Article(
        id="sommer",
        title="Derby im Sommer",
        published=datetime(2025, 8, 1, tzinfo=UTC),
        section="Sport",
    ),
    Article(
        id="new-york",
        title="Derby in New York",
        published=datetime(2025, 8, 14, 15, 0, tzinfo=EST),
        section="Sport",
    ),
)
BY_ID = {a.id: a for a in DATED}


@pytest.fixture()
def dated(tmp_path: Path) -> Iterator[Searcher]:
    index, _ = build_index(tmp_path / "ix", DATED)
    with index, Searcher(index) as searcher:
        yield searcher


def ids(searcher: Searcher, query: str, **options: Any) -> list[str]:
    return [hit.id for hit in searcher.search(query, **options).hits]


def assert_utc_instant(value: Any, expected: datetime) -> None:
    """``value`` is an aware datetime in UTC for the same instant as ``expected``."""
    assert isinstance(value, datetime)
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)
    assert value == expected
    assert value.replace(tzinfo=None) == expected.astimezone(UTC).replace(tzinfo=None)


# --- indexing and reading back ----------------------------------------------------------


def test_articles_with_aware_published_times_can_be_indexed(tmp_path: Path) -> None:
    index, report = build_index(tmp_path / "ix", DATED)
    with index:
        assert (report.added, report.replaced, report.documents) == (3, 0, 3)
        assert index.doc_count() == 3


def test_update_indexes_aware_published_times_too(tmp_path: Path) -> None:
    with create_index(tmp_path / "ix") as index:
        report = index.update(DATED)
        assert (report.added, report.documents) == (3, 3)
        again = index.update([DATED[0]])
        assert (again.added, again.replaced, again.documents) == (0, 1, 3)


def test_hits_carry_published_as_the_same_instant_in_utc(dated: Searcher) -> None:
    hits = dated.search("Derby").hits
    assert {hit.id for hit in hits} == set(BY_ID)
    for hit in hits:
        expected = BY_ID[hit.id].published
        assert expected is not None
        assert_utc_instant(hit.article.published, expected)


def test_published_keeps_microseconds_and_survives_reopening(tmp_path: Path) -> None:
    moment = datetime(2025, 8, 14, 21, 30, 5, 250000, tzinfo=CEST)
    build_index(tmp_path / "ix", [Article(id="a", title="Derby", published=moment)])[0].close()
    with open_index(tmp_path / "ix") as index, Searcher(index) as searcher:
        (hit,) = searcher.search("Derby").hits
    assert_utc_instant(hit.article.published, moment)
    assert hit.article.published == datetime(2025, 8, 14, 19, 30, 5, 250000, tzinfo=UTC)


def test_an_article_without_published_has_no_published_date(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", [*DATED, Article(id="ohne", title="Derby ohne Datum")])
    with index, Searcher(index) as searcher:
        articles = {hit.id: hit.article for hit in searcher.search("Derby").hits}
    assert articles["ohne"].published is None
    assert all(articles[doc_id].published is not None for doc_id in BY_ID)


# --- sorting ----------------------------------------------------------------------------


def test_sort_newest_orders_by_the_utc_instant(dated: Searcher) -> None:
    assert ids(dated, "Derby", sort="newest") == ["new-york", "abend", "sommer"]


def test_sort_oldest_orders_by_the_utc_instant(dated: Searcher) -> None:
    assert ids(dated, "Derby", sort="oldest") == ["sommer", "abend", "new-york"]


def test_sorted_pages_continue_the_order(dated: Searcher) -> None:
    assert ids(dated, "Derby", sort="newest", limit=1, offset=1) == ["abend"]
    result = dated.search("Derby", sort="oldest", limit=2)
    assert result.total == 3
    assert [hit.rank for hit in result.hits] == [1, 2]
    assert [hit.id for hit in result.hits] == ["sommer", "abend"]


# --- since / until ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # 19:45 UTC: between "abend" (19:30 UTC) and "new-york" (20:00 UTC).
        (datetime(2025, 8, 14, 21, 45, tzinfo=CEST), None, {"new-york"}),
        (None, datetime(2025, 8, 14, 21, 45, tzinfo=CEST), {"sommer", "abend"}),
        (datetime(2025, 8, 14, 19, 45, tzinfo=UTC), None, {"new-york"}),
        (datetime(2025, 8, 14, 14, 45, tzinfo=EST), None, {"new-york"}),
        (datetime(2025, 8, 2, tzinfo=UTC), datetime(2025, 8, 14, 14, 45, tzinfo=EST), {"abend"}),
        (datetime(2025, 8, 2, tzinfo=UTC), None, {"abend", "new-york"}),
        (None, datetime(2025, 8, 2, tzinfo=UTC), {"sommer"}),
        (datetime(2025, 8, 15, tzinfo=UTC), None, set()),
        (datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC), set(BY_ID)),
    ],
)
def test_since_and_until_filter_by_the_utc_instant(
    dated: Searcher, since: datetime | None, until: datetime | None, expected: set[str]
) -> None:
    result = dated.search("Derby", since=since, until=until)
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)


def test_date_filters_combine_with_sorting_and_keep_scores(dated: Searcher) -> None:
    since = datetime(2025, 8, 2, tzinfo=UTC)
    assert ids(dated, "Derby", since=since, sort="oldest") == ["abend", "new-york"]
    assert ids(dated, "Derby", since=since, sort="newest") == ["new-york", "abend"]
    unfiltered = {hit.id: hit.score for hit in dated.search("Derby").hits}
    filtered = {hit.id: hit.score for hit in dated.search("Derby", since=since).hits}
    assert filtered == {doc_id: unfiltered[doc_id] for doc_id in ("abend", "new-york")}


# --- the command line -------------------------------------------------------------------


def test_cli_indexes_jsonl_with_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "dated.jsonl"
    records = [
        {"id": "abend", "title": "Derby am Abend", "published": "2025-08-14T21:30:00+02:00"},
        {"id": "naiv", "title": "Derby ohne Zone", "published": "2025-08-14T20:15:00"},
        {"id": "tag", "title": "Derby am Tag", "published": "2025-08-01"},
    ]
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    path = tmp_path / "ix"
    assert main(["index", str(source), "--index", str(path), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert re.match(rf"indexed 3 articles into {re.escape(str(path))} \(3 new,", out), out
    with open_index(path) as index, Searcher(index) as searcher:
        hits = searcher.search("Derby", sort="newest").hits
    assert [hit.id for hit in hits] == ["naiv", "abend", "tag"]
    published = {hit.id: hit.article.published for hit in hits}
    assert_utc_instant(published["abend"], datetime(2025, 8, 14, 19, 30, tzinfo=UTC))
    assert_utc_instant(published["naiv"], datetime(2025, 8, 14, 20, 15, tzinfo=UTC))
    assert_utc_instant(published["tag"], datetime(2025, 8, 1, tzinfo=UTC))
    # Indexing the same file again replaces, and the dates still work.
    assert main(["index", str(source), "--index", str(path), "--no-progress"]) == 0
    assert "(0 new, 3 replaced," in capsys.readouterr().out


# --- facets -----------------------------------------------------------------------------

TAGGED = (
    Article(id="wien", title="Derby in Wien", section="Sport", tags=("Fußball", "Wien")),
    Article(id="graz", title="Derby in Graz", section="Sport", tags=("Fußball",)),
)


@pytest.fixture()
def tagged(tmp_path: Path) -> Iterator[NewsIndex]:
    index, _ = build_index(tmp_path / "ix", TAGGED)
    with index:
        yield index


def test_tag_facets_count_every_tag_of_an_article(tagged: NewsIndex) -> None:
    with Searcher(tagged) as searcher:
        result = searcher.search("Derby", facets=["tags"])
    assert result.total == 2
    # Tags are matched lowercased, and shown as the articles spell them.
    assert result.facets == {"tags": {"Fußball": 2, "Wien": 1}}


def test_tag_facets_count_all_matches_not_only_the_page(tagged: NewsIndex) -> None:
    with Searcher(tagged) as searcher:
        result = searcher.search("Derby", facets=["tags"], limit=1)
    assert len(result.hits) == 1
    assert result.facets["tags"] == {"Fußball": 2, "Wien": 1}


def test_tag_facets_follow_the_query_and_filters(tagged: NewsIndex) -> None:
    with Searcher(tagged) as searcher:
        assert searcher.search("Graz", facets=["tags"]).facets == {"tags": {"Fußball": 1}}
        filtered = searcher.search("Derby", facets=["tags"], filters={"tags": "Wien"})
    assert filtered.facets == {"tags": {"Fußball": 1, "Wien": 1}}


def test_tags_and_section_facets_together(tagged: NewsIndex) -> None:
    with Searcher(tagged) as searcher:
        result = searcher.search("Derby", facets=["tags", "section"])
    assert result.facets["tags"] == {"Fußball": 2, "Wien": 1}
    assert result.facets["section"] == {"Sport": 2}


def test_facets_of_dated_articles_with_a_date_filter(dated: Searcher) -> None:
    result = dated.search("Derby", facets=["section"], since=datetime(2025, 8, 2, tzinfo=UTC))
    assert result.facets == {"section": {"Sport": 2}}
