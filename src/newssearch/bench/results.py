"""What the speed benchmark measured, and its JSON form.

The JSON form is a stored format: ``benchmarks/results/speed.json`` holds
one, and ``newssearch bench --add-to`` reads earlier ones back, so the keys
and their meaning do not change::

    {"environment": {...}, "queries": {"short": 100, ...},
     "indexing": [{"engine", "size", "seconds", "articles_per_s", "mb_per_s",
                   "peak_rss_mb", "index_mb", "documents"}, ...],
     "latency": [{"engine", "size", "kind", "highlight", "queries", "p50_ms",
                  "p95_ms", "p99_ms", "qps", "found"}, ...],
     "earlier_environment": {...}}       # only in a merged report
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TypeVar

from newssearch.errors import InputError

__all__ = ["IndexTiming", "Latency", "SpeedReport", "load_report", "merge_reports"]


@dataclass(frozen=True)
class IndexTiming:
    """One engine building an index of ``size`` articles."""

    engine: str
    size: int
    seconds: float
    articles_per_s: float
    #: Megabytes (10^6 bytes) of UTF-8 title, lead and body text per second.
    mb_per_s: float
    #: Peak resident memory of the building process, corpus included.
    peak_rss_mb: float
    #: Size of the index directory on disk (10^6 bytes).
    index_mb: float
    documents: int
    #: Peak resident memory of the largest process the build started (Whoosh's
    #: parallel writers; 0 when it started none): all processes together took
    #: at most ``peak_rss_mb`` + processes × this.  Reports before it say 0.
    worker_peak_rss_mb: float = 0.0


@dataclass(frozen=True)
class Latency:
    """One engine answering one kind of query, with or without highlights."""

    engine: str
    size: int
    kind: str
    highlight: bool
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    qps: float
    #: Hits (and snippets when highlighting) counted in the timed loop.
    found: int


@dataclass(frozen=True)
class SpeedReport:
    """A whole run: the environment, the query counts and every measurement."""

    environment: Mapping[str, Any]
    queries: Mapping[str, int]
    indexing: tuple[IndexTiming, ...]
    latency: tuple[Latency, ...]
    #: The environment of the report this one was merged onto (``--add-to``).
    earlier_environment: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (plain dicts and lists).

        >>> SpeedReport({}, {"short": 3}, (), ()).as_dict()
        {'environment': {}, 'queries': {'short': 3}, 'indexing': [], 'latency': []}
        """
        out: dict[str, Any] = {
            "environment": _plain(self.environment),
            "queries": dict(self.queries),
            "indexing": [asdict(t) for t in self.indexing],
            "latency": [asdict(x) for x in self.latency],
        }
        if self.earlier_environment is not None:
            out["earlier_environment"] = _plain(self.earlier_environment)
        return out

    @classmethod
    def from_dict(cls, data: object, *, source: str | None = None) -> SpeedReport:
        """Read the JSON form back; a wrong shape is an :class:`InputError` from ``source``."""
        if not isinstance(data, dict):
            raise InputError("not a speed report (expected a JSON object)", source=source)
        missing = [k for k in ("environment", "indexing", "latency") if k not in data]
        if missing:
            raise InputError(
                f"not a speed report (no {', '.join(map(repr, missing))})", source=source
            )
        environment = data["environment"]
        earlier = data.get("earlier_environment")
        queries = data.get("queries", {})
        if not isinstance(environment, dict) or not (earlier is None or isinstance(earlier, dict)):
            raise InputError("not a speed report (environment is not an object)", source=source)
        if not isinstance(queries, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in queries.values()
        ):
            raise InputError("not a speed report (queries is not kind → count)", source=source)
        return cls(
            environment=environment,
            queries=queries,
            indexing=_rows(IndexTiming, data["indexing"], "indexing", source),
            latency=_rows(Latency, data["latency"], "latency", source),
            earlier_environment=earlier,
        )


def load_report(path: str | Path) -> SpeedReport:
    """The report in the JSON file ``path``; any problem is one :class:`InputError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read the report: {reason}", source=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    return SpeedReport.from_dict(data, source=str(path))


def merge_reports(earlier: SpeedReport, later: SpeedReport) -> SpeedReport:
    """``later`` with the rows of ``earlier`` first (a run of other sizes or engines).

    The environment and query counts are ``later``'s; ``earlier``'s environment
    is kept as ``earlier_environment``.
    """
    return dataclasses.replace(
        later,
        indexing=earlier.indexing + later.indexing,
        latency=earlier.latency + later.latency,
        earlier_environment=earlier.environment,
    )


_Row = TypeVar("_Row", IndexTiming, Latency)

#: The field types of the rows, by name: how to recognise a JSON value of each, and its name.
_IS: Final[Mapping[str, tuple[Callable[[object], bool], str]]] = MappingProxyType(
    {
        "str": (lambda v: isinstance(v, str), "a string"),
        "bool": (lambda v: isinstance(v, bool), "true or false"),
        "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
        "float": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    }
)


def _rows(cls: type[_Row], rows: object, key: str, source: str | None) -> tuple[_Row, ...]:
    if not isinstance(rows, list):
        raise InputError(f"not a speed report ({key} is not a list)", source=source)
    return tuple(_row(cls, row, f"{key}[{i}]", source) for i, row in enumerate(rows))


def _row(cls: type[_Row], row: object, where: str, source: str | None) -> _Row:
    if not isinstance(row, dict):
        raise InputError(f"{where} is not an object", source=source)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in row:
            if field.default is not dataclasses.MISSING:
                continue
            raise InputError(f"{where} has no {field.name!r}", source=source)
        value: Any = row[field.name]
        kind = str(field.type)  # a name: this module has ``from __future__ import annotations``
        is_kind, what = _IS[kind]
        if not is_kind(value):
            problem = f"{field.name} must be {what}, not {value!r}"
            raise InputError(f"{where}: {problem}", source=source)
        values[field.name] = float(value) if kind == "float" else value
    return cls(**values)


def _plain(value: Any) -> Any:
    """Mappings as dicts, all the way down, so that ``json.dumps`` takes them."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
