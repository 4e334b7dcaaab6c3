"""Ranking-quality evaluation: a collection (documents, queries, judgements) in,
MRR@10, nDCG@10 and Recall@k out.

A collection is the layout of ``xquad-de-dev``: ``docs.jsonl`` (articles in the
JSON Lines format of :mod:`newssearch.loaders`), ``queries.jsonl``
(``{"id", "text"}`` per line) and ``qrels.tsv`` (``query_id<TAB>doc_id<TAB>grade``,
grade > 0 relevant; a TREC four-column line ``qid 0 docid grade`` is read too).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newssearch.article import Article
from newssearch.config import IndexSettings
from newssearch.errors import InputError
from newssearch.index import build_index
from newssearch.loaders import read_articles
from newssearch.searcher import Searcher

__all__ = [
    "Collection",
    "Metrics",
    "Query",
    "evaluate_run",
    "load_collection",
    "read_qrels",
    "read_queries",
    "run_newssearch",
    "write_trec_run",
]

#: query id → document ids, best first.
Run = Mapping[str, Sequence[str]]
#: query id → {document id: grade}.
Qrels = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Query:
    id: str
    text: str


@dataclass(frozen=True)
class Collection:
    """Documents, queries and relevance judgements of one test collection."""

    name: str
    documents: tuple[Article, ...]
    queries: tuple[Query, ...]
    qrels: Qrels


@dataclass(frozen=True)
class Metrics:
    """Mean scores over the judged queries of a run."""

    queries: int
    mrr_at_10: float
    ndcg_at_10: float
    recall_at_1: float
    recall_at_10: float
    recall_at_100: float

    def as_dict(self) -> dict[str, float]:
        return {
            "queries": self.queries,
            "MRR@10": self.mrr_at_10,
            "nDCG@10": self.ndcg_at_10,
            "R@1": self.recall_at_1,
            "R@10": self.recall_at_10,
            "R@100": self.recall_at_100,
        }


def load_collection(
    docs: str | Path, queries: str | Path, qrels: str | Path, *, name: str | None = None
) -> Collection:
    """Read a collection; problems are :class:`InputError` with file and line."""
    documents = read_articles([docs], format="jsonl").articles
    return Collection(
        name=name or Path(docs).resolve().parent.name or Path(docs).stem,
        documents=documents,
        queries=read_queries(queries),
        qrels=read_qrels(qrels),
    )


def read_queries(path: str | Path) -> tuple[Query, ...]:
    """``{"id", "text"}`` per line; empty lines skipped."""
    out: list[Query] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                qid, text = str(data["id"]), data["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    f'expected {{"id", "text"}}: {exc}', source=str(path), line=line_no
                ) from None
            if not isinstance(text, str) or not text.strip():
                raise InputError("query text is empty", source=str(path), line=line_no)
            if qid in seen:
                raise InputError(f"duplicate query id {qid!r}", source=str(path), line=line_no)
            seen.add(qid)
            out.append(Query(qid, text))
    return tuple(out)


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """``qid<TAB>docid<TAB>grade`` (or TREC ``qid 0 docid grade``) per line."""
    qrels: dict[str, dict[str, int]] = {}
    with Path(path).open(encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, start=1):
            cells = line.split()
            if not cells:
                continue
            if len(cells) == 4:
                cells = [cells[0], cells[2], cells[3]]
            if len(cells) != 3:
                raise InputError(
                    "expected query_id, doc_id and grade", source=str(path), line=line_no
                )
            try:
                grade = int(cells[2])
            except ValueError:
                raise InputError(
                    f"grade {cells[2]!r} is not a whole number", source=str(path), line=line_no
                ) from None
            qrels.setdefault(cells[0], {})[cells[1]] = grade
    return qrels


def evaluate_run(run: Run, qrels: Qrels) -> Metrics:
    """Mean MRR@10, nDCG@10 and Recall@1/10/100 over the queries with a relevant document.

    >>> evaluate_run({"q": ["b", "a"]}, {"q": {"a": 1}}).mrr_at_10
    0.5
    """
    judged = [qid for qid, rels in qrels.items() if any(g > 0 for g in rels.values())]
    if not judged:
        raise InputError("the judgements name no relevant document")
    sums = [0.0] * 5
    for qid in judged:
        ranked = list(run.get(qid, ()))
        rels = qrels[qid]
        relevant = {d for d, g in rels.items() if g > 0}
        sums[0] += next((1.0 / r for r, d in enumerate(ranked[:10], 1) if d in relevant), 0.0)
        dcg = sum(
            (2 ** rels.get(d, 0) - 1) / math.log2(r + 1)
            for r, d in enumerate(ranked[:10], 1)
            if rels.get(d, 0) > 0
        )
        ideal = sorted((g for g in rels.values() if g > 0), reverse=True)[:10]
        idcg = sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(ideal, 1))
        sums[1] += dcg / idcg
        for i, k in enumerate((1, 10, 100), start=2):
            sums[i] += len(relevant & set(ranked[:k])) / len(relevant)
    n = len(judged)
    return Metrics(n, *(s / n for s in sums))


def run_newssearch(
    collection: Collection,
    *,
    settings: IndexSettings | None = None,
    depth: int = 100,
    index_dir: str | Path | None = None,
    query_text: Callable[[str], str] | None = None,
) -> dict[str, list[str]]:
    """Index the collection (in a temporary directory unless ``index_dir``) and run its queries.

    Each query is searched as a user would type it into the search box;
    ``query_text`` may rewrite it first.
    """
    with tempfile.TemporaryDirectory(prefix="newssearch-eval-") as tmp:
        path = Path(index_dir) if index_dir is not None else Path(tmp) / "index"
        index, _ = build_index(path, collection.documents, settings=settings, overwrite=True)
        with index, Searcher(index) as searcher:
            run: dict[str, list[str]] = {}
            for q in collection.queries:
                text = query_text(q.text) if query_text else q.text
                result = searcher.search(text, limit=depth, highlight=False)
                run[q.id] = [hit.id for hit in result.hits]
    return run


def write_trec_run(run: Run, path: str | Path, *, tag: str = "newssearch") -> None:
    """Write ``run`` as a TREC run file (``qid Q0 docid rank score tag``)."""
    lines: Iterable[str] = (
        f"{qid} Q0 {doc} {rank} {len(docs) - rank + 1} {tag}"
        for qid, docs in run.items()
        for rank, doc in enumerate(docs, start=1)
    )
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
