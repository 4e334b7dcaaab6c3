"""Dates as users give them: since/until as datetime, date or ISO text; undated articles last."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newssearch import Article, QueryError, Searcher, build_index
from newssearch.cli import main

ARTICLES = (
    Article(id="m1", title="Wahl in Wien", published=datetime(2016, 3, 1, 0, 0, tzinfo=UTC)),
    Article(id="m31", title="Wahl in Wien", published=datetime(2016, 3, 31, 23, 59, tzinfo=UTC)),
    Article(id="a1", title="Wahl in Wien", published=datetime(2016, 4, 1, 0, 0, tzinfo=UTC)),
    Article(id="f29", title="Wahl in Wien", published=datetime(2016, 2, 29, 23, 0, tzinfo=UTC)),
    Article(id="ohne1", title="Wahl in Wien"),
    Article(id="ohne2", title="Wahl in Wien"),
)


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    path = tmp_path / "ix"
    build_index(path, ARTICLES[:3])[0].close()
    # A second commit: the undated articles live in another segment.
    from newssearch import open_index

    with open_index(path) as index:
        index.update(ARTICLES[3:])
    return path


@pytest.fixture()
def searcher(index_dir: Path) -> Iterator[Searcher]:
    from newssearch import open_index

    with open_index(index_dir) as index, Searcher(index) as s:
        yield s


def _ids(searcher: Searcher, **options: object) -> set[str]:
    return {h.id for h in searcher.search("Wahl", limit=20, **options).hits}  # type: ignore[arg-type]


MARCH = {"m1", "m31"}


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2016, 3, 1), date(2016, 3, 31)),
        ("2016-03-01", "2016-03-31"),
        (" 2016-03-01 ", "2016-03-31T23:59:00"),
        (datetime(2016, 3, 1), datetime(2016, 3, 31, 23, 59)),  # naive: UTC
        ("2016-03-01T01:00:00+01:00", "2016-04-01T01:59:00+02:00"),
        (datetime(2016, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))), "2016-03-31"),
    ],
)
def test_since_and_until_take_datetimes_dates_and_iso_text(
    searcher: Searcher, since: object, until: object
) -> None:
    assert _ids(searcher, since=since, until=until) == MARCH


def test_until_a_date_includes_that_whole_day(searcher: Searcher) -> None:
    assert _ids(searcher, until=date(2016, 2, 29)) == {"f29"}
    assert _ids(searcher, until="2016-02-29T22:59:59") == set()


@pytest.mark.parametrize("bad", ["März 2016", "2016-13-01", "", "yesterday"])
def test_a_bad_date_is_a_query_error(searcher: Searcher, bad: str) -> None:
    with pytest.raises(QueryError, match="not an ISO 8601 date"):
        searcher.search("Wahl", since=bad)


def test_a_date_of_another_type_is_a_query_error(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match="must be a datetime, a date or an ISO 8601 string"):
        searcher.search("Wahl", until=2016)  # type: ignore[arg-type]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_undated_articles_come_last_in_both_directions(searcher: Searcher, sort: str) -> None:
    ids = [h.id for h in searcher.search("Wahl", sort=sort, limit=20).hits]  # type: ignore[arg-type]
    dated = ["a1", "m31", "m1", "f29"]
    assert ids[:4] == (dated if sort == "newest" else dated[::-1])
    assert set(ids[4:]) == {"ohne1", "ohne2"}


def test_the_cli_filters_by_since_and_until(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["search", "Wahl", "--index", str(index_dir), "--json"]
    assert main([*argv, "--since", "2016-03-01", "--until", "2016-03-31"]) == 0
    assert {h["id"] for h in json.loads(capsys.readouterr().out)["hits"]} == MARCH
    assert main([*argv, "--since", "März"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an ISO 8601 date" in err


def test_search_json_carries_the_metadata_and_facets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "meta"
    articles = [
        Article(
            id="w1",
            title="Wahl in Wien",
            lead="Die Wiener wählen.",
            published=datetime(2016, 3, 1, 8, 30, tzinfo=UTC),
            section="Inland",
            source="APA",
            author="Jörg Müller",
            url="https://example.org/w1",
            tags=("Wien", "Wahl 2016"),
        ),
        Article(id="w2", title="Wahl in Graz", section="Inland", tags=("Graz",)),
        Article(id="w3", title="Wahl in Berlin", section="International"),
    ]
    build_index(path, articles)[0].close()
    argv = ["search", "Wahl", "--index", str(path), "--json", "--facet", "section"]
    assert main([*argv, "--facet", "tags"]) == 0
    result = json.loads(capsys.readouterr().out)
    hit = next(h for h in result["hits"] if h["id"] == "w1")
    assert hit["published"] == "2016-03-01T08:30:00+00:00"
    assert (hit["section"], hit["source"], hit["author"]) == ("Inland", "APA", "Jörg Müller")
    assert (hit["url"], hit["tags"], hit["lead"]) == (
        "https://example.org/w1",
        ["Wien", "Wahl 2016"],
        "Die Wiener wählen.",
    )
    assert next(h for h in result["hits"] if h["id"] == "w3")["published"] is None
    assert result["facets"]["section"] == [
        {"value": "Inland", "count": 2},
        {"value": "International", "count": 1},
    ]
    assert {f["value"] for f in result["facets"]["tags"]} == {"Wien", "Wahl 2016", "Graz"}
    assert main(["search", "Wahl", "--index", str(path), "--facet", "section"]) == 0
    assert "section: Inland 2 · International 1" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["search", "Wahl", "--index", str(path), "--facet", "body"])
    assert usage.value.code == 2
