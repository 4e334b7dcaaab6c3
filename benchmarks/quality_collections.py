"""The test collections of the quality benchmark.

``xquad-de-dev``
    Half of XQuAD's German part, shipped in ``benchmarks/data/xquad-de-dev``
    (CC BY-SA 4.0, see its LICENSE.md): 612 questions over 120 Wikipedia
    paragraphs, one relevant paragraph each.

``gnad-known-item``
    A known-item task built at run time from the bundled 10kGNAD sample
    (``src/newssearch/data/10kgnad/articles.csv``, CC BY-NC-SA 4.0): the
    query is an article's teaser sentence, the document to find is the rest
    of that article (body only, no title).  Articles without a rest are
    skipped.  Nothing derived is stored.

This module is not called ``collections.py``: run as ``python
benchmarks/quality.py`` the benchmark directory comes first on ``sys.path``,
and a ``collections`` module there would shadow the standard library's.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newssearch.article import Article
from newssearch.evaluate import Collection, Query, load_collection

__all__ = [
    "COLLECTIONS",
    "DATA_DIR",
    "gnad_known_item",
    "load",
    "provenance",
    "regex_teaser_split",
    "teaser_splitter",
    "xquad_de_dev",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

#: ``(text) -> (teaser, rest)``
TeaserSplit = Callable[[str], tuple[str, str]]

# Fallback until newssearch.sentences exists: a sentence ends at . ! ? (optionally
# followed by a closing quote) before whitespace and an upper-case letter, digit or quote,
# unless the period ends an ordinal ("am 1. Jänner"), an initial or a common abbreviation.
_SENTENCE_END = re.compile(r"[.!?][\"'“”»«)]*\s+(?=[\"„“»«(]?[A-ZÄÖÜ0-9])")
_NOT_AN_END = re.compile(
    r"(?:\b\d+|\b\w|\b(?:Abs|Art|bzw|ca|Dr|etc|evtl|Hr|inkl|Mag|Mio|Mrd|Nr|Prof|St|Str|"
    r"Wr|usw|vgl|vs|z\.\s?B|Jh|Jhdt|Fr|Hrsg|Ing|Dipl|geb|ggf|u\.\s?a|d\.\s?h))\.$"
)


def xquad_de_dev() -> Collection:
    """XQuAD-de dev half: questions → the Wikipedia paragraph that answers them."""
    root = DATA_DIR / "xquad-de-dev"
    return load_collection(
        root / "docs.jsonl", root / "queries.jsonl", root / "qrels.tsv", name="xquad-de-dev"
    )


def regex_teaser_split(text: str) -> tuple[str, str]:
    """``(first sentence, rest)`` by a regular expression (the fallback splitter)."""
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == "." and _NOT_AN_END.search(text[: m.start() + 1]):
            continue
        return text[: m.end()].strip(), text[m.end() :].strip()
    return text.strip(), ""


def teaser_splitter() -> tuple[TeaserSplit, str]:
    """The teaser split and its name: newssearch's Punkt splitter, else a regex."""
    try:
        from newssearch import loaders, sentences
    except ImportError:
        return regex_teaser_split, "regex"
    splitter = sentences.SentenceSplitter()
    name = "newssearch.sentences.SentenceSplitter"
    return (lambda text: loaders.split_teaser(text, splitter)), name


def _gnad_rows(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, row in enumerate(csv.reader(f, delimiter=";", quotechar="'"), start=1):
            if len(row) >= 2:
                yield line_no, row[1]


def gnad_known_item(
    path: str | Path | None = None, *, split: TeaserSplit | None = None
) -> Collection:
    """The 10kGNAD known-item task: teaser sentence → the rest of its article.

    Document ids are ``articles-<line>`` like :func:`newssearch.sample.sample_articles`,
    query ids ``q-<line>``.
    """
    split = split or teaser_splitter()[0]
    documents: list[Article] = []
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    with _gnad_csv(path) as csv_path:
        for line_no, text in _gnad_rows(csv_path):
            teaser, rest = split(text)
            if not rest.strip() or not teaser.strip():
                continue
            doc_id, qid = f"articles-{line_no}", f"q-{line_no}"
            documents.append(Article(id=doc_id, body=rest))
            queries.append(Query(qid, teaser))
            qrels[qid] = {doc_id: 1}
    return Collection(
        name="gnad-known-item", documents=tuple(documents), queries=tuple(queries), qrels=qrels
    )


@contextmanager
def _gnad_csv(path: str | Path | None) -> Iterator[Path]:
    if path is not None:
        yield Path(path)
        return
    from newssearch.sample import sample_corpus_path

    with sample_corpus_path() as bundled:
        yield bundled


#: Collection name → loader.
COLLECTIONS: dict[str, Callable[[], Collection]] = {
    "xquad-de-dev": xquad_de_dev,
    "gnad-known-item": gnad_known_item,
}


_PROVENANCE: dict[str, dict[str, str]] = {
    "xquad-de-dev": {
        "source": "XQuAD German, first half (Artetxe et al. 2019), benchmarks/data/xquad-de-dev",
        "licence": "CC BY-SA 4.0",
    },
    "gnad-known-item": {
        "source": "10kGNAD test sample bundled in newssearch/data/10kgnad/articles.csv; "
        "query = teaser sentence, document = rest of the article",
        "licence": "CC BY-NC-SA 4.0",
    },
}


def provenance(name: str) -> dict[str, str]:
    """Where collection ``name`` comes from, for the benchmark's JSON report."""
    info = dict(_PROVENANCE.get(name, {}))
    if name == "gnad-known-item":
        info["teaser_splitter"] = teaser_splitter()[1]
    return info


def load(name: str) -> Collection:
    """The collection called ``name`` (one of :data:`COLLECTIONS`)."""
    try:
        loader = COLLECTIONS[name]
    except KeyError:
        raise KeyError(f"unknown collection {name!r} (known: {', '.join(COLLECTIONS)})") from None
    return loader()
