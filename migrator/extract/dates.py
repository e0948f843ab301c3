"""Dates as legacy sites write them -> ISO 8601 with the offset in force on that date.

Fast regexes first (Russian genitive month names, numeric, ISO, English month names);
dateparser only as the last resort, because it costs milliseconds per call.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")
EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")
_MONTH = {name: i + 1 for i, name in enumerate(RU_MONTHS)}
_MONTH.update({name: i + 1 for i, name in enumerate(EN_MONTHS)})
_MONTH.update({name[:3]: i + 1 for i, name in enumerate(EN_MONTHS)})
#: French month names and the abbreviations phpBB's French language pack prints ("Dim 09 Nov 2014, 10:39",
#: "Sam 07 Fév 2015", "Août", "Juil"): full names and every abbreviation its date formats use.
FR_MONTHS = (("janvier", "janv", "jan"), ("février", "févr", "fév", "fev"), ("mars", "mar"), ("avril", "avr"),
             ("mai",), ("juin",), ("juillet", "juil"), ("août", "aoû", "aou"), ("septembre", "sept", "sep"),
             ("octobre", "oct"), ("novembre", "nov"), ("décembre", "déc", "dec"))
#: Russian short month names, as DataLife Engine's default date format prints them ("13-апр-2023, 16:25").
RU_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_MONTH.update({name: i + 1 for i, name in enumerate(RU_SHORT)})
for _i, _names in enumerate(FR_MONTHS):
    _MONTH.update({_n: _i + 1 for _n in _names if _n not in _MONTH})

_TIME = (r"(?:\s*(?:[,\-–—]|\bв\b|\bat\b|\bà\b|\s)\s*(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::\d{2})?"
         r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?)?")
_PATTERNS = (
    re.compile(r"(?P<d>\d{1,2})\s+(?P<mon>" + "|".join(RU_MONTHS) + r")\s+(?P<y>\d{4})(?:\s*г(?:ода|\.)?)?"
               + _TIME, re.I),
    re.compile(r"(?P<d>\d{1,2})-(?P<mon>" + "|".join(RU_SHORT) + r")-(?P<y>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?"
               r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"),
    re.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})" + _TIME),
    re.compile(r"(?P<d>\d{1,2})\s+(?P<mon>" + "|".join(EN_MONTHS) + r"|[^\W\d_]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<mon>" + "|".join(EN_MONTHS) + r"|[^\W\d_]{3,9})\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _TIME,
               re.I),
)
_EN_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)
#: What the month-first pattern (the last: "March 25, 2014", "Fri Apr 06, 2018") needs after its month word: a text
#: without it holds no such date, and that pattern, which tries a word at every letter, is not run on it (about a
#: millisecond on a page's 4,000 characters: most of what finding a page's first date cost).
_DAY_COMMA_YEAR = re.compile(r"\s\d{1,2},?\s+\d{4}")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _fields(match: re.Match[str], text: str) -> tuple[int, int, int, int, int] | None:
    g = match.groupdict()
    if g.get("tz"):  # an explicit offset: the wall-clock time in the site's zone is computed later
        return None
    year = int(g["y"])
    if g.get("mon"):
        month = _MONTH.get(g["mon"].lower())
        day = int(g["d"])
    elif g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        # d.m.Y and d/m/Y on a Russian site; m/d/Y (Drupal's English default) when
        # the day cannot be first or the weekday is English.
        # d-m-Y too (vBulletin's "02-03-2004, 15:02" on a site set to day first), m-d-Y when the day cannot be first.
        us = ((g["sep"] == "/" and (a <= 12 < b or (b <= 12 and a <= 12 and bool(_EN_WEEKDAY.search(text)))))
              or (g["sep"] == "-" and a <= 12 < b))
        day, month = (b, a) if us else (a, b)
    else:
        month, day = int(g["m"]), int(g["d"])
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31 or not 1900 <= year <= 2100:
        return None
    hour = int(g.get("H") or 0)
    if g.get("ampm") and hour <= 12:  # "10:45 pm", as English forum boards print it
        hour = hour % 12 + (12 if g["ampm"].lower() == "p" else 0)
    return year, month, day, hour, int(g.get("M") or 0)


def _first(text: str) -> tuple[re.Match[str], tuple[int, int, int, int, int]] | None:
    """The first date in ``text``: its match and fields."""
    best: tuple[re.Match[str], tuple[int, int, int, int, int]] | None = None
    for pattern in _PATTERNS:
        if pattern is _PATTERNS[-1] and not _DAY_COMMA_YEAR.search(text):
            continue
        for match in pattern.finditer(text):  # the first that is a date ("Page 3 2010" names no month)
            if best is not None and match.start() >= best[0].start():
                break
            fields = _fields(match, text)
            if fields:
                best = (match, fields)
                break
    return best


def find_date(text: str) -> tuple[int, int, int, int, int] | None:
    """The first date (and time, if written) in ``text``, as (Y, m, d, H, M).

    >>> find_date("Опубликовано 25 ноября 2014, 10:15 пользователем X")
    (2014, 11, 25, 10, 15)
    >>> find_date("Submitted by X on 25.11.2014 - 10:15")
    (2014, 11, 25, 10, 15)
    >>> find_date("13-апр-2023, 16:25")
    (2023, 4, 13, 16, 25)
    >>> find_date("Sam 07 Fév 2015, 20:46"), find_date("Fri Apr 06, 2018 10:45 pm"), find_date("25-11-2004, 15:02")
    ((2015, 2, 7, 20, 46), (2018, 4, 6, 22, 45), (2004, 11, 25, 15, 2))
    """
    best = _first(text)
    return best[1] if best else None


def find_written(text: str) -> tuple[tuple[int, int, int, int, int], str] | None:
    """The first date in ``text`` and the words it was written in (a raw value to keep beside the date).

    >>> find_written("Рубрика: язык. Дата: 18 марта 2010 Комментарии: 4")
    ((2010, 3, 18, 0, 0), '18 марта 2010')
    """
    best = _first(text)
    return (best[1], best[0].group(0).strip()) if best else None


def writes_time(raw: str) -> bool:
    """Whether a date as the page wrote it names a time of day too (an ISO timestamp always does).

    >>> writes_time("Дата: 18 марта 2010"), writes_time("18 марта 2010 в 20:46"), writes_time("2010-03-18")
    (False, True, False)
    >>> writes_time("2015-02-02T17:15:20"), writes_time("Опубликовано 12.06.2023")
    (True, False)
    """
    if _ISO_AWARE.search(raw) or re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", raw):
        return True
    best = _first(raw)
    return bool(best and best[0].groupdict().get("H"))


def day_only(iso: str | None, raw: str | None) -> str | None:
    """A date the page wrote without a time is a date (``YYYY-MM-DD``), not midnight with an offset.

    >>> day_only("2010-03-18T00:00:00+03:00", "Дата: 18 марта 2010")
    '2010-03-18'
    >>> day_only("2010-03-18T00:00:00+03:00", "18.03.2010 00:00"), day_only("2010-03-18T14:20:00+03:00", None)
    ('2010-03-18T00:00:00+03:00', '2010-03-18T14:20:00+03:00')
    """
    if iso and raw and len(iso) > 10 and iso[11:19] == "00:00:00" and not writes_time(raw):
        return iso[:10]
    return iso


def machine_readable(raw: str | None) -> bool:
    """Whether a raw date is a machine-readable stamp (``<time datetime>``, a meta tag, JSON-LD), not words.

    >>> machine_readable("2014-10-19T13:28:00+04:00"), machine_readable("Дата: 18 марта 2010")
    (True, False)
    """
    return bool(raw and re.match(r"\s*\d{4}-\d{2}-\d{2}", raw))


_OFFSET = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z\b|[+-]\d{2}:?\d{2}\b|\(?(?:GMT|UTC)\b)", re.I)


def zone_free(iso: str | None, raw: str | None) -> bool:
    """Whether a date with a time was written without an offset, so that its moment depends on the site's zone.

    >>> zone_free("2015-02-02T17:15:20+00:00", "2015-02-02T17:15:20"), zone_free("2015-02-02T17:15:20+00:00", None)
    (True, False)
    >>> zone_free("2019-03-14T08:30:00+00:00", "2019-03-14T08:30:00Z"), zone_free("2010-03-18", "18 марта 2010")
    (False, False)
    """
    return bool(iso and raw and len(iso) > 10 and not _OFFSET.search(raw))


def to_iso(fields: tuple[int, int, int, int, int], timezone: str) -> str | None:
    """Wall-clock fields in ``timezone`` -> ISO 8601 with that zone's offset on that date.

    >>> to_iso((2012, 6, 1, 12, 0), "Europe/Moscow")
    '2012-06-01T12:00:00+04:00'
    """
    try:
        return datetime(*fields, tzinfo=_zone(timezone)).isoformat()
    except ValueError:  # 31 February and the like
        return None


_ISO_AWARE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")


def _aware(text: str, timezone: str) -> str | None:
    """An ISO timestamp with its own offset, shown in the site's zone.

    >>> _aware("2019-03-14T08:30:00+00:00", "Europe/Moscow")
    '2019-03-14T11:30:00+03:00'
    """
    match = _ISO_AWARE.search(text)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(_zone(timezone)).isoformat()


def _dateparser(text: str, timezone: str) -> str | None:
    import dateparser  # slow to import and to run: the last resort only

    parsed = dateparser.parse(text, languages=["ru", "en"],
                              settings={"TIMEZONE": timezone, "RETURN_AS_TIMEZONE_AWARE": False,
                                        "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        return None
    return to_iso((parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute), timezone)


#: Weekday names as t() translates Drupal's 'D' ("Mon".."Sun": Russian, English, Portuguese, Spanish, French, as
#: the locales ship them) -> Monday 0 .. Sunday 6.
WEEKDAYS = (("пн", "вт", "ср", "чт", "пт", "сб", "вс"), ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
            ("seg", "ter", "qua", "qui", "sex", "sáb", "dom"), ("lun", "mar", "mié", "jue", "vie", "sab", "dom"),
            ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"))
WEEKDAY = {name: k for names in WEEKDAYS for k, name in enumerate(names)}
#: A weekday name right before a stamp ("sex, ", "Mon. ").
_WEEKDAY_BEFORE = re.compile(r"\b(" + "|".join(sorted(WEEKDAY, key=len, reverse=True)) + r")[^\W\d_]*\.?,?\s*$",
                             re.I)
#: A numeric stamp whose day and month could swap: ``03/12/2010``, ``03-12-2010`` (``d.m.Y`` is day first by
#: convention everywhere, and ISO stamps put the year first).
_SWAPPABLE = re.compile(r"(?<!\d)(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?!\d)")
DAY_FIRST, MONTH_FIRST = "day-month", "month-day"
#: The name of the site-wide fact that holds the order (``facts`` in the store).
DATE_ORDER = "date-order"


def numeric_order(raw: str | None) -> str | None:
    """The order a numeric stamp shows by itself: ``day-month`` when its first number cannot be a month,
    ``month-day`` when its second cannot; None when either could be either (or the stamp is no such stamp).

    >>> numeric_order("qui, 11/09/2008 - 11:20"), numeric_order("ter, 25/08/2010 - 10:19"), numeric_order("8/25/2010")
    (None, 'day-month', 'month-day')
    """
    match = _SWAPPABLE.search(raw) if raw else None
    if not match:
        return None
    a, b = int(match.group(1)), int(match.group(3))
    if a > 12 >= b >= 1:
        return DAY_FIRST
    if b > 12 >= a >= 1:
        return MONTH_FIRST
    return None


def site_order(orders: Iterable[str | None]) -> str | None:
    """The day/month order of a site's numeric stamps, from those that show it (:func:`numeric_order`): the order
    at least three show and no more than one in ten contradicts; None when the site's pages do not settle it.

    >>> site_order(["day-month", None, "day-month", "day-month"]), site_order(["day-month", "month-day"])
    ('day-month', None)
    """
    counts = Counter(o for o in orders if o)
    for order, other in ((DAY_FIRST, MONTH_FIRST), (MONTH_FIRST, DAY_FIRST)):
        if counts[order] >= 3 and counts[other] * 10 <= counts[order]:
            return order
    return None


def in_order(iso: str | None, raw: str | None, order: str, timezone: str) -> str | None:
    """``iso`` read from ``raw`` again in the site's day/month ``order``, when the stamp is ambiguous (both numbers
    12 or less) and ``iso`` holds the other reading; None when it stands as it is.

    >>> in_order("2010-03-12T00:48:00-03:00", "sex, 03/12/2010 - 00:48", DAY_FIRST, "America/Sao_Paulo")
    '2010-12-03T00:48:00-02:00'
    >>> in_order("2010-12-03", "03/12/2010", DAY_FIRST, "UTC"), in_order("2010-03-12", "03/12/2010", MONTH_FIRST, "UTC")
    (None, None)
    >>> in_order("2014-10-11", "Сб, 10/11/2014", DAY_FIRST, "UTC")  # Saturday: 11 October, not 10 November
    """
    match = _SWAPPABLE.search(raw) if raw and iso else None
    if not match or _ISO_AWARE.search(raw or ""):
        return None
    a, b, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if a == b or a > 12 or b > 12:
        return None
    day, month = (a, b) if order == DAY_FIRST else (b, a)
    assert iso is not None
    if iso[:10] != f"{year:04d}-{day:02d}-{month:02d}":  # not the other reading (month and day swapped)
        return None
    named = _WEEKDAY_BEFORE.search(raw[:match.start()]) if raw else None
    if named and date(year, month, day).weekday() != WEEKDAY[named.group(1).lower()]:
        return None  # the printed weekday says the reading was right
    if len(iso) == 10:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return to_iso((year, month, day, int(iso[11:13]), int(iso[14:16])), timezone)


def parse_date(text: str | None, timezone: str, *, fallback: bool = True) -> str | None:
    """A date written on a page -> ISO 8601 in ``timezone``; None when there is no date.

    >>> parse_date("вс, 25/11/2014 - 10:15", "Europe/Moscow")
    '2014-11-25T10:15:00+03:00'
    >>> parse_date("Автор: X, 10 января 2008 - 09:00", "Europe/Moscow")
    '2008-01-10T09:00:00+03:00'
    """
    if not text or not re.search(r"\d", text):
        return None
    aware = _aware(text, timezone)
    if aware:
        return aware
    fields = find_date(text)
    if fields:
        return to_iso(fields, timezone)
    if fallback and len(text) < 200:
        return _dateparser(text, timezone)
    return None
