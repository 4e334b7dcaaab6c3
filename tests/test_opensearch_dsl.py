"""newssearch queries as OpenSearch Query DSL: one golden file per construct.

Each case of ``CASES`` is translated and compared with
``tests/data/opensearch/<case>.json``.  After a deliberate change of the
translation, regenerate the files and review the diff::

    NEWSSEARCH_REGEN_GOLDEN=1 python -m pytest -q -p no:cacheprovider tests/test_opensearch_dsl.py
    git diff tests/data/opensearch/
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newssearch import Searcher
from newssearch.config import IndexSettings, Ranking
from newssearch.errors import QueryError
from newssearch.opensearch import to_query_dsl

GOLDEN = Path(__file__).parent / "data" / "opensearch"
REGENERATE = os.environ.get("NEWSSEARCH_REGEN_GOLDEN") == "1"
#: A fixed "now" for date phrases.
NOW = datetime(2016, 6, 15, 12, 0, tzinfo=UTC)

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "free_text": ("Sicherheitsgarantien für die Ukraine", {}),
    "question": ("Wer ist der Bundeskanzler?", {}),
    "phrase": ('"Europäische Union" Gipfel', {}),
    "phrase_slop": ('"Präsident Trump"~3', {}),
    "plus_minus": ("+Merkel -Trump Wahl", {}),
    "and_or_not": ("Merkel AND (Trump OR Biden) NOT Wahl", {}),
    "und_oder_nicht": ("Merkel UND Trump ODER Biden NICHT Wahl", {}),
    "not_alone": ("NICHT Wahl", {}),
    "field": ("titel:Putin ressort:Politik autor:Müller", {}),
    "field_phrase": ('inhalt:"Wiener Derby"', {}),
    "hyphenated": ("US-Präsident", {}),
    "boost": ("Gipfel^2 Ukraine", {}),
    "prefix": ("Bundes*", {}),
    "prefix_keyword": ("tag:EU*", {}),
    "published_range": ("Wahl published:[2015 TO 2016-03]", {}),
    "filters": (
        "Ukraine",
        {"filters": {"section": "International", "tags": ["EU-Gipfel", "Wien"]}},
    ),
    "since_until": ("Ukraine", {"since": "2025-03-01", "until": "2025-03-05"}),
    "date_phrase": ("Flüchtlinge seit März 2016", {}),
    "date_phrase_and_until": ("Flüchtlinge im Mai", {"until": "2016-05-20"}),
    "sort_newest": ("Ukraine", {"sort": "newest"}),
    "sort_oldest": ("Ukraine", {"sort": "oldest"}),
    "paging": ("Ukraine", {"limit": 5, "offset": 20}),
    "facets": ("Ukraine", {"facets": ["section", "tags", "author"]}),
    "highlight": ("Ukraine Gipfel", {"highlight": True}),
    "browse": ("*", {"filters": {"author": "Anna Berger"}}),
    "stopwords_only": ("der die das", {}),
    "sum_of_fields": ("Ukraine Gipfel", {"settings": IndexSettings(ranking=Ranking(fields="sum"))}),
}


def translate(name: str) -> dict[str, Any]:
    text, options = CASES[name]
    return to_query_dsl(text, **{"highlight": False, "now": NOW, **options})


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_construct_translates_as_its_golden_file(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    got = translate(name)
    if REGENERATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        text, _ = CASES[name]
        record = {"query": text, "body": got}
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert expected["query"] == CASES[name][0]
    assert got == expected["body"]


def test_every_golden_file_belongs_to_a_case() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(CASES)


# -- the contract with the Lucene checker -------------------------------------------

#: What each DSL node may hold (the subset the parity checker executes).
NODES = {
    "bool": {"must", "should", "must_not", "filter", "minimum_should_match", "boost"},
    "dis_max": {"queries", "tie_breaker", "boost"},
    "multi_match": {
        "query",
        "fields",
        "type",
        "operator",
        "tie_breaker",
        "slop",
        "analyzer",
        "boost",
    },
    "match": None,
    "match_phrase": None,
    "prefix": None,
    "term": None,
    "terms": None,
    "range": None,
    "match_all": set(),
    "match_none": set(),
    "constant_score": {"filter", "boost"},
}
FIELD_OPTIONS = {
    "match": {"query", "operator", "boost", "analyzer"},
    "match_phrase": {"query", "slop", "boost", "analyzer"},
    "prefix": {"value", "boost"},
    "term": {"value", "boost"},
    "range": {"gte", "gt", "lte", "lt", "format"},
}
TOP = {
    "query",
    "size",
    "from",
    "sort",
    "aggs",
    "highlight",
    "rescore",
    "_source",
    "track_total_hits",
}


def query_nodes(node: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every (kind, spec) of a query tree."""
    ((kind, spec),) = node.items()
    yield kind, spec
    if kind == "bool":
        for clause in ("must", "should", "must_not", "filter"):
            for child in spec.get(clause, []):
                yield from query_nodes(child)
    elif kind == "dis_max":
        for child in spec["queries"]:
            yield from query_nodes(child)
    elif kind == "constant_score":
        yield from query_nodes(spec["filter"])


def check_contract(body: dict[str, Any]) -> None:
    assert set(body) <= TOP
    queries = [body["query"]]
    for rescore in body.get("rescore", []):
        assert set(rescore) == {"window_size", "query"}
        assert set(rescore["query"]) == {
            "rescore_query",
            "query_weight",
            "rescore_query_weight",
            "score_mode",
        }
        assert rescore["query"]["score_mode"] == "total"
        queries.append(rescore["query"]["rescore_query"])
    for query in queries:
        for kind, spec in query_nodes(query):
            assert kind in NODES, kind
            allowed = NODES[kind]
            if allowed is not None:
                assert set(spec) <= allowed, (kind, spec)
            if kind in FIELD_OPTIONS:
                ((field, options),) = spec.items()
                assert set(options) <= FIELD_OPTIONS[kind], (kind, options)
            if kind == "range":
                ((field, _),) = spec.items()
                assert field == "published"
            if kind in ("term", "terms"):
                ((field, _),) = spec.items()
                assert field == "id" or field.endswith(".folded"), field
            if kind == "multi_match":
                assert spec["type"] in ("best_fields", "phrase")
            if kind == "bool" and "minimum_should_match" in spec:
                assert isinstance(spec["minimum_should_match"], int)
    for entry in body.get("sort", []):
        assert entry == "_score" or set(entry) == {"published"}
    for agg in body.get("aggs", {}).values():
        assert set(agg) == {"terms"} and set(agg["terms"]) == {"field", "size"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_translation_uses_only_the_agreed_constructs(name: str) -> None:
    check_contract(translate(name))


def test_free_text_scores_each_word_in_its_best_field_with_our_boosts() -> None:
    body = to_query_dsl("Ukraine", highlight=False)
    assert body["query"] == {
        "multi_match": {
            "query": "Ukraine",
            "fields": ["title^3.0", "lead^2.0", "body^1.0"],
            "type": "best_fields",
            "operator": "and",
            "tie_breaker": 0.0,
        }
    }
    (rescore,) = body["rescore"]
    assert rescore["window_size"] == 100
    exact = rescore["query"]["rescore_query"]["multi_match"]
    assert exact["fields"] == ["title.exact^3.0", "lead.exact^2.0", "body.exact^1.0"]


def test_the_rescore_follows_the_ranking_weights() -> None:
    settings = IndexSettings(
        ranking=Ranking(exact_weight=0.5, proximity_weight=0.25, proximity_slop=4)
    )
    body = to_query_dsl("Sicherheitsgarantien Ukraine", settings=settings, highlight=False)
    clauses = body["rescore"][0]["query"]["rescore_query"]["bool"]["should"]
    exact, proximity = clauses[0]["multi_match"], clauses[-1]["multi_match"]
    assert exact["fields"] == ["title.exact^1.5", "lead.exact^1.0", "body.exact^0.5"]
    assert proximity == {
        "query": "Sicherheitsgarantien Ukraine",
        "fields": ["title^0.75", "lead^0.5", "body^0.25"],
        "type": "phrase",
        "slop": 3,
    }


def test_queries_with_syntax_and_date_orders_have_no_rescore() -> None:
    assert "rescore" not in to_query_dsl('"Europäische Union"')
    assert "rescore" not in to_query_dsl("Ukraine", sort="newest")


def test_date_phrases_are_searched_as_words_when_asked() -> None:
    body = to_query_dsl("Flüchtlinge seit März 2016", now=NOW, dates=False, highlight=False)
    assert "filter" not in json.dumps(body)
    assert body["query"]["bool"]["should"][0]["multi_match"]["query"] == "Flüchtlinge"


def test_highlighting_asks_for_german_sentences() -> None:
    highlight = to_query_dsl("Ukraine")["highlight"]
    assert highlight["type"] == "unified"
    assert highlight["boundary_scanner"] == "sentence"
    assert highlight["boundary_scanner_locale"] == "de-DE"
    assert set(highlight["fields"]) == {"title", "lead", "body"}
    assert "highlight" not in to_query_dsl("Ukraine", highlight=False)


@pytest.mark.parametrize(
    "text",
    ["B*", "body:[a TO b]", "", "   ", "Wi\udcfcn"],
)
def test_a_query_our_search_refuses_raises_the_same_query_error(
    text: str, searcher: Searcher
) -> None:
    with pytest.raises(QueryError) as ours:
        searcher.search(text)
    with pytest.raises(QueryError) as translated:
        to_query_dsl(text)
    assert str(translated.value) == str(ours.value)


@pytest.mark.parametrize(
    "options",
    [
        {"sort": "best"},
        {"limit": -1},
        {"offset": -1},
        {"facets": ["body"]},
        {"filters": {"title": "x"}},
        {"since": "März"},
    ],
)
def test_bad_options_raise_query_errors(options: dict[str, Any], searcher: Searcher) -> None:
    with pytest.raises(QueryError) as ours:
        searcher.search("Ukraine", **options)
    with pytest.raises(QueryError) as translated:
        to_query_dsl("Ukraine", **options)
    assert str(translated.value) == str(ours.value)
