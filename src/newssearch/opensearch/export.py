"""An index for OpenSearch/Elasticsearch: ``index.json``, ``articles.ndjson``, ``README.txt``.

``articles.ndjson`` is the ``_bulk`` body: for each live article an action
line (``{"index": {"_id": …}}``) and its source, streamed from the index one
article at a time.  The files are written into a new directory beside the
export directory and moved into place at the end, so that a failure (a full
disk, an interrupt) leaves no half-written export.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import IO, Any

from newssearch.analysis.tokenizer import TokenKind, tokenize
from newssearch.article import ARTICLE_FIELDS, TEXT_FIELDS, Article, role_of
from newssearch.engine.documents import from_stored
from newssearch.errors import InputError
from newssearch.index import NewsIndex
from newssearch.opensearch.analysis import DecompounderWords, decompounder_words
from newssearch.opensearch.mapping import STORY_FIELD, index_definition

__all__ = ["BULK_LINES", "ExportSummary", "bulk_lines", "export_opensearch"]

#: Lines per ``_bulk`` request the README's commands send (an even number:
#: an article's action and source lines stay together).
BULK_LINES = 10_000

_SPLIT_KINDS = frozenset({TokenKind.WORD, TokenKind.HPART})


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_opensearch` wrote: the files, how many articles, how many bytes.

    ``bytes`` is the size of the three files together; ``decompounder_words``
    the length of the decompounder's word list in ``index.json``.
    """

    directory: Path
    index_json: Path
    articles_ndjson: Path
    readme: Path
    name: str
    articles: int
    bytes: int
    decompounder_words: int


def export_opensearch(
    index: NewsIndex,
    outdir: str | Path,
    *,
    name: str = "news",
    overwrite: bool = False,
    words: DecompounderWords | None = None,
) -> ExportSummary:
    """Write ``index`` to ``outdir`` as an OpenSearch index named ``name``.

    ``outdir`` is created; an existing non-empty directory is replaced only
    with ``overwrite=True`` (else :class:`~newssearch.errors.InputError`), and
    only once the new export is complete.  ``words`` is the decompounder's
    word list; by default it is chosen for the compound lexicon and the
    index's own words (:func:`~newssearch.opensearch.decompounder_words`,
    some seconds).

    >>> export_opensearch(open_index("index/default"), "export").articles   # doctest: +SKIP
    1028
    """
    out = Path(outdir)
    _check_name(name)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise InputError(f"{out} is not empty (overwrite=True / --overwrite replaces it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        vocabulary: Counter[str] = Counter()
        articles = staging / "articles.ndjson"
        with articles.open("w", encoding="utf-8", newline="\n") as f:
            count = _write_bulk(index, f, vocabulary)
        settings = index.settings
        if words is None and settings.analyzer.decompound:
            words = decompounder_words(
                vocabulary, min_part_length=settings.analyzer.min_part_length
            )
        definition = index_definition(settings, words)
        index_json = staging / "index.json"
        index_json.write_text(
            json.dumps(definition, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        readme = staging / "README.txt"
        readme.write_text(_readme(name, count), encoding="utf-8")
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [out / p.name for p in (index_json, articles, readme)]
    return ExportSummary(
        directory=out,
        index_json=files[0],
        articles_ndjson=files[1],
        readme=files[2],
        name=name,
        articles=count,
        bytes=sum(p.stat().st_size for p in files),
        decompounder_words=len(words.words) if words is not None else 0,
    )


def bulk_lines(index: NewsIndex) -> Iterator[str]:
    """The ``_bulk`` body of ``index``, two lines (no line break) per live article."""
    for article, story in _live_articles(index):
        yield from _article_lines(article, story)


def _write_bulk(index: NewsIndex, f: IO[str], vocabulary: Counter[str]) -> int:
    """Write every live article's lines to ``f``, counting the words the
    decompounder list is chosen on; returns how many articles."""
    count = 0
    for article, story in _live_articles(index):
        for line in _article_lines(article, story):
            f.write(line)
            f.write("\n")
        for name in TEXT_FIELDS:
            for token in tokenize(getattr(article, name)):
                if token.kind in _SPLIT_KINDS and token.text.isalpha():
                    vocabulary[token.text.lower()] += 1
        count += 1
    return count


def _live_articles(index: NewsIndex) -> Iterator[tuple[Article, str | None]]:
    """Each live article of ``index`` with its story label (``None``: none), in
    index order, read one at a time."""
    reader = index.store.reader()
    try:
        for _, stored in reader.iter_docs():
            label = stored.get(STORY_FIELD)
            yield from_stored(stored), (str(label) if label else None)
    finally:
        reader.close()


def _article_lines(article: Article, story: str | None) -> tuple[str, str]:
    """The action line and the source line of one article."""
    source: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        value = getattr(article, name)
        if not value:
            continue
        role = role_of(name)
        if role == "date":
            source[name] = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        elif role == "keywords":
            source[name] = list(value)
        else:
            source[name] = value
    if story is not None:
        source[STORY_FIELD] = story
    action = {"index": {"_id": article.id}}
    return _json(action), _json(source)


#: Characters that Python's ``str.splitlines`` (and some line-based tools) take
#: for line ends; json leaves them as they are, this file escapes them.
_LINE_ENDS = str.maketrans({ch: f"\\u{ord(ch):04x}" for ch in "\x1c\x1d\x1e\x85\u2028\u2029"})


def _json(value: Any) -> str:
    # UTF-8 as written (ensure_ascii=False); json escapes "\n" and the other
    # control characters, and such characters can only stand inside strings.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_LINE_ENDS)


def _check_name(name: str) -> None:
    """OpenSearch's rules for an index name (lowercase, no path characters …)."""
    bad = set('\\/*?"<>| ,#:') & set(name)
    if (
        not name
        or name != name.lower()
        or bad
        or name.startswith(("-", "_", "+"))
        or name in (".", "..")
        or len(name.encode("utf-8")) > 255
    ):
        raise InputError(
            f'{name!r} is not a valid index name (lowercase, no spaces or \\/*?"<>|,#:, '
            "not starting with -, _ or +)"
        )


def _swap_in(staging: Path, out: Path) -> None:
    """Move the finished export at ``staging`` to ``out``, replacing what is there."""
    if not out.exists():
        staging.rename(out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    aside.rmdir()
    out.rename(aside)
    try:
        staging.rename(out)
    except BaseException:
        aside.rename(out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _readme(name: str, count: int) -> str:
    per_request = BULK_LINES // 2
    return f"""\
newssearch export for OpenSearch / Elasticsearch: {count} articles, index "{name}".

index.json       settings (the German analysis chain, BM25) and mappings
articles.ndjson  the articles in _bulk format (an action line, then the article)

Create the index, then load the articles {per_request} at a time
(OPENSEARCH is the cluster's address, e.g. http://localhost:9200;
add -u USER:PASSWORD or --cacert FILE as your cluster needs):

  OPENSEARCH=http://localhost:9200
  curl -sS -X PUT "$OPENSEARCH/{name}" -H 'Content-Type: application/json' \\
       --data-binary @index.json
  split -l {BULK_LINES} -d -a 5 articles.ndjson bulk-
  for f in bulk-*; do
    curl -sS -X POST "$OPENSEARCH/{name}/_bulk" -H 'Content-Type: application/x-ndjson' \\
         --data-binary @"$f" | grep -q '"errors":false' || echo "errors in $f"
  done
  rm bulk-*
  curl -sS "$OPENSEARCH/{name}/_count"

Queries: newssearch.opensearch.to_query_dsl("…") gives the body of
POST /{name}/_search for a newssearch query.
"""
