"""Computations across positions: the issue × party matrix and snapshot compares.

Plain functions over querysets that return plain data for templates. Each function
runs a fixed number of queries, whatever the amount of data.
"""

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils.html import format_html

from negotiations.models import DATE_COLUMNS, CurrentPosition, Position
from negotiations.templatetags.partial_dates import time_html
from negotiations.text.dates import certainly_before, thread_order
from negotiations.text.diffs import cached_diff_html, cached_diffs_html


@dataclass
class Cell:
    issue: object
    party: object
    position: Position | None = None
    shifts: int = 0
    last_shift: Position | None = None
    thread_url: str = ""
    # Text the dashboard prints, prepared once here: per-cell template filters and
    # choice lookups were most of the page's time at 360 cells.
    summary: str = ""
    stance: str = ""
    movement: str = ""
    date: str = ""  # HTML: the date at the precision known
    last_shift_text: str = ""  # HTML
    source_title: str = ""

    def __post_init__(self):
        p, last = self.position, self.last_shift
        if p is None:
            return
        self.summary = p.summary if len(p.summary) <= 110 else p.summary[:109].rstrip() + "…"
        self.stance = p.get_stance_display()
        self.movement = p.get_movement_display().lower()
        self.date = time_html(p.partial_date)
        title = getattr(p, "source_title", None) or ""
        self.source_title = title if len(title) <= 40 else title[:39].rstrip() + "…"
        if last is not None and last.pk != p.pk:
            label = last.get_movement_display().lower()
            self.last_shift_text = format_html("last {} {}", label, time_html(last.partial_date))


@dataclass
class Row:
    issue: object
    url: str = ""
    cells: list[Cell] = field(default_factory=list)


def matrix(positions, issues, parties):
    """Rows of cells: the current position of each party on each issue.

    `positions` is the queryset to draw from (already filtered to the negotiation).
    A 30 × 12 matrix is 360 cells, so each cell gets what it shows precomputed
    (its first source through subqueries, its URL) rather than per-cell lookups.
    """
    issue_ids = [i.pk for i in issues]
    party_ids = [p.pk for p in parties]
    scope = positions.filter(issue_id__in=issue_ids, party_id__in=party_ids)
    # The current statements are kept (CurrentPosition), not recomputed: an index
    # lookup for the cells shown instead of an anti-join over every statement.
    kept = CurrentPosition.objects.of(issue_ids, party_ids).values("position_id")
    current = {(p.issue_id, p.party_id): p for p in scope.filter(pk__in=kept).with_first_source()}
    shifts = scope.shift_counts()
    last_shifts = {
        (p.issue_id, p.party_id): p
        for p in scope.shifts().current().only("issue_id", "party_id", "movement", *DATE_COLUMNS)
    }
    rows = []
    for issue in issues:
        # The thread of a party on an issue lives under the issue's own URL.
        row = Row(issue, issue.get_absolute_url())
        for party in parties:
            key = (issue.pk, party.pk)
            row.cells.append(
                Cell(
                    issue,
                    party,
                    current.get(key),
                    shifts.get(key, 0),
                    last_shifts.get(key),
                    f"{row.url}{party.slug}/",
                )
            )
        rows.append(row)
    return rows


def without_empty(rows, parties):
    """The matrix without its empty rows and columns: (rows, parties) keeping only the
    issues on which some shown party has a position, and the parties with one on some
    shown issue. The rows are new; their cells are the same."""
    rows = [row for row in rows if any(cell.position for cell in row.cells)]
    keep = [i for i in range(len(parties)) if any(row.cells[i].position for row in rows)]
    trimmed = [Row(row.issue, row.url, [row.cells[i] for i in keep]) for row in rows]
    return trimmed, [parties[i] for i in keep]


@dataclass
class Step:
    """One statement in a thread, with what changed since the one before.

    `order_uncertain`: the dates of this statement and the one above overlap, so which
    came first is not known and nothing is computed between them. `previous_uncertain`:
    the one above is certainly earlier, but this statement's date (or the one above's)
    overlaps another, so the statement it followed may be a different one."""

    position: Position
    previous: Position | None
    summary_diff: str = ""
    quote_diff: str = ""
    history: list = field(default_factory=list)
    order_uncertain: bool = False
    previous_uncertain: bool = False


def thread_steps(positions, history=None):
    """Steps for a thread's positions, in their stated order (date, date_end, pk).

    A word diff is computed only against a statement that is certainly earlier."""
    positions = list(positions)
    dates = [p.partial_date for p in positions]
    order = thread_order(dates)
    steps, previous, wanted = [], None, []
    for n, position in enumerate(positions):
        step = Step(position, previous, history=(history or {}).get(position.pk, []))
        if previous is not None:
            step.order_uncertain = not certainly_before(dates[n - 1], dates[n])
            step.previous_uncertain = not step.order_uncertain and not order[n][1]
        if previous is not None and not step.order_uncertain:
            key = f"{previous.pk}.{previous.version}:{position.pk}.{position.version}"
            wanted.append((step, "summary_diff", f"position-summary:{key}", previous.summary,
                           position.summary))  # fmt: skip
            if previous.quote or position.quote:
                wanted.append((step, "quote_diff", f"position-quote:{key}", previous.quote,
                               position.quote))  # fmt: skip
        steps.append(step)
        previous = position
    # The page's diffs in one cache round trip, not one each.
    htmls = cached_diffs_html([(key, a, b) for _, _, key, a, b in wanted])
    for (step, name, *_), html in zip(wanted, htmls, strict=True):
        setattr(step, name, html)
    return steps


# --- snapshot compare -----------------------------------------------------------------


@dataclass
class SnapshotLine:
    issue: object
    party: object
    before: Position | None
    after: Position | None
    status: str  # added, changed, dropped, unchanged

    @cached_property
    def summary_diff(self):
        """Computed only for the lines a page shows (diff_lines() sets them at once)."""
        if not self.diffed():
            return ""
        return cached_diff_html(self.diff_key(), self.before.summary, self.after.summary)

    @cached_property
    def before_meta(self):
        return position_meta_html(self.before)

    @cached_property
    def after_meta(self):
        return position_meta_html(self.after)

    def diffed(self):
        return self.before is not None and self.after is not None and self.status != "unchanged"

    def diff_key(self):
        a, b = self.before, self.after
        return f"snapshot:{a.pk}.{a.version}:{b.pk}.{b.version}"


def position_meta_html(position):
    """A statement's stance, movement and date as HTML, made here rather than in an
    include: the include and its choice lookups were most of the snapshot page's
    rendering time for its 200 statements."""
    if position is None:
        return ""
    return format_html(
        '<span class="stance stance-{}">{}</span> <span class="movement movement-{}">{}</span>'
        " · {}",
        position.stance,
        position.get_stance_display(),
        position.movement,
        position.get_movement_display().lower(),
        time_html(position.partial_date),
    )


def by_thread(positions):
    """{(issue_id, party_id): position} keeping the latest by stated date."""
    latest = {}
    for p in positions:
        key = (p.issue_id, p.party_id)
        if key not in latest or _sort_key(p) > _sort_key(latest[key]):
            latest[key] = p
    return latest


def _sort_key(p):
    return (p.date, p.date_end, p.pk)


def recorded_as_of(negotiation, party_ids, day):
    """What the database held at the end of `day` (UTC), from the record history:
    the latest statement per thread among the rows that existed then, as they were."""
    moment = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    rows = Position.history.as_of(moment).filter(
        issue__negotiation=negotiation, party_id__in=party_ids
    )
    return by_thread(rows)


def compare_snapshots(before, after, issues, parties):
    """Lines for every issue × party present in either snapshot ({key: position} dicts)."""
    issue_by_id = {i.pk: i for i in issues}
    party_by_id = {p.pk: p for p in parties}
    order = {i.pk: n for n, i in enumerate(issues)}
    porder = {p.pk: n for n, p in enumerate(parties)}
    lines = []
    keys = sorted(
        (k for k in set(before) | set(after) if k[0] in issue_by_id and k[1] in party_by_id),
        key=lambda k: (order[k[0]], porder[k[1]]),
    )
    for key in keys:
        a, b = before.get(key), after.get(key)
        if a is None:
            status = "added"
        elif b is None or b.movement == Position.Movement.DROPPED and a.movement != b.movement:
            status = "dropped"
        elif (a.pk, a.summary, a.stance, a.date) == (b.pk, b.summary, b.stance, b.date):
            status = "unchanged"
        else:
            status = "changed"
        lines.append(SnapshotLine(issue_by_id[key[0]], party_by_id[key[1]], a, b, status))
    return lines


class Light(NamedTuple):
    """A statement a snapshot line refers to before fill() reads it: its id, no texts."""

    pk: int


class StatedLines(Sequence):
    """The lines of a snapshot as stated, in the order of `issues` then `parties`,
    built only when read: 200 parties × 100 issues are 20,000 lines, of which a page
    shows 100 (the Paginator slices this). Each row is (issue rank, party rank,
    issue_id, party_id, status, before_pk, after_pk)."""

    def __init__(self, rows, issue_by_id, party_by_id, built=None):
        self.rows, self.issue_by_id, self.party_by_id = rows, issue_by_id, party_by_id
        # A line is built once (shared with changed()): the page's, filled, stay so.
        self.built = {} if built is None else built

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._line(row) for row in self.rows[index]]
        return self._line(self.rows[index])

    def _line(self, row):
        *_, issue_id, party_id, status, before_pk, after_pk = row
        if (issue_id, party_id) not in self.built:
            before = Light(before_pk) if before_pk is not None else None
            after = Light(after_pk) if after_pk is not None else None
            self.built[issue_id, party_id] = SnapshotLine(
                self.issue_by_id[issue_id], self.party_by_id[party_id], before, after, status
            )
        return self.built[issue_id, party_id]

    def counts(self):
        """summarise_lines() of these lines, without building them."""
        return count_statuses(row[4] for row in self.rows)

    def changed(self):
        """These lines without the unchanged ones."""
        rows = [row for row in self.rows if row[4] != "unchanged"]
        return StatedLines(rows, self.issue_by_id, self.party_by_id, self.built)


def stated_lines(negotiation, parties, issues, a, b):
    """snapshot(..., "stated", a, b) as StatedLines whose statements fill() reads: each
    thread's status from its newest statement by each day (PositionQuerySet.newest_by),
    three queries whatever the number of statements."""
    spans = {p.party_id: p for p in negotiation.participations.filter(party__in=parties)}
    issue_rank = {i.pk: n for n, i in enumerate(issues)}
    party_rank = {p.pk: n for n, p in enumerate(parties) if p.pk in spans}
    threads = Position.objects.filter(issue_id__in=issue_rank, party_id__in=party_rank)
    # One query per distinct day: comparing a day with itself reads it once.
    newest = {
        day: {(i, p): (pk, movement) for i, p, pk, movement in threads.newest_by(day)}
        for day in {a, b}
    }
    rows = thread_statuses(
        newest[min(a, b)],
        newest[max(a, b)],
        a,
        b,
        absent_a={pk for pk in party_rank if not spans[pk].active_on(a)},
        absent_b={pk for pk in party_rank if not spans[pk].active_on(b)},
    )
    ranked = sorted(
        (issue_rank[row[0]], party_rank[row[1]], *row) for row in rows if row[2] is not None
    )
    return StatedLines(ranked, {i.pk: i for i in issues}, {p.pk: p for p in parties})


def thread_statuses(by_early, by_late, a, b, absent_a=(), absent_b=()):
    """(issue_id, party_id, status, before_pk, after_pk) for every thread stated by the
    later of days `a` and `b`, from {(issue_id, party_id): (pk, movement)} of each
    thread's newest statement by the earlier day and by the later one; `absent_a` and
    `absent_b` hold the party ids not taking part on that day, whose statements do not
    count then. "Before" is the line as stated by `a`, "after" by `b`; the status is
    "added", "changed", "dropped", "unchanged", "joined", "left", or None (no line)."""
    dropped = Position.Movement.DROPPED
    rows = []
    for thread, latest in by_late.items():
        earliest = by_early.get(thread)
        gone_a, gone_b = thread[1] in absent_a, thread[1] in absent_b
        if a <= b:
            before, after = earliest, latest
            no_before, no_after = earliest is None or gone_a, gone_b
        else:
            before, after = latest, earliest
            no_before, no_after = gone_a, earliest is None or gone_b
        if no_before and no_after:
            status = None
        elif no_before:
            status = "joined" if gone_a else "added"
        elif no_after:
            status = "left" if gone_b else "dropped"
        elif before[0] == after[0]:
            status = "unchanged"
        elif after[1] == dropped and before[1] != dropped:
            # "dropped" only when the statement by b dropped what was there at a.
            status = "dropped"
        else:
            status = "changed"
        rows.append(
            (*thread, status, None if no_before else before[0], None if no_after else after[0])
        )
    return rows


def fill(lines):
    """Put the statements themselves (texts included) in place of the Light rows of
    these lines (those a page shows): one query."""
    pks = {p.pk for line in lines for p in (line.before, line.after) if isinstance(p, Light)}
    if not pks:
        return lines
    full = Position.objects.in_bulk(pks)
    for line in lines:
        if isinstance(line.before, Light):
            line.before = full[line.before.pk]
        if isinstance(line.after, Light):
            line.after = full[line.after.pk]
    return diff_lines(lines)


def diff_lines(lines):
    """The summary diffs of these lines (those a page shows), in one cache round trip."""
    wanted = [line for line in lines if line.diffed()]
    keys = [(line.diff_key(), line.before.summary, line.after.summary) for line in wanted]
    for line, html in zip(wanted, cached_diffs_html(keys), strict=True):
        line.summary_diff = html
    return lines


def snapshot(negotiation, parties, issues, mode, a, b):
    """Lines comparing the parties' positions at day `a` and day `b`.

    mode "stated": by the dates the statements were made; "recorded": what this
    database held at the end of each day, from the record history. Every line and
    statement is built: the exports' computation, and the reference stated_lines()
    (the page's) must equal.
    """
    party_ids = [p.pk for p in parties]
    if mode == "recorded":
        before = recorded_as_of(negotiation, party_ids, a)
        after = recorded_as_of(negotiation, party_ids, b)
    else:
        positions = Position.objects.filter(issue__negotiation=negotiation, party__in=party_ids)
        before = by_thread(positions.stated_by(a).current().select_related(None))
        after = by_thread(positions.stated_by(b).current().select_related(None))
    # A party counts on a day only while it takes part (Participation.since/until): a
    # mediator whose format was dissolved is left out after it, and its lines read
    # "left" (or "joined"), not "dropped" or "added": its positions did not change.
    spans = {p.party_id: p for p in negotiation.participations.filter(party_id__in=party_ids)}

    def taking_part(snapshot, day):
        return {k: v for k, v in snapshot.items() if k[1] in spans and spans[k[1]].active_on(day)}

    lines = compare_snapshots(taking_part(before, a), taking_part(after, b), issues, parties)
    for line in lines:
        span = spans[line.party.pk]
        if line.before is None and not span.active_on(a):
            line.status = "joined"
        elif line.after is None and not span.active_on(b):
            line.status = "left"
    return lines


def summarise_lines(lines):
    return count_statuses(line.status for line in lines)


def count_statuses(statuses):
    """{status: lines}: the four usual ones always, "joined" and "left" (participation
    spans) only when they occur."""
    counts = {"added": 0, "changed": 0, "dropped": 0, "unchanged": 0}
    counts.update(Counter(statuses))
    return counts
