"""Partial dates as written: "late December 2023", "between 8 and 11 Aug 2025", "by Mar 2025".

A partial date is an interval of days — the earliest and the latest day it can mean, with
either side open when the source gives only the other — plus what the source said: the
precision of the period it names (day, month, quarter, year), a qualifier (early / mid /
late / before / after / by / between / as of), "approximate", "inferred" (the analyst's
reading, not the source's words) and the words as written.

The canonical text form (`isoformat()`) is EDTF where EDTF has a form and a few documented
extensions where it has not; docs/dates.md gives the grammar. `parse(x.isoformat()) == x`
and `parse(str(x)) == x` hold for every value. Pure Python: no database and no settings.
"""

import calendar
import dataclasses
import datetime
import functools
import re
from dataclasses import dataclass, field

from django.db import models


# Plain labels, not gettext_lazy: reading a lazy label needs configured settings, and this
# module must work without them (scripts, pure tests).
class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    YEAR = "year", "year"


class Qualifier(models.TextChoices):
    NONE = "", "none"
    EARLY = "early", "early"
    MID = "mid", "mid"
    LATE = "late", "late"
    BEFORE = "before", "before"
    AFTER = "after", "after"
    BY = "by", "by"
    BETWEEN = "between", "between"
    AS_OF = "as_of", "as of"


_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.QUARTER: 2, Precision.YEAR: 3}
_QUALIFIER_RANK = {q: n for n, q in enumerate(Qualifier)}
# early / mid / late: which third of the period.
PARTS = {Qualifier.EARLY: 0, Qualifier.MID: 1, Qualifier.LATE: 2}
# The qualifiers that leave the earliest day open (only the latest is known) ...
OPEN_START = frozenset({Qualifier.BEFORE, Qualifier.BY, Qualifier.AS_OF})
# ... and the one that leaves the latest day open.
OPEN_END = frozenset({Qualifier.AFTER})

ACCEPTED_FORMS = (
    "Use 2024-01-10, 2024-01, 2024-Q1 or 2024, or write it out: 10 January 2024, Jan 2024, "
    "late December 2023, between 8 and 11 Aug 2025, before 1 Feb 2024, by Mar 2025, "
    "as of 12 Feb 2024, c. 2021; end with ? when the date is your reading, not the source's."
)

INFERRED_MARK = "(inferred)"

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
_PART = re.compile(r"(early|mid|late)[ -]")
_OPEN = re.compile(r"(before|after|by) ")
_AS_OF = re.compile(r"undated,? ?\(as of (.+)\)|(?:undated,? )?as of (.+)")
_BETWEEN = re.compile(r"between (.+?) and (.+)")
_FLAGS = re.compile(r"[~?%]{1,2}$")
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

DAY = datetime.timedelta(days=1)


class PartialDateError(ValueError):
    def __init__(self, text, hint=""):
        shown = text.strip() if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "…"
        self.text, self.hint = text, hint
        super().__init__(
            " ".join(filter(None, [f"Cannot read “{shown}” as a date.", hint, ACCEPTED_FORMS]))
        )

    def __reduce__(self):  # pickle rebuilds from (text, hint), not from the finished message
        return type(self), (self.text, self.hint)


class _Unreadable(ValueError):
    """A reason the reader can act on ("February 2024 has 29 days"), for the message."""

    def __init__(self, hint):
        super().__init__(hint)
        self.hint = hint


def precision_rank(precision) -> int:
    return _RANK[Precision(precision)]


# --- periods ----------------------------------------------------------------------------


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


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _period_end(day: datetime.date, precision: Precision) -> datetime.date:
    if precision == Precision.DAY:
        return day
    if precision == Precision.MONTH:
        return _month_end(day.year, day.month)
    if precision == Precision.QUARTER:
        return _month_end(day.year, 3 * _quarter(day))
    return datetime.date(day.year, 12, 31)


def _part_bounds(anchor: datetime.date, precision: Precision, part) -> tuple:
    """(first, last day) of the early, mid or late third of the period starting at anchor.

    A month splits 1–10 / 11–20 / 21–end, a year Jan–Apr / May–Aug / Sep–Dec, a quarter
    into its three months."""
    k = PARTS[part]
    year, month = anchor.year, anchor.month
    if precision == Precision.MONTH:
        first = datetime.date(year, month, 1 + 10 * k)
        last = _month_end(year, month) if k == 2 else datetime.date(year, month, 10 + 10 * k)
        return first, last
    if precision == Precision.QUARTER:
        return datetime.date(year, month + k, 1), _month_end(year, month + k)
    if precision == Precision.YEAR:
        return datetime.date(year, 1 + 4 * k, 1), _month_end(year, 4 + 4 * k)
    raise _Unreadable("Early, mid and late need a month, a quarter or a year, not a day.")


def _in_range(day: datetime.date) -> datetime.date:
    # Four-digit years only, so that every value has a canonical text form.
    if not 1000 <= day.year <= 9999:
        raise ValueError(f"year {day.year} out of range")
    return day


# --- the value ----------------------------------------------------------------------------


@functools.total_ordering
@dataclass(frozen=True, order=False)
class PartialDate:
    """A date as precise as it is known.

    `start` and `end` are the earliest and latest day the date can mean, inclusive; None
    on the side a "before", "by", "as of" (start) or "after" (end) date leaves open. For
    a plain or early/mid/late date `end` may be left out and is derived. `as_written` is
    kept with the value but is not part of it: two dates written differently but meaning
    the same are equal.
    """

    start: datetime.date | None
    precision: Precision = Precision.DAY
    approximate: bool = False
    end: datetime.date | None = None
    qualifier: Qualifier = Qualifier.NONE
    inferred: bool = False
    as_written: str = field(default="", compare=False)

    def __post_init__(self):
        for name in ("start", "end"):
            value = getattr(self, name)
            # datetime is a date subclass, but would make equal dates compare unequal.
            if value is not None and (
                not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
            ):
                raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
        set_ = functools.partial(object.__setattr__, self)
        set_("precision", Precision(self.precision))
        set_("qualifier", Qualifier(self.qualifier or ""))
        set_("approximate", bool(self.approximate))
        set_("inferred", bool(self.inferred))
        set_("as_written", str(self.as_written or ""))
        try:
            start, end = _bounds(*self._anchors(), self.precision, self.qualifier)
        except OverflowError as exc:
            raise ValueError(str(exc)) from None
        if self.qualifier not in OPEN_END and self.end is None:
            set_("end", end)
        if (self.start, self.end) != (start, end):
            raise ValueError(
                f"{self.start}–{self.end} is not a {self.qualifier.label} {self.precision.value}"
            )

    def _anchors(self) -> tuple:
        """The first day of the period the date names, and of the second one for "between".

        Raises ValueError when start and end are not what the qualifier allows."""
        q, p, start, end = self.qualifier, self.precision, self.start, self.end
        if q in OPEN_START:
            if start is not None or end is None:
                raise ValueError(f"a “{q.label}” date has only a latest day")
            anchor = _period_start(end + DAY if q == Qualifier.BEFORE else end, p)
            return _in_range(anchor), None
        if start is None:
            raise ValueError("start is required")
        if q in OPEN_END:
            if end is not None:
                raise ValueError("an “after” date has only an earliest day")
            return _in_range(_period_start(start - DAY, p)), None
        anchor = _in_range(_period_start(start, p))
        if q == Qualifier.BETWEEN:
            if end is None:
                raise ValueError("a range needs its latest day")
            return anchor, _in_range(_period_start(end, p))
        return anchor, None

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def of(cls, anchor, precision=Precision.DAY, qualifier="", *, until=None, **flags):
        """The date naming the period that starts on `anchor`, qualified.

        `until` is the start of the second period of a "between" range. `flags` are
        approximate, inferred and as_written."""
        precision, qualifier = Precision(precision), Qualifier(qualifier or "")
        start, end = _bounds(anchor, until, precision, qualifier)
        return cls(start, precision, end=end, qualifier=qualifier, **flags)

    @classmethod
    def from_columns(
        cls, date, end, precision, approximate, qualifier="", inferred=False, as_written=""
    ):
        """The value from the database columns (see PartialDateModel).

        `date` is the sort day: the earliest day, or the latest when only that is known.
        Only a range needs the stored `end`; every other kind of date derives it, so a
        row whose `date` was changed without its `end` still reads correctly."""
        qualifier = Qualifier(qualifier or "")
        start = None if qualifier in OPEN_START else date
        if qualifier in OPEN_START:
            end = date
        elif qualifier != Qualifier.BETWEEN:
            end = None
        return cls(start, precision, approximate, end, qualifier, inferred, as_written or "")

    def replace(self, **changes) -> "PartialDate":
        return dataclasses.replace(self, **changes)

    # --- reading ----------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        if not isinstance(text, str):
            raise TypeError(f"expected a string, not {type(text).__name__}")
        if len(text) > MAX_LENGTH or "\x00" in text:
            raise PartialDateError(text)
        s = " ".join(text.split()).lower().replace("\u2013", "-").replace("\u2014", "-")
        try:
            value = _parse(s)
        except _Unreadable as exc:
            raise PartialDateError(text, exc.hint) from exc
        except (ValueError, OverflowError) as exc:  # impossible days, unknown forms
            raise PartialDateError(text) from exc
        return value.replace(as_written=text.strip())

    # --- the interval -------------------------------------------------------------------

    @property
    def anchor(self) -> datetime.date:
        """The first day of the period the words name ("before 1 Feb 2024": 1 Feb)."""
        return self._anchors()[0]

    @property
    def until(self) -> datetime.date | None:
        """For "between": the first day of the second period named."""
        return self._anchors()[1]

    @property
    def sort_day(self) -> datetime.date:
        """The day the date sorts by: the earliest, or the latest when only that is known."""
        return self.start if self.start is not None else self.end

    @property
    def sort_end(self) -> datetime.date:
        """The second sort key: the latest day, or the earliest when only that is known."""
        return self.end if self.end is not None else self.start

    @property
    def is_open(self) -> bool:
        return self.start is None or self.end is None

    def contains(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, other: "PartialDate") -> bool:
        """True when the order of the two is uncertain: neither is certainly earlier."""
        return not certainly_before(self, other) and not certainly_before(other, self)

    def sort_key(self) -> tuple:
        return (
            self.sort_day,
            self.sort_end,
            precision_rank(self.precision),
            _QUALIFIER_RANK[self.qualifier],
            self.approximate,
            self.inferred,
        )

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    # --- writing ----------------------------------------------------------------------------

    def __str__(self) -> str:
        q, c = self.qualifier, "c. " if self.approximate else ""
        name = _name(self.anchor, self.precision)
        if q == Qualifier.AS_OF:
            text = f"undated (as of {c}{name})"
        elif q in (Qualifier.BEFORE, Qualifier.AFTER, Qualifier.BY):
            text = f"{q.value} {c}{name}"
        elif q == Qualifier.BETWEEN:
            text = c + _between_name(self.anchor, self.until, self.precision)
        elif q in PARTS:
            text = f"{c}{q.value} {name}"
        else:
            text = c + name
        return f"{text} {INFERRED_MARK}" if self.inferred else text

    def isoformat(self) -> str:
        """The canonical text form (docs/dates.md)."""
        q, flag = self.qualifier, _flag(self.approximate, self.inferred)
        iso = _iso(self.anchor, self.precision)
        if q == Qualifier.BETWEEN:
            return f"{iso}{flag}/{_iso(self.until, self.precision)}{flag}"
        prefix = {Qualifier.NONE: "", Qualifier.AS_OF: "as of "}.get(q, f"{q.value} ")
        return f"{prefix}{iso}{flag}"

    @property
    def html_datetime(self) -> str | None:
        """A valid HTML `<time datetime>` value: the smallest calendar day, month or year
        holding the whole interval, or None when none does (open or spanning years)."""
        start, end = self.start, self.end
        if start is None or end is None:
            return None
        if start == end:
            return start.isoformat()
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.year:04d}-{start.month:02d}"
        if start.year == end.year:
            return f"{start.year:04d}"
        return None

    def interval_text(self) -> str:
        """The days meant, spelled out: "21 Dec 2023 to 31 Dec 2023", "up to 31 Jan 2024"."""
        start = _name(self.start, Precision.DAY) if self.start else None
        end = _name(self.end, Precision.DAY) if self.end else None
        if start is None:
            return f"any day up to {end}"
        if end is None:
            return f"any day from {start}"
        return start if start == end else f"{start} to {end}"


parse_partial_date = PartialDate.parse


def certainly_before(a: PartialDate, b: PartialDate) -> bool:
    """True when every day `a` can mean is before every day `b` can mean.

    An open side counts as infinitely far: nothing is certainly before a "before" date,
    and an "after" date is certainly before nothing."""
    return a.end is not None and b.start is not None and a.end < b.start


def thread_order(values: list) -> list:
    """For each date of a list sorted by sort key: (index of its previous one, certain).

    The previous statement of a thread is certain only when the statement's date overlaps
    no other date in the thread, and the statement just before it overlaps none of the
    earlier ones; otherwise another statement could have come in between, or be the
    previous one. For the first statement, (None, True) when it overlaps nothing.
    O(n): running maxima of the latest day from the front, minima of the earliest from
    the back (an open side counts as infinite)."""
    n = len(values)
    never, always = datetime.date.max, datetime.date.min
    latest = [v.end if v.end is not None else never for v in values]
    earliest = [v.start if v.start is not None else always for v in values]
    max_end_before = [always] * (n + 1)  # max latest day of values[:i]
    for i in range(n):
        max_end_before[i + 1] = max(max_end_before[i], latest[i])
    min_start_after = [never] * (n + 1)  # min earliest day of values[i:]
    for i in range(n - 1, -1, -1):
        min_start_after[i] = min(min_start_after[i + 1], earliest[i])
    order = []
    for i in range(n):
        alone = max_end_before[i] < earliest[i] and latest[i] < min_start_after[i + 1]
        if not alone:
            order.append((i - 1 if i else None, False))
        elif i == 0:
            order.append((None, True))
        else:
            order.append((i - 1, max_end_before[i - 1] < earliest[i - 1]))
    return order


# --- writing helpers -----------------------------------------------------------------------


def _flag(approximate: bool, inferred: bool) -> str:
    # EDTF: "~" approximate, "?" uncertain (here: the analyst's reading), "%" both.
    return {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}[
        (approximate, inferred)
    ]


def _name(day: datetime.date, precision: Precision) -> str:
    return {
        Precision.DAY: f"{day.day} {SHORT_MONTHS[day.month]} {day.year}",
        Precision.MONTH: f"{SHORT_MONTHS[day.month]} {day.year}",
        Precision.QUARTER: f"Q{_quarter(day)} {day.year}",
        Precision.YEAR: f"{day.year}",
    }[precision]


def _between_name(a: datetime.date, b: datetime.date, precision: Precision) -> str:
    """ "between 8 and 11 Aug 2025": what the two ends share is written once, at the end."""
    if a.year != b.year or precision == Precision.YEAR:
        return f"between {_name(a, precision)} and {_name(b, precision)}"
    if precision == Precision.DAY:
        if a.month == b.month:
            return f"between {a.day} and {b.day} {SHORT_MONTHS[b.month]} {b.year}"
        return f"between {a.day} {SHORT_MONTHS[a.month]} and {_name(b, precision)}"
    if precision == Precision.MONTH:
        return f"between {SHORT_MONTHS[a.month]} and {_name(b, precision)}"
    return f"between Q{_quarter(a)} and {_name(b, precision)}"


def _iso(day: datetime.date, precision: Precision) -> str:
    return {
        Precision.DAY: day.isoformat(),
        Precision.MONTH: f"{day.year:04d}-{day.month:02d}",
        Precision.QUARTER: f"{day.year:04d}-Q{_quarter(day)}",
        Precision.YEAR: f"{day.year:04d}",
    }[precision]


def _bounds(anchor, until, precision, qualifier) -> tuple:
    """(earliest, latest) day of the period(s) named, qualified; None for an open side."""
    if qualifier in PARTS:
        return _part_bounds(anchor, precision, qualifier)
    if qualifier == Qualifier.BETWEEN:
        if until is None:
            raise ValueError("a range needs two ends")
        if until <= anchor:
            raise _Unreadable(
                "The range ends before it starts."
                if until < anchor
                else "Both ends of the range are the same: write the date once."
            )
        return anchor, _period_end(until, precision)
    if qualifier == Qualifier.BEFORE:
        return None, anchor - DAY
    if qualifier in OPEN_START:
        return None, _period_end(anchor, precision)
    if qualifier in OPEN_END:
        return _period_end(anchor, precision) + DAY, None
    return anchor, _period_end(anchor, precision)


# --- reading helpers -----------------------------------------------------------------------


def _strip_flags(s: str) -> tuple[str, bool, bool]:
    """Trailing "~", "?", "%" or "(inferred)": (rest, approximate, inferred)."""
    approximate = inferred = False
    if s.endswith(INFERRED_MARK):
        inferred, s = True, s.removesuffix(INFERRED_MARK).rstrip()
    if m := _FLAGS.search(s):
        flags = m[0]
        if len(set(flags)) != len(flags) or ("%" in flags and len(flags) > 1):
            raise ValueError(f"repeated flags {flags}")
        approximate = approximate or "~" in flags or "%" in flags
        inferred = inferred or "?" in flags or "%" in flags
        s = s[: m.start()].rstrip()
    return s, approximate, inferred


def _strip_approx(s: str) -> tuple[str, bool]:
    if m := _APPROX.match(s):
        return s[m.end() :], True
    return s, False


def _plain(s: str) -> tuple[datetime.date, Precision]:
    """A single named period, unqualified: (its first day, precision)."""
    if _AMBIGUOUS.fullmatch(s):
        raise _Unreadable(_AMBIGUOUS_HINT)
    return _parse_exact(s)


def _parse(s: str) -> PartialDate:
    s, approximate, inferred = _strip_flags(s)
    s, approx = _strip_approx(s)
    approximate |= approx
    qualifier = Qualifier.NONE
    if m := _AS_OF.fullmatch(s):
        qualifier, s = Qualifier.AS_OF, m[1] or m[2]
    elif (m := _OPEN.match(s)) or (m := _PART.match(s)):
        qualifier, s = Qualifier(m[1]), s[m.end() :]
    s, approx = _strip_approx(s)
    approximate |= approx
    flags = {"approximate": approximate, "inferred": inferred}
    if qualifier:
        return PartialDate.of(*_plain(s), qualifier, **flags)
    try:
        return PartialDate.of(*_plain(s), **flags)
    except ValueError as plain_error:
        ranged = _range(s)
        if ranged is None:
            raise plain_error from None
        kind, anchor, precision, until, more_approx, more_inferred = ranged
        flags = {"approximate": approximate or more_approx, "inferred": inferred or more_inferred}
        return PartialDate.of(anchor, precision, kind, until=until, **flags)


def _range(s: str):
    """A range, EDTF interval or open interval; None when `s` has no such form.

    Returns (qualifier, anchor, precision, until, approximate, inferred). Raises
    _Unreadable when a form matches but cannot be meant ("between 11 and 8 Aug 2025")."""
    attempts = []
    if m := _BETWEEN.fullmatch(s):
        attempts.append(lambda: _natural_pair(m[1], m[2]))
    else:
        for i in (i for i, ch in enumerate(s) if ch == "/"):
            attempts.append(functools.partial(_edtf_pair, s[:i].strip(), s[i + 1 :].strip()))
        for sep in (" to ", "-"):
            start = 0
            while (i := s.find(sep, start)) > 0:
                left, right = s[:i].strip(), s[i + len(sep) :].strip()
                attempts.append(functools.partial(_natural_pair, left, right))
                start = i + 1
    hint = None
    for attempt in attempts:
        try:
            return attempt()
        except _Unreadable as exc:
            hint = hint or exc
        except (ValueError, KeyError):
            continue
    if hint is not None:
        raise hint
    return None


def _edtf_pair(left: str, right: str):
    """EDTF "a/b", "../b" (by b) and "a/.." (from a on: after the period before a)."""
    if left == ".." and right == "..":
        raise ValueError("both ends open")
    sides = []
    for side in (left, right):
        if side == "..":
            sides.append(None)
            continue
        side, approximate, inferred = _strip_flags(side)
        sides.append((*_plain(side), approximate, inferred))
    a, b = sides
    if a is None:
        return (Qualifier.BY, b[0], b[1], None, b[2], b[3])
    if b is None:
        before = _period_start(a[0] - DAY, a[1])
        return (Qualifier.AFTER, before, a[1], None, a[2], a[3])
    if a[1] != b[1]:
        raise _Unreadable(_SAME_PRECISION)
    return (Qualifier.BETWEEN, a[0], a[1], b[0], a[2] or b[2], a[3] or b[3])


_SAME_PRECISION = (
    "Both ends of a range must name the same kind of period: two days, months, quarters or years."
)


def _natural_pair(left: str, right: str):
    """ "8" and "11 aug 2025": the first end borrows what it leaves out from the second."""
    if not left or not right:
        raise ValueError("an end is missing")
    b, precision = _plain(right)
    try:
        a, a_precision = _plain(left)
    except ValueError:
        a = None
        words = right.split(" ")
        for k in range(1, len(words)):
            try:
                a, a_precision = _plain(f"{left} {' '.join(words[k:])}")
                break
            except ValueError:
                continue
        if a is None:
            raise ValueError(f"cannot read {left!r}") from None
    if a_precision != precision:
        raise _Unreadable(_SAME_PRECISION)
    return (Qualifier.BETWEEN, a, precision, b, False, False)


def _date(year: str, month: int | str = 1, day: int | str = 1) -> datetime.date:
    if not 1000 <= int(year) <= 9999:
        raise ValueError(f"year {year} out of range")
    if not 1 <= int(month) <= 12:
        raise _Unreadable(f"There is no month {int(month)}.")
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # 2024-02-30
        days = calendar.monthrange(int(year), int(month))[1]
        name = MONTH_NAMES[int(month) - 1].title()
        raise _Unreadable(f"{name} {int(year)} has {days} days.") from None


def _month(word: str) -> int:
    try:
        return MONTHS[word]
    except KeyError:  # an unknown month name ("Foo 2024", "Summer 2024", "Smarch")
        raise _Unreadable(f"“{word}” is not a month.") from None


def _parse_exact(s: str) -> tuple[datetime.date, Precision]:
    """Read an unqualified date (no "c.", "late" or "~"); raise ValueError if impossible."""
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
            raise _Unreadable(f"There is no quarter {quarter}.")
        return _date(year, 3 * int(quarter) - 2), Precision.QUARTER
    if m := _DAY_MONTH_YEAR.fullmatch(s):
        return _date(m[3], _month(m[2]), m[1]), Precision.DAY
    if m := _MONTH_DAY_YEAR.fullmatch(s):
        return _date(m[3], _month(m[1]), m[2]), Precision.DAY
    if m := _MONTH_YEAR.fullmatch(s):
        return _date(m[2], _month(m[1])), Precision.MONTH
    raise ValueError("no accepted form matches")


# --- dates written in running text -------------------------------------------------------

_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_IN_TEXT = re.compile(
    r"(?<![\w-])(?:(?:early|mid|late)[ -])?(?:"
    rf"{_ORD} {_MONTH_WORD},? \d{{4}}"  # 10 January 2024, 10th Jan. 2024
    rf"|{_MONTH_WORD} {_ORD},? \d{{4}}"  # January 10th, 2024
    rf"|{_MONTH_WORD},? \d{{4}}"  # January 2024
    r"|\d{4}-\d{2}-\d{2}"  # 2024-01-10
    r")(?![\w-])",
    re.ASCII | re.IGNORECASE,
)


def dates_in(text: str) -> list:
    """The dates written in running text, as PartialDates keeping the words as written,
    in order of first appearance, each meaning once: "during his January 10th, 2024
    interview" gives 10 January 2024.

    Only a day or a month with its year (and early / mid / late before a month) is read:
    a bare year ("in 2021-2022", "the 1991 declaration") is too often not the date of
    anything said, and a period the words do not name is never guessed. Words that
    look like a date but are none ("Marching 2024", "31 June 2024") are skipped."""
    found = []
    for match in _IN_TEXT.finditer(text or ""):
        words = " ".join(match[0].split())
        try:
            value = PartialDate.parse(words)
        except PartialDateError:
            continue
        if value not in found:
            found.append(value)
    return found
