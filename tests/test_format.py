"""The stored format is ours: an index built by newssearch 0.1 opens after the classes moved.

``tests/data/index_v0_1`` was built by newssearch 0.1 (commit 44d37e2), when
the analyzer, posting formats and schema lived in other modules and the index
was opened through the schema Whoosh pickles into it.  It must open, search
with the scores 0.1 gave, and be upgraded to the current format on its next
change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newssearch import Article, Searcher, open_index
from newssearch.config import FORMAT_VERSION
from newssearch.index import META_FILE

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "index_v0_1.expected.json").read_text(encoding="utf-8"))


@pytest.fixture()
def v01_index(tmp_path: Path) -> Path:
    path = tmp_path / "index_v0_1"
    shutil.copytree(DATA / "index_v0_1", path)
    return path


def test_the_fixture_names_classes_that_no_longer_exist() -> None:
    # What makes this test worth having: 0.1's pickled schema points at modules that moved.
    toc = (DATA / "index_v0_1" / "_newssearch_1.toc").read_bytes()
    assert b"newssearch.postings" in toc and b"NewsPositions" in toc
    with pytest.raises(ModuleNotFoundError):
        __import__("newssearch.postings")


@pytest.mark.parametrize("query", sorted(EXPECTED))
def test_an_index_built_by_0_1_searches_as_it_did(v01_index: Path, query: str) -> None:
    with open_index(v01_index) as index, Searcher(index) as searcher:
        hits = searcher.search(query, highlight=False).hits
    assert [h.id for h in hits] == [h[0] for h in EXPECTED[query]]
    for hit, (_, score) in zip(hits, EXPECTED[query], strict=True):
        assert hit.score == pytest.approx(score, abs=0.0015)


def test_an_index_built_by_0_1_keeps_its_articles_whole(v01_index: Path) -> None:
    with open_index(v01_index) as index, Searcher(index) as searcher:
        (hit,) = searcher.search('"Wahl in Wien"', highlight=False).hits
    article = hit.article
    assert article.author == "Jörg Müller"
    assert article.tags == ("Wien", "Wahl 2015")
    assert article.published is not None and article.published.isoformat() == (
        "2015-10-11T08:30:00+00:00"
    )
    assert article.url == "https://example.org/wahl"


def test_an_index_of_format_1_is_upgraded_on_its_next_change(v01_index: Path) -> None:
    with open_index(v01_index) as index:
        assert index.stats().format_version == 1
        index.update([Article(id="neu", title="Neuer Artikel über Wien")])
        assert index.stats().format_version == FORMAT_VERSION
    meta = json.loads((v01_index / META_FILE).read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION and meta["format"] == "newssearch"
    with open_index(v01_index) as index, Searcher(index) as searcher:
        assert index.doc_count() == 15
        assert "neu" in {h.id for h in searcher.search("Wien", limit=20).hits}


def test_opening_reads_nothing_pickled_from_the_schema_slot(v01_index: Path) -> None:
    # The 0.1 TOC's schema pickle names modules that are gone: opening works
    # only because the schema comes from newssearch.json.
    with open_index(v01_index) as index:
        assert "body_exact" in index.schema.names()
