"""The engines the speed benchmark compares, behind one small protocol.

``newssearch`` is this library with its defaults (``build_index``);
``newssearch-cli`` builds the same index through the command line, ``newssearch
index FILE.jsonl`` in a subprocess (the JSON Lines file is written before the
clock starts), and answers queries through ``newssearch search - --json``, one
query a line to a running process, as a script feeding the command line meets
it (its start is not timed; filtered queries are left out: the command's
filters hold for all its queries); ``whoosh-de`` (the
baseline) is what a Whoosh user would write for German: ``LanguageAnalyzer
("de")`` on title, lead and body with the same boosts (3/2/1), a
``MultifieldParser`` with an OR group and Whoosh's highlighter.  tantivy (an
optional package, in the ``bench`` extra) and SQLite FTS5 (when the Python's
sqlite3 has it) are native references.

Every engine imports its backend inside its methods, so importing this module
costs nothing and a missing backend only matters when that engine runs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Final, Protocol

from newssearch.article import Article
from newssearch.bench.queries import KINDS, Query
from newssearch.errors import BenchmarkError

__all__ = [
    "BASELINE",
    "ENGINES",
    "FIELD_WEIGHTS",
    "Engine",
    "NewsSearch",
    "NewsSearchCLI",
    "OpenEngine",
    "SQLiteFTS5",
    "Tantivy",
    "WhooshDE",
    "engine",
]

#: The engine every ratio is computed against.
BASELINE: Final = "whoosh-de"
#: How long a command-line search process is given to exit once its input is closed.
_EXIT_SECONDS: Final = 10.0
#: The field weights of every engine that has them (newssearch's defaults).
FIELD_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {"title": 3.0, "lead": 2.0, "body": 1.0}
)


class OpenEngine(Protocol):
    """An engine's index, opened for queries."""

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        """Answer ``query`` (top 10); return what was found (hits, plus snippets when
        highlighting), so that the timed loop checks that the engine did its work."""
        ...

    def close(self) -> None: ...


class Engine(Protocol):
    """One engine: builds an on-disk index of articles and opens it for queries."""

    #: The name on the command line and in the report.
    name: str
    #: Whether :meth:`OpenEngine.run` can highlight.
    highlights: bool
    #: The query kinds this engine answers (a subset of :data:`KINDS`).
    kinds: tuple[str, ...]

    def unavailable(self) -> str | None:
        """Why this engine cannot run here, or ``None`` when it can."""
        ...

    def build(self, path: Path, docs: Collection[Article]) -> int:
        """Index ``docs`` into the new directory ``path``; return the documents indexed."""
        ...

    def open(self, path: Path) -> OpenEngine: ...


# -- newssearch -----------------------------------------------------------------


class NewsSearch:
    """This library: ``build_index`` and ``Searcher.search`` with the default settings."""

    name = "newssearch"
    highlights = True
    kinds: tuple[str, ...] = KINDS

    def unavailable(self) -> str | None:
        return None

    def build(self, path: Path, docs: Collection[Article]) -> int:
        from newssearch.index import build_index

        index, report = build_index(path, docs)
        index.close()
        return report.documents

    def open(self, path: Path) -> OpenEngine:
        return _OpenNewsSearch(path)


class _OpenNewsSearch:
    def __init__(self, path: Path) -> None:
        from newssearch.index import open_index
        from newssearch.searcher import Searcher

        self._index = open_index(path)
        self._searcher = Searcher(self._index)

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        filters = {"section": query.section} if kind == "filter" and query.section else None
        result = self._searcher.search(query.text, limit=10, filters=filters, highlight=highlight)
        return len(result.hits) + sum(len(h.highlights.body) for h in result.hits if h.highlights)

    def close(self) -> None:
        self._searcher.close()
        self._index.close()


class NewsSearchCLI:
    """This library's command line: ``newssearch index FILE.jsonl --index DIR``, and
    ``newssearch search - --json --index DIR`` answering one query per line."""

    name = "newssearch-cli"
    highlights = True
    kinds: tuple[str, ...] = ("short", "long", "phrase", "field")

    def unavailable(self) -> str | None:
        return None

    def prepare(self, path: Path, docs: Collection[Article]) -> None:
        """Write ``docs`` as the JSON Lines file the timed build reads (untimed)."""
        with _jsonl(path).open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(_record(d), ensure_ascii=False) + "\n")

    def build(self, path: Path, docs: Collection[Article]) -> int:
        from newssearch.index import open_index

        command = [sys.executable, "-m", "newssearch", "index", str(_jsonl(path))]
        done = subprocess.run(
            [*command, "--index", str(path), "--no-progress"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchmarkError(f"newssearch index failed: {done.stderr.strip()[-500:]}")
        with open_index(path) as index:
            return index.doc_count()

    def open(self, path: Path) -> OpenEngine:
        return _OpenCLI(path)


class _OpenCLI:
    """``newssearch search - --json`` on the index, one process with highlights
    and one without (``--no-highlights``), each started on its first query: a
    query is a line written to it, its result the line it prints."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._processes: dict[bool, tuple[subprocess.Popen[str], IO[bytes]]] = {}

    def _process(self, highlight: bool) -> subprocess.Popen[str]:
        found = self._processes.get(highlight)
        if found is None:
            command = [sys.executable, "-m", "newssearch", "search", "-", "--json"]
            command += ["--index", str(self._path), "--limit", "10"]
            if not highlight:
                command.append("--no-highlights")
            # Not a pipe (nothing can block on it); closed by close().
            errors = tempfile.TemporaryFile()  # noqa: SIM115
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
            )
            found = self._processes[highlight] = (process, errors)
        return found[0]

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        text = query.text.strip()
        if not text or "\n" in text:
            raise BenchmarkError(f"a query for the command line must be one line: {query.text!r}")
        process = self._process(highlight)
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(text + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except BrokenPipeError:  # it ended before reading the query
            line = ""
        if not line:
            raise BenchmarkError(f"newssearch search ended: {self._errors(highlight)}")
        out = json.loads(line)
        if "error" in out:
            raise BenchmarkError(f"newssearch search failed on {text!r}: {out['error']}")
        hits = out["hits"]
        return len(hits) + sum(len(hit["highlights"]["body"]) for hit in hits)

    def _errors(self, highlight: bool) -> str:
        """What the process printed on standard error, once it has ended."""
        process, errors = self._processes[highlight]
        try:
            process.wait(timeout=_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.seek(0)
        return errors.read().decode("utf-8", "replace").strip()[-500:]

    def close(self) -> None:
        """End the processes (their input closed, killed if they do not exit)."""
        processes, self._processes = self._processes, {}
        for process, errors in processes.values():
            assert process.stdin is not None
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(timeout=_EXIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
            errors.close()


def _jsonl(path: Path) -> Path:
    return path.with_name(f"{path.name}.jsonl")


def _record(article: Article) -> dict[str, Any]:
    """``article`` as a JSON Lines record ``newssearch index`` reads."""
    from newssearch.article import present_fields

    out: dict[str, Any] = {}
    for name, _, value in present_fields(article):
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


# -- the Whoosh baseline --------------------------------------------------------------


class WhooshDE:
    """The setup Whoosh's documentation suggests for German, with the same fields."""

    name = "whoosh-de"
    highlights = True
    kinds: tuple[str, ...] = KINDS

    def unavailable(self) -> str | None:
        return None

    def build(self, path: Path, docs: Collection[Article]) -> int:
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

    def open(self, path: Path) -> OpenEngine:
        return _OpenWhooshDE(path)


class _OpenWhooshDE:
    def __init__(self, path: Path) -> None:
        from whoosh import index, scoring
        from whoosh.qparser import MultifieldParser, OrGroup

        self._ix = index.open_dir(str(path))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self._parser = MultifieldParser(
            list(FIELD_WEIGHTS),
            self._ix.schema,
            fieldboosts=dict(FIELD_WEIGHTS),
            group=OrGroup.factory(0.9),
        )

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        from whoosh import query as wq

        q = self._parser.parse(query.text)
        flt = wq.Term("section", query.section) if kind == "filter" else None
        hits = self._searcher.search(q, limit=10, filter=flt)
        found = len(hits)
        if highlight:
            found += sum(bool(hit.highlights("body")) for hit in hits)
        return found

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()


# -- native references --------------------------------------------------------------


class Tantivy:
    """tantivy with its German stemmer; plain and phrase queries only."""

    name = "tantivy-de"
    highlights = False
    kinds: tuple[str, ...] = ("short", "long", "phrase")

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("tantivy") is None:
            return "not installed; pip install -e '.[bench]'"
        return None

    def build(self, path: Path, docs: Collection[Article]) -> int:
        import tantivy

        path.mkdir(parents=True)
        ix = tantivy.Index(_tantivy_schema(), path=str(path))
        ix.register_tokenizer("de", _tantivy_analyzer())
        writer = ix.writer(heap_size=256_000_000, num_threads=1)
        for d in docs:
            writer.add_document(tantivy.Document(id=d.id, title=d.title, lead=d.lead, body=d.body))
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        return int(ix.searcher().num_docs)

    def open(self, path: Path) -> OpenEngine:
        return _OpenTantivy(path)


class _OpenTantivy:
    def __init__(self, path: Path) -> None:
        import tantivy

        self._ix = tantivy.Index.open(str(path))
        self._ix.register_tokenizer("de", _tantivy_analyzer())
        self._searcher = self._ix.searcher()

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        text = query.text if kind == "phrase" else " ".join(_words(query.text))
        if not text.strip():
            return 0
        q = self._ix.parse_query(text, list(FIELD_WEIGHTS), field_boosts=dict(FIELD_WEIGHTS))
        return len(self._searcher.search(q, 10).hits)

    def close(self) -> None:
        pass


def _tantivy_schema() -> Any:
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw")
    for f in FIELD_WEIGHTS:
        b.add_text_field(f, stored=True, tokenizer_name="de")
    return b.build()


def _tantivy_analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("german"))
        .build()
    )


class SQLiteFTS5:
    """SQLite FTS5 (unicode61, diacritics removed), bm25 with weights 3/2/1."""

    name = "sqlite-fts5"
    highlights = True
    kinds: tuple[str, ...] = ("short", "long", "phrase")

    def unavailable(self) -> str | None:
        import sqlite3

        db = sqlite3.connect(":memory:")
        try:
            db.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
        except sqlite3.Error:
            return f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5"
        finally:
            db.close()
        return None

    def build(self, path: Path, docs: Collection[Article]) -> int:
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

    def open(self, path: Path) -> OpenEngine:
        return _OpenSQLiteFTS5(path)


class _OpenSQLiteFTS5:
    def __init__(self, path: Path) -> None:
        import sqlite3

        self._db = sqlite3.connect(path / "fts.db")

    def run(self, kind: str, query: Query, *, highlight: bool) -> int:
        words = _words(query.text)
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


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


#: Engine name → engine class, in the order of the default run.
ENGINES: Final[Mapping[str, type[Engine]]] = MappingProxyType(
    {
        NewsSearch.name: NewsSearch,
        WhooshDE.name: WhooshDE,
        NewsSearchCLI.name: NewsSearchCLI,
        Tantivy.name: Tantivy,
        SQLiteFTS5.name: SQLiteFTS5,
    }
)


def engine(name: str) -> Engine:
    """A new engine by name; :class:`BenchmarkError` names the known ones.

    >>> engine("whoosh-de").kinds
    ('short', 'long', 'phrase', 'field', 'filter')
    """
    try:
        return ENGINES[name]()
    except KeyError:
        known = ", ".join(ENGINES)
        raise BenchmarkError(f"unknown engine {name!r} (known: {known})") from None
