"""Times as users give them: ``datetime``, ``date`` or ISO 8601 text, always meaning UTC
when no zone is given.

The loaders read ``published`` with :func:`parse_iso`; searches read
``since``/``until`` with :func:`range_start` and :func:`range_end`.  How a
time is stored in the index is the engine's business
(:mod:`newssearch.engine.documents`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from newssearch.errors import QueryError

__all__ = ["Moment", "aware", "parse_iso", "range_end", "range_start"]

#: What ``since`` and ``until`` accept.
Moment = datetime | date | str


def aware(moment: datetime) -> datetime:
    """``moment`` with a time zone: a naive one is taken as UTC."""
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def parse_iso(text: str) -> tuple[datetime, bool]:
    """An ISO 8601 date or timestamp as an aware datetime, and whether it was a
    date alone.  Raises ``ValueError`` for anything else.

    >>> parse_iso("2016-03-01")
    (datetime.datetime(2016, 3, 1, 0, 0, tzinfo=datetime.timezone.utc), True)
    """
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return aware(datetime.fromisoformat(text)), False
    return datetime(day.year, day.month, day.day, tzinfo=UTC), True


def range_start(value: Moment, name: str = "since") -> datetime:
    """The first instant a ``since`` bound admits (a date: its midnight, UTC)."""
    moment, _ = _moment(value, name)
    return moment


def range_end(value: Moment, name: str = "until") -> tuple[datetime, bool]:
    """The end of an ``until`` bound and whether it is exclusive: a date (or a
    date alone in text) includes that whole day, so it ends before the next."""
    moment, whole_day = _moment(value, name)
    if whole_day:
        return moment + timedelta(days=1), True
    return moment, False


def _moment(value: Moment, name: str) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        return aware(value), False
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC), True
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except ValueError:
            raise QueryError(
                f"{name} {value!r} is not an ISO 8601 date (2016-03-01 or 2016-03-01T12:00)"
            ) from None
    raise QueryError(
        f"{name} must be a datetime, a date or an ISO 8601 string, not {type(value).__name__}"
    )
