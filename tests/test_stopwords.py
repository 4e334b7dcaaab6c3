"""Stopwords stay searchable where they matter, without ranking anything else.

Each text field has a stopword twin (format 3): a query of stopwords alone
finds the articles that hold every one of them, and the stopwords of a quoted
phrase must stand in the phrase's field.  No other field holds them, so free
text with other words ranks exactly as before.  Older indexes say they cannot
search them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import query as wq

from newssearch import Article, NewsIndex, Searcher, build_index, open_index
from newssearch.analysis import TokenKind, exact_analyzer, german_analyzer, stopword_analyzer
from newssearch.config import FORMAT_VERSION, AnalyzerConfig, IndexSettings
from newssearch.engine.schema import build_schema
from newssearch.index import META_FILE

DATA = Path(__file__).parent / "data"

ARTICLES = (
    Article(id="band", title="Wir sind Helden spielen in Wien", body="Ein Konzert der Band."),
    Article(id="helden", title="Helden des Alltags", body="Sie sind die Helden der Pflege."),
    Article(
        id="welt-ende", title="Am Ende der Welt", body="Eine Reise nach Feuerland.", section="Reise"
    ),
    Article(
        id="welt-ohne",
        title="Welt am Ende",
        body="Ende gut, alles gut: Welt und Reise.",
        section="Kultur",
    ),
    Article(id="hamlet", title="Hamlet in der Burg", body="Sein oder Nichtsein, fragt Hamlet."),
    Article(id="leer", title="Wetter", body="Regen in Wien, Sonne in Graz."),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    built, _ = build_index(tmp_path_factory.mktemp("stop") / "ix", ARTICLES)
    return built


def ids(index: NewsIndex, query: str, **options: object) -> list[str]:
    with Searcher(index) as searcher:
        return [h.id for h in searcher.search(query, limit=20, **options).hits]  # type: ignore[arg-type]


def test_only_the_stopword_twins_hold_stopwords() -> None:
    text = "Für die Ukraine"
    stops = [(t.text, t.kind) for t in stopword_analyzer()(text, mode="index")]
    assert stops == [("fur", TokenKind.STOP), ("die", TokenKind.STOP)]
    assert [t.text for t in stopword_analyzer()(text, mode="query")] == ["fur", "die"]
    assert [t.text for t in german_analyzer()(text, mode="index")] == ["ukrain"]
    assert [t.text for t in exact_analyzer()(text, mode="index")] == ["ukraine"]
    marked = [(t.text, t.kind) for t in exact_analyzer(stopwords=True)(text, mode="query")]
    assert marked == [*stops, ("ukraine", TokenKind.WORD)]


def test_the_schema_has_stopword_twins_unless_turned_off() -> None:
    assert "body_stop" in build_schema(IndexSettings()).names()
    off = IndexSettings(analyzer=AnalyzerConfig(stopword_fields=False))
    assert "body_stop" not in build_schema(off).names()
    # Without stopword removal the text fields hold them already.
    assert (
        "body_stop"
        not in build_schema(IndexSettings(analyzer=AnalyzerConfig(stopwords=False))).names()
    )


def test_a_query_of_stopwords_alone_finds_the_articles_holding_every_one(index: NewsIndex) -> None:
    assert set(ids(index, "wir sind")) == {"band"}
    assert set(ids(index, "sie sind die")) == {"helden"}
    # Every word must be there: "oder" stands only in the Hamlet article.
    assert ids(index, "sein oder") == ["hamlet"]
    with Searcher(index) as searcher:
        result = searcher.search("wir sind")
    assert result.warnings == ()
    assert result.hits[0].highlights.title is not None
    assert result.hits[0].highlights.title.text == "Wir sind Helden spielen in Wien"
    assert len(result.hits[0].highlights.title.matches) == 2


def test_a_stopword_query_keeps_filters_and_pages(index: NewsIndex) -> None:
    assert ids(index, "am", filters={"section": "Reise"}) == ["welt-ende"]
    everything = ids(index, "am")
    assert set(everything) == {"welt-ende", "welt-ohne"}
    with Searcher(index) as searcher:
        first = searcher.search("am", limit=1).hits
        second = searcher.search("am", limit=1, offset=1).hits
    assert [h.id for h in (*first, *second)] == everything


def test_a_phrase_must_hold_its_stopwords_in_its_field(index: NewsIndex) -> None:
    # "Ende ... Welt" stands in both; only one of them has "der" in the title.
    assert ids(index, 'title:"Ende der Welt"') == ["welt-ende"]
    assert set(ids(index, '"Ende der Welt"')) == {"welt-ende"}
    assert ids(index, '"Sein oder Nichtsein"') == ["hamlet"]
    assert ids(index, '"wir sind"') == ["band"]
    assert ids(index, 'body:"wir sind"') == []


def test_free_text_with_other_words_ranks_as_without_its_stopwords(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        plan = searcher.plan("Helden der Pflege")
        assert plan.rescore is not None
        exact = {t.text for t in plan.rescore.leaves() if isinstance(t, wq.Term)}
        assert exact and not exact & {"der"}
        with_stops = searcher.search("die Helden der Pflege", highlight=False).hits
        without = searcher.search("Helden Pflege", highlight=False).hits
    assert [(h.id, h.score) for h in with_stops] == [(h.id, h.score) for h in without]


def test_punctuation_alone_still_says_there_is_nothing_to_search(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        result = searcher.search("… – ?!")
    assert result.total == 0
    assert result.warnings == ()  # no word at all: nothing to warn about
    with Searcher(index) as searcher:
        assert searcher.search("_ _").warnings == (
            "the query has no searchable word (only stopwords or punctuation)",
        )


def test_an_index_without_stopwords_says_to_rebuild_and_stays_without(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(DATA / "index_v0_1", path)
    with open_index(path) as old, Searcher(old) as searcher:
        assert not old.settings.analyzer.stopword_fields
        result = searcher.search("der die das")
        assert result.total == 0
        assert "rebuild" in result.warnings[0]
        old.update([Article(id="neu", title="Der Tag, an dem die Welt stillstand")])
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["settings"]["analyzer"]["stopword_fields"] is False
    with open_index(path) as reopened:
        assert not reopened.settings.analyzer.stopword_fields


@pytest.mark.parametrize("version", [2, FORMAT_VERSION])
def test_settings_say_stopwords_only_from_format_3_on(tmp_path: Path, version: int) -> None:
    path = tmp_path / "ix"
    build_index(path, ARTICLES[:1])[0].close()
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    assert meta["settings"]["analyzer"]["stopword_fields"] is True
    if version == 2:  # as a format-2 index wrote it: without the key
        del meta["settings"]["analyzer"]["stopword_fields"]
    meta["format_version"] = version
    (path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with open_index(path) as index:
        assert index.settings.analyzer.stopword_fields is (version == FORMAT_VERSION)
    assert IndexSettings.from_json({}) == IndexSettings()
