"""Demand-shift analytics: how often and how recently each party's positions moved.

Plain functions over querysets that return plain data (dataclasses) for templates and
exports. Counting happens in the database (portable SQL: TruncQuarter/TruncMonth and
Count work on SQLite and PostgreSQL); each function runs a fixed number of queries,
and its output grows with parties × issues × periods, never with the number of rows.

Dates are the dates positions were *stated*, as intervals (negotiations/text/dates.py). A
statement counts in a period only when its whole interval lies inside it; one whose date
spans two periods or is open-ended ("before 1 Feb 2024") counts in a "period uncertain"
row of its party, never in a period it may not belong to. Dates are shown as known: the
last shift of a pair is its partial date ("Q1 2024"), never an invented first day.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    When,
    Window,
)
from django.db.models.functions import Rank, RowNumber, TruncMonth, TruncQuarter
from django.utils.safestring import mark_safe

from negotiations.models import DATE_COLUMNS, CurrentPosition, Position
from negotiations.text.dates import OPEN_END, OPEN_START, PartialDate, Precision

QUARTER, MONTH = "quarter", "month"
GRANULARITIES = {QUARTER: (TruncQuarter, Precision.QUARTER), MONTH: (TruncMonth, Precision.MONTH)}

# The movements counted per period, in column order. "Restated" is not a movement.
COUNTED = (
    Position.Movement.NEW,
    Position.Movement.HARDENED,
    Position.Movement.SOFTENED,
    Position.Movement.DROPPED,
    Position.Movement.CONCEDED,
)
KINDS = [m.value for m in COUNTED]


@dataclass
class Filters:
    """What to count. Empty party/issue lists mean all; None dates mean open-ended."""

    parties: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None

    @classmethod
    def from_partial(cls, parties=(), issues=(), date_from=None, date_to=None):
        """A range from typed partial dates: the start of "from" to the end of "to"
        (an open side, "before 2024" as "from", sets no bound)."""
        return cls(
            list(parties),
            list(issues),
            date_from.start if date_from else None,
            date_to.end if date_to else None,
        )

    def apply(self, positions, dates=True):
        """`positions` filtered; without `dates`, by party and issue only."""
        if self.parties:
            positions = positions.filter(party__in=[p.pk for p in self.parties])
        if self.issues:
            positions = positions.filter(issue__in=[i.pk for i in self.issues])
        if not dates:
            return positions
        if self.start:
            positions = positions.filter(date__gte=self.start)
        if self.end:
            positions = positions.filter(date__lte=self.end)
        return positions


# --- counts per period --------------------------------------------------------------


UNCERTAIN_PERIOD = "uncertain"  # the `period` of the uncertain row in exports


@dataclass
class PeriodRow:
    party: object
    period: PartialDate | None  # None: dates that span periods or are open-ended
    counts: dict  # {movement: n} for every kind in KINDS

    @property
    def uncertain(self):
        return self.period is None

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def cells(self):
        return [self.counts[k] for k in KINDS]


def period_of(day, granularity):
    precision = GRANULARITIES[granularity][1]
    if precision == Precision.QUARTER:
        day = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        day = day.replace(day=1)
    return PartialDate(day, precision)


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def counts_by_period(positions, parties, granularity=QUARTER):
    """Rows (party, period, {movement: n}) for every party × period with a movement.

    A statement is counted in a period when its whole interval lies inside it; the others
    (spanning two periods, or open-ended) go to the party's "period uncertain" row
    (period None), after its periods. `positions` is already filtered; `parties` gives
    the row order (participation order).
    """
    trunc = GRANULARITIES[granularity][0]
    open_ended = Case(
        When(date_qualifier__in=[*OPEN_START, *OPEN_END], then=1),
        default=0,
        output_field=IntegerField(),
    )
    rows = (
        positions.filter(movement__in=KINDS)
        .order_by()
        .annotate(period=trunc("date"), period_end=trunc("date_end"), open_ended=open_ended)
        .values_list("party_id", "period", "period_end", "open_ended", "movement")
        .annotate(n=Count("*"))  # not COUNT(id): see most_changed
    )
    found = {}
    for party_id, period, period_end, open_ended, movement, n in rows:
        start, end = _as_date(period), _as_date(period_end)
        known = None if open_ended or start != end else period_of(start, granularity)
        found.setdefault((party_id, known), dict.fromkeys(KINDS, 0))[movement] += n
    order = {p.pk: i for i, p in enumerate(parties)}
    by_id = {p.pk: p for p in parties}
    keys = sorted(
        (k for k in found if k[0] in by_id),
        key=lambda k: (order[k[0]], k[1] is None, k[1].sort_key() if k[1] else ()),
    )
    return [PeriodRow(by_id[party], period, found[(party, period)]) for party, period in keys]


def period_table(rows):
    """{party slug: {period iso: {movement: n}}}: the rows as plain data, for tests and JSON.

    The "period uncertain" row is keyed UNCERTAIN_PERIOD."""
    table = {}
    for row in rows:
        key = row.period.isoformat() if row.period else UNCERTAIN_PERIOD
        table.setdefault(row.party.slug, {})[key] = dict(row.counts)
    return table


def periods_between(first, last, granularity):
    """Every period from the one holding `first` to the one holding `last`."""
    step = 3 if granularity == QUARTER else 1
    period, end = period_of(first, granularity), period_of(last, granularity)
    periods = []
    while period.start <= end.start:
        periods.append(period)
        month = period.start.month - 1 + step
        start = datetime.date(period.start.year + month // 12, month % 12 + 1, 1)
        period = PartialDate(start, period.precision)
    return periods


# --- the issues that moved most ----------------------------------------------------


@dataclass
class ChangedIssue:
    party: object
    issue: object
    shifts: int
    last_shift: PartialDate  # the date of the latest shift, as known


def most_changed(positions, parties, issues, top=10):
    """Party × issue pairs by the number of shifts (hardened, softened, dropped, conceded).

    Ties go to the pair that moved most recently, then to issue and party order.

    The database counts every pair but returns only the pairs ranked within ``top`` by
    (shifts, last shift): RANK() gives rows that tie on both the same rank, so every
    pair that could still win the issue and party tie-break comes back (at size L that
    is ~10 rows instead of ~20,000).
    """
    party_by_id, issue_by_id = {p.pk: p for p in parties}, {i.pk: i for i in issues}
    rows = (
        positions.shifts()
        .filter(party__in=list(party_by_id), issue__in=list(issue_by_id))
        .order_by()
        .values("party_id", "issue_id")
        # COUNT(*), not COUNT(id): the id is not in position_pair_movement_idx, and
        # counting it would send PostgreSQL back to the table for every row.
        .annotate(n=Count("*"), last=Max("date"))
        .annotate(rank=Window(Rank(), order_by=[F("n").desc(), F("last").desc()]))
        .filter(rank__lte=top)
        .values_list("party_id", "issue_id", "n", "last")
    )
    party_order = {p.pk: n for n, p in enumerate(parties)}
    issue_order = {i.pk: n for n, i in enumerate(issues)}
    found = [(n, _as_date(last), party_id, issue_id) for party_id, issue_id, n, last in rows]
    found.sort(key=lambda r: (-r[0], -r[1].toordinal(), issue_order[r[3]], party_order[r[2]]))
    found = found[:top]
    last_dates = _last_shift_dates(positions, [(party, issue) for _, _, party, issue in found])
    return [
        ChangedIssue(
            party_by_id[party_id], issue_by_id[issue_id], n, last_dates[party_id, issue_id]
        )
        for n, _last, party_id, issue_id in found
    ]


def _last_shift_dates(positions, pairs):
    """{(party_id, issue_id): partial date of the pair's latest shift}, in one query.

    The ranking above sorts by the latest sort day; what a page shows is the whole date
    of that statement ("Q1 2024"), not its first day."""
    if not pairs:
        return {}
    wanted = Q()
    for party_id, issue_id in pairs:
        wanted |= Q(party_id=party_id, issue_id=issue_id)
    latest = positions.shifts().filter(wanted).current().order_by().only(*SINCE_FIELDS)
    return {(p.party_id, p.issue_id): p.partial_date for p in latest}


# --- time since the last movement ---------------------------------------------------


@dataclass
class SinceLast:
    party: object
    issue: object
    position: Position  # the last shift, or the last statement when there is none
    moved: bool  # False: the party never shifted on this issue, the statement is shown
    days: int

    @property
    def date(self):
        return self.position.partial_date


# What the "time since" table needs of a position: its link, movement and date.
SINCE_FIELDS = ("issue_id", "party_id", "movement", *DATE_COLUMNS)


def since_last_movement(positions, parties, issues, reference=None, kept=False):
    """For each party × issue with a statement: days from its last shift to `reference`.

    When the party never shifted on the issue, its last statement counts instead. Days are
    counted from the day the date sorts by (its earliest day, or its latest when only that
    is known: "before 1 Feb 2024"); `reference` defaults to today.

    One query: window functions number each pair's statements from the latest (and,
    separately, its shifts and its other statements), and only the latest statement and
    the latest shift of each pair come back. Parties and issues are attached from the
    lists given, not joined.

    `kept`: the caller knows that each pair's latest statement in `positions` is its
    kept current one (models.CurrentPosition), when no statement is dated after the
    range counted (see kept_is_latest). The query then reads only the pairs' shifts and
    their current statements, and numbers them once, instead of numbering every
    statement twice (at size L, 16 → 12 ms for a page, 460 → 320 ms for the export).
    """
    reference = reference or datetime.date.today()
    party_by_id = {p.pk: p for p in parties}
    issue_by_id = {i.pk: i for i in issues}
    rows = since_rows(positions, list(party_by_id), list(issue_by_id), kept)
    last_statement, last_shift = {}, {}
    for position in rows:
        key = (position.party_id, position.issue_id)
        position.party, position.issue = party_by_id[key[0]], issue_by_id[key[1]]
        if position.nth == 1:
            last_statement[key] = position
        if position.shift and position.nth_of_kind == 1:
            last_shift[key] = position
    party_order = {p.pk: n for n, p in enumerate(parties)}
    lines = []
    for key, statement in last_statement.items():
        party_id, issue_id = key
        position = last_shift.get(key, statement)
        party, issue = party_by_id[party_id], issue_by_id[issue_id]
        days = (reference - position.date).days
        lines.append(SinceLast(party, issue, position, key in last_shift, days))
    lines.sort(key=lambda line: (party_order[line.party.pk], -line.days, line.issue.order))
    return lines


def since_rows(positions, party_ids, issue_ids, kept=False):
    """The query of since_last_movement: each pair's latest statement (nth 1) and its
    latest shift (shift 1, nth_of_kind 1)."""
    latest_first = [F("date").desc(), F("date_end").desc(), F("pk").desc()]
    is_shift = Case(When(movement__in=Position.SHIFTS, then=1), default=0)
    scope = (
        positions.filter(party__in=party_ids, issue__in=issue_ids).order_by().only(*SINCE_FIELDS)
    )
    if kept:
        # One pass over the pairs' shifts and their kept current statements (not every
        # statement): the current one is marked by the kept state, and only the shifts
        # are numbered, to find each pair's latest.
        current = CurrentPosition.objects.of(issue_ids, party_ids).values("position_id")
        return (
            scope.filter(Q(movement__in=Position.SHIFTS) | Q(pk__in=current))
            .annotate(
                shift=is_shift,
                nth=Case(When(pk__in=current, then=1), default=0),
                nth_of_kind=Window(
                    RowNumber(),
                    partition_by=[F("party_id"), F("issue_id"), is_shift],
                    order_by=latest_first,
                ),
            )
            .filter(Q(nth=1) | Q(shift=1, nth_of_kind=1))
        )
    return scope.annotate(
        shift=is_shift,
        nth=Window(RowNumber(), partition_by=[F("party_id"), F("issue_id")], order_by=latest_first),
        nth_of_kind=Window(
            RowNumber(),
            partition_by=[F("party_id"), F("issue_id"), is_shift],
            order_by=latest_first,
        ),
    ).filter(Q(nth=1) | Q(shift=1, nth_of_kind=1))


def kept_is_latest(positions, last_day):
    """Whether the kept current state gives each thread's latest statement among
    `positions` up to `last_day` (a queryset filtered by party and issue, not by date):
    true when none is dated after that day. A start date changes nothing — a thread
    whose current statement is before it has no statement in the range at all. One
    query, on position_party_date_idx when `positions` names its parties."""
    return not positions.filter(date__gt=last_day).exists()


# --- the chart ----------------------------------------------------------------------

CHART_WIDTH = 1000
CHART_LEFT = 150
CHART_RIGHT = 16
PANEL_HEIGHT = 70
PANEL_GAP = 26
CHART_TOP = 10
# Colour and pattern both tell the kinds apart; the legend and table name them.
KIND_STYLES = {
    "new": ("#9aa0a6", ""),
    "hardened": ("#8c1d18", "chart-hatch"),
    "softened": ("#0b57d0", "chart-dots"),
    "dropped": ("#5f6368", "chart-cross"),
    "conceded": ("#0f5223", ""),
}


@dataclass
class Segment:
    kind: str
    y: float
    height: float
    n: int
    fill: str
    pattern: str


@dataclass
class Bar:
    period: PartialDate
    x: float
    width: float
    total: int
    label_y: float
    segments: list = field(default_factory=list)
    title: str = ""

    @property
    def center(self):
        return round(self.x + self.width / 2, 1)

    @property
    def rects(self):
        """The bar's stacked rectangles as SVG markup.

        Built here, not in the template, because the template would resolve nine
        variables per segment (~25 ms for ten parties × 22 quarters). Only numbers and
        the fixed colours and pattern names of KIND_STYLES go in: no text from the data.
        """
        parts = []
        for s in self.segments:
            box = f'x="{self.x}" y="{s.y}" width="{self.width}" height="{s.height}"'
            parts.append(f'<rect {box} fill="{s.fill}" stroke="#1d1d1f" stroke-width="0.6"/>')
            if s.pattern:
                parts.append(f'<rect {box} fill="url(#{s.pattern})"/>')
        return mark_safe("".join(parts))  # numbers and constants only, see above


@dataclass
class Panel:
    party: object
    y: float
    baseline: float
    bars: list = field(default_factory=list)
    total: int = 0

    @property
    def label_y(self):
        return round(self.y + PANEL_HEIGHT / 2, 1)


@dataclass
class Chart:
    width: int
    height: float
    left: float
    right: float
    panels: list
    axis_labels: list  # (x, text)
    legend: list  # (x, kind, label, fill, pattern)
    max_total: int
    title: str
    desc: str
    axis_y: float = 0
    legend_y: float = 0


def chart(rows, parties, granularity=QUARTER):
    """Small multiples: a row of stacked bars per party, one bar per period.

    The "period uncertain" rows have no bar (the table gives them)."""
    uncertain = sum(r.total for r in rows if r.period is None)
    rows = [r for r in rows if r.period is not None]
    if not rows:
        return None
    periods = periods_between(
        min(r.period.start for r in rows), max(r.period.start for r in rows), granularity
    )
    index = {p: n for n, p in enumerate(periods)}
    slot = (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) / len(periods)
    bar_width = round(max(min(slot * 0.7, 40), 2), 1)
    max_total = max(r.total for r in rows)
    scale = (PANEL_HEIGHT - 14) / max_total
    by_party = {}
    for row in rows:
        by_party.setdefault(row.party.pk, []).append(row)
    panels, y = [], CHART_TOP
    for party in parties:
        if party.pk not in by_party:
            continue
        baseline = y + PANEL_HEIGHT
        panel = Panel(party, y, baseline)
        for row in by_party[party.pk]:
            x = CHART_LEFT + index[row.period] * slot + (slot - bar_width) / 2
            top = baseline
            bar = Bar(row.period, round(x, 1), bar_width, row.total, 0)
            for kind in KINDS:
                n = row.counts[kind]
                if not n:
                    continue
                height = n * scale
                top -= height
                fill, pattern = KIND_STYLES[kind]
                segment = Segment(kind, round(top, 1), round(height, 1), n, fill, pattern)
                bar.segments.append(segment)
            bar.label_y = round(top - 3, 1)
            counts = ", ".join(f"{row.counts[k]} {k}" for k in KINDS if row.counts[k])
            bar.title = f"{party.name}, {row.period}: {counts}"
            panel.bars.append(bar)
            panel.total += row.total
        panels.append(panel)
        y = baseline + PANEL_GAP
    every = max(1, round(len(periods) / ((CHART_WIDTH - CHART_LEFT) / 56)))
    axis_labels = [
        (round(CHART_LEFT + n * slot + slot / 2, 1), str(p))
        for n, p in enumerate(periods)
        if n % every == 0
    ]
    legend, x = [], CHART_LEFT
    for kind in KINDS:
        fill, pattern = KIND_STYLES[kind]
        label = Position.Movement(kind).label
        legend.append((x, kind, label, fill, pattern))
        x += 34 + len(label) * 7
    axis_y = y - PANEL_GAP + 16
    height = axis_y + 40
    unit = "quarter" if granularity == QUARTER else "month"
    return Chart(
        width=CHART_WIDTH,
        height=round(height, 1),
        left=CHART_LEFT,
        right=CHART_WIDTH - CHART_RIGHT,
        panels=panels,
        axis_labels=axis_labels,
        legend=legend,
        max_total=max_total,
        title=f"Positions per {unit} by movement, one row per party",
        desc=(
            f"Stacked bars per {unit} from {periods[0]} to {periods[-1]}: new, hardened, "
            f"softened, dropped and conceded positions; the tallest bar counts {max_total}. "
            + (
                f"{uncertain} statement{'s' if uncertain != 1 else ''} whose dates span more "
                f"than one {unit} or are open-ended are not drawn. "
                if uncertain
                else ""
            )
            + "The table below gives the same numbers."
        ),
        axis_y=round(axis_y, 1),
        legend_y=round(axis_y + 22, 1),
    )
