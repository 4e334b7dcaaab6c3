"""Keyword filters fold umlauts and case like the text; facets show values as spelled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, Searcher, build_index

ARTICLES = [
    Article(
        id="1",
        title="Gipfel in Brüssel",
        author="Hans Müller",
        tags=("EU-Gipfel", "Österreich"),
        section="Inland",
    ),
    Article(
        id="2",
        title="Gipfel vertagt",
        author="Hans Mueller",
        tags=("eu-gipfel", "Oesterreich"),
        section="inland",
    ),
    Article(id="3", title="Gipfel in Wien", author="Anna Berg", tags=("Wien",), section="Sport"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    index, _ = build_index(tmp_path_factory.mktemp("kw") / "ix", ARTICLES)
    with index, Searcher(index) as s:
        yield s


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"author": "Hans Müller"}, ["1", "2"]),
        ({"author": "hans mueller"}, ["1", "2"]),
        ({"author": "HANS MULLER"}, ["1", "2"]),
        ({"author": "Anna Berg"}, ["3"]),
        ({"author": "Anna"}, []),
        ({"tags": "österreich"}, ["1", "2"]),
        ({"tags": ["Wien", "eu-gipfel"]}, ["1", "2", "3"]),
        ({"section": "INLAND"}, ["1", "2"]),
        ({"section": "Inland", "author": "Anna Berg"}, []),
    ],
)
def test_filters_match_however_umlauts_and_case_are_written(
    searcher: Searcher, filters: dict[str, object], expected: list[str]
) -> None:
    result = searcher.search("Gipfel", filters=filters, limit=10)  # type: ignore[arg-type]
    assert sorted(h.id for h in result.hits) == expected


def test_facets_add_up_what_a_filter_does_not_tell_apart(searcher: Searcher) -> None:
    facets = searcher.search("Gipfel", facets=["tags", "section", "author"]).facets
    assert facets["section"] == {"Inland": 2, "Sport": 1}
    assert facets["author"] == {"Hans Mueller": 2, "Anna Berg": 1}
    # Tags are indexed lowercase; they are shown as the articles spell them.
    assert facets["tags"] == {"EU-Gipfel": 2, "Oesterreich": 2, "Wien": 1}


def test_a_facet_value_used_as_a_filter_finds_what_it_counted(searcher: Searcher) -> None:
    facets = searcher.search("Gipfel", facets=["tags", "author"]).facets
    for name, counts in facets.items():
        for value, count in counts.items():
            assert searcher.search("Gipfel", filters={name: value}).total == count, (name, value)


def test_the_cli_filters_by_author_however_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newssearch.cli import main

    index, _ = build_index(tmp_path / "ix", ARTICLES)
    index.close()
    args = ["search", "Gipfel", "--index", str(tmp_path / "ix"), "--json"]
    assert main([*args, "--author", "HANS MUELLER", "--facet", "tags"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(hit["id"] for hit in out["hits"]) == ["1", "2"]
    assert out["facets"]["tags"][0] == {"value": "EU-Gipfel", "count": 2}
