"""Measure related articles (:mod:`newssearch.related`) against Whoosh's ``more_like``.

    python benchmarks/related.py [--sample N] [--seed S] [--size N] [--index PATH]
        [--json out.json]

Builds an index of the bundled 10kGNAD sample (1,028 articles, 9 sections) in
a temporary directory, or of the recombined ``newssearch bench`` corpus with
``--size N`` (its first 1,028 articles are the real ones), or opens
``--index``.  For a fixed-seed sample of the real articles (``--sample``,
default: all of them) it asks, in the same run,

* newssearch: ``Related(searcher, analyzer=...).find(id, limit=10)``;
* Whoosh: ``searcher.more_like(docnum, "body", top=10)`` (key terms of the
  stored body, Bo1 model, 5 terms by default);

and reports for each the share of the top 10 in the article's own section
(the 10kGNAD category), the mean overlap of the two top-10 lists, and the time
per call.  A run where newssearch finds nothing for most articles stops with
an error (a broken build cannot look fast).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newssearch import build_index, open_index
from newssearch.analysis import german_analyzer
from newssearch.bench.corpus import corpus
from newssearch.related import Related
from newssearch.sample import sample_articles

SEED = 20261206


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="articles to ask for (0: all)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--size", type=int, default=0, help="build the bench corpus of N")
    parser.add_argument("--index", type=Path, help="an index of the sample to open")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    real = list(sample_articles())
    asked = real if not args.sample else random.Random(args.seed).sample(real, args.sample)
    with tempfile.TemporaryDirectory() as tmp:
        if args.index is not None:
            index = open_index(args.index)
        else:
            articles = corpus(args.size) if args.size else real
            started = time.perf_counter()
            index, _ = build_index(Path(tmp) / "index", articles)
            print(f"built {len(articles)} articles in {time.perf_counter() - started:.1f} s")
        with index:
            result = run(index, asked)
            result["documents"] = index.doc_count()
    print_table(result)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def run(index: Any, asked: list[Any]) -> dict[str, Any]:
    section = {a.id: a.section for a in sample_articles()}
    analyzer = german_analyzer(index.settings.analyzer)
    ours_same: list[float] = []
    theirs_same: list[float] = []
    overlap: list[float] = []
    ours_ms: list[float] = []
    theirs_ms: list[float] = []
    found = 0
    with index.store.searcher() as searcher:
        finder = Related(searcher, analyzer=analyzer, boosts=index.settings.boosts)
        finder.find(asked[0].id)  # warm: the analyzer's lexicon, the document lengths
        for article in asked:
            started = time.perf_counter()
            hits = finder.find(article.id)
            ours_ms.append((time.perf_counter() - started) * 1000)
            found += bool(hits)  # the sanity count, inside the timed loop
            docnum = searcher.document_number(id=article.id)
            started = time.perf_counter()
            theirs = _more_like(searcher, docnum)
            theirs_ms.append((time.perf_counter() - started) * 1000)
            ours = [h.id for h in hits]
            own = article.section
            if ours:
                ours_same.append(sum(section.get(i) == own for i in ours) / len(ours))
            if theirs:
                theirs_same.append(sum(section.get(i) == own for i in theirs) / len(theirs))
            if ours and theirs:
                overlap.append(len(set(ours) & set(theirs)) / 10)
    if found < len(asked) / 2:
        raise SystemExit(f"related found nothing for {len(asked) - found} of {len(asked)}")
    return {
        "articles": len(asked),
        "newssearch": {
            "same_section": statistics.fmean(ours_same),
            "answered": found,
            "ms_mean": statistics.fmean(ours_ms),
            "ms_p50": statistics.median(ours_ms),
            "ms_p95": _p95(ours_ms),
        },
        "whoosh_more_like": {
            "same_section": statistics.fmean(theirs_same),
            "answered": len(theirs_same),
            "ms_mean": statistics.fmean(theirs_ms),
            "ms_p50": statistics.median(theirs_ms),
            "ms_p95": _p95(theirs_ms),
        },
        "top10_overlap": statistics.fmean(overlap) if overlap else 0.0,
    }


def _more_like(searcher: Any, docnum: int) -> list[str]:
    """Whoosh's ``more_like`` top 10 (nothing for an article without a body:
    Whoosh cannot analyse a missing stored value)."""
    if not searcher.stored_fields(docnum).get("body"):
        return []
    return [r["id"] for r in searcher.more_like(docnum, "body", top=10)]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def print_table(result: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(f"\n{result['articles']} articles asked, index of {result['documents']}\n\n")
    out.write("| engine | same section @10 | answered | mean ms | p50 ms | p95 ms |\n")
    out.write("|---|---|---|---|---|---|\n")
    for name in ("newssearch", "whoosh_more_like"):
        r = result[name]
        out.write(
            f"| {name} | {r['same_section']:.3f} | {r['answered']} | {r['ms_mean']:.1f} "
            f"| {r['ms_p50']:.1f} | {r['ms_p95']:.1f} |\n"
        )
    out.write(f"\nmean top-10 overlap: {result['top10_overlap']:.3f}\n")


if __name__ == "__main__":
    raise SystemExit(main())
