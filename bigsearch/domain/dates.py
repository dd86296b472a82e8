"""Dates as the protocols write them: ISO, Swedish long form ("den 16 april 2018"), d/m yyyy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")
_LONG = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?::e|:a)?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
# "den 26-27 januari 2002": a meeting over two days, dated by its first.
_LONG_RANGE = re.compile(
    rf"(?<!\w)(\d{{1,2}})\s*[-–]\s*\d{{1,2}}(?::e|:a)?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[ .,/-]+(\d{4})(?!\d)")
_DNR = re.compile(r"\bdnr\.?\s*:?\s*(?:[A-ZÅÄÖ]{1,5}\s*)?(\d{2}|\d{4})\s*[A-ZÅÄÖ/]", re.IGNORECASE)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if 1950 <= year <= 2100 else None


def find_dates(text: str) -> Iterator[tuple[int, dt.date]]:
    """(offset, date) for every date written in `text`, in order of appearance."""
    found: list[tuple[int, dt.date]] = []
    for match in _ISO.finditer(text):
        date = _make(int(match[1]), int(match[2]), int(match[3]))
        if date:
            found.append((match.start(), date))
    ranges = []
    for match in _LONG_RANGE.finditer(text):
        date = _make(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
        if date:
            found.append((match.start(), date))
            ranges.append((match.start(), match.end()))
    for match in _LONG.finditer(text):
        if any(a <= match.start() < b for a, b in ranges):
            continue
        date = _make(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
        if date:
            found.append((match.start(), date))
    for match in _NUMERIC.finditer(text):
        date = _make(int(match[3]), int(match[2]), int(match[1]))
        if date:
            found.append((match.start(), date))
    for match in _COMPACT.finditer(text):
        date = _make(int(match[1]), int(match[2]), int(match[3]))
        if date:
            found.append((match.start(), date))
    found.sort(key=lambda item: item[0])
    return iter(found)


def first_date(text: str) -> dt.date | None:
    return next((date for _, date in find_dates(text)), None)


def year_from_registration(text: str) -> int | None:
    """The year of a registration number: "dnr 18KS36" -> 2018, "Dnr KS 2018/123" -> 2018."""
    match = _DNR.search(text)
    if not match:
        return None
    value = int(match[1])
    return value if value >= 1000 else 2000 + value
