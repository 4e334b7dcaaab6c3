"""Every query has a bounded cost: capped prefixes, no ranges of words, a time limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from whoosh import query as wq

from newssearch import Article, NewsIndex, QueryError, Searcher, build_index, sample_articles
from newssearch.analysis import german_analyzer
from newssearch.config import IndexSettings, QueryLimits
from newssearch.engine.schema import build_schema
from newssearch.query import Planner


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    index, _ = build_index(tmp_path_factory.mktemp("limits") / "ix", sample_articles())
    with index:
        yield index


def _planner(limits: QueryLimits | None = None) -> Planner:
    s = IndexSettings()
    return Planner(
        build_schema(s),
        boosts=s.boosts,
        ranking=s.ranking,
        analyzer=german_analyzer(s.analyzer),
        limits=limits,
    )


@pytest.mark.parametrize("text", ["S*", "a* b* c*", "title:x*", "Wien OR b*"])
def test_a_one_letter_prefix_is_refused_without_an_index(text: str) -> None:
    with pytest.raises(QueryError, match="too short"):
        _planner().plan(text)


@pytest.mark.parametrize(
    "text", ["[a TO z]", "body:[a TO]", "{a TO b}", "section:[a TO c]", "Wien AND title:[x TO y]"]
)
def test_ranges_of_words_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="ranges work on published only"):
        _planner().plan(text)


def test_a_prefix_stands_for_at_most_max_expansions_words_per_field(
    sample_index: NewsIndex,
) -> None:
    with Searcher(sample_index, limits=QueryLimits(max_expansions=3)) as searcher:
        plan = searcher.plan("Bundes*")
        terms = [t for t in plan.match.leaves() if isinstance(t, wq.Term)]
        per_field: dict[str, int] = {}
        for t in terms:
            per_field[t.fieldname] = per_field.get(t.fieldname, 0) + 1
        assert per_field and max(per_field.values()) <= 3
        assert all(t.text.startswith("bundes") for t in terms)
        assert not any(isinstance(q, wq.Prefix) for q in plan.match.leaves())


def test_prefix_matches_are_ranked(sample_index: NewsIndex) -> None:
    with Searcher(sample_index) as searcher:
        hits = searcher.search("Bundes*", limit=20, highlight=False).hits
    scores = [h.score for h in hits]
    assert len(set(scores)) > 5  # not every score 1.0 in index order, as Whoosh gives
    assert scores == sorted(scores, reverse=True)


def test_a_prefix_nothing_starts_with_matches_nothing(sample_index: NewsIndex) -> None:
    with Searcher(sample_index) as searcher:
        assert searcher.search("Qxzv*").total == 0


def test_the_exact_twins_are_not_fields_of_the_query_language(sample_index: NewsIndex) -> None:
    with Searcher(sample_index) as searcher:
        typed = searcher.search('title_exact:"Europäische Union"', highlight=False)
        plain = searcher.search('title:"Europäische Union"', highlight=False)
    assert [h.id for h in typed.hits] == [h.id for h in plain.hits]


def test_a_published_range_works(tmp_path: Path) -> None:
    articles = [
        Article(id=f"a{y}", title="Wahl in Wien", published=datetime(y, 6, 1, tzinfo=UTC))
        for y in (2014, 2015, 2016, 2017)
    ]
    index, _ = build_index(tmp_path / "ix", articles)
    with index, Searcher(index) as searcher:
        hits = searcher.search("Wahl AND published:[2015 TO 2016]").hits
    assert {h.id for h in hits} == {"a2015", "a2016"}


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("Wie hoch ist die Arbeitslosigkeit in Österreich und Deutschland?", {}),
        ("Fußball Tor", {"facets": ["section"]}),
        ("Regierung", {"sort": "newest"}),
    ],
)
def test_a_search_past_its_time_limit_is_partial(
    sample_index: NewsIndex, text: str, options: dict[str, object]
) -> None:
    with Searcher(sample_index, limits=QueryLimits(time_limit=1e-9)) as searcher:
        result = searcher.search(text, **options)  # type: ignore[arg-type]
    assert result.partial is True
    with Searcher(sample_index) as searcher:
        full = searcher.search(text, **options)  # type: ignore[arg-type]
    assert full.partial is False
    assert result.total <= full.total


@pytest.mark.parametrize(
    "bad",
    [
        {"max_expansions": 0},
        {"max_scanned_terms": 0},
        {"min_prefix_chars": 0},
        {"time_limit": 0},
        {"time_limit": -1.0},
    ],
)
def test_query_limits_must_be_positive(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        QueryLimits(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["foo:Wien", "Titel:Wien Graz"])
def test_an_unknown_field_is_searched_as_words_and_said(sample_index: NewsIndex, text: str) -> None:
    with Searcher(sample_index) as searcher:
        result = searcher.search(text, highlight=False)
        words = searcher.search(text.replace(":", " "), highlight=False)
    assert result.total == words.total > 0
    assert len(result.warnings) == 1 and "unknown field" in result.warnings[0]


@pytest.mark.parametrize(
    "text", ["Wien 21:30", "https://derstandard.at", "title:Wien", "autor:Müller"]
)
def test_known_fields_times_and_urls_give_no_warning(sample_index: NewsIndex, text: str) -> None:
    with Searcher(sample_index) as searcher:
        assert searcher.search(text, highlight=False).warnings == ()


def test_a_query_of_stopwords_only_is_searched_as_written(sample_index: NewsIndex) -> None:
    # The exact twins hold stopwords (tests/test_stopwords.py has the details).
    with Searcher(sample_index) as searcher:
        result = searcher.search("der die das")
        nothing = searcher.search("_")
    assert result.total > 0 and result.warnings == ()
    assert nothing.warnings == ("the query has no searchable word (only stopwords or punctuation)",)


@pytest.mark.parametrize(
    "build",
    [
        lambda n: " ANDMAYBE ".join(["Wien"] * n),
        lambda n: " ANDNOT ".join(["Wien"] * n),
        lambda n: "(Wien ANDMAYBE " * n + "Wien" + ")" * n,
    ],
    ids=["chained-andmaybe", "chained-andnot", "nested-andmaybe"],
)
def test_binary_operators_are_parsed_in_linear_time(
    build: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """whoosh3 built both sides of ANDMAYBE/ANDNOT twice: 2^n word queries for n of them
    (18 chained took 17 s); found by the query fuzzer (benchmarks/fuzz_queries.py)."""
    from newssearch.engine import parser as engine_parser

    calls = 0
    original = engine_parser._Parser.term_query

    def counting(self: object, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_parser._Parser, "term_query", counting)
    planner = _planner()
    counts = []
    for n in (6, 12):
        calls = 0
        planner.plan(build(n))  # type: ignore[operator]
        counts.append(calls)
    # Twice the operators, twice the word queries (it was 2^n).
    assert counts[1] <= 2 * counts[0] + 2, counts


@pytest.mark.parametrize("text", ["Au\udfffsdauer*", "Mitangeklagte\ud800", "\udcfc"])
def test_a_lone_surrogate_is_a_query_error(sample_index: NewsIndex, text: str) -> None:
    with Searcher(sample_index) as searcher:
        with pytest.raises(QueryError, match="invalid character"):
            searcher.search(text)
        with pytest.raises(QueryError, match="author filter holds an invalid character"):
            searcher.search("Wien", filters={"author": text})


def test_a_query_of_too_many_words_is_cut_and_says_so(sample_index: NewsIndex) -> None:
    words = ["Regierung", "Wien", "Kanzler", "Wahl"] * 30
    with Searcher(sample_index, limits=QueryLimits(max_words=8)) as searcher:
        cut = searcher.search(" ".join(words))
        first = searcher.search(" ".join(words[:8]))
    assert cut.warnings[0] == "the query has 120 words: only its first 8 were searched"
    assert [h.id for h in cut.hits] == [h.id for h in first.hits]
    assert QueryLimits().max_words == 64


def test_many_prefixes_share_the_query_s_expansion_budget(sample_index: NewsIndex) -> None:
    prefixes = ["Bun*", "Reg*", "Par*", "Wie*", "Sch*", "Ver*", "Ein*", "Kan*"]
    limits = QueryLimits(max_clauses=40)
    with Searcher(sample_index, limits=limits) as searcher:
        plan = searcher.plan(" ".join(prefixes))
        one = searcher.plan("Bun*")
    words = {(t.fieldname, t.text) for t in plan.match.leaves() if isinstance(t, wq.Term)}
    assert 8 <= len(words) <= 24  # 8 prefixes in 3 fields: 24 leaves, 40 // 24 = 1 word each
    one_words = {t.text for t in one.match.leaves() if isinstance(t, wq.Term)}
    assert len(one_words) > 5  # a single prefix keeps the whole budget
