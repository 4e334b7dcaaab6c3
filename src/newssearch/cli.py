"""The ``newssearch`` command: parses arguments, calls the library, formats output.

Errors are one line on stderr and exit code 1 (2 for usage errors); no
traceback is ever shown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import newssearch as ns  # the public API, each part imported on first use
from newssearch import __version__
from newssearch.article import FACET_FIELDS
from newssearch.config import DEFAULT_WAIT, INDEX_ENV, default_index_path
from newssearch.errors import NewsSearchError, QueryError
from newssearch.loaders import FORMATS

if TYPE_CHECKING:
    from newssearch.highlight import Fragment
    from newssearch.results import SearchResult

__all__ = ["main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The progress bar moves on every this many articles.
_PROGRESS_EVERY = 100


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv``; returns the exit code."""
    args = _build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except NewsSearchError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        _err("newssearch: interrupted; the index is unchanged by the interrupted step")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}")
    except Exception as exc:  # last line of defence: one line, never a traceback
        return _fail(f"internal error: {type(exc).__name__}: {exc}")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newssearch",
        description="Search German news archives: index articles, search them, inspect the "
        "German analysis.",
    )
    parser.add_argument("--version", action="version", version=f"newssearch {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    p = sub.add_parser(
        "index",
        help="add articles to an index (created if missing)",
        description="Add articles to an index; an article whose id is already "
        "indexed is replaced. All records are checked before the index is "
        "touched.",
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="JSON Lines, CSV or 10kGNAD file")
    _index_option(p)
    p.add_argument("--format", choices=FORMATS, help="input format (default: from the file)")
    p.add_argument(
        "--skip-bad",
        action="store_true",
        help="skip bad records (each is reported) instead of stopping",
    )
    p.add_argument(
        "--rebuild", action="store_true", help="replace the index with one built from SOURCE only"
    )
    p.add_argument(
        "--stories",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a new index groups wire copies of one story (search shows one, '+N ähnliche'); "
        "on by default",
    )
    _wait_option(p)
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="create or keep the index even when SOURCE holds no articles",
    )
    p.add_argument(
        "--csv-delimiter",
        metavar="CHAR",
        help="CSV delimiter (default: tab for .tsv files, else a comma)",
    )
    p.add_argument(
        "--csv-column",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read article FIELD from CSV column COLUMN (repeatable)",
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    p.set_defaults(run=_cmd_index)

    p = sub.add_parser(
        "search",
        help="search an index",
        description="Search an index. QUERY '-' reads one query per line from "
        "standard input and prints one JSON object per line.",
    )
    p.add_argument("query", metavar="QUERY")
    _index_option(p)
    p.add_argument("--limit", type=_non_negative, default=10, metavar="N", help="hits to show")
    p.add_argument("--offset", type=_non_negative, default=0, metavar="N", help="hits to skip")
    p.add_argument("--section", action="append", default=[], help="only this section")
    p.add_argument("--source", action="append", default=[], help="only this source")
    p.add_argument("--author", action="append", default=[], help="only this author")
    p.add_argument("--tag", action="append", default=[], help="only articles with this tag")
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (ISO)")
    p.add_argument(
        "--until", metavar="DATE", help="only articles published on or before DATE (ISO)"
    )
    p.add_argument("--sort", choices=("relevance", "newest", "oldest"), default="relevance")
    p.add_argument(
        "--recent",
        action="store_true",
        help="favour recent articles: a score counts up to twice for an article of "
        "today, 1.5 times at the half-life (see --half-life)",
    )
    p.add_argument(
        "--half-life",
        type=_positive_float,
        default=30.0,
        metavar="DAYS",
        help="with --recent: the age at which the boost is half (default 30 days)",
    )
    p.add_argument(
        "--now",
        metavar="DATE",
        help="count ages (--recent) and relative dates (gestern) from DATE (ISO) "
        "instead of the current time",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="show every wire copy of a story (default: the best one, with '+N ähnliche')",
    )
    p.add_argument(
        "--max-duplicates",
        type=_non_negative,
        default=10,
        metavar="N",
        help="--json lists the ids of a hit's N best matching wire copies (default 10); "
        "duplicate_count counts them all",
    )
    p.add_argument(
        "--no-dates",
        action="store_true",
        help="search date phrases (seit März 2016, gestern) as words, not as a time range",
    )
    p.add_argument(
        "--no-highlights",
        action="store_true",
        help="show hits without snippets (faster: the articles' text is not analysed)",
    )
    p.add_argument(
        "--facet",
        action="append",
        default=[],
        choices=FACET_FIELDS,
        help="count the matches per value of this field (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="mark matches with terminal colours (default: when a terminal)",
    )
    p.set_defaults(run=_cmd_search)

    p = sub.add_parser("related", help="list the articles most like article ID")
    p.add_argument("id", metavar="ID")
    _list_options(p, "articles to show")
    p.set_defaults(run=_cmd_related)

    p = sub.add_parser("suggest", help="complete PREFIX from the index's words and titles")
    p.add_argument("prefix", metavar="PREFIX")
    _list_options(p, "completions")
    p.set_defaults(run=_cmd_suggest)

    p = sub.add_parser("analyze", help="show the tokens the German analyzer makes of TEXT")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_analyze)

    p = sub.add_parser("stats", help="show facts about an index")
    _index_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_stats)

    p = sub.add_parser("delete", help="delete articles by id")
    p.add_argument("ids", nargs="+", metavar="ID")
    _index_option(p)
    _wait_option(p)
    p.set_defaults(run=_cmd_delete)

    p = sub.add_parser(
        "export",
        help="write the index for OpenSearch/Elasticsearch",
        description="Write OUTDIR/index.json (settings and mappings: the German analysis "
        "chain, BM25, the fields), OUTDIR/articles.ndjson (every article in _bulk format) "
        "and OUTDIR/README.txt (the curl commands that create and load the index).",
    )
    p.add_argument("target", choices=["opensearch"], help="the engine to export to")
    p.add_argument("outdir", metavar="OUTDIR", type=Path, help="directory to write (new or empty)")
    _index_option(p)
    p.add_argument(
        "--name", default="news", metavar="NAME", help="index name in README.txt (default: news)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace OUTDIR if it is not empty")
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser(
        "eval",
        help="measure ranking quality on a test collection",
        description="Index DOCS (JSON Lines articles) in a temporary index, search every "
        'query of QUERIES ({"id", "text"} per line) and score the ranking against QRELS '
        "(query_id, doc_id, grade per line): MRR@10, nDCG@10, Recall@1/10/100.",
    )
    p.add_argument("docs", metavar="DOCS", type=Path)
    p.add_argument("queries", metavar="QUERIES", type=Path)
    p.add_argument("qrels", metavar="QRELS", type=Path)
    p.add_argument(
        "--run", dest="run_file", type=Path, metavar="FILE", help="also write a TREC run file"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_eval)

    p = sub.add_parser(
        "bench",
        help="measure indexing and query speed against Whoosh and native engines",
        description="Build an index of each corpus size with each engine (the bundled "
        "sample, recombined from its sentences beyond 1,028 articles) and time the fixed "
        "query sets, single thread, warm, top 10. Prints Markdown tables on stdout and "
        "progress on stderr; an engine that is not installed is skipped.",
    )
    p.add_argument(
        "--sizes",
        type=_sizes,
        default=(1000, 10000, 100000),
        metavar="N,N",
        help="corpus sizes in articles (default: 1000,10000,100000)",
    )
    p.add_argument(
        "--engines",
        type=_engine_names,
        default=None,
        metavar="E,E",
        help="engines to run, comma-separated (default: every engine of the suite)",
    )
    p.add_argument(
        "--queries",
        type=_positive,
        default=None,
        metavar="N",
        help="queries per kind (default: all)",
    )
    p.add_argument(
        "--copies",
        type=_positive,
        default=1,
        metavar="N",
        help="every story N times, as edited wire copies (default: 1, each article once)",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write every number here")
    p.add_argument("--plot", type=Path, metavar="FILE", help="write a PNG plot here (matplotlib)")
    p.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="where to build the indexes (default: the temporary directory)",
    )
    p.add_argument(
        "--add-to",
        type=Path,
        metavar="JSON",
        help="a report of an earlier run (other sizes) to add this run's numbers to",
    )
    p.set_defaults(run=_cmd_bench)
    return parser


def _index_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"index directory (default: ${INDEX_ENV}, else newssearch/default in your "
        "data directory, e.g. ~/.local/share; search builds it from the bundled sample "
        "on first use)",
    )


def _wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--wait",
        type=_non_negative_float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"wait this long for another writer of the index (default {DEFAULT_WAIT:g})",
    )


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not positive")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    """``1000,10000``: corpus sizes, each a whole number of at least 1."""
    sizes = []
    for item in text.split(","):
        try:
            value = int(item)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r} is not a whole number") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{item!r}: a corpus needs at least 1 article")
        sizes.append(value)
    return tuple(sizes)


def _engine_names(text: str) -> tuple[str, ...]:
    """``newssearch,whoosh-de``: known engine names, each once, in the given order."""
    from newssearch.bench import ENGINES  # only when the bench command is parsed

    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise argparse.ArgumentTypeError("no engine named")
    unknown = [name for name in names if name not in ENGINES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown engine {', '.join(map(repr, unknown))} (known: {', '.join(ENGINES)})"
        )
    return names


# -- commands -----------------------------------------------------------------


def _cmd_index(args: argparse.Namespace) -> int:
    columns = dict(_split_mapping(item) for item in args.csv_column)
    options = (
        ns.CsvOptions(delimiter=args.csv_delimiter or ",", columns=columns)
        if args.csv_delimiter or columns
        else None
    )
    bar = None if args.no_progress or not sys.stderr.isatty() else _ProgressBar(sys.stderr)
    if bar is not None:
        bar.phase(f"reading and checking {', '.join(map(str, args.sources))} …")
    try:
        report = ns.read_articles(
            args.sources, format=args.format, csv_options=options, skip_bad=args.skip_bad
        )
    finally:
        if bar is not None:
            bar.end()
    for problem in report.skipped:
        _err(f"newssearch: skipped: {problem}")
    if not report.articles and not args.allow_empty:
        sources = ", ".join(map(str, args.sources))
        return _fail(
            f"no articles in {sources}"
            + (f" ({len(report.skipped)} skipped as bad)" if report.skipped else "")
            + "; nothing indexed (--allow-empty creates an empty index)"
        )
    path: Path = args.index or default_index_path()
    try:
        if args.rebuild or not ns.index_exists(path):
            index, update = ns.build_index(
                path,
                report.articles,
                overwrite=args.rebuild,
                settings=ns.IndexSettings(stories=args.stories),
                progress=bar,
                batch_size=_PROGRESS_EVERY,
                wait=args.wait,
            )
        else:
            index = ns.open_index(path)
            update = index.update(
                report.articles, progress=bar, batch_size=_PROGRESS_EVERY, wait=args.wait
            )
    finally:
        if bar is not None:
            bar.end()
    with index:
        print(
            f"indexed {update.added + update.replaced} articles into {path} "
            f"({update.added} new, {update.replaced} replaced, {len(report.skipped)} skipped) "
            f"in {update.seconds:.1f} s; the index holds {update.documents} articles"
        )
    return EXIT_OK


def _cmd_search(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    filters = {
        name: values
        for name, values in (
            ("section", args.section),
            ("source", args.source),
            ("author", args.author),
            ("tags", args.tag),
        )
        if values
    }
    with _open_for_search(args.index) as index, ns.Searcher(index) as searcher:

        def run(query: str) -> SearchResult:
            return searcher.search(
                query,
                limit=args.limit,
                offset=args.offset,
                filters=filters,
                since=args.since,
                until=args.until,
                sort=args.sort,
                facets=args.facet,
                recency=ns.RecencyBoost(half_life_days=args.half_life) if args.recent else None,
                now=args.now,
                dates=not args.no_dates,
                collapse=not args.all,
                max_duplicates=args.max_duplicates,
                highlight=not args.no_highlights,
            )

        # Loading the index and the analysis data is startup, not the query's time.
        searcher.warm()
        startup_ms = (time.perf_counter() - started) * 1000.0
        if args.query == "-":
            return _search_lines(run, sys.stdin)
        result = run(args.query)
        original = None
        if result.total == 0 and result.suggestion is not None:
            # Nothing found, but a likely correction: show what it finds.
            original, result = result, run(result.suggestion.query)
        for warning in result.warnings:
            _err(f"newssearch: warning: {warning}")
        if args.json:
            out = {**_result_json(result), "startup_ms": round(startup_ms, 1)}
            if original is not None:
                out["corrected_from"] = {"query": original.query, "total": original.total}
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            color = args.color == "always" or (
                args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            )
            if original is not None:
                print(f"0 hits for {_terminal_text(original.query)!r}; Meinten Sie:")
            _print_result(result, ns.render_ansi if color else ns.render_plain, startup_ms)
    return EXIT_OK


def _search_lines(run: Callable[[str], SearchResult], lines: TextIO) -> int:
    """One JSON object per query line; a bad query gives an ``error`` object, not a stop."""
    code = EXIT_OK
    for line in lines:
        query = line.strip()
        if not query:
            continue
        try:
            out = _result_json(run(query))
        except QueryError as exc:
            out, code = {"query": query, "error": str(exc)}, EXIT_ERROR
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return code


def _cmd_analyze(args: argparse.Namespace) -> int:
    tokens = ns.analyze(args.text)
    if args.json:
        print(
            json.dumps(
                {
                    "tokens": [
                        {
                            "text": t.text,
                            "start": t.start,
                            "end": t.end,
                            "position": t.position,
                            "kind": t.kind,
                            "original": t.original,
                        }
                        for t in tokens
                    ]
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    width = max((len(t.original) for t in tokens), default=0)
    for t in tokens:
        print(f"{t.position:>4}  {t.original:<{width}}  {t.text:<24} {t.start}-{t.end}  {t.kind}")
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    path = args.index or default_index_path()
    with ns.open_index(path) as index:
        stats = index.stats()
    if args.json:
        print(
            json.dumps(
                {
                    "path": stats.path,
                    "documents": stats.documents,
                    "deleted": stats.deleted,
                    "segments": stats.segments,
                    "terms": stats.terms,
                    "size_bytes": stats.size_bytes,
                    "format_version": stats.format_version,
                    "settings": stats.settings.to_json(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(f"index        {stats.path}")
    print(f"documents    {stats.documents} ({stats.deleted} deleted, {stats.segments} segments)")
    print(f"size on disk {stats.size_bytes / 1e6:.1f} MB (format version {stats.format_version})")
    print("terms        " + ", ".join(f"{k} {v}" for k, v in sorted(stats.terms.items())))
    settings = stats.settings.to_json()
    print("analyzer     " + ", ".join(f"{k}={v}" for k, v in settings["analyzer"].items()))
    print("boosts       " + ", ".join(f"{k}={v}" for k, v in settings["boosts"].items()))
    return EXIT_OK


def _list_options(p: argparse.ArgumentParser, what: str) -> None:
    """``--index``, ``--limit N`` (of ``what``) and ``--json``, for the commands that list."""
    _index_option(p)
    p.add_argument("--limit", type=_non_negative, default=10, metavar="N", help=what)
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _published(article: ns.Article) -> str | None:
    """``article.published`` in ISO 8601, as ``--json`` shows it (``None``: undated)."""
    return None if article.published is None else article.published.isoformat()


def _cmd_related(args: argparse.Namespace) -> int:
    with _open_for_search(args.index) as index, ns.Searcher(index) as searcher:
        hits = searcher.related(args.id, limit=args.limit)
    if args.json:
        out = {
            "id": args.id,
            "related": [
                {
                    "id": h.id,
                    "rank": h.rank,
                    "score": round(h.score, 6),
                    "title": h.title,
                    "published": _published(h.article),
                    "section": h.article.section,
                    "source": h.article.source,
                }
                for h in hits
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{len(hits)} {'article' if len(hits) == 1 else 'articles'} like {args.id!r}")
    for h in hits:
        facts = [str(v) for v in (h.article.section, h.article.source, h.article.published) if v]
        print(f"{h.rank:>3}. {_one_line(_terminal_text(h.title), 200)}")
        print(f"     {_terminal_text(' · '.join([*facts, h.id]))}   score {h.score:.2f}")
    return EXIT_OK


def _cmd_suggest(args: argparse.Namespace) -> int:
    with _open_for_search(args.index) as index, ns.Searcher(index) as searcher:
        completions = searcher.suggest(args.prefix, limit=args.limit)
    if args.json:
        out = {
            "prefix": args.prefix,
            "suggestions": [
                {"text": c.text, "kind": c.kind, "count": c.count} for c in completions
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for c in completions:
        print(f"{_terminal_text(c.text)}  ({c.kind}, {c.count})")
    return EXIT_OK


def _cmd_delete(args: argparse.Namespace) -> int:
    with ns.open_index(args.index or default_index_path()) as index:
        deleted = index.delete(args.ids, wait=args.wait)
    print(f"deleted {deleted} of {len(args.ids)} articles")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from newssearch.opensearch import export_opensearch  # only this command needs it

    with ns.open_index(args.index or default_index_path()) as index:
        summary = export_opensearch(index, args.outdir, name=args.name, overwrite=args.overwrite)
    print(
        f"exported {summary.articles} articles to {summary.directory}: "
        f"{summary.index_json.name}, {summary.articles_ndjson.name}, {summary.readme.name}"
    )
    print(f"load them into OpenSearch with the commands in {summary.readme}")
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from newssearch.evaluate import evaluate_run, load_collection, run_newssearch, write_trec_run

    collection = load_collection(args.docs, args.queries, args.qrels)
    run = run_newssearch(collection)
    metrics = evaluate_run(run, collection.qrels)
    if args.run_file is not None:
        write_trec_run(run, args.run_file)
    if args.json:
        print(json.dumps({"collection": collection.name, **metrics.as_dict()}, indent=2))
        return EXIT_OK
    print(
        f"{collection.name}: {len(collection.documents)} documents, "
        f"{metrics.queries} judged queries"
    )
    for name, value in metrics.as_dict().items():
        if name != "queries":
            print(f"{name:8} {value:.4f}")
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from newssearch import bench  # not at the top: only this command needs it

    # Everything that can be wrong with the arguments fails here, not after an hour's run.
    earlier = bench.load_report(args.add_to) if args.add_to is not None else None
    if args.workdir is not None and not args.workdir.is_dir():
        raise NewsSearchError(f"--workdir {args.workdir} is not a directory")
    for option, path in (("--json", args.json), ("--plot", args.plot)):
        if path is not None:
            _check_writable(path, option)
    engines = []
    for name in args.engines or bench.ENGINES:
        reason = bench.engine(name).unavailable()
        if reason is None:
            engines.append(name)
        else:
            _err(f"newssearch: skipping {name} ({reason})")
    if not engines:
        raise NewsSearchError("no engine left to run")
    try:
        report = bench.run_suite(
            args.sizes,
            engines,
            queries_per_kind=args.queries,
            workdir=args.workdir,
            progress=lambda message: print(message, file=sys.stderr, flush=True),
            copies=args.copies,
        )
    except KeyboardInterrupt:
        _err("newssearch: bench interrupted; nothing was written")
        return EXIT_INTERRUPTED
    if earlier is not None:
        report = bench.merge_reports(earlier, report)
    print(bench.markdown(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    if args.plot is not None and not bench.plot(report, args.plot):
        _err("newssearch: no plot (matplotlib is not installed; pip install -e '.[bench]')")
    return EXIT_OK


# -- helpers ------------------------------------------------------------------


def _open_for_search(path: Path | None) -> Any:
    """The index at ``path``; without ``--index``, the default one, built on first use."""
    if path is None:
        path = default_index_path()
        if not ns.index_exists(path):
            _err(
                f"newssearch: building the default index at {path} from the bundled sample "
                f"(first use; --index DIR or ${INDEX_ENV} choose another) …"
            )
            index, _ = ns.build_index(path, ns.sample_articles())
            return index
    return ns.open_index(path)


def _result_json(result: SearchResult) -> dict[str, Any]:
    hits = []
    for hit in result.hits:
        hl = hit.highlights
        article = hit.article
        hits.append(
            {
                "id": hit.id,
                "rank": hit.rank,
                "score": None if hit.score is None else round(hit.score, 6),
                "title": hit.title,
                "lead": article.lead,
                "published": _published(article),
                "section": article.section,
                "source": article.source,
                "author": article.author,
                "url": article.url,
                "tags": list(article.tags),
                "duplicates": list(hit.duplicates),
                "duplicate_count": hit.duplicate_count,
                "highlights": {
                    "title": ns.render_html(hl.title) if hl and hl.title else None,
                    "body": [ns.render_html(f) for f in hl.body] if hl else [],
                },
            }
        )
    out: dict[str, Any] = {
        "query": result.query,
        "total": result.total,
        "took_ms": round(result.took_ms, 3),
        "partial": result.partial,
        "warnings": list(result.warnings),
        "hits": hits,
    }
    if result.interpreted:
        out["interpreted"] = result.interpreted
    if result.suggestion is not None:
        out["suggestion"] = {
            "query": result.suggestion.query,
            "html": result.suggestion.html,
            "words": [list(pair) for pair in result.suggestion.words],
        }
    if result.facets:
        out["facets"] = {
            name: [{"value": value, "count": count} for value, count in _by_count(counts)]
            for name, counts in result.facets.items()
        }
    return out


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Facet values, most frequent first (equal counts by value)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


#: What article text must not send to a terminal: C0 controls (ESC, BEL,
#: backspace …; whitespace is flattened anyway), DEL, C1 controls and the
#: bidi overrides, embeddings, isolates and marks that reorder a line.  Each
#: becomes U+FFFD, one character for one, so highlight offsets stay right.
_TERMINAL_UNSAFE = dict.fromkeys(
    [
        *range(0x00, 0x09),
        *range(0x0B, 0x0D),
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        0x061C,
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    "\ufffd",
)


def _terminal_text(text: str) -> str:
    """``text`` with every character that could steer a terminal replaced (see above)."""
    return text.translate(_TERMINAL_UNSAFE)


def _terminal_render(render: Callable[[Fragment], str]) -> Callable[[Fragment], str]:
    """``render`` on the fragment's text made safe for a terminal (same length)."""
    return lambda fragment: render(replace(fragment, text=_terminal_text(fragment.text)))


def _print_result(
    result: SearchResult, render: Callable[[Fragment], str], startup_ms: float | None = None
) -> None:
    render = _terminal_render(render)
    shown = f"{result.offset + 1}–{result.offset + len(result.hits)}" if result.hits else "0"
    took = f"{result.took_ms:.1f} ms"
    if startup_ms is not None:
        took += f"; startup {startup_ms:.0f} ms"
    hits = f"{result.total} {'hit' if result.total == 1 else 'hits'}"
    if result.query.strip() in ("", "*"):  # browsing the archive
        found = f"{result.total} {'article' if result.total == 1 else 'articles'}"
    else:
        found = f"{hits} for {result.query!r}"
    print(f"{found} (showing {shown}, {took})")
    if result.interpreted:
        print(f"  dates: {_terminal_text(result.interpreted)}")
    if result.suggestion is not None:
        print(f"  Meinten Sie: {_terminal_text(result.suggestion.query)}?")
    if result.partial:
        print("(partial: the search reached its time limit; more articles may match)")
    for name, counts in result.facets.items():
        shown_counts = " · ".join(f"{_terminal_text(v)} {n}" for v, n in _by_count(counts)[:10])
        print(f"  {name}: {shown_counts or '–'}")
    for hit in result.hits:
        hl = hit.highlights
        title = render(hl.title) if hl and hl.title else _terminal_text(hit.title)
        print()
        print(f"{hit.rank:>3}. {_one_line(title, 200)}")
        article = hit.article
        facts = [
            _terminal_text(str(value))
            for value in (article.section, article.source, article.author, article.published)
            if value
        ]
        score = "" if hit.score is None else f"   score {hit.score:.2f}"
        copies = f"   +{hit.duplicate_count} ähnliche" if hit.duplicate_count else ""
        print(f"     {' · '.join([*facts, _terminal_text(hit.id)])}{score}{copies}")
        for fragment in hl.body if hl else ():
            print(f"     {_one_line(render(fragment), 400)}")


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _ProgressBar:
    """An import's progress on a terminal, one line rewritten in place: the phase,
    a bar of the articles written, and the time left at the rate so far."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._start: tuple[float, int] | None = None
        self._width = 0

    def phase(self, text: str) -> None:
        """Show ``text`` as the current phase."""
        self._show(text)

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if self._start is None:
            self._start = (now, done)
        filled = 30 * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} articles"
        if done >= total:
            self._show(f"{bar} – finishing the index (last writes, commit) …")
            return
        started, first = self._start
        rate = (done - first) / (now - started) if now > started and done > first else 0.0
        left = f", about {_duration((total - done) / rate)} left" if rate else ""
        self._show(f"{bar}{left}")

    def end(self) -> None:
        """Leave the line (the next output starts on a new one)."""
        if self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0

    def _show(self, text: str) -> None:
        pad = max(self._width - len(text), 0)
        self._stream.write(f"\r{text}{' ' * pad}")
        self._stream.flush()
        self._width = len(text)


def _duration(seconds: float) -> str:
    """``seconds`` as a person reads it: ``8 s``, ``2 min 5 s``, ``1 h 3 min``."""
    seconds = max(round(seconds), 1)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _split_mapping(item: str) -> tuple[str, str]:
    field, sep, column = item.partition("=")
    if not sep or not field or not column:
        raise NewsSearchError(f"--csv-column wants FIELD=COLUMN, not {item!r}")
    return field.strip(), column.strip()


def _check_writable(path: Path, option: str) -> None:
    """Fail now, not at the end of a long run, when ``path`` cannot be written."""
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        blocker = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is not a directory" if blocker else exc.strerror or str(exc)
        raise NewsSearchError(f"cannot write {option} {path}: {reason}") from None
    if not existed:
        path.unlink()


def _err(message: str) -> None:
    # Messages can quote input (a bad record, a file name): never raw to the terminal.
    print(_terminal_text(message), file=sys.stderr)


def _fail(message: str) -> int:
    _err(f"newssearch: error: {message}")
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
