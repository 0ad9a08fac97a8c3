"""Two proposals clause by clause: aligned provisions, word diffs, counts and issue coverage.

Plain module: it takes provisions already fetched (with their issues) and issues, and makes
no queries, so a compare page costs the same number of queries whatever the drafts' size.
The alignment is ``drafts.align``; every text diff comes from ``negotiations.diffs``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from negotiations import diffs
from negotiations.drafts import ADDED, MOVED, REMOVED, REWORDED, UNCHANGED, Side, align, summarise

logger = logging.getLogger(__name__)

INLINE = "inline"
SIDE = "side"
VIEWS = (INLINE, SIDE)

STATUS_LABELS = {
    UNCHANGED: "Unchanged",
    REWORDED: "Reworded",
    ADDED: "Added",
    REMOVED: "Removed",
    MOVED: "Moved",
}
MATCHED_BY_LABELS = {
    "label": "by label",
    "issue": "by issue",
    "similarity": "by similar text",
}

# Issue coverage, A against B.
COVERAGE_CHANGED = "changed"
COVERAGE_UNCHANGED = "unchanged"
COVERAGE_ADDED = "added"
COVERAGE_DROPPED = "dropped"
COVERAGE_NONE = "none"
COVERAGE_LABELS = {
    COVERAGE_CHANGED: "Changed",
    COVERAGE_UNCHANGED: "Unchanged",
    COVERAGE_ADDED: "Newly addressed in B",
    COVERAGE_DROPPED: "Left out of B",
    COVERAGE_NONE: "Not addressed",
}


@dataclass
class Row:
    """One line of the compare: a provision of A, of B, or an aligned pair of both."""

    status: str
    matched_by: str
    similarity: float
    a: object | None  # Provision
    b: object | None
    inline: SafeString | None = None  # word diff of the texts, inline view
    left: SafeString | None = None  # side-by-side view: A with <del>, B with <ins>
    right: SafeString | None = None
    heading_diff: SafeString | None = None  # when the headings differ
    label_changed: bool = False
    issue_changed: bool = False

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def matched_by_label(self):
        return MATCHED_BY_LABELS.get(self.matched_by, "")

    @property
    def text_changed(self):
        return self.inline is not None or self.left is not None

    @property
    def anchor(self):
        return f"b-{self.b.pk}" if self.b is not None else f"a-{self.a.pk}"


@dataclass
class Coverage:
    """One issue of the negotiation against A and B."""

    issue: object
    in_a: list = field(default_factory=list)  # provisions of A on the issue
    in_b: list = field(default_factory=list)
    status: str = COVERAGE_NONE

    @property
    def status_label(self):
        return COVERAGE_LABELS[self.status]


@dataclass
class Comparison:
    rows: list[Row]
    counts: dict[str, int]
    coverage: list[Coverage]
    untagged_a: int  # provisions without an issue
    untagged_b: int
    view: str

    @property
    def changed_count(self):
        return sum(self.counts[s] for s in (REWORDED, ADDED, REMOVED, MOVED))

    @property
    def issue_counts(self):
        counts = dict.fromkeys(COVERAGE_LABELS, 0)
        for line in self.coverage:
            counts[line.status] += 1
        return counts


def side(provision) -> Side:
    return Side(
        key=provision.pk, label=provision.label, issue=provision.issue_id, text=provision.text
    )


def build(provisions_a, provisions_b, issues, view=INLINE, cache=True) -> Comparison:
    """Compare two lists of provisions (in order, with ``issue`` loaded)."""
    view = view if view in VIEWS else INLINE
    provisions_a, provisions_b = list(provisions_a), list(provisions_b)
    by_key_a = {p.pk: p for p in provisions_a}
    by_key_b = {p.pk: p for p in provisions_b}
    pairs = align([side(p) for p in provisions_a], [side(p) for p in provisions_b])
    rows = []
    for pair in pairs:
        a = by_key_a[pair.a.key] if pair.a is not None else None
        b = by_key_b[pair.b.key] if pair.b is not None else None
        row = Row(pair.status, pair.matched_by, pair.similarity, a, b)
        if a is not None and b is not None:
            _fill_pair(row, view, cache)
        rows.append(row)
    return Comparison(
        rows=rows,
        counts=summarise(pairs),
        coverage=coverage(rows, issues, provisions_a, provisions_b),
        untagged_a=sum(1 for p in provisions_a if p.issue_id is None),
        untagged_b=sum(1 for p in provisions_b if p.issue_id is None),
        view=view,
    )


def _fill_pair(row: Row, view: str, cache: bool) -> None:
    a, b = row.a, row.b
    row.label_changed = " ".join(a.label.split()) != " ".join(b.label.split())
    row.issue_changed = a.issue_id != b.issue_id
    if diffs.is_changed(a.heading, b.heading):
        row.heading_diff = diffs.diff_html(a.heading, b.heading)
    if not diffs.is_changed(a.text, b.text):
        return  # the same words: nothing to mark
    key = f"prov:{a.pk}.{a.version}:{b.pk}.{b.version}"
    if view == INLINE:
        row.inline = (
            diffs.cached_diff_html(key, a.text, b.text)
            if cache
            else diffs.diff_html(a.text, b.text)
        )
    else:
        row.left, row.right = side_by_side_html(key, a.text, b.text, cache)


def side_by_side_html(key: str, a: str, b: str, cache: bool = True):
    """``render_side_by_side(diff_words(a, b))``, cached like ``diffs.cached_diff_html``."""
    store = _cache() if cache else None
    cache_key = None
    if store is not None:
        digest = hashlib.blake2b(digest_size=12)
        for part in (key, a, b):
            digest.update(part.encode())
            digest.update(b"\0")
        cache_key = f"diffside:{diffs.ENGINE_VERSION}:{digest.hexdigest()}"
        try:
            cached = store.get(cache_key)
        except Exception:
            logger.warning("diff cache get failed", exc_info=True)
            cached = None
        if isinstance(cached, tuple) and len(cached) == 2:
            return mark_safe(cached[0]), mark_safe(cached[1])  # our own output, stored below
    left, right = diffs.render_side_by_side(diffs.diff_words(a, b))
    if store is not None:
        try:
            store.set(cache_key, (str(left), str(right)), None)
        except Exception:
            logger.warning("diff cache set failed", exc_info=True)
    return left, right


def _cache():
    try:
        from django.core.cache import cache

        return cache
    except Exception:  # no settings (scripts): just compute
        return None


def coverage(rows, issues, provisions_a, provisions_b) -> list[Coverage]:
    """Every issue against A and B: addressed in one, both or neither, and changed or not.

    An issue addressed in both is *changed* when a provision on it (in A or in B) was
    reworded, added or removed, moved with rewording, or moved to another issue.
    """
    lines = {issue.pk: Coverage(issue) for issue in issues}
    for provision in provisions_a:
        if provision.issue_id in lines:
            lines[provision.issue_id].in_a.append(provision)
    for provision in provisions_b:
        if provision.issue_id in lines:
            lines[provision.issue_id].in_b.append(provision)
    touched = set()
    for row in rows:
        changed = row.status in (REWORDED, ADDED, REMOVED) or row.issue_changed
        changed = changed or (row.status == MOVED and row.text_changed)
        if changed:
            touched.update(p.issue_id for p in (row.a, row.b) if p is not None)
    for line in lines.values():
        if line.in_a and line.in_b:
            line.status = COVERAGE_CHANGED if line.issue.pk in touched else COVERAGE_UNCHANGED
        elif line.in_b:
            line.status = COVERAGE_ADDED
        elif line.in_a:
            line.status = COVERAGE_DROPPED
    return list(lines.values())
