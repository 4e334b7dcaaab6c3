"""German date phrases in a query → a ``published`` range.

``find_dates("Flüchtlinge seit März 2016", now=...)`` returns a
:class:`DateQuery` whose ``text`` is ``"Flüchtlinge"`` and whose ``since`` is
2016-03-01.  The search filters on the range and searches the text.

What is read (case-insensitive; ``ä``/``ae``/``a`` alike, so ``Maerz``, ``Marz``):

* absolute: ``14.8.2025``, ``14. August 2025``, ``2025-08-14``, ``März 2016``,
  ``Jan. 2016``, ``März '16`` (an apostrophe year is the latest such year not after
  today: ``'68`` is 1968); with a marker also ``am 14.8.``, ``am 14. August``,
  ``am ersten Juni``, ``am 13.11.15``, ``im März``, ``im Jahr 2015``, ``im März
  letzten Jahres``, ``im Mai dieses Jahres``;
* seasons, meteorological (``Frühling``/``Frühjahr`` March–May, ``Sommer``
  June–August, ``Herbst`` September–November, ``Winter`` December–February):
  ``Sommer 2015``, ``Herbst '15``, ``Winter 2014/15`` (``Winter 2015`` is the one
  that begins in December 2015, unless that is still ahead), ``im Sommer``
  (the latest begun), ``letzten Sommer`` (the latest that is over), ``diesen
  Sommer``, ``im Sommer letzten Jahres``;
* weekdays with a marker: ``am Montag`` (the latest Monday not after today),
  ``am Montagabend``, ``seit Montag``, ``letzten Freitag`` (the latest before
  today), ``Freitag letzter Woche``, ``Montag, 13. Juni``; ``letztes
  Wochenende`` (Saturday and Sunday of the latest weekend that is over);
* ``seit/ab X`` (since the start of X), ``bis [zum] X`` (up to the end of X),
  ``vor X`` (before X, X absolute), ``nach X`` (after X), ``zwischen X und Y``,
  ``vom/von X bis Y`` (``vom 1. bis 5. März 2016``: the first end borrows
  month and year from the second), also without ``vom`` when X is a day or month without year
  or a third (``März bis Mai 2016``, ``1.3.–5.3.2016``, ``Ende Mai bis Anfang Juni``);
* ``Anfang/Beginn/Mitte/Ende X`` for a month or a year: the first, middle and last
  third (days 1–10, 11–20, 21–end of a month; Jan–Apr, May–Aug, Sep–Dec of a
  year); also ``Ende des Jahres``, ``Ende des Jahres 2015``, ``Anfang letzten
  Monats`` and the one-word ``Jahresbeginn``/``-anfang``/``-mitte``/``-ende``
  (``Jahresende 2015``; without a year only after a marker: ``seit
  Jahresbeginn``, ``zum Jahresende``) and ``Monatsanfang``/``-ende``;
* relative to ``now``: ``heute``, ``gestern``, ``vorgestern``,
  ``diese/letzte/vergangene/vorige Woche|Monat|Jahr`` (calendar weeks from
  Monday, calendar months and years), ``vor N Tagen/Wochen/Monaten/Jahren``
  (that calendar day, week, month or year), ``in den letzten N …`` and
  ``seit N …`` (since the start of the day N units ago), ``heute vor einem
  Jahr`` (that day).  ``N`` is a numeral or ``einem``, ``zwei`` … ``zwölf``;
  without it ``in den letzten Tagen/Wochen/Monaten`` reads 7 days, 4 weeks and
  6 months (``in den letzten Jahren`` is too vague and stays text).

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
* ``Jahr 2000`` without a preposition is a name (``Jahr 2000 Problem``, ``Das
  Jahr 1968``); a bare year range is a topic with both ends
  (``NS-Zeit 1933 bis 1945``); ``von gestern``/``von heute`` without ``bis`` is an
  attribute (``Schnee von gestern``, ``Die Welt von Gestern``).
* A weekday needs a marker (``Schwarzer Freitag``, ``Freitag der 13.``, ``Tatort
  Sonntag`` stay words), is not read in a span or after ``bis``/``vor``/``nach``
  (``Montag bis Freitag`` is a schedule, ``bis Freitag`` a deadline), and
  ``Welt am Sonntag``, ``Bild am Sonntag`` are newspapers.  A season after a
  naming adjective is a name (``Prager Frühling``, ``Arabischer Frühling 2011``,
  ``Heißer Herbst``); a two-digit year without an apostrophe stays a word (``Mai 68``).
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
_THIRDS = {"anfang": 0, "beginn": 0, "mitte": 1, "ende": 2}
_MARKERS = {"im", "in", "am"}
_YEAR_WORDS = {"jahr", "jahre", "jahres"}
#: Words after a number that make it an amount, not a year (``ab 2000 Euro``).
_AMOUNTS = {
    "euro", "eur", "€", "dollar", "$", "franken", "pfund", "prozent", "%", "menschen",
    "leute", "personen", "einwohner", "meter", "m", "km", "kilometer", "stuck", "tonnen",
    "mal", "punkte", "zuschauer", "fans", "besucher", "arbeitsplatze", "jobs", "stimmen",
}  # fmt: skip
_DASHES = {"-", "–", "—"}
#: Meteorological seasons by the month they begin in (``Frühjahr`` = March–May).
_SEASONS = {"fruhling": 3, "fruhjahr": 3, "sommer": 6, "herbst": 9, "winter": 12}
#: A season after one of these adjectives is a name (``Prager Frühling``,
#: ``Arabischer Frühling 2011``, ``Deutscher Herbst``, ``Heißer Herbst``).
_NAMING_ADJECTIVE = re.compile(
    r"(?:\w*isch|prag|bonn|wien|berlin|deutsch|heis+|kalt|lang|golden|nuklear|ewig)(?:e|er|en|es|em)"
)
_WEEKDAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
    "samstag": 5, "sonnabend": 5, "sonntag": 6,
}  # fmt: skip
#: ``am Montagabend``: a weekday glued to a time of day is still that day.
_DAYTIMES = ("", "abend", "morgen", "vormittag", "mittag", "nachmittag", "nacht", "fruh")
_WEEKDAY_WORDS = {name + time: day for name, day in _WEEKDAYS.items() for time in _DAYTIMES}
#: ``am Sonntag`` after these is a newspaper (``Welt am Sonntag``, ``Presse am Sonntag``).
_NEWSPAPERS = {"welt", "bild", "presse", "kurier", "krone", "zeitung", "post", "tagesspiegel"}
#: ``Jahresbeginn``, ``Monatsende``: a third (see ``_THIRDS``) of a year or month in one word.
_THIRD_WORDS = {
    "jahresbeginn": ("year", 0), "jahresanfang": ("year", 0), "jahresmitte": ("year", 1),
    "jahresende": ("year", 2), "monatsbeginn": ("month", 0), "monatsanfang": ("month", 0),
    "monatsmitte": ("month", 1), "monatsende": ("month", 2),
}  # fmt: skip
#: ``in den letzten Tagen/Wochen/Monaten`` without a number: 7 days, 4 weeks, 6 months.
_VAGUE = {"tagen": ("day", 7), "wochen": ("week", 4), "monaten": ("month", 6)}
_UNIT_WORDS = ["", "ein", "zwei", "drei", "vier", "funf", "sechs", "sieben", "acht", "neun"]
#: Ordinal days in the dative (``am ersten Juni``, ``vom dritten bis fünften Mai``).
_ORDINALS = {
    **{
        word: day
        for day, word in enumerate(
            ["ersten", "zweiten", "dritten", "vierten", "funften", "sechsten", "siebten",
             "achten", "neunten", "zehnten", "elften", "zwolften"],
            start=1,
        )
    },
    "siebenten": 7,
    **{f"{_UNIT_WORDS[n]}zehnten": 10 + n for n in (3, 4, 5, 8, 9)},
    "sechzehnten": 16, "siebzehnten": 17, "zwanzigsten": 20,
    **{f"{_UNIT_WORDS[n]}undzwanzigsten": 20 + n for n in range(1, 10)},
    "dreisigsten": 30, "dreissigsten": 30, "einunddreisigsten": 31, "einunddreissigsten": 31,
}  # fmt: skip

_TOKEN = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{2}(?:\d{2})?(?!\d)|['’]\d{2}(?!\d)"
    r"|\d+(?:\.\d+)*\.?|[^\W\d_]+|\S"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_DMYY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2})")
_SHORT_YEAR = re.compile(r"['’](\d{2})")
_WINTER_YEARS = re.compile(r"(\d{4})/(\d{2}|\d{4})")
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
    short: bool = False  # a two-digit year in a dotted day (``13.11.15``): needs a marker


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
                i = self._skip(i)
                continue
            found.append((start, end, low, high))
            i = j
        return found

    def _skip(self, i: int) -> int:
        """The next token to try after no phrase starts at ``i``."""
        if self._word(i) == "von" and self._word(i + 1) in _DAYS_BACK:
            # ``Schnee von gestern``, ``Die Welt von Gestern``: without ``bis``
            # it is an attribute, not a time.
            return i + 2
        # A date that is not one (``31. Februar 2016``) stays whole.
        written = self._parts(i)
        if written is None:
            return i + 1
        parts, j = written
        if parts.month is None and self._word(j) in ("bis", *_DASHES):
            # A bare year range is a topic (``NS-Zeit 1933 bis 1945``): its
            # second end is not ``bis 1945`` either.
            return j + 1
        return j

    def _glued(self, start: int, end: int) -> bool:
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[end] if end < len(self.text) else " "
        return before in "-/" or after in "-/" or before.isalnum() or after.isalnum()

    def _plausible(self, low: date | None, high: date | None) -> bool:
        if low is not None:
            return low <= self.today
        return high is None or high <= self.today + timedelta(days=1)

    def _word(self, i: int) -> str:
        return self.low[i] if 0 <= i < len(self.low) else ""

    # -- phrases: (since, until, next token) ---------------------------------

    def _phrase(self, i: int) -> tuple[date | None, date | None, int] | None:
        word = self._word(i)
        if word in ("vom", "von", "zwischen"):
            return self._between(i + 1, "und" if word == "zwischen" else "bis")
        if word in _THIRDS:
            # ``Ende Mai bis Anfang Juni 2016``
            span = self._between(i, "bis")
            if span is not None:
                return span
        written = self._parts(i)
        if written is not None and written[0].year is None:
            # ``März bis Mai 2016``, ``1.–5. März 2016``: a span needs no marker
            # when its first end is a day or month (a bare year range is a topic).
            span = self._between(i, "bis")
            if span is not None:
                return span
        if word == "in" and self._word(i + 1) == "den":
            hit = self._last_units(i + 2, vague=True)
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
            read = self._period(self._after(i + 1, ("dem",)))
            if read is not None:
                return read[0].start, None, read[1]
            return None
        if word == "bis":
            # ``bis Freitag`` is a deadline ahead, not a time past.
            read = self._period(self._after(i + 1, ("zum", "zur")), weekdays=False)
            return None if read is None else (None, read[0].end, read[1])
        if word == "vor":
            counted = self._count(i + 1)
            if counted is not None:
                unit, count, j = counted
                period = _unit_period(_back(self.today, unit, count), unit)
                return period.start, period.end, j
            read = self._period(self._after(i + 1, ("dem",)), partial=False, weekdays=False)
            return None if read is None else (None, read[0].start, read[1])
        if word == "nach":
            read = self._period(self._after(i + 1, ("dem",)), partial=False, weekdays=False)
            return None if read is None else (read[0].end, None, read[1])
        if word == "am" and self._word(i - 1) in _NEWSPAPERS and self._weekday(i + 1) is not None:
            return None  # ``Welt am Sonntag``
        j = i
        if word in _MARKERS:
            j = self._after(i + 1, ("der",))
        elif word in ("zu", "zum") and self._word(i + 1) in _THIRD_WORDS:
            j += 1  # ``zum Jahresende 2015``
        read = self._period(j)
        if read is None:
            return None
        period, end, needs_marker = read
        if needs_marker and j == i:
            return None
        return period.start, period.end, end

    def _after(self, i: int, articles: tuple[str, ...]) -> int:
        """Token ``i`` past an article and a ``Jahr`` before a year (``seit dem
        Jahr 2015``); ``Jahr 2000`` without a preposition is a name."""
        if self._word(i) in articles:
            i += 1
        if self._word(i) in _YEAR_WORDS and self._year(i + 1)[0] is not None:
            i += 1
        return i

    def _between(self, i: int, joiner: str) -> tuple[date, date, int] | None:
        if joiner == "und" and self._word(i) == "dem":
            i += 1  # ``zwischen dem 1. und dem 10. Juni``
        first = self._parts(i)
        if first is None:
            # ``Montag bis Freitag`` is a weekly schedule, not a time.
            read = self._period(i, weekdays=False)
            if read is None:
                return None
            parts, j, first_period = None, read[1], read[0]
        else:
            parts, j = first
            first_period = None
        if self._word(j) not in (joiner, *_DASHES):
            return None
        j += 1
        if self._word(j) in (("zum", "zur") if joiner == "bis" else ("dem",)):
            j += 1
        second = self._period(j, weekdays=False)
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

    def _last_units(self, i: int, *, vague: bool = False) -> tuple[date, None, int] | None:
        if self._word(i) not in _LAST:
            return None
        counted = self._count(i + 1)
        if counted is None and vague and self._word(i + 1) in _VAGUE:
            counted = (*_VAGUE[self._word(i + 1)], i + 2)
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

    def _period(self, i: int, *, partial: bool = True, weekdays: bool = True) -> _Read | None:
        """A period at token ``i``: relative, absolute or a third of one."""
        word = self._word(i)
        if word in _THIRDS:
            inner = (
                self._relative(i + 1, genitive=True) or self._period(self._after(i + 1, ("des",)))
                if self._word(i + 1) == "des"
                else self._period(i + 1)
            )
            if inner is None:
                return None
            third = _third(inner[0], _THIRDS[word])
            return None if third is None else (third, inner[1], False)
        if word in _THIRD_WORDS:
            return self._third_word(i)
        relative = self._relative(i)
        if relative is not None:
            return relative
        if word in _SEASONS:
            return self._season(i)
        if weekdays and self._weekday(i) is not None:
            return self._weekday_period(i)
        read = self._parts(i)
        if read is None:
            return None
        parts, j = read
        if parts.month is None and parts.day is not None:
            return None
        needs_marker = parts.year is None or parts.month is None or parts.short
        if not partial and parts.year is None:
            return None
        period = self._resolve(parts)
        return None if period is None else (period, j, needs_marker)

    def _third_word(self, i: int) -> _Read | None:
        unit, which = _THIRD_WORDS[self._word(i)]
        year, j = self._year(i + 1) if unit == "year" else (None, i + 1)
        if year is not None and not self.oldest <= year <= 9998:
            return None
        start = self.today if year is None else date(year, 1, 1)
        third = _third(_unit_period(start, unit), which)
        return None if third is None else (third, j, year is None)

    def _season(self, i: int, which: str = "") -> _Read | None:
        """``Sommer 2015``, ``Winter 2014/15``, ``im Herbst``; ``which`` is a
        word of ``_LAST`` or ``_THIS`` before it."""
        first = _SEASONS[self._word(i)]
        if not which and _NAMING_ADJECTIVE.fullmatch(self._word(i - 1)):
            return None
        span = _WINTER_YEARS.fullmatch(self._word(i + 1))
        if span is not None:
            start, end = int(span[1]), int(span[2])
            if len(span[2]) == 2:
                end += start - start % 100 + (100 if end < start % 100 else 0)
            if first != 12 or end != start + 1:
                return None  # ``Herbst 2014/15``, ``Winter 2014/17``
            year: int | None = start
            j = i + 2
        else:
            year, j = (None, i + 1) if which else self._year(i + 1)
        if year is not None and not self.oldest <= year <= 9998:
            return None
        latest = (
            self.today.year
            if date(self.today.year, first, 1) <= self.today
            else self.today.year - 1
        )
        if year is None:
            year = latest
            if which in _LAST and _add_months(date(year, first, 1), 3) > self.today:
                year -= 1  # ``letzten Sommer``: the latest that is over
            elif which in _THIS and _add_months(date(year, first, 1), 3) <= self.today:
                year = self.today.year  # ``diesen Herbst``: this year's
        elif first == 12 and span is None and date(year, 12, 1) > self.today:
            year -= 1  # ``Winter 2016`` in June 2016: the one that ended in it
        if not self.oldest <= year <= 9998:
            return None
        start_day = date(year, first, 1)
        needs_marker = not which and j == i + 1
        return _Period(start_day, _add_months(start_day, 3), "season"), j, needs_marker

    def _weekday(self, i: int) -> int | None:
        """Monday = 0 … Sunday = 6 for a weekday word (``Montagabend`` too)."""
        return _WEEKDAY_WORDS.get(self._word(i))

    def _weekday_period(self, i: int) -> _Read | None:
        """``Montag`` (the latest not after today, needs a marker), ``Montag, 13.
        Juni`` (that date), ``Freitag letzter Woche``."""
        number = self._weekday(i)
        assert number is not None
        j = i + 1
        if self._word(j) == ",":
            j += 1
        if self._word(j) in ("den", "dem"):
            j += 1
        written = self._parts(j)
        if written is not None and written[0].day is not None:
            period = self._resolve(written[0])
            return None if period is None else (period, written[1], False)
        which = self._word(i + 1)
        if self._word(i + 2) == "woche" and (which in _LAST or which in _THIS):
            week = self.today - timedelta(weeks=1 if which in _LAST else 0)
            monday = week - timedelta(days=week.weekday())
            return _unit_period(monday + timedelta(days=number), "day"), i + 3, False
        back = (self.today.weekday() - number) % 7
        return _unit_period(self.today - timedelta(days=back), "day"), i + 1, True

    def _relative(self, i: int, *, genitive: bool = False) -> _Read | None:
        word = self._word(i)
        if word in _DAYS_BACK and self._word(i + 1) not in _NAMED_AFTER:
            day = self.today - timedelta(days=_DAYS_BACK[word])
            if word == "heute" and self._word(i + 1) == "vor":
                # ``heute vor einem Jahr``: that day a year ago
                counted = self._count(i + 2)
                if counted is not None:
                    unit, count, j = counted
                    return _unit_period(_back(day, unit, count), "day"), j, False
            return _unit_period(day, "day"), i + 1, False
        j = i
        if genitive and word == "des" and self._word(i + 1) in _LAST:
            j += 1
        which = self._word(j)
        if which not in _THIS and which not in _LAST:
            return None
        if which == "des" and not genitive:
            return None
        following = self._word(j + 1)
        if following in _SEASONS and which != "des":
            return self._season(j + 1, which)
        weekday = self._weekday(j + 1)
        if which in _LAST and weekday is not None:
            # ``letzten Freitag``: the latest before today
            back = (self.today.weekday() - weekday - 1) % 7 + 1
            return _unit_period(self.today - timedelta(days=back), "day"), j + 2, False
        if which in _LAST and following == "wochenende":
            saturday = self.today - timedelta(days=(self.today.weekday() - 5) % 7)
            if saturday + timedelta(days=2) > self.today:
                saturday -= timedelta(days=7)
            return _Period(saturday, saturday + timedelta(days=2), "span"), j + 2, False
        if which == "des" and following in _YEAR_WORDS and self._year(j + 2)[0] is not None:
            return None  # ``des Jahres 2015`` is that year, not this one
        unit = _UNITS.get(following, "")
        if not unit or unit == "day" or self._word(j + 1) in ("jahren", "monaten", "wochen"):
            return None
        day = self.today
        if which in _LAST:
            day = _back(self.today, unit, 1)
        weekday = self._weekday(j + 2)
        if unit == "week" and weekday is not None:
            # ``letzte Woche Donnerstag``: that day of the week
            monday = day - timedelta(days=day.weekday())
            return _unit_period(monday + timedelta(days=weekday), "day"), j + 3, False
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
                return _Parts(numbers[order[0]], numbers[order[1]], numbers[order[2]]), i + 1
        match = _DMYY.fullmatch(word)
        if match:
            year = self._short_year(int(match[3]))
            return _Parts(year, int(match[2]), int(match[1]), short=True), i + 1
        match = _DM.fullmatch(word)
        if match:
            return _Parts(None, int(match[2]), int(match[1])), i + 1
        if word in _ORDINALS:
            month_read = self._month(i + 1)
            if month_read is None:  # ``vom ersten bis dritten Juni``
                return _Parts(None, None, _ORDINALS[word]), i + 1
            found_year, j = self._year(month_read[1])
            return _Parts(found_year, month_read[0], _ORDINALS[word]), j
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
            if found_year is None and word in _ABBREVIATED and month_read[1] == i + 1:
                return None  # ``Jan Böhmermann``; but ``im Okt.``
            return _Parts(found_year, month_read[0], None), j
        if _YEAR.fullmatch(word) and self._word(i + 1) not in _AMOUNTS:
            return _Parts(int(word), None, None), i + 1
        short = _SHORT_YEAR.fullmatch(word)
        if short is not None:
            return _Parts(self._short_year(int(short[1])), None, None), i + 1
        return None

    def _month(self, i: int) -> tuple[int, int] | None:
        word = self._word(i)
        if word not in _MONTHS:
            return None
        if word in _ABBREVIATED and self._word(i + 1) == ".":
            return _MONTHS[word], i + 2
        return _MONTHS[word], i + 1

    def _year(self, i: int) -> tuple[int | None, int]:
        """The year written at token ``i``: ``2015``, ``'15``, ``letzten Jahres``,
        ``dieses Jahres``, ``des Jahres 2015``, ``des Vorjahres``."""
        word = self._word(i)
        if _YEAR.fullmatch(word):
            return int(word), i + 1
        short = _SHORT_YEAR.fullmatch(word)
        if short is not None:
            return self._short_year(int(short[1])), i + 1
        j = i + 1 if word == "des" else i
        which = self._word(j)
        if which == "vorjahres":
            return self.today.year - 1, j + 1
        if which == "jahres" and j > i and _YEAR.fullmatch(self._word(j + 1)):
            return int(self._word(j + 1)), j + 2
        if self._word(j + 1) == "jahres" and (
            which in _LAST or (which in _THIS and which != "des")
        ):
            return self.today.year - (which in _LAST), j + 2
        return None, i

    def _short_year(self, short: int) -> int:
        """``'15`` is 2015 and ``'68`` 1968 (in 2016): the latest not after today."""
        century = self.today.year - self.today.year % 100
        return century + short if century + short <= self.today.year else century - 100 + short

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
