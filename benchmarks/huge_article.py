"""A hit in one huge article: how long searching and highlighting it take.

    python benchmarks/huge_article.py [--mb 30] [--others 200] [--workdir DIR] [--profile]

Builds an index of ``--others`` articles of the ``newssearch bench`` corpus
and one article of about ``--mb`` megabytes (an archive dump gone wrong: the
bundled articles' bodies one after the other, repeated), then times, warm
(each run once untimed, then ``--repeat`` times, the median reported):

- the search alone (``highlight=False``, the huge article ranked first);
- the search with highlights of the top 10;
- loading the huge article's stored fields (Whoosh keeps a document's stored
  fields as one compressed pickle: all 30 MB are decompressed to show any);
- highlighting it alone: building its hit (title and snippets) from the loaded article.

The timed loops check that the huge article is the first hit and that its
snippets mark a match, so that a broken build cannot look fast.  With
``--workdir`` the index is kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newssearch.article import Article
from newssearch.bench import corpus
from newssearch.engine.documents import from_stored
from newssearch.hits import SnippetOptions, highlight_terms
from newssearch.index import build_index, open_index
from newssearch.sample import sample_articles
from newssearch.searcher import Searcher

#: A query with a rare word that stands in the huge article only, near its end,
#: and common words that stand everywhere in it.
QUERY = "Archivschlusswort Regierung"
HUGE_ID = "huge-dump"


def huge_article(megabytes: float) -> Article:
    """The bundled bodies, repeated to about ``megabytes`` MB of UTF-8, and a last
    sentence with the query's rare word."""
    bodies = [a.body for a in sample_articles() if a.body]
    parts: list[str] = []
    size = 0
    goal = int(megabytes * 1_000_000)
    while size < goal:
        for body in bodies:
            parts.append(body)
            size += len(body.encode("utf-8")) + 2
            if size >= goal:
                break
    parts.append("Das Archivschlusswort steht am Ende des Dumps.")
    return Article(id=HUGE_ID, title="Archivdump Regierung", body="\n\n".join(parts))


def ensure_index(path: Path, megabytes: float, others: int) -> float:
    """Build the index at ``path`` unless it is there; seconds taken (0 if reused)."""
    if (path / "newssearch.json").exists():
        return 0.0
    started = time.perf_counter()
    build_index(path, [*corpus(others), huge_article(megabytes)])[0].close()
    return time.perf_counter() - started


def timed(run: Callable[[], None], repeat: int) -> tuple[float, list[float]]:
    """The median milliseconds of ``repeat`` runs of ``run`` (after one untimed run)."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=30.0, help="size of the huge article")
    parser.add_argument("--others", type=int, default=200, help="ordinary articles beside it")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the index here")
    parser.add_argument("--profile", action="store_true", help="cProfile the highlighting")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.workdir or Path(tmp)) / f"huge-{args.mb:g}mb-{args.others}"
        built = ensure_index(path, args.mb, args.others)
        with open_index(path) as index, Searcher(index) as searcher:
            searcher.warm()

            def search(highlight: bool) -> Callable[[], None]:
                def run() -> None:
                    result = searcher.search(QUERY, limit=10, highlight=highlight)
                    if not result.hits or result.hits[0].id != HUGE_ID:
                        raise SystemExit("the huge article is not the first hit")
                    hl = result.hits[0].highlights
                    if highlight and not (hl and any(f.matches for f in hl.body)):
                        raise SystemExit("the huge article's snippets mark nothing")

                return run

            view = searcher._view()
            reader = view.searcher.reader()
            docnum = next(iter(view.searcher.document_numbers(id=HUGE_ID)))
            terms = highlight_terms(searcher.plan(QUERY).match, reader)
            options = SnippetOptions()

            def load() -> None:
                if from_stored(reader.stored_fields(docnum)).id != HUGE_ID:
                    raise SystemExit("not the huge article")

            loaded = from_stored(reader.stored_fields(docnum))

            def hit() -> None:
                built_hit = view.hits.build(1, 1.0, loaded, terms, options)
                if not (built_hit.highlights and built_hit.highlights.body[0].matches):
                    raise SystemExit("the huge article's snippets mark nothing")

            size = len(loaded.body.encode("utf-8"))
            print(f"## One {size / 1e6:.1f} MB article among {args.others} others\n")
            if built:
                print(f"- index built in {built:.1f} s")
            for label, run in (
                ("search, no highlights", search(False)),
                ("search, highlights of the top 10", search(True)),
                ("loading the huge article's stored fields", load),
                ("highlighting it (its hit: title and snippets)", hit),
            ):
                median, times = timed(run, args.repeat)
                spread = ", ".join(f"{t:.1f}" for t in times)
                print(f"- {label}: {median:.1f} ms (median of {args.repeat}: {spread})")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(hit)
                print()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
