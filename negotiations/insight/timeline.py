"""Timeline pictures: where each marker, range, rule and label goes in an SVG.

Pure layout: the functions take objects that are already loaded (parties, positions,
events, proposals) and return plain dataclasses with coordinates, labels and links.
Templates only draw what is here; they never compute positions or run queries.

Coordinates are in SVG user units of a picture WIDTH wide; the template scales it.
"""

import datetime
import math
from dataclasses import dataclass, field

from negotiations.models import Position
from negotiations.text.dates import PartialDate

WIDTH = 900
LEFT = 132  # the gutter holding lane names
RIGHT = 16
PLOT = WIDTH - LEFT - RIGHT
TOP = 8
ROW = 32  # one row of markers inside a lane
LANE_PAD = 6
R = 10  # marker radius
LABEL_ROW = 16  # one row of event or proposal labels
CHAR = 7.0  # rough width of one character at font-size 12
AXIS = 34
LEGEND_ROW = 26
LABEL_CHARS = 34

DAY = datetime.timedelta(days=1)

# A timeline draws at most the latest MOST_EVENTS events, MOST_PROPOSALS proposals and
# MOST_POSITIONS positions of each party (its table lists the same items), and says so
# when there are more. A thousand labelled proposal ticks are unreadable, and drawing
# them took 170 ms at size L (1,000 proposals, 200 events); this keeps a page's cost
# flat however long the negotiation runs.
MOST_EVENTS = 100
MOST_PROPOSALS = 100
MOST_POSITIONS = 100


@dataclass(frozen=True)
class StanceStyle:
    code: str
    shape: str
    fill: str
    stroke: str


# Shape and letter code carry the meaning; the fill colour only supports them.
STANCE_STYLES = {
    Position.Stance.DEMAND: StanceStyle("D", "square", "#fde7e5", "#8c1d18"),
    Position.Stance.RED_LINE: StanceStyle("RL", "octagon", "#f6c6c2", "#5b0f0f"),
    Position.Stance.CONDITION: StanceStyle("C", "diamond", "#fff0d6", "#7a4a00"),
    Position.Stance.OFFER: StanceStyle("O", "triangle", "#e3ecfb", "#0b3d91"),
    Position.Stance.PROPOSES: StanceStyle("P", "pentagon", "#e3ecfb", "#0b3d91"),
    Position.Stance.ACCEPTS: StanceStyle("A", "circle", "#dff3e4", "#0f5223"),
    Position.Stance.SUPPORTS: StanceStyle("S", "hexagon", "#dff3e4", "#0f5223"),
    Position.Stance.OPEN: StanceStyle("?", "ring", "#ffffff", "#3c4043"),
    Position.Stance.REJECTS: StanceStyle("R", "triangle_down", "#f3d1d1", "#5b0f0f"),
    Position.Stance.COMMITTED: StanceStyle("CT", "square", "#c8ecd3", "#0f5223"),
    Position.Stance.COMMITS: StanceStyle("CM", "circle", "#c8ecd3", "#0f5223"),
    Position.Stance.CONCERN: StanceStyle("CN", "ring", "#fff8e1", "#7a4a00"),
    Position.Stance.OPPOSES: StanceStyle("OP", "triangle_down", "#fde7e5", "#8c1d18"),
    Position.Stance.DENIES: StanceStyle("DN", "diamond", "#eceff1", "#3c4043"),
    Position.Stance.THREATENS: StanceStyle("T", "octagon", "#f3d1d1", "#5b0f0f"),
}
UNKNOWN_STYLE = StanceStyle("·", "circle", "#eceff1", "#3c4043")


def _polygon(sides, radius, rotation=0.0):
    points = []
    for k in range(sides):
        angle = rotation + 2 * math.pi * k / sides
        points.append(f"{radius * math.sin(angle):.1f},{-radius * math.cos(angle):.1f}")
    return "M" + " L".join(points) + " Z"


_CIRCLE = f"M{-R},0 A{R},{R} 0 1,0 {R},0 A{R},{R} 0 1,0 {-R},0 Z"
# Marker outlines centred on (0, 0), and how far to move the letter down to centre it.
SHAPES = {
    "square": (f"M{-R + 1},{-R + 1} H{R - 1} V{R - 1} H{-R + 1} Z", 3.5),
    "octagon": (_polygon(8, R + 2, math.pi / 8), 3.5),
    "diamond": (_polygon(4, R + 3), 3.5),
    "triangle": (f"M0,{-R - 3} L{R + 2},{R - 1} L{-R - 2},{R - 1} Z", 6),
    "triangle_down": (f"M{-R - 2},{-R + 1} L{R + 2},{-R + 1} L0,{R + 3} Z", 1),
    "pentagon": (_polygon(5, R + 1), 4.5),
    "hexagon": (_polygon(6, R + 1, math.pi / 6), 3.5),
    "circle": (_CIRCLE, 3.5),
    "ring": (_CIRCLE, 3.5),
}


def stance_style(stance):
    return STANCE_STYLES.get(stance, UNKNOWN_STYLE)


def _clip(text, limit=LABEL_CHARS):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text):
    return len(text) * CHAR


def _href(item):
    """The item's URL, reversed once: the picture and the table both link to it."""
    try:
        return item.timeline_href
    except AttributeError:
        item.timeline_href = item.get_absolute_url()
        return item.timeline_href


# --- the picture's parts ------------------------------------------------------------


@dataclass
class Tick:
    x: float
    label: str
    major: bool

    # A year label (12 px, bold) starts 3 px right of its tick; a quarter label (10.5 px)
    # is centred on it. Widths are estimates per character, generous rather than tight.
    @property
    def label_extent(self):
        if self.major:
            return self.x + 3, self.x + 3 + 8 * len(self.label)
        half = 3.4 * len(self.label)
        return self.x - half, self.x + half


@dataclass
class Marker:
    x: float  # the day the date sorts by
    y: float
    bar_x: float
    bar_width: float  # 0 for a date known to the day
    approximate: bool
    precision: str
    path: str
    code: str
    code_dy: float
    fill: str
    stroke: str
    stance: str
    stance_label: str
    movement_label: str
    date_label: str
    href: str
    title: str  # the tooltip: who, what, when

    @property
    def bar_y(self):
        return round(self.y - 4, 1)


@dataclass
class Lane:
    party: object
    label: str
    y: float
    height: float
    markers: list = field(default_factory=list)
    shaded: bool = False

    @property
    def label_y(self):
        return round(self.y + self.height / 2 + 4, 1)


@dataclass
class Rule:
    """An event: a vertical line across the lanes, its label at the top."""

    x: float
    band_width: float  # the event's date range, shaded behind the lanes
    approximate: bool
    band_x: float
    label: str
    label_x: float
    label_y: float
    anchor: str
    y1: float
    y2: float
    date_label: str
    href: str
    title: str


@dataclass
class ProposalTick:
    x: float
    bar_width: float
    approximate: bool
    bar_x: float
    label: str
    label_x: float
    label_y: float
    anchor: str
    y: float
    date_label: str
    href: str
    title: str
    on_issue: bool


@dataclass
class LegendItem:
    x: float
    y: float
    label: str
    kind: str  # stance, range, approximate, event, proposal
    path: str = ""
    code: str = ""
    code_dy: float = 0
    fill: str = ""
    stroke: str = ""


@dataclass
class TableRow:
    """One line of the text table that repeats the picture's data."""

    start: datetime.date
    date_label: str
    kind: str  # Position, Event, Proposal
    who: str
    stance: str
    code: str
    movement: str
    text: str
    href: str
    issue: str = ""
    sort_rank: int = 0
    date: PartialDate | None = None


@dataclass
class Bound:
    """Items of one kind left off the picture: only the latest `shown` of `total`."""

    noun: str  # "events", "proposals", or "positions of <party>"
    shown: int
    total: int


@dataclass
class Timeline:
    title: str
    desc: str
    start: datetime.date
    end: datetime.date
    width: int
    height: float
    plot_left: float
    plot_right: float
    lanes_top: float
    lanes_bottom: float
    proposals_y: float | None
    axis_y: float
    ticks: list
    lanes: list
    rules: list
    proposals: list
    legend: list
    rows: list
    show_issue: bool = False
    empty_parties: list = field(default_factory=list)
    bounds: list = field(default_factory=list)  # [Bound] for each kind cut short

    @property
    def lanes_height(self):
        return round(self.lanes_bottom - self.lanes_top, 1)

    @property
    def tick_label_y(self):
        return round(self.axis_y + 15, 1)

    @property
    def markers(self):
        return [m for lane in self.lanes for m in lane.markers]


# --- scale and axis -----------------------------------------------------------------


@dataclass
class Scale:
    start: datetime.date
    end: datetime.date

    @property
    def days(self):
        return max((self.end - self.start).days, 1)

    def x(self, day):
        return round(LEFT + (day - self.start).days / self.days * PLOT, 1)


def _extent(items):
    """The days the items can mean: earliest start, latest end (+1 day), padded a little.

    An open-ended date ("before 1 Feb 2024") counts by the day it is known to."""
    starts, ends = [], []
    for item in items:
        date = item.partial_date
        starts.append(date.sort_day)
        ends.append(date.sort_end + DAY)
    if not starts:
        return None
    start, end = min(starts), max(ends)
    pad = datetime.timedelta(days=max(10, (end - start).days // 30))
    return start - pad, end + pad


def _quarter_starts(start, end):
    day = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while day <= end:
        if day >= start:
            yield day
        month = day.month + 3
        day = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)


def _ticks(scale):
    quarter_px = PLOT * 91 / scale.days
    year_step = max(1, math.ceil(40 / (quarter_px * 4)))
    ticks = []
    for day in _quarter_starts(scale.start, scale.end):
        if day.month == 1:
            label = str(day.year) if day.year % year_step == 0 else ""
            ticks.append(Tick(scale.x(day), label, True))
        elif quarter_px >= 26:
            label = f"Q{(day.month - 1) // 3 + 1}"
            if not ticks and quarter_px >= 60:  # say which year the axis starts in
                label += f" {day.year}"
            ticks.append(Tick(scale.x(day), label, False))
    return _without_overlaps(ticks)


LABEL_GAP = 4  # px kept free between two axis labels


def _without_overlaps(ticks):
    """The ticks with every quarter label that would touch a year label, or the quarter
    label kept before it, left blank (the tick stays). Year labels are always kept."""
    years = [t.label_extent for t in ticks if t.major and t.label]
    last_right = -math.inf
    for tick in ticks:
        if tick.major or not tick.label:
            continue
        left, right = tick.label_extent
        clash = left < last_right + LABEL_GAP or any(
            left < y_right + LABEL_GAP and y_left < right + LABEL_GAP for y_left, y_right in years
        )
        if clash:
            tick.label = ""
        else:
            last_right = right
    return ticks


# --- stacking -----------------------------------------------------------------------


def _stack(extents):
    """Row index for each (left, right) extent so that no two in a row overlap."""
    row_ends, rows = [], []
    for left, right in extents:
        for index, end in enumerate(row_ends):
            if left > end:
                row_ends[index] = right
                rows.append(index)
                break
        else:
            row_ends.append(right)
            rows.append(len(row_ends) - 1)
    return rows


def _range(scale, date: PartialDate):
    """(x of the marker, x where its bar starts, bar width).

    The marker stands on the day the date sorts by; the bar covers every day the date can
    mean, to the picture's edge on an open side ("before 1 Feb 2024")."""
    mark = scale.x(date.sort_day)
    if date.start == date.end:
        return mark, mark, (14.0 if date.approximate else 0.0)
    left = scale.x(date.start) if date.start is not None else float(LEFT)
    right = scale.x(date.end + DAY) if date.end is not None else float(WIDTH - RIGHT)
    return mark, left, max(round(right - left, 1), 4.0)


def _label_place(x, text):
    """Where a label starts and which way it runs, so it stays inside the picture."""
    width = _text_width(text)
    if x + 4 + width <= WIDTH - RIGHT:
        return x + 4, "start", (x, x + 4 + width)
    return x - 4, "end", (x - 4 - width, x)


# --- building -----------------------------------------------------------------------


def _marker(scale, position, y, show_issue):
    date = position.partial_date
    style = stance_style(position.stance)
    path, code_dy = SHAPES[style.shape]
    x, bar_x, bar_width = _range(scale, date)
    what = f"{position.get_stance_display()} ({position.get_movement_display().lower()})"
    where = f" on {position.issue.title}" if show_issue else ""
    return Marker(
        x=x,
        y=y,
        bar_x=bar_x,
        bar_width=bar_width,
        approximate=date.approximate,
        precision=date.precision.value,
        path=path,
        code=style.code,
        code_dy=code_dy,
        fill=style.fill,
        stroke=style.stroke,
        stance=position.stance,
        stance_label=position.get_stance_display(),
        movement_label=position.get_movement_display(),
        date_label=str(date),
        href=_href(position),
        title=f"{position.party.name}{where}, {date}: {what}. {position.summary}",
    )


def _lanes(scale, groups, top, show_issue):
    lanes, y = [], top
    for index, (party, positions) in enumerate(groups):
        positions = sorted(positions, key=lambda p: p.partial_date.sort_key() + (p.pk,))
        extents = []
        for p in positions:
            x, bar_x, width = _range(scale, p.partial_date)
            extents.append((min(x, bar_x) - R - 3, max(x + R, bar_x + width) + 3))
        rows = _stack(extents)
        height = (max(rows, default=0) + 1) * ROW + 2 * LANE_PAD
        name = party.name if len(party.name) <= 20 or not party.short_name else party.short_name
        lane = Lane(party, _clip(name, 22), y, height, shaded=index % 2 == 0)
        for p, row in zip(positions, rows, strict=True):
            lane.markers.append(_marker(scale, p, y + LANE_PAD + row * ROW + ROW / 2, show_issue))
        lanes.append(lane)
        y += height
    return lanes, y


def _labelled(scale, items, describe):
    """(item, date, x, (bar x, width), label, label_x, anchor, row), labels stacked in rows."""
    placed = []
    for item in sorted(items, key=lambda i: (i.partial_date.sort_key(), i.pk)):
        date = item.partial_date
        x, bar_x, width = _range(scale, date)
        label = _clip(f"{date}: {describe(item)}")
        label_x, anchor, extent = _label_place(x, label)
        placed.append([item, date, x, (bar_x, width), label, label_x, anchor, extent])
    rows = _stack([(left - 4, right + 4) for *_, (left, right) in placed])
    return [(*p[:7], row) for p, row in zip(placed, rows, strict=True)]


def _legend(stances, top, has_events, has_proposals):
    items, x, y = [], LEFT, top + LEGEND_ROW / 2

    def add(item, width):
        nonlocal x, y
        if x + width > WIDTH - RIGHT:
            x, y = LEFT, y + LEGEND_ROW
        item.x, item.y = x, y
        items.append(item)
        x += width

    for stance in Position.Stance:
        if stance.value not in stances:
            continue
        style = stance_style(stance.value)
        path, code_dy = SHAPES[style.shape]
        item = LegendItem(0, 0, stance.label, "stance", path, style.code, code_dy)
        item.fill, item.stroke = style.fill, style.stroke
        add(item, 2 * R + 26 + _text_width(stance.label))
    extra = [
        ("range", "Bar: the days a date can mean (to the edge when open-ended)"),
        ("approximate", "Hatched, dashed: approximate date"),
    ]
    if has_events:
        extra.append(("event", "Vertical line: event"))
    if has_proposals:
        label = "Triangle on the proposals row: proposal tabled"
        if has_proposals == "issue":
            label += " (filled when a provision addresses this issue)"
        extra.append(("proposal", label))
    for kind, label in extra:
        add(LegendItem(0, 0, label, kind), 52 + _text_width(label))
    return items, (y + LEGEND_ROW / 2 if items else top)


def _table(groups, events, proposals, show_issue):
    rows = []
    for party, positions in groups:
        for p in positions:
            date = p.partial_date
            rows.append(
                TableRow(
                    date.sort_day,
                    str(date),
                    "Position",
                    party.name,
                    p.get_stance_display(),
                    stance_style(p.stance).code,
                    p.get_movement_display(),
                    p.summary,
                    _href(p),
                    p.issue.title if show_issue else "",
                    (date.sort_key(), 1, p.pk),
                    date,
                )
            )
    for e in events:
        date = e.partial_date
        rows.append(
            TableRow(
                date.sort_day, str(date), "Event", "", e.get_kind_display(), "", "", e.title,
                _href(e), "", (date.sort_key(), 0, e.pk), date,
            )
        )  # fmt: skip
    for p in proposals:
        date = p.partial_date
        who = p.author.name if p.author_id else "Joint or unattributed"
        note = "addresses this issue" if getattr(p, "on_issue", False) else ""
        rows.append(
            TableRow(
                date.sort_day, str(date), "Proposal", who, p.get_kind_display(), "", note,
                p.title, _href(p), "", (date.sort_key(), 2, p.pk), date,
            )
        )  # fmt: skip
    rows.sort(key=lambda r: r.sort_rank)
    return rows


def build(
    title, intro, groups, events=(), proposals=(), show_issue=False, empty_parties=(), bounds=()
):
    """Lay out a timeline.

    `groups` is [(party, [positions])] in lane order; events and proposals are lists of
    loaded objects (proposals may carry an `on_issue` attribute). Returns None when
    there is nothing to draw.
    """
    events, proposals = list(events), list(proposals)
    positions = [p for _, ps in groups for p in ps]
    extent = _extent([*positions, *events, *proposals])
    if extent is None:
        return None
    scale = Scale(*extent)

    labelled_events = _labelled(scale, events, lambda e: e.title)
    event_rows = max((r for *_, r in labelled_events), default=-1) + 1
    lanes_top = TOP + event_rows * LABEL_ROW + (6 if event_rows else 0)
    lanes, lanes_bottom = _lanes(scale, groups, lanes_top, show_issue)

    ticks_list = []
    proposals_y = None
    y = lanes_bottom
    if proposals:
        proposals_y = y + 14
        labelled = _labelled(
            scale, proposals, lambda p: f"{p.author.short_name or p.author.name}: {p.title}"
            if p.author_id else p.title
        )  # fmt: skip
        for item, date, x, (bar_x, width), label, label_x, anchor, row in labelled:
            ticks_list.append(
                ProposalTick(
                    x=x,
                    bar_width=width,
                    approximate=date.approximate,
                    bar_x=bar_x,
                    label=label,
                    label_x=label_x,
                    label_y=proposals_y + 24 + row * LABEL_ROW,
                    anchor=anchor,
                    y=proposals_y,
                    date_label=str(date),
                    href=_href(item),
                    title=f"{date}: {item.title} ({item.get_kind_display().lower()}, "
                    f"{item.get_availability_display().lower()})",
                    on_issue=bool(getattr(item, "on_issue", False)),
                )
            )
        y = proposals_y + 24 + max(r for *_, r in labelled) * LABEL_ROW + 8
    axis_y = y + 4

    rules = []
    for item, date, x, (bar_x, width), label, label_x, anchor, row in labelled_events:
        label_y = TOP + row * LABEL_ROW + 12
        rules.append(
            Rule(
                x=x,
                band_width=width,
                approximate=date.approximate,
                band_x=bar_x,
                label=label,
                label_x=label_x,
                label_y=label_y,
                anchor=anchor,
                y1=label_y + 3,
                y2=axis_y,
                date_label=str(date),
                href=_href(item),
                title=f"{date}: {item.title} ({item.get_kind_display().lower()})",
            )
        )

    stances = {p.stance for p in positions}
    flagged = any(hasattr(p, "on_issue") for p in proposals)
    has_proposals = ("issue" if flagged else True) if proposals else False
    legend, bottom = _legend(stances, axis_y + AXIS, bool(events), has_proposals)
    counts = [
        f"{len(positions)} position{'s' if len(positions) != 1 else ''}"
        f" of {len(groups)} part{'ies' if len(groups) != 1 else 'y'}",
        f"{len(events)} event{'s' if len(events) != 1 else ''}",
        f"{len(proposals)} proposal{'s' if len(proposals) != 1 else ''}",
    ]
    desc = (
        f"{intro} {', '.join(counts)}, from {PartialDate(extent[0])} to {PartialDate(extent[1])}. "
        "Each marker's shape and letter give the stance; a bar shows the days a date can "
        "mean (a month, a range), hatched when approximate. The table below "
        "lists the same data."
    )
    return Timeline(
        title=title,
        desc=desc,
        start=scale.start,
        end=scale.end,
        width=WIDTH,
        height=round(bottom + 6, 1),
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        lanes_top=lanes_top,
        lanes_bottom=lanes_bottom,
        proposals_y=proposals_y,
        axis_y=axis_y,
        ticks=_ticks(scale),
        lanes=lanes,
        rules=rules,
        proposals=ticks_list,
        legend=legend,
        rows=_table(groups, events, proposals, show_issue),
        show_issue=show_issue,
        empty_parties=list(empty_parties),
        bounds=list(bounds),
    )


# --- the two pictures ---------------------------------------------------------------


@dataclass
class Totals:
    """How many items there are in all, when fewer are drawn (None: all are drawn)."""

    events: int | None = None
    proposals: int | None = None
    positions: dict = field(default_factory=dict)  # party pk: number of positions


def _bounds(events, proposals, totals):
    bounds = []
    for noun, shown, total in (
        ("events", len(events), totals.events),
        ("proposals", len(proposals), totals.proposals),
    ):
        if total is not None and total > shown:
            bounds.append(Bound(noun, shown, total))
    return bounds


def group_by_party(parties, positions, keep_empty=False):
    """[(party, [positions])] in the parties' order, and the parties left without any."""
    by_party = {p.pk: [] for p in parties}
    for position in positions:
        if position.party_id in by_party:
            by_party[position.party_id].append(position)
    groups = [(p, by_party[p.pk]) for p in parties if keep_empty or by_party[p.pk]]
    return groups, [p for p in parties if not by_party[p.pk]]


def issue_timeline(issue, parties, positions, events, proposals, totals=None):
    """Every party's positions on one issue, with the issue's events and the proposals,
    as loaded (negotiations/insight/loading.py loads the latest of each); ``totals``
    says how many there are in all."""
    totals = totals or Totals()
    groups, empty = group_by_party(parties, positions)
    return build(
        f"Timeline of positions on {issue.title}",
        f"Positions on {issue.title} by party over time, with events and proposals:",
        groups,
        events,
        proposals,
        empty_parties=empty,
        bounds=_bounds(events, proposals, totals),
    )


def negotiation_timeline(negotiation, parties, positions, events, proposals, totals=None):
    """Events and proposals of a negotiation, plus positions of the chosen parties, as
    loaded; ``totals`` says how many there are in all."""
    totals = totals or Totals()
    groups, _ = group_by_party(parties, positions, keep_empty=True)
    bounds = _bounds(events, proposals, totals)
    for party, shown in groups:
        total = totals.positions.get(party.pk, len(shown))
        if total > len(shown):
            bounds.append(Bound(f"positions of {party.name}", len(shown), total))
    return build(
        f"Timeline of {negotiation.title}",
        f"Events and proposals in {negotiation.title}"
        + (" with the chosen parties' positions on all issues:" if groups else ":"),
        groups,
        events,
        proposals,
        show_issue=True,
        bounds=bounds,
    )
