"""An opt-in boost for recent news: scores times 1 + weight * 0.5 ** (age / half-life)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from newssearch import Article, NewsIndex, RecencyBoost, Searcher, build_index

NOW = datetime(2016, 6, 15, 12, 0, tzinfo=UTC)


def _article(
    n: int, days_old: float | None, text: str = "Hochwasser in Niederösterreich"
) -> Article:
    published = None if days_old is None else NOW - timedelta(days=days_old)
    return Article(
        id=f"a{n}",
        title=text,
        body=f"{text}: die Lage bleibt angespannt, sagt die Feuerwehr. Bericht {n}.",
        published=published,
    )


ARTICLES = (
    _article(1, 400),
    _article(2, 3),
    _article(3, None),
    _article(4, 30),
    _article(5, -2),  # dated after "now": counts as today
    _article(6, 60, "Hochwasser und Sturm in Tirol"),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    built, _ = build_index(tmp_path_factory.mktemp("recency") / "ix", ARTICLES)
    return built


def test_the_factor_halves_its_extra_every_half_life() -> None:
    boost = RecencyBoost(half_life_days=10, weight=2.0)
    assert boost.factor(0) == 3.0
    assert boost.factor(10) == pytest.approx(2.0)
    assert boost.factor(20) == pytest.approx(1.5)
    assert boost.factor(-5) == 3.0
    assert RecencyBoost(weight=0).factor(0) == 1.0


@pytest.mark.parametrize(
    "bad",
    [{"half_life_days": 0}, {"half_life_days": -1}, {"weight": -0.1}, {"weight": float("nan")}],
)
def test_nonsense_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RecencyBoost(**bad)


def test_each_score_is_multiplied_by_its_articles_factor(index: NewsIndex) -> None:
    boost = RecencyBoost()
    with Searcher(index) as searcher:
        # Free text, so that the rescoring step (exact forms, proximity) is boosted too.
        plain = {
            h.id: h.score or 0.0 for h in searcher.search("Hochwasser Feuerwehr", limit=20).hits
        }
        boosted = searcher.search("Hochwasser Feuerwehr", limit=20, recency=boost, now=NOW).hits
    assert len(boosted) == len(plain) == len(ARTICLES)
    days = {
        a.id: None if a.published is None else (NOW - a.published) / timedelta(days=1)
        for a in ARTICLES
    }
    for hit in boosted:
        age = days[hit.id]
        expected = plain[hit.id] * (1.0 if age is None else boost.factor(age))
        assert hit.score == pytest.approx(expected, rel=1e-9), hit.id
    # Identical texts: the newest first, the undated (no boost) last.
    order = [h.id for h in boosted if h.id != "a6"]
    assert order == ["a5", "a2", "a4", "a1", "a3"]


def test_without_recency_nothing_changes_and_date_sorts_ignore_it(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        newest = searcher.search("Hochwasser", sort="newest", recency=RecencyBoost(), now=NOW)
        plain = searcher.search("Hochwasser", sort="newest")
        a = searcher.search("Hochwasser", recency=RecencyBoost(weight=0), now=NOW)
        b = searcher.search("Hochwasser")
    assert [h.id for h in newest.hits] == [h.id for h in plain.hits]
    assert all(h.score is None for h in newest.hits)
    assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits]


def test_pages_are_slices_of_one_boosted_ranking(index: NewsIndex) -> None:
    options = {"recency": RecencyBoost(half_life_days=7), "now": "2016-06-15", "highlight": False}
    with Searcher(index) as searcher:
        whole = [h.id for h in searcher.search("Hochwasser", limit=10, **options).hits]  # type: ignore[arg-type]
        paged = [
            h.id
            for offset in range(0, 6, 2)
            for h in searcher.search("Hochwasser", limit=2, offset=offset, **options).hits  # type: ignore[arg-type]
        ]
    assert paged == whole


def test_the_cli_boosts_with_recent(index: NewsIndex) -> None:
    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "newssearch",
                "search",
                "Hochwasser",
                "--index",
                str(index.path),
                "--json",
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )

    boosted = json.loads(run("--recent", "--now", "2016-06-15T12:00:00+00:00").stdout)
    assert [h["id"] for h in boosted["hits"]][:3] == ["a5", "a2", "a4"]
    bad = run("--recent", "--half-life", "0")
    assert bad.returncode == 2 and "positive" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run("--recent", "--now", "gestern")
    assert wrong.returncode == 1 and "ISO 8601" in wrong.stderr
