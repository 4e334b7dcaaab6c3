"""Ranking quality of newssearch against other engines on German test collections.

    python benchmarks/quality.py
    python benchmarks/quality.py --collections xquad-de-dev --engines newssearch,bm25s-de \
        --json quality.json --trec-dir runs/

Every engine indexes every collection and answers its queries (top 100);
the table shows MRR@10, nDCG@10, Recall@1/10/100, the time to index and the
mean time per query.  ``--json`` writes every number with the environment.

Engines are data: :data:`ENGINES` maps a name to a factory, and the
newssearch variants (ablations) are :class:`newssearch.config.IndexSettings`
in their JSON form in :data:`NEWSSEARCH_VARIANTS`; add a line there to
measure another setting.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newssearch.evaluate import Collection, evaluate_run, write_trec_run
from peers import BM25sDE, Engine, NewsSearchEngine, SQLiteFTS5, TantivyDE, WhooshDE
from quality_collections import COLLECTIONS, provenance

#: How many hits each query asks for (Recall@100 needs 100).
DEPTH = 100

#: Ranking as Whoosh's multi-field parser does it: Whoosh's IDF, fields added
#: up, no exact-form or proximity clauses, question words kept.
_PLAIN_RANKING: Mapping[str, Any] = {
    "idf": "whoosh",
    "fields": "sum",
    "exact_weight": 0.0,
    "proximity_weight": 0.0,
    "drop_question_words": False,
    "common_cutoff": 0.0,
}

#: newssearch ablations: engine name → IndexSettings.to_json()-shaped overrides.
NEWSSEARCH_VARIANTS: Mapping[str, Mapping[str, Any]] = {
    "newssearch": {},
    # What each step buys, one added at a time: from bare tokens with Whoosh's
    # own scoring up to the defaults.
    "ns-1-tokens-only": {
        "analyzer": {"stemming": False, "normalize": False, "decompound": False},
        "ranking": _PLAIN_RANKING,
    },
    "ns-2-stemming": {
        "analyzer": {"normalize": False, "decompound": False},
        "ranking": _PLAIN_RANKING,
    },
    "ns-3-normalize": {"analyzer": {"decompound": False}, "ranking": _PLAIN_RANKING},
    "ns-4-decompound": {"ranking": _PLAIN_RANKING},
    "ns-5-robertson-idf": {"ranking": {**_PLAIN_RANKING, "idf": "robertson"}},
    "ns-6-best-field": {"ranking": {**_PLAIN_RANKING, "idf": "robertson", "fields": "max"}},
    "ns-7-exact": {
        "ranking": {**_PLAIN_RANKING, "idf": "robertson", "fields": "max", "exact_weight": 1.0}
    },
    "ns-8-proximity": {"ranking": {"drop_question_words": False, "common_cutoff": 0.0}},
    "ns-9-question-words": {"ranking": {"common_cutoff": 0.0}},
    # One switch off from the defaults.
    "ns-no-decompound": {"analyzer": {"decompound": False}},
    "ns-no-stopwords": {"analyzer": {"stopwords": False}},
    "ns-no-stories": {"stories": False},  # every wire copy ranked, none collapsed
    "ns-flat-boosts": {"boosts": {"title": 1.0, "lead": 1.0, "body": 1.0}},
    "ns-fields-sum": {"ranking": {"fields": "sum"}},
    "ns-k1-0.9-b-0.5": {"ranking": {"k1": 0.9, "b": 0.5}},
    "ns-k1-1.6-b-0.9": {"ranking": {"k1": 1.6, "b": 0.9}},
    # The common-word cutoff only applies to words in more than 1,000 articles,
    # so not on these collections; this is what it would cost here without that floor.
    "ns-common-cutoff-always": {"ranking": {"common_min_df": 0}},
}


@dataclass(frozen=True)
class EngineSpec:
    """How to make one engine, what it needs to import, and its setup for the record."""

    make: Callable[[], Engine]
    requires: tuple[str, ...] = ()
    default: bool = True
    setup: Mapping[str, Any] = field(default_factory=dict)


def _newssearch(name: str, settings: Mapping[str, Any]) -> EngineSpec:
    return EngineSpec(
        lambda: NewsSearchEngine(name=name, settings=settings),
        requires=("newssearch.searcher",),
        setup={"settings": settings},
    )


#: Engine name → spec; the defaults run when ``--engines`` is not given.
ENGINES: dict[str, EngineSpec] = {
    **{name: _newssearch(name, s) for name, s in NEWSSEARCH_VARIANTS.items()},
    "whoosh-de": EngineSpec(WhooshDE, requires=("whoosh",), setup={"or_factor": 0.9}),
    "sqlite-fts5": EngineSpec(SQLiteFTS5),
    "bm25s-de": EngineSpec(BM25sDE, requires=("bm25s", "Stemmer"), setup={"weighted": True}),
    "tantivy-de": EngineSpec(TantivyDE, requires=("tantivy",), setup={"stopwords": False}),
    # Other reasonable setups of the peers, for the record; run with --engines.
    "whoosh-de-orgroup": EngineSpec(
        lambda: WhooshDE(name="whoosh-de-orgroup", or_factor=None),
        requires=("whoosh",),
        default=False,
        setup={"or_factor": None},
    ),
    "bm25s-de-title-once": EngineSpec(
        lambda: BM25sDE(name="bm25s-de-title-once", weighted=False),
        requires=("bm25s", "Stemmer"),
        default=False,
        setup={"weighted": False},
    ),
    "tantivy-de-stopwords": EngineSpec(
        lambda: TantivyDE(name="tantivy-de-stopwords", stopwords=True),
        requires=("tantivy",),
        default=False,
        setup={"stopwords": True},
    ),
}

_PACKAGES = ("newssearch", "whoosh3", "PyStemmer", "nltk", "bm25s", "numpy", "tantivy")


@dataclass(frozen=True)
class Outcome:
    """One engine on one collection."""

    collection: str
    engine: str
    documents: int
    queries: int
    answered: int
    metrics: dict[str, float]
    index_seconds: float
    query_ms: float


class BenchmarkError(Exception):
    """A run that cannot be trusted (e.g. an engine that finds nothing)."""


def run_engine(
    engine: Engine, collection: Collection, *, depth: int = DEPTH
) -> tuple[Outcome, dict[str, list[str]]]:
    """Index ``collection`` with ``engine``, run its queries and score the run."""
    started = time.perf_counter()
    engine.index(collection.documents)
    index_seconds = time.perf_counter() - started
    run: dict[str, list[str]] = {}
    answered = 0
    started = time.perf_counter()
    for q in collection.queries:
        ids = engine.search(q.text, depth)
        answered += bool(ids)
        run[q.id] = ids
    query_seconds = time.perf_counter() - started
    # Inside the measured work: a broken build must not look fast.
    if answered < len(collection.queries) // 2:
        raise BenchmarkError(
            f"{engine.name} answered only {answered} of "
            f"{len(collection.queries)} queries of {collection.name}"
        )
    for qid, ids in run.items():
        if len(ids) > depth or len(set(ids)) != len(ids):
            raise BenchmarkError(f"{engine.name} returned a bad ranking for query {qid}")
    metrics = evaluate_run(run, collection.qrels).as_dict()
    outcome = Outcome(
        collection=collection.name,
        engine=engine.name,
        documents=len(collection.documents),
        queries=len(collection.queries),
        answered=answered,
        metrics=metrics,
        index_seconds=index_seconds,
        query_ms=1000.0 * query_seconds / max(1, len(collection.queries)),
    )
    return outcome, run


def environment() -> dict[str, Any]:
    """Python, platform, CPU count and the versions of the engines' packages."""
    versions: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
    }


def available(spec: EngineSpec) -> str | None:
    """Why ``spec`` cannot run here, or ``None``."""
    for module in spec.requires:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"cannot import {module}: {exc}"
    return None


def markdown_table(outcomes: Sequence[Outcome]) -> str:
    header = "| collection | engine | MRR@10 | nDCG@10 | R@1 | R@10 | R@100 | index s | ms/query |"
    lines = [header, "|" + "---|" * 9]
    for o in outcomes:
        m = o.metrics
        lines.append(
            f"| {o.collection} | {o.engine} | {m['MRR@10']:.3f} | {m['nDCG@10']:.3f} "
            f"| {m['R@1']:.3f} | {m['R@10']:.3f} | {m['R@100']:.3f} "
            f"| {o.index_seconds:.3f} | {o.query_ms:.2f} |"
        )
    return "\n".join(lines)


def _names(value: str | None, known: Sequence[str], what: str) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--collections", help=f"comma-separated; default all: {', '.join(COLLECTIONS)}"
    )
    parser.add_argument(
        "--engines",
        help="comma-separated; default: "
        + ", ".join(n for n, s in ENGINES.items() if s.default)
        + "; also "
        + ", ".join(n for n, s in ENGINES.items() if not s.default),
    )
    parser.add_argument("--json", type=Path, help="write all numbers and the environment here")
    parser.add_argument(
        "--trec-dir", type=Path, help="write each run as <collection>.<engine>.trec here"
    )
    args = parser.parse_args(argv)

    collections = _names(args.collections, list(COLLECTIONS), "collection") or list(COLLECTIONS)
    engines = _names(args.engines, list(ENGINES), "engine") or [
        n for n, s in ENGINES.items() if s.default
    ]
    skipped: dict[str, str] = {}
    runnable = []
    for name in engines:
        reason = available(ENGINES[name])
        if reason is None:
            runnable.append(name)
        else:
            skipped[name] = reason
            print(f"skipping {name}: {reason}", file=sys.stderr)
    if args.trec_dir:
        args.trec_dir.mkdir(parents=True, exist_ok=True)

    outcomes: list[Outcome] = []
    meta: dict[str, Any] = {}
    classes: dict[str, str] = {}
    for cname in collections:
        collection = COLLECTIONS[cname]()
        meta[cname] = provenance(cname)
        for ename in runnable:
            engine = ENGINES[ename].make()
            classes[ename] = type(engine).__name__
            try:
                outcome, run = run_engine(engine, collection)
            except BenchmarkError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            finally:
                close = getattr(engine, "close", None)
                if callable(close):
                    close()
            outcomes.append(outcome)
            print(f"{cname} {ename}: MRR@10 {outcome.metrics['MRR@10']:.3f}", file=sys.stderr)
            if args.trec_dir:
                write_trec_run(run, args.trec_dir / f"{cname}.{ename}.trec", tag=ename)

    print(markdown_table(outcomes))
    if args.json:
        report = {
            "command": [
                "python",
                "benchmarks/quality.py",
                *(sys.argv[1:] if argv is None else argv),
            ],
            "depth": DEPTH,
            "environment": environment(),
            "collections": meta,
            "engines": {
                n: {"class": classes.get(n), "setup": dict(ENGINES[n].setup)} for n in runnable
            },
            "skipped": skipped,
            "results": [asdict(o) for o in outcomes],
        }
        args.json.write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
