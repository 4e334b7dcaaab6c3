"""Related articles and completions through Searcher and the CLI."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from newssearch import NewsIndex, QueryError, Searcher


def test_related_never_gives_the_article_itself_or_the_excluded(examples_index: NewsIndex) -> None:
    with Searcher(examples_index) as searcher:
        ids = [h.id for h in searcher.related("apa-0301")]
        assert ids and "apa-0301" not in ids
        assert ids[0] == "std-0306"  # the other Ukraine article
        rest = [h.id for h in searcher.related("apa-0301", exclude=["std-0306"])]
        assert rest == ids[1:]
        with pytest.raises(QueryError, match="no article with id 'nope'"):
            searcher.related("nope")


def test_suggest_completes_words_umlauts_folded(examples_index: NewsIndex) -> None:
    with Searcher(examples_index) as searcher:
        assert [c.text for c in searcher.suggest("Sich")] == ["Sicherheitsgarantien"]
        assert searcher.suggest("osterr")[0].text == "Österreich"
        assert searcher.suggest("") == ()
        assert searcher.suggest("Sich", limit=0) == ()


def test_the_cli_commands(examples_index: NewsIndex) -> None:
    related = json.loads(run_cli(examples_index, "related", "apa-0301", "--json").stdout)
    assert related["related"][0]["id"] == "std-0306"
    unknown = run_cli(examples_index, "related", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr == "newssearch: error: no article with id 'nope' in the index\n"
    text = run_cli(examples_index, "suggest", "Sich").stdout
    assert text == "Sicherheitsgarantien  (word, 2)\n"
    empty = run_cli(examples_index, "suggest", "   ")
    assert empty.returncode == 0 and empty.stdout == ""
    assert json.loads(run_cli(examples_index, "suggest", "osterr", "--json").stdout)["suggestions"][
        0
    ] == {
        "text": "Österreich",
        "kind": "word",
        "count": 1,
    }
