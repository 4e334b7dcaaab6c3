"""Where newssearch's indexing time goes, against the Whoosh baseline of ``newssearch bench``.

    python benchmarks/indexing_profile.py [--size 1000]

Prints (1) the time to analyse the corpus's title, lead and body for the
text fields and their twins: with the German, the exact and the stopword
analyzer one after the other, as the composed Whoosh chain and as the cached
``GermanAnalyzer`` (cold, then warm), and in one pass
(``GermanAnalyzer.index_terms``, cold, then warm: what indexing runs); and
(2) build time and postings per field of newssearch and of ``whoosh-de``.
Same corpus as ``newssearch bench``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from newssearch.analysis import exact_analyzer, german_analyzer, stopword_analyzer
from newssearch.bench import ENGINES, corpus


def analysis_seconds(texts: list[str]) -> dict[str, float]:
    """Seconds to analyse ``texts`` for a field and its twins: three analyzers as the
    composed chain, cached cold and warm; one pass cold and warm."""
    out: dict[str, float] = {}
    three = (german_analyzer, exact_analyzer, stopword_analyzer)
    composed = [make().chain for make in three]
    cached = [make() for make in three]  # fresh: their filters' caches are cold
    for label, analyzers in (
        ("three analyzers, composed chain", composed),
        ("three analyzers, cached, cold", cached),
        ("three analyzers, cached, warm", cached),
    ):
        started = time.perf_counter()
        for analyzer in analyzers:
            for text in texts:
                for _ in analyzer(text, positions=True, mode="index"):
                    pass
        out[label] = time.perf_counter() - started
    one = german_analyzer()
    for label in ("one pass (index_terms), cold", "one pass (index_terms), warm"):
        started = time.perf_counter()
        for text in texts:
            one.index_terms(text)
        out[label] = time.perf_counter() - started
    return out


def postings(path: Path) -> dict[str, int]:
    """Postings per indexed field of the one Whoosh index in ``path``."""
    toc = next(path.glob("_*.toc")).name
    ix = whoosh_index.open_dir(str(path), indexname=toc[1:].rsplit("_", 1)[0])
    with ix.reader() as reader:
        return {
            f: sum(reader.doc_frequency(f, t) for t in reader.lexicon(f))
            for f in reader.indexed_field_names()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    docs = corpus(args.size)
    texts = [t for a in docs for t in (a.title or "", a.lead or "", a.body or "")]
    print(f"## Analysis of {args.size:,} articles (title, lead, body; field and twins)\n")
    for label, seconds in analysis_seconds(texts).items():
        print(f"- {label}: {seconds:.2f} s")
    print("\n## Build and postings\n")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("newssearch", "whoosh-de"):
            path = Path(tmp) / name
            started = time.perf_counter()
            ENGINES[name]().build(path, docs)
            seconds = time.perf_counter() - started
            counts = postings(path)
            fields = ", ".join(f"{f} {n:,}" for f, n in sorted(counts.items()))
            print(f"- {name}: {seconds:.1f} s, {sum(counts.values()):,} postings ({fields})")


if __name__ == "__main__":
    main()
