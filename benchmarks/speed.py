"""Indexing throughput and query latency of newssearch against plain Whoosh and native engines.

    python benchmarks/speed.py                       # 1k, 10k and 100k articles
    python benchmarks/speed.py --sizes 1000,10000 --json speed.json --plot speed.png

For each corpus size every engine builds an on-disk index in a child process
(wall time, articles/s, MB/s of raw text, peak RSS, size on disk), then answers
the committed query sets (``data/speed_queries.json``) single-threaded and warm
(every query once untimed, then timed): p50/p95/p99 in ms and queries/s, with
and without highlighting the top 10 where the engine can highlight.

Corpora: the bundled 1,028 10kGNAD articles; larger ones are recombined from
their real sentences into new articles with unique ids — a scaling test, not
new text.  The baseline is what a Whoosh user would write: ``LanguageAnalyzer
("de")`` on title, lead and body with the same boosts (3/2/1), a
``MultifieldParser`` with an OR group, Whoosh's highlighter.  tantivy and
SQLite FTS5 are native references.  Ratios are newssearch / baseline from the
same run; the timed loops count documents and hits so a broken build cannot
look fast.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newssearch.article import Article
from newssearch.sample import sample_articles
from newssearch.sentences import SentenceSplitter

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "data" / "speed_queries.json"
KINDS = ("short", "long", "phrase", "field", "filter")
FIELD_WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}
BASELINE = "whoosh-de"


# -- corpora ------------------------------------------------------------------


def corpus(size: int, *, seed: int = 20261125) -> list[Article]:
    """``size`` articles: the bundled ones first, then recombined ones."""
    real = list(sample_articles())
    if size <= len(real):
        return real[:size]
    splitter = SentenceSplitter()
    bodies = [[a.body[s:e] for s, e in splitter.spans(a.body)] for a in real if a.body]
    sentences = [s for body in bodies for s in body]
    lengths = [len(body) for body in bodies]
    rng = random.Random(seed)
    out = real
    for i in range(size - len(real)):
        model = rng.choice(real)
        out.append(
            Article(
                id=f"synthetic-{i}",
                title=rng.choice(real).title,
                lead=rng.choice(real).lead,
                body=" ".join(rng.choice(sentences) for _ in range(rng.choice(lengths))),
                section=model.section,
            )
        )
    return out


def text_bytes(docs: Sequence[Article]) -> int:
    return sum(len((d.title + d.lead + d.body).encode("utf-8")) for d in docs)


# -- engines --------------------------------------------------------------------


class NewsSearch:
    name = "newssearch"
    highlights = True

    def build(self, path: Path, docs: Sequence[Article]) -> int:
        from newssearch.indexer import build_index

        index, report = build_index(path, docs)
        index.close()
        return report.documents

    def open(self, path: Path) -> None:
        from newssearch.indexer import open_index
        from newssearch.search import Searcher

        self._index = open_index(path)
        self._searcher = Searcher(self._index)

    def run(self, kind: str, query: dict[str, str], highlight: bool) -> int:
        filters = {"section": query["section"]} if kind == "filter" else None
        result = self._searcher.search(
            query["text"], limit=10, filters=filters, highlight=highlight
        )
        return len(result.hits) + sum(len(h.highlights.body) for h in result.hits if h.highlights)

    def close(self) -> None:
        self._searcher.close()
        self._index.close()


class WhooshDE:
    """The setup Whoosh's documentation suggests for German, with the same fields."""

    name = "whoosh-de"
    highlights = True

    def build(self, path: Path, docs: Sequence[Article]) -> int:
        from whoosh import fields, index
        from whoosh.analysis import LanguageAnalyzer

        analyzer = LanguageAnalyzer("de")
        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            section=fields.ID(stored=True),
            **{f: fields.TEXT(analyzer=analyzer, stored=True) for f in FIELD_WEIGHTS},
        )
        path.mkdir(parents=True)
        ix = index.create_in(str(path), schema)
        with ix.writer() as writer:
            for d in docs:
                writer.add_document(
                    id=d.id,
                    section=(d.section or "").lower(),
                    title=d.title,
                    lead=d.lead,
                    body=d.body,
                )
        count: int = ix.doc_count()
        ix.close()
        return count

    def open(self, path: Path) -> None:
        from whoosh import index, scoring
        from whoosh.qparser import MultifieldParser, OrGroup

        self._ix = index.open_dir(str(path))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self._parser = MultifieldParser(
            list(FIELD_WEIGHTS),
            self._ix.schema,
            fieldboosts=FIELD_WEIGHTS,
            group=OrGroup.factory(0.9),
        )

    def run(self, kind: str, query: dict[str, str], highlight: bool) -> int:
        from whoosh import query as wq

        q = self._parser.parse(query["text"])
        flt = wq.Term("section", query["section"]) if kind == "filter" else None
        hits = self._searcher.search(q, limit=10, filter=flt)
        found = len(hits)
        if highlight:
            found += sum(bool(hit.highlights("body")) for hit in hits)
        return found

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()


class Tantivy:
    """tantivy with its German stemmer; plain and phrase queries only."""

    name = "tantivy-de"
    highlights = False
    kinds = ("short", "long", "phrase")

    def build(self, path: Path, docs: Sequence[Article]) -> int:
        import tantivy

        schema = self._schema()
        path.mkdir(parents=True)
        ix = tantivy.Index(schema, path=str(path))
        ix.register_tokenizer("de", self._analyzer())
        writer = ix.writer(heap_size=256_000_000, num_threads=1)
        for d in docs:
            writer.add_document(tantivy.Document(id=d.id, title=d.title, lead=d.lead, body=d.body))
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        return int(ix.searcher().num_docs)

    def _schema(self) -> Any:
        import tantivy

        b = tantivy.SchemaBuilder()
        b.add_text_field("id", stored=True, tokenizer_name="raw")
        for f in FIELD_WEIGHTS:
            b.add_text_field(f, stored=True, tokenizer_name="de")
        return b.build()

    def _analyzer(self) -> Any:
        import tantivy

        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("german"))
            .build()
        )

    def open(self, path: Path) -> None:
        import tantivy

        self._ix = tantivy.Index.open(str(path))
        self._ix.register_tokenizer("de", self._analyzer())
        self._searcher = self._ix.searcher()

    def run(self, kind: str, query: dict[str, str], highlight: bool) -> int:
        text = query["text"] if kind == "phrase" else " ".join(_words(query["text"]))
        if not text.strip():
            return 0
        q = self._ix.parse_query(text, list(FIELD_WEIGHTS), field_boosts=FIELD_WEIGHTS)
        return len(self._searcher.search(q, 10).hits)

    def close(self) -> None:
        pass


class SQLiteFTS5:
    """SQLite FTS5 (unicode61, diacritics removed), bm25 with weights 3/2/1."""

    name = "sqlite-fts5"
    highlights = True
    kinds = ("short", "long", "phrase")

    def build(self, path: Path, docs: Sequence[Article]) -> int:
        import sqlite3

        path.mkdir(parents=True)
        db = sqlite3.connect(path / "fts.db")
        db.execute(
            "CREATE VIRTUAL TABLE a USING fts5(id UNINDEXED, title, lead, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        db.executemany(
            "INSERT INTO a VALUES (?, ?, ?, ?)", ((d.id, d.title, d.lead, d.body) for d in docs)
        )
        db.commit()
        (count,) = db.execute("SELECT count(*) FROM a").fetchone()
        db.close()
        return int(count)

    def open(self, path: Path) -> None:
        import sqlite3

        self._db = sqlite3.connect(path / "fts.db")

    def run(self, kind: str, query: dict[str, str], highlight: bool) -> int:
        words = _words(query["text"])
        if not words:
            return 0
        if kind == "phrase":
            match = '"' + " ".join(words) + '"'
        else:
            match = " OR ".join(f'"{w}"' for w in words)
        cols = "id, snippet(a, 3, '<mark>', '</mark>', '…', 30)" if highlight else "id"
        rows = self._db.execute(
            f"SELECT {cols} FROM a WHERE a MATCH ? ORDER BY bm25(a, 0, 3, 2, 1) LIMIT 10",
            (match,),
        ).fetchall()
        return len(rows)

    def close(self) -> None:
        self._db.close()


ENGINES: dict[str, Callable[[], Any]] = {
    "newssearch": NewsSearch,
    BASELINE: WhooshDE,
    "tantivy-de": Tantivy,
    "sqlite-fts5": SQLiteFTS5,
}


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[^\W_]+", text)


# -- measuring --------------------------------------------------------------------


@dataclass(frozen=True)
class IndexTiming:
    engine: str
    size: int
    seconds: float
    articles_per_s: float
    mb_per_s: float
    peak_rss_mb: float
    index_mb: float
    documents: int


@dataclass(frozen=True)
class Latency:
    engine: str
    size: int
    kind: str
    highlight: bool
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    qps: float
    found: int


def _build_child(name: str, path: str, docs: list[Article], out: Any) -> None:
    try:
        started = time.perf_counter()
        count = ENGINES[name]().build(Path(path), docs)
        seconds = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.send(("ok", seconds, count, peak_kb / 1024))
    except BaseException as exc:  # report to the parent instead of hanging it
        out.send(("error", f"{type(exc).__name__}: {exc}", 0, 0.0))
        raise


def measure_indexing(name: str, path: Path, docs: list[Article]) -> IndexTiming:
    """Build in a forked child so that its peak memory is its own (the parent's
    corpus pages it touches count too)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_build_child, args=(name, str(path), docs, child))
    proc.start()
    child.close()
    try:
        status, seconds, count, peak_mb = parent.recv()
    except EOFError:
        status, seconds, count, peak_mb = "error", "the build process died", 0, 0.0
    proc.join()
    if status != "ok":
        raise RuntimeError(f"{name}: indexing failed: {seconds}")
    if proc.exitcode != 0 or count != len(docs):
        raise RuntimeError(f"{name} indexed {count} of {len(docs)} articles")
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return IndexTiming(
        engine=name,
        size=len(docs),
        seconds=seconds,
        articles_per_s=len(docs) / seconds,
        mb_per_s=text_bytes(docs) / 1e6 / seconds,
        peak_rss_mb=peak_mb,
        index_mb=size / 1e6,
        documents=count,
    )


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure_queries(
    engine: Any, size: int, queries: dict[str, list[dict[str, str]]], *, repeat: int = 1
) -> Iterator[Latency]:
    kinds = getattr(engine, "kinds", KINDS)
    for kind in kinds:
        for highlight in (False, True) if engine.highlights else (False,):
            batch = queries[kind]
            for q in batch:  # warm up: caches, lazily loaded data
                engine.run(kind, q, highlight)
            times: list[float] = []
            found = 0
            for _ in range(repeat):
                for q in batch:
                    t = time.perf_counter()
                    found += engine.run(kind, q, highlight)
                    times.append((time.perf_counter() - t) * 1000.0)
            if found == 0:
                raise RuntimeError(f"{engine.name} found nothing for the {kind} queries")
            yield Latency(
                engine=engine.name,
                size=size,
                kind=kind,
                highlight=highlight,
                queries=len(times),
                p50_ms=statistics.median(times),
                p95_ms=_percentile(times, 0.95),
                p99_ms=_percentile(times, 0.99),
                qps=len(times) / (sum(times) / 1000.0),
                found=found,
            )


def run_suite(
    sizes: Sequence[int],
    engines: Sequence[str],
    *,
    queries_per_kind: int | None = None,
    workdir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Any]:
    all_queries = json.loads(QUERIES.read_text(encoding="utf-8"))
    queries = {k: all_queries[k][:queries_per_kind] for k in KINDS}
    indexing: list[IndexTiming] = []
    latency: list[Latency] = []
    with tempfile.TemporaryDirectory(prefix="newssearch-speed-", dir=workdir) as tmp:
        for size in sizes:
            docs = corpus(size)
            for name in engines:
                path = Path(tmp) / f"{name}-{size}"
                timing = measure_indexing(name, path, docs)
                indexing.append(timing)
                progress(f"{size:>7} {name}: {timing.articles_per_s:.0f} articles/s")
                engine = ENGINES[name]()
                engine.open(path)
                try:
                    latency.extend(measure_queries(engine, size, queries))
                finally:
                    engine.close()
                shutil.rmtree(path)
    return {
        "environment": environment(),
        "queries": {k: len(v) for k, v in queries.items()},
        "indexing": [asdict(t) for t in indexing],
        "latency": [asdict(x) for x in latency],
    }


def environment() -> dict[str, Any]:
    versions = {}
    for package in ("newssearch", "whoosh3", "PyStemmer", "nltk", "tantivy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "corpus": "bundled 10kGNAD sample; beyond 1,028 articles recombined from its "
        "sentences (a scaling test)",
    }


# -- reporting ------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    lines = ["## Indexing", ""]
    lines.append(
        "| articles | engine | s | articles/s | MB/s | × baseline | peak RSS MB | index MB |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    base = {t["size"]: t for t in report["indexing"] if t["engine"] == BASELINE}
    for t in report["indexing"]:
        ratio = t["articles_per_s"] / base[t["size"]]["articles_per_s"] if t["size"] in base else 0
        lines.append(
            f"| {t['size']:,} | {t['engine']} | {t['seconds']:.1f} | {t['articles_per_s']:,.0f} "
            f"| {t['mb_per_s']:.2f} | {ratio:.2f} | {t['peak_rss_mb']:,.0f} "
            f"| {t['index_mb']:.1f} |"
        )
    lines += ["", "## Query latency (single thread, warm, top 10)", ""]
    lines.append(
        "| articles | queries | engine | highlights | p50 ms | p95 ms | p99 ms | q/s "
        "| p95 / baseline p95 without highlights |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    base_p95 = {
        (x["size"], x["kind"]): x["p95_ms"]
        for x in report["latency"]
        if x["engine"] == BASELINE and not x["highlight"]
    }
    for x in report["latency"]:
        ref = base_p95.get((x["size"], x["kind"]))
        ratio = f"{x['p95_ms'] / ref:.2f}" if ref else "–"
        lines.append(
            f"| {x['size']:,} | {x['kind']} | {x['engine']} | {'yes' if x['highlight'] else 'no'} "
            f"| {x['p50_ms']:.2f} | {x['p95_ms']:.2f} | {x['p99_ms']:.2f} | {x['qps']:,.0f} "
            f"| {ratio} |"
        )
    return "\n".join(lines) + "\n"


def plot(report: dict[str, Any], path: Path) -> bool:
    """Index time and p95 latency (long queries, no highlights) against corpus size."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    engines = sorted({t["engine"] for t in report["indexing"]})
    for name in engines:
        rows = [t for t in report["indexing"] if t["engine"] == name]
        left.plot([t["size"] for t in rows], [t["seconds"] for t in rows], "o-", label=name)
        lat = [
            x
            for x in report["latency"]
            if x["engine"] == name and x["kind"] == "long" and not x["highlight"]
        ]
        right.plot([x["size"] for x in lat], [x["p95_ms"] for x in lat], "o-", label=name)
    for ax, title, unit in ((left, "indexing", "s"), (right, "long queries, p95", "ms")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to run")
    parser.add_argument("--queries", type=int, default=None, help="queries per kind")
    parser.add_argument("--json", type=Path, help="write every number here")
    parser.add_argument("--plot", type=Path, help="write a PNG plot here")
    parser.add_argument("--workdir", type=Path, help="where to build the indexes")
    parser.add_argument(
        "--add-to",
        type=Path,
        metavar="JSON",
        help="a report of an earlier run (other sizes) to add this run's numbers to",
    )
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    missing = []
    for name in engines:
        module = {"tantivy-de": "tantivy"}.get(name)
        if module and importlib.util.find_spec(module) is None:
            missing.append(name)
    for name in missing:
        print(f"speed: skipping {name} (not installed; pip install -e '.[bench]')", file=sys.stderr)
    engines = [e for e in engines if e not in missing]
    report = run_suite(
        [int(s) for s in args.sizes.split(",")],
        engines,
        queries_per_kind=args.queries,
        workdir=args.workdir,
        progress=lambda message: print(message, file=sys.stderr, flush=True),
    )
    if args.add_to:
        earlier = json.loads(args.add_to.read_text(encoding="utf-8"))
        report["indexing"] = earlier["indexing"] + report["indexing"]
        report["latency"] = earlier["latency"] + report["latency"]
        report["earlier_environment"] = earlier["environment"]
    print(markdown(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if args.plot and not plot(report, args.plot):
        print("speed: no plot (matplotlib is not installed)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
