"""German date phrases in a query → a ``published`` range.

``find_dates("Flüchtlinge seit März 2016", now=...)`` returns a
:class:`DateQuery` whose ``text`` is ``"Flüchtlinge"`` and whose ``since`` is
2016-03-01.  The search filters on the range and searches the text.

What is read (case-insensitive; ``ä``/``ae``/``a`` alike, so ``Maerz``, ``Marz``):

* absolute: ``14.8.2025``, ``14. August 2025``, ``2025-08-14``, ``März 2016``;
  with a marker also ``am 14.8.``, ``am 14. August``, ``im März``, ``im Jahr 2015``;
* ``seit/ab X`` (since the start of X), ``bis [zum] X`` (up to the end of X),
  ``vor X`` (before X, X absolute), ``nach X`` (after X), ``zwischen X und Y``,
  ``vom/von X bis Y`` (``vom 1. bis 5. März 2016``: the first end borrows
  month and year from the second), also without ``vom`` when X is a day or month without year
  (``März bis Mai 2016``, ``1.3.–5.3.2016``);
* ``Anfang/Mitte/Ende X`` for a month or a year: the first, middle and last
  third (days 1–10, 11–20, 21–end of a month; Jan–Apr, May–Aug, Sep–Dec of a
  year); also ``Ende des Jahres``, ``Anfang letzten Monats``;
* relative to ``now``: ``heute``, ``gestern``, ``vorgestern``,
  ``diese/letzte/vergangene/vorige Woche|Monat|Jahr`` (calendar weeks from
  Monday, calendar months and years), ``vor N Tagen/Wochen/Monaten/Jahren``
  (that calendar day, week, month or year), ``in den letzten N …`` and
  ``seit N …`` (since the start of the day N units ago).  ``N`` is a numeral or
  ``einem``, ``zwei`` … ``zwölf``.

The rules against misfires — a number or month that belongs to a name stays a
word:

* A bare year is a word (``Vision 2030``, ``Agenda 2010``, ``Euro 2016``): it
  is a date only after a marker (``im``, ``in``, ``Jahr``, ``seit``, ``ab``,
  ``bis``, ``vor``, ``nach``, ``Anfang``/``Mitte``/``Ende``, ``zwischen``,
  ``vom``).  Years before ``oldest`` (1900) are history, never a filter.
* A month name needs a year (``März 2016``) or a marker (``im März``); alone
  it is a word (``Mai Thi Nguyen``, ``Juli Zeh``).  Only whole words count
  (``Märzrevolution``, ``Augustin``).  A day without year (``9. November``,
  ``11. September``) likewise needs a marker (``am``, ``seit`` …).
* Anything glued to a word by ``-`` or ``/`` is part of that word
  (``heute-show``, ``Covid-19``).
* A phrase about the future is a topic, not a filter (``Klimaziele bis
  2030``, ``Vision im Jahr 2050``): a range that starts after today, or an
  end-only range ending after tomorrow, stays text.  Likewise ``vor N Jahren``
  and ``in den letzten N Jahren`` only up to 10 years (``Mauerfall vor 25
  Jahren`` is an anniversary); hours are not read (``24 Stunden`` stays).
* A month or a day without a year is the latest one not after today
  (``im Juli`` in June 2016 is July 2015).
* Absurd dates (``31. Februar 2016``, ``am 99.99.2016``, year 99999) are not
  date phrases and stay text; :func:`find_dates` never raises for any text.

Calendar days are days in the time zone of ``now`` (UTC when naive).  The
range is half-open: ``since`` is the first instant, ``until`` the first
instant after it (exclusive), both aware and in UTC, so they can be passed on
as datetimes.  Several phrases in one query are intersected (``seit 2015 bis
März 2016``); phrases that do not overlap give an empty range
(``since >= until``), which finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

__all__ = ["DateQuery", "find_dates"]


@dataclass(frozen=True, slots=True)
class DateQuery:
    """A query split into free text and a ``published`` range.

    ``text`` is the query without the date phrases, whitespace collapsed (the
    query unchanged when it has none).  ``since`` is inclusive, ``until``
    exclusive; both aware UTC or ``None``.  ``phrases`` are the date phrases
    as written, in order; ``description`` says the range in words (``""`` when
    there is none).
    """

    text: str
    since: datetime | None
    until: datetime | None
    phrases: tuple[str, ...]
    description: str

    @property
    def found(self) -> bool:
        """Whether the query had a date phrase."""
        return bool(self.phrases)


def find_dates(text: str, *, now: datetime, oldest: int = 1900) -> DateQuery:
    """Read the German date phrases in ``text`` relative to ``now``.

    ``oldest`` is the first year read as a date.

    >>> from datetime import datetime, UTC
    >>> q = find_dates("Brexit letzte Woche", now=datetime(2016, 6, 15, 12, tzinfo=UTC))
    >>> q.text, q.description
    ('Brexit', 'published 2016-06-06 – 2016-06-12')
    """
    if now.utcoffset() is None:
        now = now.replace(tzinfo=UTC)
    zone = now.tzinfo
    assert zone is not None
    today = now.date()
    since: date | None = None
    until: date | None = None
    phrases: list[str] = []
    rest = text
    for _ in range(4):  # removing a phrase can join the rest into a new one
        found = _Reader(rest, today, oldest).phrases()
        if not found:
            break
        pieces: list[str] = []
        cut = 0
        for start, end, low, high in found:
            pieces.append(rest[cut:start])
            phrases.append(rest[start:end])
            cut = end
            if low is not None:
                since = low if since is None else max(since, low)
            if high is not None:
                until = high if until is None else min(until, high)
        pieces.append(rest[cut:])
        rest = " ".join(" ".join(pieces).split())
    return DateQuery(
        text=rest if phrases else text,
        since=_instant(since, zone),
        until=_instant(until, zone),
        phrases=tuple(phrases),
        description=_describe(since, until) if phrases else "",
    )


def _instant(day: date | None, zone: tzinfo) -> datetime | None:
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _describe(since: date | None, until: date | None) -> str:
    if since is not None and until is not None:
        last = until - timedelta(days=1)
        if last < since:
            return "published in no period (the date phrases do not overlap)"
        if last == since:
            return f"published {since.isoformat()}"
        return f"published {since.isoformat()} – {last.isoformat()}"
    if since is not None:
        return f"published since {since.isoformat()}"
    if until is not None:
        return f"published until {(until - timedelta(days=1)).isoformat()}"
    return "published any time"


# ---------------------------------------------------------------- vocabulary

_MONTHS = {
    "januar": 1, "janner": 1, "jan": 1, "februar": 2, "feber": 2, "feb": 2,
    "marz": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6,
    "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_ABBREVIATED = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "okt", "nov", "dez"}
_NUMBERS = {
    "ein": 1, "eins": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3,
    "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwolf": 12,
}  # fmt: skip
_UNITS = {
    "tag": "day", "tage": "day", "tagen": "day", "woche": "week", "wochen": "week",
    "monat": "month", "monate": "month", "monaten": "month", "monats": "month",
    "jahr": "year", "jahre": "year", "jahren": "year", "jahres": "year",
}  # fmt: skip
#: The most of each unit ``vor N …`` and ``in den letzten N …`` read.
_LIMITS = {"day": 3660, "week": 520, "month": 120, "year": 10}
_THIS = {"diese", "dieser", "diesen", "diesem", "dieses", "des"}
_LAST = {
    "letzte", "letzter", "letzten", "letztem", "letztes",
    "vergangene", "vergangener", "vergangenen", "vergangenem", "vergangenes",
    "vorige", "voriger", "vorigen", "vorigem", "voriges",
}  # fmt: skip
#: ``heute`` before these is a name (``heute journal``, ``Heute Zeitung``).
_NAMED_AFTER = {"journal", "show", "zeitung", "plus"}
_DAYS_BACK = {"heute": 0, "gestern": 1, "vorgestern": 2}
_THIRDS = {"anfang": 0, "mitte": 1, "ende": 2}
_MARKERS = {"im", "in", "am"}
_YEAR_WORDS = {"jahr", "jahre", "jahres"}
#: Words after a number that make it an amount, not a year (``ab 2000 Euro``).
_AMOUNTS = {
    "euro", "eur", "€", "dollar", "$", "franken", "pfund", "prozent", "%", "menschen",
    "leute", "personen", "einwohner", "meter", "m", "km", "kilometer", "stuck", "tonnen",
    "mal", "punkte", "zuschauer", "fans", "besucher", "arbeitsplatze", "jobs", "stimmen",
}  # fmt: skip
_DASHES = {"-", "–", "—"}

_TOKEN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d+(?:\.\d+)*\.?|[^\W\d_]+|\S")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_DM = re.compile(r"(\d{1,2})\.(\d{1,2})\.")
_D = re.compile(r"(\d{1,2})\.")
_YEAR = re.compile(r"\d{4}")
_INT = re.compile(r"\d{1,4}")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s"})


def _fold(word: str) -> str:
    low = word.lower()
    return low.replace("ae", "a").replace("oe", "o").replace("ue", "u").translate(_FOLD)


# ---------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True)
class _Period:
    start: date
    end: date  # exclusive
    unit: str  # day, week, month, year, span


@dataclass(frozen=True, slots=True)
class _Parts:
    year: int | None
    month: int | None
    day: int | None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _unit_period(day: date, unit: str) -> _Period:
    if unit == "day":
        return _Period(day, day + timedelta(days=1), unit)
    if unit == "week":
        monday = day - timedelta(days=day.weekday())
        return _Period(monday, monday + timedelta(days=7), unit)
    if unit == "month":
        first = day.replace(day=1)
        return _Period(first, _add_months(first, 1), unit)
    first = date(day.year, 1, 1)
    return _Period(first, date(day.year + 1, 1, 1), unit)


def _back(today: date, unit: str, count: int) -> date:
    """The day ``count`` units before ``today`` (months and years keep the day
    where they can)."""
    if unit == "day":
        return today - timedelta(days=count)
    if unit == "week":
        return today - timedelta(weeks=count)
    months = count * (12 if unit == "year" else 1)
    return _safe_day(_add_months(today.replace(day=1), -months), today.day)


def _safe_day(first: date, day: int) -> date:
    try:
        return first.replace(day=day)
    except ValueError:
        return _add_months(first, 1) - timedelta(days=1)


def _third(period: _Period, which: int) -> _Period | None:
    if period.unit == "month":
        starts = [period.start, period.start.replace(day=11), period.start.replace(day=21)]
        ends = [*starts[1:], period.end]
        return _Period(starts[which], ends[which], "span")
    if period.unit == "year":
        year = period.start.year
        starts = [date(year, 1, 1), date(year, 5, 1), date(year, 9, 1)]
        ends = [*starts[1:], period.end]
        return _Period(starts[which], ends[which], "span")
    return None


# ---------------------------------------------------------------- reader

#: A phrase found: text span and the range it gives (``None``: open).
_Found = tuple[int, int, date | None, date | None]
#: A period read at a token: the period, the next token, whether it needs a marker.
_Read = tuple[_Period, int, bool]


class _Reader:
    """Reads the date phrases of one text, left to right."""

    def __init__(self, text: str, today: date, oldest: int) -> None:
        self.text = text
        self.today = today
        self.oldest = oldest
        matches = list(_TOKEN.finditer(text))
        self.raw = [m.group() for m in matches]
        self.low = [_fold(t) for t in self.raw]
        self.spans = [m.span() for m in matches]

    def phrases(self) -> list[_Found]:
        found: list[_Found] = []
        i = 0
        while i < len(self.raw):
            hit = self._phrase(i)
            if hit is not None:
                low, high, j = hit
                start, end = self.spans[i][0], self.spans[j - 1][1]
                if self._glued(start, end) or not self._plausible(low, high):
                    hit = None
            if hit is None:
                # A date that is not one (``31. Februar 2016``) stays whole.
                written = self._parts(i)
                i = written[1] if written is not None else i + 1
                continue
            found.append((start, end, low, high))
            i = j
        return found

    def _glued(self, start: int, end: int) -> bool:
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[end] if end < len(self.text) else " "
        return before in "-/" or after in "-/" or before.isalnum() or after.isalnum()

    def _plausible(self, low: date | None, high: date | None) -> bool:
        if low is not None:
            return low <= self.today
        return high is None or high <= self.today + timedelta(days=1)

    def _word(self, i: int) -> str:
        return self.low[i] if i < len(self.low) else ""

    # -- phrases: (since, until, next token) ---------------------------------

    def _phrase(self, i: int) -> tuple[date | None, date | None, int] | None:
        word = self._word(i)
        if word in ("vom", "von", "zwischen"):
            return self._between(i + 1, "und" if word == "zwischen" else "bis")
        written = self._parts(i)
        if written is not None and written[0].year is None:
            # ``März bis Mai 2016``, ``1.–5. März 2016``: a span needs no marker
            # when its first end is a day or month (a bare year range is a topic).
            span = self._between(i, "bis")
            if span is not None:
                return span
        if word == "in" and self._word(i + 1) == "den":
            hit = self._last_units(i + 2)
            if hit is not None:
                return hit
        if word in ("letzten", "vergangenen"):
            hit = self._last_units(i)
            if hit is not None:
                return hit
        if word in ("seit", "ab"):
            if word == "seit":
                counted = self._count(i + 1)
                if counted is not None:
                    unit, count, j = counted
                    return _back(self.today, unit, count), None, j
            read = self._period(i + 2 if self._word(i + 1) == "dem" else i + 1)
            if read is not None:
                return read[0].start, None, read[1]
            return None
        if word == "bis":
            j = i + 2 if self._word(i + 1) in ("zum", "zur") else i + 1
            read = self._period(j)
            return None if read is None else (None, read[0].end, read[1])
        if word == "vor":
            counted = self._count(i + 1)
            if counted is not None:
                unit, count, j = counted
                period = _unit_period(_back(self.today, unit, count), unit)
                return period.start, period.end, j
            j = i + 2 if self._word(i + 1) == "dem" else i + 1
            read = self._period(j, partial=False)
            return None if read is None else (None, read[0].start, read[1])
        if word == "nach":
            j = i + 2 if self._word(i + 1) == "dem" else i + 1
            read = self._period(j, partial=False)
            return None if read is None else (read[0].end, None, read[1])
        j = i
        if word in _MARKERS:
            j += 1
            if self._word(j) == "der":
                j += 1
        if self._word(j) in _YEAR_WORDS and _YEAR.fullmatch(self._word(j + 1)):
            j += 1
        read = self._period(j)
        if read is None:
            return None
        period, end, needs_marker = read
        if needs_marker and j == i:
            return None
        return period.start, period.end, end

    def _between(self, i: int, joiner: str) -> tuple[date, date, int] | None:
        first = self._parts(i)
        if first is None:
            read = self._period(i)
            if read is None:
                return None
            parts, j, first_period = None, read[1], read[0]
        else:
            parts, j = first
            first_period = None
        if self._word(j) not in (joiner, *_DASHES):
            return None
        j += 1
        if joiner == "bis" and self._word(j) in ("zum", "zur"):
            j += 1
        second = self._period(j)
        if second is None:
            return None
        if first_period is None:
            assert parts is not None
            start = second[0].start
            first_period = self._resolve(parts, borrow=_Parts(start.year, start.month, None))
            if first_period is None:
                return None
        if first_period.start >= second[0].end:
            return None
        return first_period.start, second[0].end, second[1]

    def _last_units(self, i: int) -> tuple[date, None, int] | None:
        if self._word(i) not in _LAST:
            return None
        counted = self._count(i + 1)
        if counted is None:
            return None
        unit, count, j = counted
        return _back(self.today, unit, count), None, j

    def _count(self, i: int) -> tuple[str, int, int] | None:
        word = self._word(i)
        if _INT.fullmatch(word):
            count = int(word)
        elif word in _NUMBERS:
            count = _NUMBERS[word]
        else:
            return None
        unit = _UNITS.get(self._word(i + 1))
        if unit is None or not 0 < count <= _LIMITS[unit]:
            return None
        return unit, count, i + 2

    # -- periods --------------------------------------------------------------

    def _period(self, i: int, *, partial: bool = True) -> _Read | None:
        """A period at token ``i``: relative, absolute or a third of one."""
        word = self._word(i)
        if word in _THIRDS:
            inner = self._relative(i + 1, genitive=True) or self._period(i + 1)
            if inner is None:
                return None
            third = _third(inner[0], _THIRDS[word])
            return None if third is None else (third, inner[1], False)
        relative = self._relative(i)
        if relative is not None:
            return relative
        read = self._parts(i)
        if read is None:
            return None
        parts, j = read
        if parts.month is None and parts.day is not None:
            return None
        needs_marker = parts.year is None or parts.month is None
        if not partial and parts.year is None:
            return None
        period = self._resolve(parts)
        return None if period is None else (period, j, needs_marker)

    def _relative(self, i: int, *, genitive: bool = False) -> _Read | None:
        word = self._word(i)
        if word in _DAYS_BACK and self._word(i + 1) not in _NAMED_AFTER:
            day = self.today - timedelta(days=_DAYS_BACK[word])
            return _unit_period(day, "day"), i + 1, False
        j = i
        if genitive and word == "des" and self._word(i + 1) in _LAST:
            j += 1
        which = self._word(j)
        if which not in _THIS and which not in _LAST:
            return None
        if which == "des" and not genitive:
            return None
        unit = _UNITS.get(self._word(j + 1))
        if unit is None or unit == "day" or self._word(j + 1) in ("jahren", "monaten", "wochen"):
            return None
        day = self.today
        if which in _LAST:
            day = _back(self.today, unit, 1)
        return _unit_period(day, unit), j + 2, False

    def _parts(self, i: int) -> tuple[_Parts, int] | None:
        """Day, month and year as written at token ``i`` (any may be missing)."""
        word = self._word(i)
        if not word:
            return None
        for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
            match = pattern.fullmatch(word)
            if match:
                numbers = [int(g) for g in match.groups()]
                return _Parts(*(numbers[k] for k in order)), i + 1
        match = _DM.fullmatch(word)
        if match:
            return _Parts(None, int(match[2]), int(match[1])), i + 1
        match = _D.fullmatch(word)
        if match:
            month_read = self._month(i + 1)
            if month_read is None:
                return _Parts(None, None, int(match[1])), i + 1
            found_year, j = self._year(month_read[1])
            return _Parts(found_year, month_read[0], int(match[1])), j
        month_read = self._month(i)
        if month_read is not None:
            found_year, j = self._year(month_read[1])
            if found_year is None and word in _ABBREVIATED:
                return None
            return _Parts(found_year, month_read[0], None), j
        if _YEAR.fullmatch(word) and self._word(i + 1) not in _AMOUNTS:
            return _Parts(int(word), None, None), i + 1
        return None

    def _month(self, i: int) -> tuple[int, int] | None:
        word = self._word(i)
        if word not in _MONTHS:
            return None
        if word in _ABBREVIATED and self._word(i + 1) == ".":
            return _MONTHS[word], i + 2
        return _MONTHS[word], i + 1

    def _year(self, i: int) -> tuple[int | None, int]:
        word = self._word(i)
        if _YEAR.fullmatch(word):
            return int(word), i + 1
        return None, i

    def _resolve(self, parts: _Parts, *, borrow: _Parts | None = None) -> _Period | None:
        year, month, day = parts.year, parts.month, parts.day
        if borrow is not None:
            if day is not None and month is None:
                month = borrow.month
            if year is None and month is not None and borrow.year is not None:
                year = borrow.year
                if borrow.month is not None and month > borrow.month:
                    year -= 1
        if day is not None and month is None:
            return None
        if month is not None and not 1 <= month <= 12:
            return None
        if year is None:
            assert month is not None
            year = self.today.year
            if (month, day or 1) > (self.today.month, self.today.day):
                year -= 1
        if not self.oldest <= year <= 9998:
            return None
        try:
            if day is not None:
                assert month is not None
                return _unit_period(date(year, month, day), "day")
        except ValueError:
            return None
        if month is not None:
            return _unit_period(date(year, month, 1), "month")
        return _unit_period(date(year, 1, 1), "year")
