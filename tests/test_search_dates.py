"""Date phrases in a query become a publication range (query/dates.py does the reading)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime

from conftest import run_cli
from newssearch import NewsIndex, Searcher

#: Thursday 6 March 2025, noon in Vienna: "gestern" is 5 March.
NOW = "2025-03-06T12:00:00+01:00"


def ids(examples_index: NewsIndex, text: str, **options: object) -> tuple[list[str], str]:
    with Searcher(examples_index) as searcher:
        result = searcher.search(text, now=NOW, highlight=False, **options)  # type: ignore[arg-type]
    return [h.id for h in result.hits], result.interpreted


def test_a_date_phrase_filters_and_is_not_searched_as_words(examples_index: NewsIndex) -> None:
    assert ids(examples_index, "Ukraine") == (["apa-0301", "std-0306"], "")
    found, said = ids(examples_index, "Ukraine seit 5. März 2025")
    assert found == ["std-0306"]
    assert said == "published since 2025-03-05 (seit 5. März 2025)"
    assert ids(examples_index, "Sicherheitsgarantien im März 2025")[0] == ["apa-0301", "std-0306"]
    # Nothing in February: the words are searched as words (see below).
    assert ids(examples_index, "Sicherheitsgarantien im Februar 2025")[1] == ""


def test_a_phrase_alone_lists_the_archive_of_that_time(examples_index: NewsIndex) -> None:
    found, said = ids(examples_index, "gestern")
    assert found == ["apa-0305"] and said == "published 2025-03-05 (gestern)"
    # Monday to Sunday before the week of NOW, newest first.
    assert ids(examples_index, "letzte Woche") == (
        ["std-0302", "apa-0228"],
        "published 2025-02-24 – 2025-03-02 (letzte Woche)",
    )


def test_weekdays_and_seasons_filter_like_days_and_months(examples_index: NewsIndex) -> None:
    # NOW is a Thursday: "am Mittwoch" is yesterday, "letzten Sonntag" 2 March.
    assert ids(examples_index, "am Mittwoch") == (
        ["apa-0305"],
        "published 2025-03-05 (am Mittwoch)",
    )
    assert ids(examples_index, "letzten Sonntag")[0] == ["std-0302"]
    # Meteorological seasons: the winter 2024/25 ends with February.
    assert ids(examples_index, "Winter 2024/25") == (
        ["apa-0228"],
        "published 2024-12-01 – 2025-02-28 (Winter 2024/25)",
    )
    assert ids(examples_index, "Ukraine im Frühjahr")[0] == ["apa-0301", "std-0306"]


def test_relative_phrases_follow_now(examples_index: NewsIndex) -> None:
    with Searcher(examples_index) as searcher:
        later = searcher.search("gestern", now=datetime(2025, 3, 3, 9, tzinfo=UTC))
    assert [h.id for h in later.hits] == ["std-0302"]


def test_phrases_narrow_since_and_until_and_can_be_turned_off(examples_index: NewsIndex) -> None:
    assert ids(examples_index, "Ukraine im März 2025", since="2025-03-05")[0] == ["std-0306"]
    assert ids(examples_index, "Ukraine im März 2025", until="2025-03-04")[0] == ["apa-0301"]
    found, said = ids(examples_index, "gestern", dates=False)
    assert found == [] and said == ""


def test_quoted_text_and_names_stay_words(examples_index: NewsIndex) -> None:
    assert ids(examples_index, '"Ukraine seit März 2025"')[1] == ""
    assert ids(examples_index, "Vision 2030")[1] == ""


def test_pages_keep_the_range(examples_index: NewsIndex) -> None:
    whole = ids(examples_index, "im März 2025", limit=10)[0]
    paged = [
        i
        for offset in range(0, 6, 2)
        for i in ids(examples_index, "im März 2025", limit=2, offset=offset)[0]
    ]
    assert paged == whole and len(whole) == 4


def test_the_cli_says_what_it_understood(examples_index: NewsIndex) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(examples_index, "search", *args)

    text = run("Ukraine seit 5. März 2025", "--now", NOW)
    assert "  dates: published since 2025-03-05 (seit 5. März 2025)" in text.stdout
    data = json.loads(run("gestern", "--now", NOW, "--json").stdout)
    assert data["interpreted"] == "published 2025-03-05 (gestern)"
    assert [h["id"] for h in data["hits"]] == ["apa-0305"]
    plain = json.loads(run("Ukraine", "--json").stdout)
    assert "interpreted" not in plain
    off = json.loads(run("gestern", "--now", NOW, "--json", "--no-dates").stdout)
    assert off["total"] == 0 and "interpreted" not in off


def test_a_range_with_nothing_in_it_is_searched_as_words(examples_index: NewsIndex) -> None:
    # An undated archive (an encyclopedia) or a year nothing was published in:
    # "im Jahr 2015" belongs to the topic.
    with Searcher(examples_index) as searcher:
        result = searcher.search("Derby im Jahr 2015", now=NOW, highlight=False)
    assert [h.id for h in result.hits] == ["std-0302"]
    assert result.interpreted == ""
    assert result.warnings == (
        "nothing was published 2015-01-01 – 2015-12-31 (im Jahr 2015): "
        "the date words were searched as words",
    )
