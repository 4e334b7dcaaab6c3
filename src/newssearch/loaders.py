"""Read articles from JSON Lines, CSV and 10kGNAD files.

Every reader checks each record and reports a bad one as an
:class:`~newssearch.errors.InputError` naming the file, the line and the
problem.  :func:`read_articles` reads everything before anything is indexed,
so a bad record stops an import before the index is touched, unless
``skip_bad`` is set.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from newssearch.article import Article
from newssearch.dates import parse_iso
from newssearch.errors import InputError
from newssearch.sentences import SentenceSplitter

__all__ = [
    "FORMATS",
    "CsvOptions",
    "Format",
    "LoadReport",
    "detect_format",
    "iter_records",
    "parse_published",
    "read_articles",
    "split_teaser",
]

Format = Literal["jsonl", "csv", "10kgnad"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "10kgnad")

_ARTICLE_FIELDS = (
    "id",
    "title",
    "lead",
    "body",
    "published",
    "section",
    "source",
    "author",
    "url",
    "tags",
)
_GNAD_CATEGORIES = (
    "Web",
    "Panorama",
    "International",
    "Wirtschaft",
    "Sport",
    "Inland",
    "Etat",
    "Wissenschaft",
    "Kultur",
)
_GNAD_LINE = re.compile(r"^(?:%s);" % "|".join(_GNAD_CATEGORIES))


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV file with a header row.

    ``columns`` maps an article field to the column that holds it, for the
    fields whose column is not named like the field (``{"title": "headline"}``).
    ``tags_separator`` splits the tags column.
    """

    delimiter: str = ","
    quotechar: str = '"'
    columns: Mapping[str, str] = field(default_factory=dict)
    tags_separator: str = ","

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(_ARTICLE_FIELDS))
        if unknown:
            raise InputError(
                f"unknown article field(s) in the column mapping: {', '.join(unknown)} "
                f"(known: {', '.join(_ARTICLE_FIELDS)})"
            )
        if len(self.delimiter) != 1 or len(self.quotechar) != 1:
            raise InputError("the CSV delimiter and quote character must be one character each")


@dataclass(frozen=True)
class LoadReport:
    """The articles read, in input order, and the bad records that were skipped."""

    articles: tuple[Article, ...]
    skipped: tuple[InputError, ...]


def read_articles(
    sources: Iterable[str | Path],
    *,
    format: Format | None = None,
    csv_options: CsvOptions | None = None,
    skip_bad: bool = False,
) -> LoadReport:
    """Read and check every article in ``sources``.

    A malformed record, a missing id, a bad date or an id seen before in the
    same import raises :class:`InputError` (file, line, problem), unless
    ``skip_bad`` is set: then the record is left out and reported in
    :attr:`LoadReport.skipped`.  ``format`` ``None`` picks the format by file
    name and content (see :func:`detect_format`).
    """
    articles: list[Article] = []
    skipped: list[InputError] = []
    seen: dict[str, tuple[str, int]] = {}
    splitter = SentenceSplitter()
    for source in sources:
        path = Path(source)
        fmt = format or detect_format(path)
        for line, record in iter_records(
            path, format=fmt, csv_options=csv_options, splitter=splitter
        ):
            if isinstance(record, Article):
                first = seen.get(record.id)
                if first is None:
                    seen[record.id] = (str(path), line)
                    articles.append(record)
                    continue
                record = InputError(
                    f"duplicate id {record.id!r} (first seen at {first[0]}:{first[1]})",
                    source=str(path),
                    line=line,
                )
            if not skip_bad:
                raise record
            skipped.append(record)
    return LoadReport(articles=tuple(articles), skipped=tuple(skipped))


def detect_format(path: Path) -> Format:
    """The format of ``path`` from its name, or its first line for ``.csv``.

    ``.jsonl``/``.ndjson``/``.json`` are JSON Lines; a ``.csv``/``.tsv``
    whose first line starts with a 10kGNAD category and ``;`` is 10kGNAD,
    else CSV (tab-separated for ``.tsv``).
    """
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        try:
            with path.open(encoding="utf-8-sig", errors="replace") as f:
                first = f.readline()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
        return "10kgnad" if _GNAD_LINE.match(first) else "csv"
    raise InputError(
        f"cannot tell the format from the file name; pass a format ({', '.join(FORMATS)})",
        source=str(path),
    )


def iter_records(
    path: Path,
    *,
    format: Format,
    csv_options: CsvOptions | None = None,
    splitter: SentenceSplitter | None = None,
) -> Iterator[tuple[int, Article | InputError]]:
    """Yield ``(line, article or error)`` for each record of one file.

    Problems with a record are yielded, not raised, so that the caller decides
    whether to stop; an unreadable file raises :class:`InputError`.
    """
    if format == "jsonl":
        records: Iterator[tuple[int, Article | InputError]] = _iter_jsonl(path)
    elif format == "csv":
        if csv_options is None:
            csv_options = CsvOptions(delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        records = _iter_csv(path, csv_options)
    elif format == "10kgnad":
        records = _iter_10kgnad(path, splitter or SentenceSplitter())
    else:
        raise InputError(
            f"unknown format {format!r} (known: {', '.join(FORMATS)})", source=str(path)
        )
    try:
        yield from records
    except FileNotFoundError as exc:
        raise InputError("no such file", source=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", source=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc


def parse_published(value: Any) -> datetime | None:
    """Read an ISO 8601 date or timestamp; naive values are taken as UTC.

    >>> parse_published("2025-08-14T21:30:00+02:00").isoformat()
    '2025-08-14T21:30:00+02:00'
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be an ISO 8601 string, not {type(value).__name__}")
    try:
        parsed, _ = parse_iso(value)
    except ValueError:
        raise ValueError(f"published {value!r} is not an ISO 8601 date") from None
    return parsed


def _article_from_mapping(data: Mapping[str, Any], *, tags_separator: str = ",") -> Article:
    """Build an Article from a field mapping; raises ValueError/InputError for bad data."""
    raw_id = data.get("id")
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        raise ValueError("missing id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise ValueError(f"id must be a string, not {type(raw_id).__name__}")
    tags = data.get("tags") or ()
    if isinstance(tags, str):
        tags = tuple(t.strip() for t in tags.split(tags_separator) if t.strip())
    elif isinstance(tags, list | tuple):
        if not all(isinstance(t, str) for t in tags):
            raise ValueError("tags must be strings")
        tags = tuple(t.strip() for t in tags if t.strip())
    else:
        raise ValueError("tags must be a list of strings or one string")
    texts: dict[str, str] = {}
    for name in ("title", "lead", "body", "section", "source", "author", "url"):
        value = data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"field {name!r} must be a string, not {type(value).__name__}")
        texts[name] = value
    return Article(
        id=str(raw_id),  # spaces around it are an error (Article says so), not trimmed
        published=parse_published(data.get("published")),
        tags=tags,
        **texts,
    )


def _checked(
    path: Path, line: int, build: Any, /, *args: Any, **kwargs: Any
) -> Article | InputError:
    """``build(*args, **kwargs)``, or the problem it raises as an InputError at path:line."""
    try:
        article: Article = build(*args, **kwargs)
    except InputError as exc:
        return InputError(exc.problem, source=str(path), line=line)
    except ValueError as exc:
        return InputError(str(exc), source=str(path), line=line)
    return article


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Article | InputError]]:
    with path.open("rb") as f:
        for line_no, raw in enumerate(f, start=1):
            try:
                text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                yield line_no, InputError("not valid UTF-8", source=str(path), line=line_no)
                continue
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield (
                    line_no,
                    InputError(
                        f"malformed JSON: {exc.msg} (column {exc.colno})",
                        source=str(path),
                        line=line_no,
                    ),
                )
                continue
            except RecursionError:
                problem = "malformed JSON: nested too deeply for an article record"
                yield line_no, InputError(problem, source=str(path), line=line_no)
                continue
            if not isinstance(data, dict):
                yield (
                    line_no,
                    InputError(
                        f"expected a JSON object, got {type(data).__name__}",
                        source=str(path),
                        line=line_no,
                    ),
                )
                continue
            yield line_no, _checked(path, line_no, _article_from_mapping, data)


def _csv_rows(path: Path, *, delimiter: str, quotechar: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV file with the line each starts on; empty rows skipped."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar=quotechar, strict=True)
        start = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", source=str(path), line=start) from exc
            except UnicodeDecodeError as exc:
                # The decoder reads ahead in blocks: find the line in the bytes.
                raise InputError(
                    "not valid UTF-8", source=str(path), line=_first_bad_utf8_line(path)
                ) from exc
            if any(cell.strip() for cell in row):
                yield start, row
            start = reader.line_num + 1


def _first_bad_utf8_line(path: Path) -> int | None:
    """The line of the first byte in ``path`` that is not UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return None


def _iter_csv(path: Path, options: CsvOptions) -> Iterator[tuple[int, Article | InputError]]:
    rows = _csv_rows(path, delimiter=options.delimiter, quotechar=options.quotechar)
    header_row = next(rows, None)
    if header_row is None:
        return
    _, header = header_row
    header = [h.strip() for h in header]
    columns = {name: options.columns.get(name, name) for name in _ARTICLE_FIELDS}
    index = {name: header.index(col) for name, col in columns.items() if col in header}
    if "id" not in index:
        raise InputError(
            f"the header has no id column {columns['id']!r} (columns: {', '.join(header)})",
            source=str(path),
            line=header_row[0],
        )
    for line_no, row in rows:
        if len(row) != len(header):
            yield (
                line_no,
                InputError(
                    f"expected {len(header)} columns, got {len(row)}",
                    source=str(path),
                    line=line_no,
                ),
            )
            continue
        data = {name: row[i] for name, i in index.items()}
        yield (
            line_no,
            _checked(
                path, line_no, _article_from_mapping, data, tags_separator=options.tags_separator
            ),
        )


def _iter_10kgnad(
    path: Path, splitter: SentenceSplitter
) -> Iterator[tuple[int, Article | InputError]]:
    """10kGNAD: ``category;'text'`` rows, no header; the text starts with the teaser.

    The id is ``<file stem>-<line>``, stable across re-imports of one file; the
    teaser sentence becomes the lead and the rest the body.
    """
    for line_no, row in _csv_rows(path, delimiter=";", quotechar="'"):
        if len(row) != 2:
            yield (
                line_no,
                InputError(
                    f"expected 2 fields (category;text), got {len(row)}",
                    source=str(path),
                    line=line_no,
                ),
            )
            continue
        section, text = row[0].strip(), row[1].strip()
        lead, body = split_teaser(text, splitter)
        yield (
            line_no,
            _checked(
                path,
                line_no,
                Article,
                id=f"{path.stem}-{line_no}",
                lead=lead,
                body=body,
                section=section,
                source="10kGNAD",
            ),
        )


def split_teaser(text: str, splitter: SentenceSplitter) -> tuple[str, str]:
    """Split off the first sentence of ``text``: ``(teaser, rest)``."""
    spans = splitter.spans(text)
    if len(spans) < 2:
        return text, ""
    end = spans[0][1]
    return text[:end].strip(), text[end:].strip()
