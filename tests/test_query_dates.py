"""Date phrases in queries: each kind, names that stay words, absurd input, and
properties over arbitrary text (``newssearch.query.dates``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newssearch.query.dates import DateQuery, find_dates

NOW = datetime(2016, 6, 15, 12, tzinfo=UTC)  # a Wednesday
DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "date_phrases.tsv"


def _range(text: str) -> tuple[date | None, date | None]:
    found = find_dates(text, now=NOW)
    assert found.found, text
    return (
        None if found.since is None else found.since.date(),
        None if found.until is None else found.until.date(),
    )


D = date


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        # absolute days, months, years
        ("am 14.8.2015", D(2015, 8, 14), D(2015, 8, 15)),
        ("14. August 2015", D(2015, 8, 14), D(2015, 8, 15)),
        ("14. Aug. 2015", D(2015, 8, 14), D(2015, 8, 15)),
        ("2015-08-14", D(2015, 8, 14), D(2015, 8, 15)),
        ("am 1. Juni", D(2016, 6, 1), D(2016, 6, 2)),
        ("März 2016", D(2016, 3, 1), D(2016, 4, 1)),
        ("im Maerz 2016", D(2016, 3, 1), D(2016, 4, 1)),
        ("marz 2016", D(2016, 3, 1), D(2016, 4, 1)),
        ("im Jänner 2016", D(2016, 1, 1), D(2016, 2, 1)),
        ("im März", D(2016, 3, 1), D(2016, 4, 1)),
        ("im Juli", D(2015, 7, 1), D(2015, 8, 1)),  # the latest July not after now
        ("im Jahr 2015", D(2015, 1, 1), D(2016, 1, 1)),
        ("in 2015", D(2015, 1, 1), D(2016, 1, 1)),
        # open ranges
        ("seit März 2016", D(2016, 3, 1), None),
        ("ab 2014", D(2014, 1, 1), None),
        ("seit dem 1. Mai 2016", D(2016, 5, 1), None),
        ("bis Februar 2016", None, D(2016, 3, 1)),
        ("bis zum 31. Mai 2016", None, D(2016, 6, 1)),
        ("vor 2015", None, D(2015, 1, 1)),
        ("nach 2014", D(2015, 1, 1), None),
        # two ends
        ("zwischen 2014 und 2015", D(2014, 1, 1), D(2016, 1, 1)),
        ("vom 1. bis 5. März 2016", D(2016, 3, 1), D(2016, 3, 6)),
        ("vom 3.1.2016 bis 10.1.2016", D(2016, 1, 3), D(2016, 1, 11)),
        ("zwischen Dezember und Februar 2016", D(2015, 12, 1), D(2016, 3, 1)),
        ("von gestern bis heute", D(2016, 6, 14), D(2016, 6, 16)),
        ("März bis Mai 2016", D(2016, 3, 1), D(2016, 6, 1)),
        ("1.–5. März 2016", D(2016, 3, 1), D(2016, 3, 6)),
        ("1.3.-5.3.2016", D(2016, 3, 1), D(2016, 3, 6)),
        # thirds
        ("Anfang 2016", D(2016, 1, 1), D(2016, 5, 1)),
        ("Mitte 2015", D(2015, 5, 1), D(2015, 9, 1)),
        ("Ende Februar 2016", D(2016, 2, 21), D(2016, 3, 1)),
        ("Anfang März", D(2016, 3, 1), D(2016, 3, 11)),
        ("Ende des letzten Jahres", D(2015, 9, 1), D(2016, 1, 1)),
        ("Anfang des Jahres", D(2016, 1, 1), D(2016, 5, 1)),
        # relative
        ("heute", D(2016, 6, 15), D(2016, 6, 16)),
        ("gestern", D(2016, 6, 14), D(2016, 6, 15)),
        ("vorgestern", D(2016, 6, 13), D(2016, 6, 14)),
        ("diese Woche", D(2016, 6, 13), D(2016, 6, 20)),
        ("letzte Woche", D(2016, 6, 6), D(2016, 6, 13)),
        ("in der vergangenen Woche", D(2016, 6, 6), D(2016, 6, 13)),
        ("diesen Monat", D(2016, 6, 1), D(2016, 7, 1)),
        ("letzten Monat", D(2016, 5, 1), D(2016, 6, 1)),
        ("dieses Jahr", D(2016, 1, 1), D(2017, 1, 1)),
        ("vergangenes Jahr", D(2015, 1, 1), D(2016, 1, 1)),
        ("vor 3 Tagen", D(2016, 6, 12), D(2016, 6, 13)),
        ("vor zwei Wochen", D(2016, 5, 30), D(2016, 6, 6)),
        ("vor einem Monat", D(2016, 5, 1), D(2016, 6, 1)),
        ("vor 2 Jahren", D(2014, 1, 1), D(2015, 1, 1)),
        ("in den letzten 7 Tagen", D(2016, 6, 8), None),
        ("in den letzten 3 Monaten", D(2016, 3, 15), None),
        ("seit 3 Wochen", D(2016, 5, 25), None),
        ("seit gestern", D(2016, 6, 14), None),
        ("seit letzter Woche", D(2016, 6, 6), None),
    ],
)
def test_each_kind_of_phrase(text: str, since: date | None, until: date | None) -> None:
    assert _range(f"Flüchtlinge {text}") == (since, until)
    assert _range(f"{text.upper()} Brexit") == (since, until)


def test_the_phrase_leaves_the_text() -> None:
    found = find_dates("Flüchtlinge  seit März 2016 Balkanroute", now=NOW)
    assert found == DateQuery(
        text="Flüchtlinge Balkanroute",
        since=datetime(2016, 3, 1, tzinfo=UTC),
        until=None,
        phrases=("seit März 2016",),
        description="published since 2016-03-01",
    )


def test_a_query_of_a_phrase_alone_becomes_empty() -> None:
    found = find_dates("gestern", now=NOW)
    assert found.text == ""
    assert found.description == "published 2016-06-14"


def test_several_phrases_are_intersected() -> None:
    found = find_dates("Merkel seit 2015 bis März 2016", now=NOW)
    assert found.phrases == ("seit 2015", "bis März 2016")
    assert found.description == "published 2015-01-01 – 2016-03-31"
    disjoint = find_dates("im Mai 2015 im Mai 2016", now=NOW)
    assert disjoint.since is not None and disjoint.until is not None
    assert disjoint.since >= disjoint.until
    assert "no period" in disjoint.description


def test_days_are_days_where_now_is() -> None:
    vienna = timezone(timedelta(hours=2))
    found = find_dates("gestern", now=datetime(2016, 6, 15, 0, 30, tzinfo=vienna))
    assert found.since == datetime(2016, 6, 13, 22, tzinfo=UTC)
    assert found.until == datetime(2016, 6, 14, 22, tzinfo=UTC)
    naive = find_dates("heute", now=datetime(2016, 6, 15, 12))
    assert naive.since == datetime(2016, 6, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Vision 2030",
        "Agenda 2010",
        "Euro 2016",
        "Märzrevolution",
        "Mai Thi Nguyen",
        "Juli Zeh",
        "Augustin",
        "Windows 10",
        "1. FC Köln",
        "Formel 1",
        "Paragraph 218",
        "Rapid 2:1 Austria",
        "Covid-19",
        "Top 10",
        "24 Stunden",
        "9. November",
        "Mieten ab 2000 Euro",
        "Klimaziele bis 2030",
        "Mauerfall vor 25 Jahren",
        "heute-show",
        "heute journal",
        "Jan Böhmermann",
        "Frauen Mitte 40",
        "in 1010 Wien",
        "im 2016er Jahrgang",
        "der letzte Tag",
        "1. bis 3. Liga",
        "2014 bis 2016",
    ],
)
def test_names_and_numbers_stay_words(text: str) -> None:
    found = find_dates(text, now=NOW)
    assert found == DateQuery(text, None, None, (), "")


@pytest.mark.parametrize(
    "text",
    ["31. Februar 2016", "am 99.99.2016", "im Jahr 99999", "2016-13-45", "vor 99999 Tagen",
     "am 29.2.2015", "im Jahr 0000", "seit 9999"],
)  # fmt: skip
def test_absurd_dates_stay_text(text: str) -> None:
    found = find_dates(text, now=NOW)
    assert not found.found
    assert found.text == text


def test_the_benchmark_list_is_read_as_labelled() -> None:
    wrong = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, query, since, until = line.split("\t")
        found = find_dates(query, now=NOW)
        got = (
            "" if found.since is None else found.since.date().isoformat(),
            "" if found.until is None else found.until.date().isoformat(),
        )
        if found.found != (kind == "date") or got != (since, until):
            wrong.append((query, got))
    assert wrong == []


_PIECES = st.sampled_from(
    [
        "im", "am", "seit", "ab", "bis", "zum", "vor", "nach", "vom", "von", "zwischen", "und",
        "Anfang", "Mitte", "Ende", "des", "letzten", "diese", "Woche", "Monat", "Jahr", "Jahren",
        "heute", "gestern", "März", "Maerz", "Februar", "Mai", "Aug.", "1.", "31.", "14.8.",
        "29.2.2016", "2016", "2015", "1899", "2030", "99999", "3", "drei", "Tagen", "-", "–",
        "in", "den", "der", "dem", "Euro", "Flüchtlinge", "Brexit", ".", ",",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_date_like_text_never_breaks_and_leaves_no_phrase(text: str) -> None:
    found = find_dates(text, now=NOW)
    again = find_dates(found.text, now=NOW)
    assert not again.found, (text, found, again)
    if found.since is not None and found.until is not None and found.since < found.until:
        assert found.description.startswith("published ")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_never_breaks(text: str) -> None:
    found = find_dates(text, now=NOW)
    assert isinstance(found.text, str)
    assert not find_dates(found.text, now=NOW).found
    for moment in (found.since, found.until):
        assert moment is None or moment.utcoffset() == timedelta(0)
