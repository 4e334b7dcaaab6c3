"""Did you mean, as search gives it: a corrected query for an unknown word or no hits."""

from __future__ import annotations

import json
import subprocess

from conftest import run_cli
from newssearch import NewsIndex, Searcher


def test_an_unknown_word_gets_a_suggestion(examples_index: NewsIndex) -> None:
    with Searcher(examples_index) as searcher:
        nothing = searcher.search("Sicherheitsgarantin")
        some = searcher.search("Sicherheitsgarantin Ukraine")
    assert nothing.total == 0
    assert nothing.suggestion is not None
    assert nothing.suggestion.query == "Sicherheitsgarantien"
    assert some.total == 2 and some.suggestion is not None
    assert some.suggestion.query == "Sicherheitsgarantien Ukraine"
    assert some.suggestion.html == "<mark>Sicherheitsgarantien</mark> Ukraine"


def test_known_words_and_umlaut_spellings_get_none(examples_index: NewsIndex) -> None:
    with Searcher(examples_index) as searcher:
        for query in ("Ukraine", "Oesterreich", "Bruessel", "Sicherheitsgarantien Ukraine"):
            assert searcher.search(query).suggestion is None, query
        assert searcher.search("Sicherheitsgarantin", suggest=False).suggestion is None


def test_the_cli_searches_the_suggestion_when_nothing_is_found(examples_index: NewsIndex) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(examples_index, "search", *args)

    text = run("Sicherheitsgarantin").stdout
    assert text.startswith("0 hits for 'Sicherheitsgarantin'; Meinten Sie:\n2 hits for")
    assert (
        "  Meinten Sie: Sicherheitsgarantien Ukraine?" in run("Sicherheitsgarantin Ukraine").stdout
    )
    data = json.loads(run("Sicherheitsgarantin", "--json").stdout)
    assert data["query"] == "Sicherheitsgarantien" and data["total"] == 2
    assert data["corrected_from"] == {"query": "Sicherheitsgarantin", "total": 0}
    plain = json.loads(run("Ukraine", "--json").stdout)
    assert "suggestion" not in plain and "corrected_from" not in plain
