"""Related articles and completions through Searcher and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newssearch import NewsIndex, QueryError, Searcher, build_index, read_articles

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "news.jsonl"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    built, _ = build_index(
        tmp_path_factory.mktemp("related") / "ix", read_articles([EXAMPLES]).articles
    )
    return built


def run(index: NewsIndex, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newssearch", *args, "--index", str(index.path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_COLOR": "1", "PATH": ""},
    )


def test_related_never_gives_the_article_itself_or_the_excluded(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        ids = [h.id for h in searcher.related("apa-0301")]
        assert ids and "apa-0301" not in ids
        assert ids[0] == "std-0306"  # the other Ukraine article
        rest = [h.id for h in searcher.related("apa-0301", exclude=["std-0306"])]
        assert rest == ids[1:]
        with pytest.raises(QueryError, match="no article with id 'nope'"):
            searcher.related("nope")


def test_suggest_completes_words_umlauts_folded(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        assert [c.text for c in searcher.suggest("Sich")] == ["Sicherheitsgarantien"]
        assert searcher.suggest("osterr")[0].text == "Österreich"
        assert searcher.suggest("") == ()
        assert searcher.suggest("Sich", limit=0) == ()


def test_the_cli_commands(index: NewsIndex) -> None:
    related = json.loads(run(index, "related", "apa-0301", "--json").stdout)
    assert related["related"][0]["id"] == "std-0306"
    unknown = run(index, "related", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr == "newssearch: error: no article with id 'nope' in the index\n"
    text = run(index, "suggest", "Sich").stdout
    assert text == "Sicherheitsgarantien  (word, 2)\n"
    empty = run(index, "suggest", "   ")
    assert empty.returncode == 0 and empty.stdout == ""
    assert json.loads(run(index, "suggest", "osterr", "--json").stdout)["suggestions"][0] == {
        "text": "Österreich",
        "kind": "word",
        "count": 1,
    }
