"""Input edge cases end in a file:line error, never an internal error or a broken index."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newssearch import Article, InputError, read_articles
from newssearch.cli import main


def _jsonl(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return path


def test_deeply_nested_json_is_a_line_error(tmp_path: Path) -> None:
    deep = '{"id": "a", "title": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = _jsonl(tmp_path, '{"id": "ok", "title": "gut"}', deep)
    with pytest.raises(InputError, match=r"in\.jsonl:2: malformed JSON: nested too deeply"):
        read_articles([path])


@pytest.mark.parametrize("published", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_a_date_out_of_range_in_utc_is_a_line_error(tmp_path: Path, published: str) -> None:
    path = _jsonl(tmp_path, json.dumps({"id": "a", "title": "x", "published": published}))
    with pytest.raises(InputError, match=r"in\.jsonl:1: published .* out of range"):
        read_articles([path])


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ('{"id": "a", "title": "Wien \\ud800"}', "lone surrogate"),
        ('{"id": "a", "title": "Wien", "tags": ["\\udfff"]}', "lone surrogate"),
        ('{"id": "a\\u0000b", "title": "Wien"}', "NUL"),
        ('{"id": "a", "body": "Wien\\u0000Graz"}', "NUL"),
        ('{"id": " a ", "title": "Wien"}', "leading or trailing spaces"),
    ],
)
def test_text_that_cannot_be_indexed_or_shown_is_rejected(
    tmp_path: Path, record: str, problem: str
) -> None:
    with pytest.raises(InputError, match=problem):
        read_articles([_jsonl(tmp_path, record)])


def test_a_csv_with_a_nul_byte_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,title\na,Wien\x00Graz\n", encoding="utf-8")
    with pytest.raises(InputError, match="NUL"):
        read_articles([path])


def test_article_rejects_a_published_out_of_range() -> None:
    far = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(InputError, match="out of range"):
        Article(id="a", title="x", published=far)


@pytest.mark.parametrize("content", ["", "\n\n", '{"id": "", "title": "x"}\n'])
def test_indexing_nothing_is_an_error_unless_allowed(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leer.jsonl"
    source.write_text(content, encoding="utf-8")
    index = tmp_path / "ix"
    args = ["index", str(source), "--index", str(index)]
    code = main([*args, "--skip-bad"] if content.startswith("{") else args)
    assert code == 1
    assert "no articles in" in capsys.readouterr().err
    assert not index.exists()
    assert main([*args, "--skip-bad", "--allow-empty"]) == 0
    assert index.exists()
