"""Partial dates: "late December 2023", "January 2024", "2024".

A partial date is stored as the earliest day it can mean, a precision and an
"approximate" flag. Pure Python: no database and no settings needed.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

from django.db import models


# Plain labels, not gettext_lazy: reading a lazy label needs configured settings, and this
# module must work without them (scripts, pure tests).
class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    YEAR = "year", "year"


_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.QUARTER: 2, Precision.YEAR: 3}

ACCEPTED_FORMS = (
    "Use 2024-01-10, 2024-01, 2024-Q1 or 2024, or write it out: "
    "10 January 2024, Jan 2024, late December 2023, c. 2021."
)

# Anything longer is not a date; checking first keeps the regexes cheap on hostile input.
MAX_LENGTH = 100

# Not calendar.month_name: that follows the process locale, and parsing must not.
MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
)
MONTHS = {name: i for i, name in enumerate(MONTH_NAMES, start=1)}
MONTHS |= {name[:3]: i for name, i in MONTHS.items()} | {"sept": 9}
SHORT_MONTHS = ["", *(name[:3].title() for name in MONTH_NAMES)]  # index 1 = "Jan"

# Input is lower-cased, whitespace-collapsed and dash-normalised before matching.
# re.ASCII so that non-ASCII digits such as "٢٠٢٤" are not read as a year.
_APPROX = re.compile(r"(?:~|c\.|ca\.|approx\.|(?:circa|around|about|approx|approximately)\b) ?")
_PART = re.compile(r"(?:early|mid|late)[ -]")
_ISO = re.compile(r"(\d{4})([-/])(\d{1,2})(?:\2(\d{1,2}))?", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
_QUARTER = re.compile(r"(\d{4})[ -]?q(\d)|q(\d)[ -]?(\d{4})", re.ASCII)
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(_ORD + r" ([a-z]+)\.?,? (\d{4})", re.ASCII)
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? " + _ORD + r",? (\d{4})", re.ASCII)
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,? (\d{4})", re.ASCII)
# 10/01/2024 is 10 January in Europe and 1 October in the US: refuse to guess.
_AMBIGUOUS = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{4}", re.ASCII)
_AMBIGUOUS_HINT = (
    "The order of day and month is ambiguous: write the month as a word or use 2024-01-10."
)


class PartialDateError(ValueError):
    def __init__(self, text, hint=""):
        shown = text.strip() if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "…"
        self.text, self.hint = text, hint
        super().__init__(
            " ".join(filter(None, [f"Cannot read “{shown}” as a date.", hint, ACCEPTED_FORMS]))
        )

    def __reduce__(self):  # pickle rebuilds from (text, hint), not from the finished message
        return type(self), (self.text, self.hint)


def precision_rank(precision) -> int:
    return _RANK[Precision(precision)]


@functools.total_ordering
@dataclass(frozen=True, order=False)
class PartialDate:
    start: datetime.date
    precision: Precision = Precision.DAY
    approximate: bool = False

    def __post_init__(self):
        # datetime is a date subclass, but would make equal dates compare unequal.
        if not isinstance(self.start, datetime.date) or isinstance(self.start, datetime.datetime):
            raise TypeError(f"start must be a datetime.date, not {type(self.start).__name__}")
        object.__setattr__(self, "precision", Precision(self.precision))
        object.__setattr__(self, "approximate", bool(self.approximate))
        if self.start != _period_start(self.start, self.precision):
            raise ValueError(f"{self.start} is not the first day of a {self.precision.value}")

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        if not isinstance(text, str):
            raise TypeError(f"expected a string, not {type(text).__name__}")
        if len(text) > MAX_LENGTH or "\x00" in text:
            raise PartialDateError(text)
        s = " ".join(text.split()).lower().replace("\u2013", "-").replace("\u2014", "-")
        approximate = s.endswith("~")
        s = s.removesuffix("~").rstrip()
        if m := _APPROX.match(s):
            approximate, s = True, s[m.end() :]
        # "late December 2023" still means December 2023, just not exactly all of it.
        part = _PART.match(s)
        if part:
            approximate, s = True, s[part.end() :]
        if _AMBIGUOUS.fullmatch(s):
            raise PartialDateError(text, _AMBIGUOUS_HINT)
        try:
            start, precision = _parse_exact(s)
            if part and precision == Precision.DAY:
                raise ValueError("early/mid/late of a single day")
            return cls(start, precision, approximate)
        except ValueError as exc:  # bad month/day numbers, unknown month names, no match
            raise PartialDateError(text) from exc

    @property
    def end(self) -> datetime.date:
        if self.precision == Precision.DAY:
            return self.start
        year, month = self.start.year, self.start.month
        last = {Precision.MONTH: month, Precision.QUARTER: month + 2, Precision.YEAR: 12}
        last_month = last[self.precision]
        return datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])

    def sort_key(self) -> tuple:
        return (self.start, precision_rank(self.precision), self.approximate)

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        d = self.start
        text = {
            Precision.DAY: f"{d.day} {SHORT_MONTHS[d.month]} {d.year}",
            Precision.MONTH: f"{SHORT_MONTHS[d.month]} {d.year}",
            Precision.QUARTER: f"Q{_quarter(d)} {d.year}",
            Precision.YEAR: f"{d.year}",
        }[self.precision]
        return f"c. {text}" if self.approximate else text

    def isoformat(self) -> str:
        d = self.start
        text = {
            Precision.DAY: d.isoformat(),
            Precision.MONTH: f"{d.year:04d}-{d.month:02d}",
            Precision.QUARTER: f"{d.year:04d}-Q{_quarter(d)}",
            Precision.YEAR: f"{d.year:04d}",
        }[self.precision]
        return text + "~" if self.approximate else text

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


parse_partial_date = PartialDate.parse


def _quarter(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def _period_start(day: datetime.date, precision: Precision) -> datetime.date:
    if precision == Precision.DAY:
        return day
    if precision == Precision.MONTH:
        return day.replace(day=1)
    if precision == Precision.QUARTER:
        return datetime.date(day.year, 3 * _quarter(day) - 2, 1)
    return datetime.date(day.year, 1, 1)


def _date(year: str, month: int | str = 1, day: int | str = 1) -> datetime.date:
    if not 1000 <= int(year) <= 9999:
        raise ValueError(f"year {year} out of range")
    return datetime.date(int(year), int(month), int(day))  # raises ValueError for 2024-02-30


def _parse_exact(s: str) -> tuple[datetime.date, Precision]:
    """Read an unqualified date (no "c.", "late" or "~"); raise ValueError if impossible."""
    try:
        if m := _ISO.fullmatch(s):
            year, _sep, month, day = m.groups()
            if day:
                return _date(year, month, day), Precision.DAY
            return _date(year, month), Precision.MONTH
        if _YEAR.fullmatch(s):
            return _date(s), Precision.YEAR
        if m := _QUARTER.fullmatch(s):
            year, quarter = (m[1], m[2]) if m[1] else (m[4], m[3])
            if not 1 <= int(quarter) <= 4:
                raise ValueError(f"no quarter {quarter}")
            return _date(year, 3 * int(quarter) - 2), Precision.QUARTER
        if m := _DAY_MONTH_YEAR.fullmatch(s):
            return _date(m[3], MONTHS[m[2]], m[1]), Precision.DAY
        if m := _MONTH_DAY_YEAR.fullmatch(s):
            return _date(m[3], MONTHS[m[1]], m[2]), Precision.DAY
        if m := _MONTH_YEAR.fullmatch(s):
            return _date(m[2], MONTHS[m[1]]), Precision.MONTH
    except KeyError as exc:  # an unknown month name ("Foo 2024", "Summer 2024")
        raise ValueError(f"unknown month {exc}") from None
    raise ValueError("no accepted form matches")
