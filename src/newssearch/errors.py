"""The exceptions newssearch raises.

Every error the library raises on purpose is a :class:`NewsSearchError`, so a
caller can catch one class.  The CLI turns each into a one-line message.
"""

from __future__ import annotations

__all__ = [
    "AnalyzerError",
    "BenchmarkError",
    "IndexExistsError",
    "IndexNotFoundError",
    "IndexStateError",
    "IndexWriteError",
    "InputError",
    "NewsSearchError",
    "QueryError",
]


class NewsSearchError(Exception):
    """Base class of every error newssearch raises on purpose."""


class InputError(NewsSearchError):
    """Bad input data: a malformed record, a missing or duplicate id, a bad date.

    ``source`` and ``line`` say where (``line`` counts from 1; ``None`` when
    the problem is not tied to one line).
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.problem = message
        self.source = source
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        if self.source is None:
            return self.problem
        if self.line is None:
            return f"{self.source}: {self.problem}"
        return f"{self.source}:{self.line}: {self.problem}"


class IndexNotFoundError(NewsSearchError):
    """There is no newssearch index at the given path."""


class IndexExistsError(NewsSearchError):
    """An index already exists where a new one was to be created."""


class IndexStateError(NewsSearchError):
    """The index exists but cannot be used: locked, corrupt or of another format."""


class IndexWriteError(NewsSearchError):
    """Writing to the index failed part way (a writing process died or failed);
    nothing of that write was committed and the index is as it was."""


class QueryError(NewsSearchError):
    """A query that cannot be parsed or run."""


class AnalyzerError(NewsSearchError):
    """The analyzer is misconfigured or its shipped data is missing."""


class BenchmarkError(NewsSearchError):
    """A speed benchmark that cannot run or whose numbers cannot be trusted.

    An unknown or unavailable engine, a build that indexed fewer articles than
    it was given, an engine that found nothing for a query set.
    """
