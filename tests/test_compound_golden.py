"""Golden searches: a query word never finds a name or adjective the splitter cut into it.

The words of issue 17, as a new user found them on German Wikipedia text:
``Ding`` found *Fielding* (``fiel`` + ``ding``), ``Gan`` *Michigans*
(``michi`` + ``gan``), ``Aren`` *inflationären* and *evolutionären*
(``evolution`` + ``ären``).  Real compounds in the same index are still found
by their parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, NewsIndex, Searcher, build_index

ARTICLES = (
    Article(
        id="fielding",
        title="Medizingeschichte",
        body="Fielding H. Garrison schrieb eine Geschichte der Medizin.",
    ),
    Article(
        id="michigan",
        title="Seen",
        body="Die Seen Michigans sind im Winter gefroren.",
    ),
    Article(
        id="inflation",
        title="Geldpolitik",
        body="Nach inflationären und deflationären Phasen kamen evolutionären Theorien auf.",
    ),
    Article(
        id="ding",
        title="Ein Ding",
        body="Das Ding lag auf dem Tisch neben dem Bahnhofsgebäude.",
    ),
)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    index: NewsIndex
    index, _ = build_index(Path(tmp_path_factory.mktemp("golden")) / "ix", ARTICLES)
    with index, Searcher(index) as s:
        yield s


def ids(searcher: Searcher, query: str) -> list[str]:
    return [hit.id for hit in searcher.search(query).hits]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Ding", ["ding"]),
        ("Gan", []),
        ("Aren", []),
        ("Fielding", ["fielding"]),
        ("Michigans", ["michigan"]),
        ("evolutionären", ["inflation"]),
    ],
)
def test_a_query_word_finds_no_name_or_adjective_cut_into_it(
    searcher: Searcher, query: str, found: list[str]
) -> None:
    assert ids(searcher, query) == found


def test_a_real_compound_is_still_found_by_its_part(searcher: Searcher) -> None:
    assert ids(searcher, "Gebäude") == ["ding"]
