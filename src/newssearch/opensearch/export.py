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
from pathlib import Path
from typing import IO, Any

from newssearch.analysis.tokenizer import TokenKind, tokenize
from newssearch.article import TEXT_FIELDS, Article, present_fields
from newssearch.engine.documents import from_stored
from newssearch.errors import InputError
from newssearch.index import NewsIndex
from newssearch.opensearch.analysis import (
    ChainRules,
    ChainRulesCollector,
    DecompounderWords,
    decompounder_words,
)
from newssearch.opensearch.mapping import STORY_FIELD, index_definition, iso_date

__all__ = ["BULK_LINES", "ExportSummary", "bulk_lines", "export_opensearch"]

#: Lines per ``_bulk`` request the README's commands send (an even number:
#: an article's action and source lines stay together).
BULK_LINES = 10_000

_SPLIT_KINDS = frozenset({TokenKind.WORD, TokenKind.HPART})


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_opensearch` wrote: the files, how many articles, how many bytes.

    ``bytes`` is the size of the three files together, ``index_json_bytes``
    that of ``index.json``; ``compound_rules`` and ``stem_rules`` count the
    rules of the ``synonym`` and ``stemmer_override`` filters,
    ``decompounder_words`` the decompounder's word list (0: none).
    """

    directory: Path
    index_json: Path
    articles_ndjson: Path
    readme: Path
    name: str
    articles: int
    bytes: int
    index_json_bytes: int
    compound_rules: int
    stem_rules: int
    decompounder_words: int


def export_opensearch(
    index: NewsIndex,
    outdir: str | Path,
    *,
    name: str = "news",
    overwrite: bool = False,
    rules: ChainRules | None = None,
    unknown_compounds: bool = True,
    words: DecompounderWords | None = None,
) -> ExportSummary:
    """Write ``index`` to ``outdir`` as an OpenSearch index named ``name``.

    ``outdir`` is created; an existing non-empty directory is replaced only
    with ``overwrite=True`` (else :class:`~newssearch.errors.InputError`), and
    only once the new export is complete.

    ``rules`` give the exported chain its compound parts and stems; by
    default they are read off the index's own words through our analyzer
    (:class:`~newssearch.opensearch.ChainRulesCollector`), so that Lucene
    splits and stems every word of the index as ours does.  A word the
    rules do not know (in a query, or in an article added later) goes to a
    ``dictionary_decompounder`` after them, whose list is chosen on the
    compound lexicon and the index's words
    (:func:`~newssearch.opensearch.decompounder_words`, some seconds; or
    ``words``).  It also adds parts of its own to known words, Lucene's but
    not ours; ``unknown_compounds=False`` leaves it out, and words the rules
    do not know whole (the parity report weighs both).

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
        settings = index.settings
        wanted = settings.analyzer.decompound and unknown_compounds and words is None
        vocabulary: Counter[str] | None = Counter() if wanted else None
        collector = ChainRulesCollector(settings.analyzer) if rules is None else None
        articles = staging / "articles.ndjson"
        with articles.open("w", encoding="utf-8", newline="\n") as f:
            count = _write_bulk(index, f, vocabulary, collector)
        if collector is not None:
            rules = collector.rules()
        if vocabulary is not None:
            words = decompounder_words(
                vocabulary, min_part_length=settings.analyzer.min_part_length
            )
        if not unknown_compounds:
            words = None
        definition = index_definition(settings, words, rules=rules)
        index_json = staging / "index.json"
        index_json.write_text(
            json.dumps(definition, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        readme = staging / "README.txt"
        readme.write_text(_readme(name, count), encoding="utf-8")
        index_json_bytes = index_json.stat().st_size
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
        index_json_bytes=index_json_bytes,
        compound_rules=len(rules.parts) if rules is not None else 0,
        stem_rules=len(rules.stems) if rules is not None else 0,
        decompounder_words=len(words.words) if words is not None else 0,
    )


def bulk_lines(index: NewsIndex) -> Iterator[str]:
    """The ``_bulk`` body of ``index``, two lines (no line break) per live article."""
    for article, story in _live_articles(index):
        yield from _article_lines(article, story)


def _write_bulk(
    index: NewsIndex,
    f: IO[str],
    vocabulary: Counter[str] | None,
    collector: ChainRulesCollector | None,
) -> int:
    """Write every live article's lines to ``f``, counting the words the
    decompounder list is chosen on and reading the chain's rules off the
    text (``collector``); returns how many articles."""
    count = 0
    for article, story in _live_articles(index):
        for line in _article_lines(article, story):
            f.write(line)
            f.write("\n")
        for name in TEXT_FIELDS:
            text = getattr(article, name)
            if collector is not None:
                collector.add(text)
            if vocabulary is None:
                continue
            for token in tokenize(text):
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
    for name, role, value in present_fields(article):
        if role == "date":
            source[name] = iso_date(value)
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
POST /{name}/_search for a newssearch query.  A date phrase in the query
("im Jahr 2015", "letzte Woche") becomes a filter on "published"; when that
request finds nothing, newssearch searches the phrase as words, and so
should a client: send to_query_dsl("…", dates=False) as a second request
(if it differs from the first).

The analysis chain knows the compounds and stems of the exported articles
(the synonym and stemmer_override rules in index.json); a word first seen
after the export is split by a dictionary decompounder, which finds every
listed part inside it where newssearch picks one reading, and may be
stemmed otherwise.  Export again (and reindex) to bring new words in.
"""
