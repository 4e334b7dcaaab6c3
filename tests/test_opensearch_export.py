"""The OpenSearch export: index.json (settings, mappings), the _bulk lines, the files, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import ARTICLES, EXAMPLES
from newssearch import Article, NewsIndex, build_index
from newssearch.analysis import TokenKind, analyze
from newssearch.analysis.filters import load_stopwords
from newssearch.analysis.tokenizer import tokenize
from newssearch.config import MAX_TOKEN_CHARS, AnalyzerConfig, IndexSettings, Ranking
from newssearch.errors import InputError
from newssearch.opensearch import (
    ChainRules,
    ChainRulesCollector,
    DecompounderWords,
    analysis_settings,
    bulk_lines,
    chain_rules,
    decompounder_words,
    export_opensearch,
    index_definition,
)
from newssearch.opensearch.analysis import TOKEN_PATTERN, _lucene_parts, _surface_parts
from newssearch.opensearch.snowball import lucene_german_stem

#: A decompounder list chosen on a small vocabulary (the whole lexicon takes seconds).
VOCABULARY = {
    "sicherheitsgarantien": 3,
    "verteidigungsminister": 2,
    "bundeskanzleramt": 1,
    "zeitung": 5,
    "regierung": 4,
}


@pytest.fixture(scope="module")
def words() -> DecompounderWords:
    return decompounder_words(VOCABULARY, lexicon_min_zipf=4.5)


#: Texts the chain's rules are read off: compounds, and words Lucene's older
#: Snowball stems otherwise than PyStemmer (``berichtet``, ``entwickeln``).
TEXTS = (
    "Die Sicherheitsgarantien des Bundeskanzleramts",
    "Der Verteidigungsminister berichtet, die Firmen entwickeln Zeitungen.",
)


@pytest.fixture(scope="module")
def rules() -> ChainRules:
    return chain_rules(TEXTS)


@pytest.fixture(scope="module")
def definition(rules: ChainRules) -> dict[str, Any]:
    return index_definition(IndexSettings(), rules=rules)


# -- index.json --------------------------------------------------------------------


def test_text_fields_use_the_german_analyzer_with_an_exact_sub_field(
    definition: dict[str, Any],
) -> None:
    properties = definition["mappings"]["properties"]
    for name in ("title", "lead", "body"):
        assert properties[name] == {
            "type": "text",
            "analyzer": "german",
            "fields": {"exact": {"type": "text", "analyzer": "exact"}},
        }


def test_keyword_fields_keep_their_values_and_fold_them_for_filters(
    definition: dict[str, Any],
) -> None:
    properties = definition["mappings"]["properties"]
    for name in ("section", "source", "author", "tags"):
        assert properties[name] == {
            "type": "keyword",
            "fields": {"folded": {"type": "keyword", "normalizer": "folded"}},
        }
    assert definition["settings"]["analysis"]["normalizer"]["folded"] == {
        "type": "custom",
        "filter": ["lowercase", "german_normalization"],
    }
    assert properties["id"] == {"type": "keyword"}
    assert properties["published"] == {"type": "date", "format": "strict_date_optional_time"}
    assert properties["url"] == {"type": "keyword", "index": False, "doc_values": False}
    assert set(properties) == {
        "id", "title", "lead", "body", "published", "section", "source", "author", "url", "tags",
        "story",  # an index has stories by default
    }  # fmt: skip
    assert definition["mappings"]["dynamic"] == "strict"


def test_the_story_field_is_there_when_the_index_has_stories(words: DecompounderWords) -> None:
    with_stories = index_definition(IndexSettings(stories=True), words)
    assert with_stories["mappings"]["properties"]["story"] == {"type": "keyword"}


def test_scoring_is_bm25_with_the_index_k1_and_b(words: DecompounderWords) -> None:
    settings = IndexSettings(ranking=Ranking(k1=0.9, b=0.4))
    similarity = index_definition(settings, words)["settings"]["index"]["similarity"]
    # discount_overlaps false: a word's stacked compound parts count in the
    # field's length, as ours count them.
    assert similarity == {
        "default": {"type": "BM25", "k1": 0.9, "b": 0.4, "discount_overlaps": False}
    }
    meta = index_definition(settings, words)["mappings"]["_meta"]["newssearch"]
    assert meta["boosts"] == {"title": 3.0, "lead": 2.0, "body": 1.0}
    assert meta["ranking"]["k1"] == 0.9


def test_the_german_chain_runs_our_steps_in_our_order(definition: dict[str, Any]) -> None:
    analysis = definition["settings"]["analysis"]
    assert analysis["analyzer"]["german"] == {
        "type": "custom",
        "tokenizer": "german_tokens",
        "filter": [
            "abbreviation_dots",
            "max_token_length",
            "lowercase",
            "german_stop",
            "german_compound_parts",
            "apostrophes",
            "german_normalization",
            "only_words_stemmed",
            "german_stems",
            "german_stemmer",
            "remove_duplicates",
        ],
    }
    assert analysis["analyzer"]["exact"] == {
        "type": "custom",
        "tokenizer": "german_tokens",
        "filter": [
            "abbreviation_dots",
            "max_token_length",
            "lowercase",
            "german_stop",
            "apostrophes",
            "german_normalization",
        ],
    }
    assert analysis["tokenizer"]["german_tokens"] == {
        "type": "pattern",
        "pattern": TOKEN_PATTERN,
        "group": 0,
    }
    filters = analysis["filter"]
    assert filters["german_stop"] == {"type": "stop", "stopwords": sorted(load_stopwords())}
    assert "ueber" in filters["german_stop"]["stopwords"]  # the ae/oe/ue spellings too
    assert filters["german_stemmer"] == {"type": "snowball", "language": "German"}
    assert filters["max_token_length"] == {"type": "truncate", "length": MAX_TOKEN_CHARS}
    assert filters["only_words_stemmed"]["type"] == "keyword_marker"
    parts = filters["german_compound_parts"]
    assert parts["type"] == "synonym"
    assert (
        "sicherheitsgarantien => sicherheitsgarantien, sicherheit, garantien" in (parts["synonyms"])
    )
    assert filters["german_stems"]["type"] == "stemmer_override"
    assert "berichtet => bericht" in filters["german_stems"]["rules"]
    assert "german_decompounder" not in filters


def test_a_decompounder_for_unknown_words_runs_after_the_rules(
    rules: ChainRules, words: DecompounderWords
) -> None:
    analysis = analysis_settings(AnalyzerConfig(), words, rules=rules)
    chain = analysis["analyzer"]["german"]["filter"]
    assert chain.index("german_compound_parts") + 1 == chain.index("german_decompounder")
    decompounder = analysis["filter"]["german_decompounder"]
    assert decompounder["type"] == "dictionary_decompounder"
    assert decompounder["min_word_size"] == 6
    assert decompounder["min_subword_size"] == 3
    assert decompounder["only_longest_match"] is False
    assert decompounder["word_list"] == sorted(decompounder["word_list"])


def test_the_first_export_chain_is_the_decompounder_alone(words: DecompounderWords) -> None:
    analysis = analysis_settings(AnalyzerConfig(), words)
    chain = analysis["analyzer"]["german"]["filter"]
    assert "german_decompounder" in chain
    assert "german_compound_parts" not in chain and "german_stems" not in chain


# -- the rules read off the index's words ----------------------------------------------


def test_compounds_get_the_parts_our_analyzer_gives(rules: ChainRules) -> None:
    parts = dict(rules.parts)
    assert parts["sicherheitsgarantien"] == ("sicherheit", "garantien")
    assert parts["verteidigungsminister"] == ("verteidigung", "minister")
    assert "zeitungen" not in parts  # not a compound: no rule
    assert [w for w, _ in rules.parts] == sorted(w for w, _ in rules.parts)
    for rule in rules.synonyms():
        word, arrow, outputs = rule.partition(" => ")
        assert arrow and outputs.split(", ")[0] == word  # the word itself stays


def test_the_reading_ours_gives_most_often_wins() -> None:
    collector = ChainRulesCollector()
    for text in ("Sicherheitsgarantien", "Sicherheitsgarantien"):
        collector.add(text)
    assert dict(collector.rules().parts)["sicherheitsgarantien"] == ("sicherheit", "garantien")
    # ``Essen`` (the city, the meal) is never split; lowercase ``essen`` never either.
    assert "essen" not in dict(chain_rules(["Essen essen"]).parts)


def test_stopword_parts_are_left_out_of_the_rules() -> None:
    # OpenSearch parses a rule with the chain before the filter: a stopword
    # in it would be removed and the rule (so the index) refused.
    stop = load_stopwords()
    rules = chain_rules(ARTICLE.body for ARTICLE in ARTICLES)
    assert all(p not in stop and w not in stop for w, ps in rules.parts for p in ps)


def test_stem_rules_are_the_words_lucene_stems_otherwise(rules: ChainRules) -> None:
    stems = dict(rules.stems)
    assert stems["berichtet"] == "bericht" != lucene_german_stem("berichtet")
    assert stems["entwickeln"] == "entwickel"
    assert "sicherheit" not in stems  # both stem it alike
    assert rules.overrides() == [f"{w} => {s}" for w, s in rules.stems]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # Lucene 9.9's German Snowball (checked against Lucene on every word of
        # the sample by tests/test_lucene_parity.py)
        ("ergebnisse", "ergebnis"),
        ("berichtet", "berichtet"),
        ("aktuell", "aktuell"),
        ("heiligkeit", "heilig"),
        ("kleinigkeiten", "kleinig"),
        ("bauern", "bau"),
        ("feuer", "feu"),
        ("gesprochen", "gesproch"),
        ("häuser", "haus"),
        ("straße", "strass"),
        ("ab", "ab"),
    ],
)
def test_the_snowball_port_stems_as_lucene(word: str, stem: str) -> None:
    assert lucene_german_stem(word) == stem


def test_switched_off_steps_are_left_out(words: DecompounderWords) -> None:
    config = AnalyzerConfig(stemming=False, decompound=False, stopwords=False)
    analysis = index_definition(IndexSettings(analyzer=config), None)["settings"]["analysis"]
    chain = analysis["analyzer"]["german"]["filter"]
    assert "german_stemmer" not in chain and "german_decompounder" not in chain
    assert "german_stop" not in chain and "german_stop" not in analysis["filter"]
    assert chain == analysis["analyzer"]["exact"]["filter"]


def test_a_decompounding_chain_needs_its_rules_or_word_list() -> None:
    with pytest.raises(ValueError, match="rules or its word list"):
        index_definition(IndexSettings(), None)


# -- the decompounder's word list ------------------------------------------------------


def test_the_word_list_holds_the_parts_our_splitter_gives(words: DecompounderWords) -> None:
    listed = set(words.words)
    for part in ("sicherheit", "garantien", "verteidigung", "minister", "kanzler"):
        assert part in listed
    assert words.max_subword_size == max(len(w) for w in words.words)


def test_a_part_found_in_more_unsplit_words_than_compounds_is_left_out() -> None:
    # "zeit" stands in "zeitung" (never split) far more often than in the compounds here.
    chosen = decompounder_words({"zeitung": 1000, "zeitpunkt": 1}, lexicon_min_zipf=9.0)
    assert "zeit" not in chosen.words
    assert "punkt" in chosen.words
    assert chosen.dropped >= 1


def test_parts_are_listed_as_they_stand_in_the_text() -> None:
    assert _surface_parts("straßenbahn", ("strasse", "bahn")) == ["straße", "bahn"]
    assert _surface_parts("sicherheitsgarantien", ("sicherheit", "garantien")) == [
        "sicherheit",
        "garantien",
    ]


def test_lucene_finds_every_listed_word_inside_a_token() -> None:
    listed = {"bund", "kanzler", "amt", "kanzleramt"}
    assert _lucene_parts("bundeskanzleramt", listed, 3, 15) == [
        "bund",
        "kanzler",
        "kanzleramt",
        "amt",
    ]


# -- the _bulk lines -----------------------------------------------------------------


@pytest.fixture()
def dated_index(tmp_path: Path) -> Iterator[NewsIndex]:
    articles = [
        *ARTICLES,
        Article(
            id="dated",
            title="Gipfel in Wien",
            body="Ein Text mit „Anführungszeichen“ und\u2028Zeilentrenner.",
            published=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
            tags=("EU-Gipfel", "Wien"),
            url="https://example.org/gipfel",
        ),
    ]
    index, _ = build_index(tmp_path / "ix", articles)
    with index:
        yield index


def test_each_article_is_an_action_line_and_a_source_line(dated_index: NewsIndex) -> None:
    lines = list(bulk_lines(dated_index))
    assert len(lines) == 2 * len(ARTICLES) + 2
    actions = [json.loads(line) for line in lines[0::2]]
    sources = [json.loads(line) for line in lines[1::2]]
    assert {a["index"]["_id"] for a in actions} == {a.id for a in ARTICLES} | {"dated"}
    by_id = {s["id"]: s for s in sources}
    assert by_id["dated"] == {
        "id": "dated",
        "title": "Gipfel in Wien",
        "body": "Ein Text mit „Anführungszeichen“ und\u2028Zeilentrenner.",
        "published": "2025-03-04T09:30:00Z",
        "tags": ["EU-Gipfel", "Wien"],
        "url": "https://example.org/gipfel",
        "story": "dated",  # a story of its own
    }
    undated = by_id["sport-1"]
    assert "published" not in undated
    assert undated["author"] == "Anna Berger"
    assert undated["tags"] == ["Fußball", "Wien"]
    for line in lines:
        assert "\n" not in line and "\u2028" not in line


def test_deleted_articles_are_not_exported(dated_index: NewsIndex) -> None:
    dated_index.delete(["sport-1"])
    ids = [json.loads(line)["index"]["_id"] for line in list(bulk_lines(dated_index))[0::2]]
    assert "sport-1" not in ids and len(ids) == len(ARTICLES)


def test_the_story_label_goes_with_each_article(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", ARTICLES, settings=IndexSettings(stories=True))
    with index:
        sources = [json.loads(line) for line in list(bulk_lines(index))[1::2]]
    assert all(isinstance(s["story"], str) and s["story"] for s in sources)


# -- the export directory ---------------------------------------------------------------


def test_the_export_writes_three_files_and_says_what(
    dated_index: NewsIndex, tmp_path: Path, words: DecompounderWords
) -> None:
    out = tmp_path / "export"
    summary = export_opensearch(dated_index, out, name="archiv", words=words)
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "articles.ndjson", "index.json"]
    assert summary.articles == len(ARTICLES) + 1
    assert summary.name == "archiv"
    assert summary.bytes == sum(p.stat().st_size for p in out.iterdir())
    assert summary.index_json_bytes == summary.index_json.stat().st_size
    ndjson = summary.articles_ndjson.read_text(encoding="utf-8")
    assert ndjson.endswith("\n") and ndjson.count("\n") == 2 * summary.articles
    assert ndjson.splitlines() == list(bulk_lines(dated_index))
    # The rules are read off the exported articles' own text, in index order.
    collector = ChainRulesCollector(dated_index.settings.analyzer)
    for line in ndjson.splitlines()[1::2]:
        source = json.loads(line)
        for name in ("title", "lead", "body"):
            collector.add(source.get(name, ""))
    rules = collector.rules()
    assert (summary.compound_rules, summary.stem_rules) == (len(rules.parts), len(rules.stems))
    assert summary.compound_rules > 0 and summary.decompounder_words == len(words.words)
    assert json.loads(summary.index_json.read_text(encoding="utf-8")) == index_definition(
        dated_index.settings, words, rules=rules
    )
    readme = summary.readme.read_text(encoding="utf-8")
    assert "dates=False" in readme
    assert "$OPENSEARCH/archiv/_bulk" in readme and "split -l 10000" in readme
    assert "@index.json" in readme
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]


def test_a_non_empty_directory_is_refused_unless_overwritten(
    dated_index: NewsIndex, tmp_path: Path, words: DecompounderWords
) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        export_opensearch(dated_index, out, words=words)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep me"
    export_opensearch(dated_index, out, words=words, overwrite=True)
    assert not (out / "mine.txt").exists() and (out / "index.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_opensearch(dated_index, empty, words=words).articles == len(ARTICLES) + 1


def test_a_failed_export_leaves_nothing_behind(
    dated_index: NewsIndex,
    tmp_path: Path,
    words: DecompounderWords,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "old.txt").write_text("old export", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("newssearch.opensearch.export._readme", broken)
    with pytest.raises(OSError, match="No space"):
        export_opensearch(dated_index, out, words=words, overwrite=True)
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export", "ix"]


@pytest.mark.parametrize("name", ["News", "a b", "_x", "a/b", ""])
def test_a_bad_index_name_is_refused(
    name: str, dated_index: NewsIndex, tmp_path: Path, words: DecompounderWords
) -> None:
    with pytest.raises(InputError, match="not a valid index name"):
        export_opensearch(dated_index, tmp_path / "out", name=name, words=words)
    assert not (tmp_path / "out").exists()


def test_a_file_in_the_way_is_refused(
    dated_index: NewsIndex, tmp_path: Path, words: DecompounderWords
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a directory"):
        export_opensearch(dated_index, tmp_path / "file", words=words)


# -- the command line ---------------------------------------------------------------------


def export_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newssearch", "export", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={"NO_COLOR": "1", "PATH": "", "NEWSSEARCH_INDEX": str(cwd / "missing")},
    )


def test_the_cli_exports_an_index(examples_index: NewsIndex, tmp_path: Path) -> None:
    done = export_cli("opensearch", "out", "--index", str(examples_index.path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "exported 5 articles to out: index.json, articles.ndjson, README.txt",
        f"load them into OpenSearch with the commands in {Path('out', 'README.txt')}",
    ]
    definition = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))
    filters = definition["settings"]["analysis"]["filter"]
    assert filters["german_compound_parts"]["synonyms"]  # read off the examples' words
    listed = filters["german_decompounder"]["word_list"]
    assert 1_000 < len(listed) < 50_000  # chosen on the whole lexicon
    assert (tmp_path / "out" / "index.json").stat().st_size < 1_000_000
    again = export_cli("opensearch", "out", "--index", str(examples_index.path), cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.startswith("newssearch: error: out is not empty")
    assert len(again.stderr.splitlines()) == 1


def test_the_cli_refuses_a_missing_index_in_one_line(tmp_path: Path) -> None:
    done = export_cli("opensearch", "out", "--index", str(tmp_path / "nothing"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("newssearch: error: ")
    assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_cli_knows_only_opensearch(tmp_path: Path) -> None:
    done = export_cli("solr", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "invalid choice: 'solr'" in done.stderr


def test_the_exported_chain_keeps_the_example_texts_tokens(examples_index: NewsIndex) -> None:
    # Our own analysis of the examples is what the Lucene parity check compares against;
    # here only that the bulk source holds the texts it was made from.
    lines = list(bulk_lines(examples_index))
    sources = [json.loads(line) for line in lines[1::2]]
    first = next(s for s in sources if s.get("body"))
    assert analyze(first["body"])
    assert len(sources) == sum(
        1 for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()
    )


# -- the tokenizer's pattern -----------------------------------------------------------


def test_the_pattern_tokenizer_gives_our_tokens_but_hyphenated_wholes() -> None:
    """``TOKEN_PATTERN`` is Java syntax; the ``regex`` module reads it alike (``\\p{L}``).
    Each match, abbreviation dots dropped, is one of our tokens, in order; a
    hyphenated word gives only its parts (a pattern tokenizer cannot give both)."""
    regex = pytest.importorskip("regex")
    pattern = regex.compile(TOKEN_PATTERN)
    plain = AnalyzerConfig(decompound=False)
    dots = regex.compile(analysis_settings(plain)["filter"]["abbreviation_dots"]["pattern"])
    texts = [t for a in ARTICLES for t in (a.title, a.lead, a.body)] + [
        "US-Präsident zahlt 1,5 Mrd. Euro, z.B. per E-Mail an info@spiegel.de um 11:30 "
        "(www.orf.at/news). Geht’s? u.a. A-B, Covid-19, 2:1-Sieg, Dr. Müller, 1.000.000"
    ]
    for text in texts:
        ours = [t.text for t in tokenize(text) if t.kind != TokenKind.WHOLE]
        matched = [
            dots.sub(lambda m: "".join(g or "" for g in m.groups()), m.group())
            for m in pattern.finditer(text)
        ]
        assert matched == ours, text


def test_without_unknown_compounds_the_rules_alone_split(
    dated_index: NewsIndex, tmp_path: Path, words: DecompounderWords
) -> None:
    summary = export_opensearch(dated_index, tmp_path / "out", unknown_compounds=False)
    assert summary.decompounder_words == 0 and summary.compound_rules > 0
    analysis = json.loads(summary.index_json.read_text(encoding="utf-8"))["settings"]["analysis"]
    assert "german_decompounder" not in analysis["filter"]
    assert "german_compound_parts" in analysis["analyzer"]["german"]["filter"]
