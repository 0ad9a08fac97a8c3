"""Two proposals clause by clause: aligned provisions, word diffs, counts and issue coverage.

Plain module: it takes provisions already fetched (with their issues) and issues, and makes
no queries, so a compare page costs the same number of queries whatever the drafts' size.
The alignment is ``drafts.align``; every text diff comes from ``negotiations.text.diffs``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from negotiations.text import diffs, drafts
from negotiations.text.drafts import (
    ADDED,
    MOVED,
    REMOVED,
    REWORDED,
    STATUSES,
    UNCHANGED,
    Pair,
    Side,
    align,
)

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
    "manual": "by hand",
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
    hint: object | None = None  # an unpaired row's possible counterpart (other draft)
    hint_similarity: float = 0.0

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

    @property
    def hint_anchor(self):
        """Where the hint's own row is: an A provision's hint is in B, and so on."""
        if self.hint is None:
            return ""
        return f"b-{self.hint.pk}" if self.a is not None else f"a-{self.hint.pk}"

    @property
    def by_hand(self):
        return self.matched_by == "manual"


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
class HandChoice:
    """A pairing made by hand that applies to this comparison."""

    paired: bool  # True: paired by hand; False: kept apart by hand
    a: object  # Provision of A
    b: object  # Provision of B


@dataclass
class Comparison:
    """Everything the compare page shows, from one alignment: the rows, and the counts
    and coverage computed from those rows, so the three always agree."""

    rows: list[Row]
    counts: dict[str, int]
    coverage: list[Coverage]
    untagged_a: int  # provisions without an issue
    untagged_b: int
    view: str
    provisions_a: list = field(default_factory=list)
    provisions_b: list = field(default_factory=list)
    by_hand: list[HandChoice] = field(default_factory=list)

    @property
    def changed_count(self):
        return sum(self.counts[s] for s in (REWORDED, ADDED, REMOVED, MOVED))

    @property
    def retagged_count(self):
        """Pairs whose provision is on another issue in B than in A."""
        return sum(1 for row in self.rows if row.issue_changed)

    @property
    def issue_counts(self):
        counts = dict.fromkeys(COVERAGE_LABELS, 0)
        for line in self.coverage:
            counts[line.status] += 1
        return counts


def side(provision) -> Side:
    return Side(
        key=provision.pk, label=provision.label, issue=provision.issue_ids, text=provision.text
    )


def build(
    provisions_a, provisions_b, issues, view=INLINE, cache=True, manual=(), apart=()
) -> Comparison:
    """Compare two lists of provisions (in order, with ``issues`` prefetched).

    ``manual`` and ``apart`` are the ``(A provision pk, B provision pk)`` pairs an analyst
    paired, or kept apart, by hand (``ProvisionPairing.objects.between``); pairs naming a
    provision that is not in the lists are left out.

    With ``cache``, the alignment and every text diff come from Django's cache when they
    are there, in two cache round trips whatever the number of provisions (one for the
    alignment, one ``get_many`` for the diffs): with the database cache of production,
    a lookup per row would be a query per row.
    """
    view = view if view in VIEWS else INLINE
    provisions_a, provisions_b = list(provisions_a), list(provisions_b)
    by_key_a = {p.pk: p for p in provisions_a}
    by_key_b = {p.pk: p for p in provisions_b}
    manual = [(x, y) for x, y in manual if x in by_key_a and y in by_key_b]
    apart = [(x, y) for x, y in apart if x in by_key_a and y in by_key_b]
    store = _cache() if cache else None
    pairs = aligned(
        [side(p) for p in provisions_a], [side(p) for p in provisions_b], store, manual, apart
    )
    rows, texts = [], []
    for pair in pairs:
        a = by_key_a[pair.a.key] if pair.a is not None else None
        b = by_key_b[pair.b.key] if pair.b is not None else None
        row = Row(pair.status, pair.matched_by, pair.similarity, a, b)
        if pair.hint is not None:
            row.hint = (by_key_b if a is not None else by_key_a)[pair.hint.key]
            row.hint_similarity = pair.hint_similarity
        if a is not None and b is not None and _fill_pair(row):
            texts.append(row)
        rows.append(row)
    _fill_texts(texts, view, store)
    return Comparison(
        rows=rows,
        counts=counts(rows),
        coverage=coverage(rows, issues, provisions_a, provisions_b),
        untagged_a=sum(1 for p in provisions_a if not p.issue_ids),
        untagged_b=sum(1 for p in provisions_b if not p.issue_ids),
        view=view,
        provisions_a=provisions_a,
        provisions_b=provisions_b,
        by_hand=[HandChoice(True, by_key_a[x], by_key_b[y]) for x, y in manual]
        + [HandChoice(False, by_key_a[x], by_key_b[y]) for x, y in apart],
    )


def counts(rows) -> dict[str, int]:
    """Rows per status, every status present: the summary table counts the very rows
    the page lists."""
    found = dict.fromkeys(STATUSES, 0)
    for row in rows:
        found[row.status] += 1
    return found


def _fill_pair(row: Row) -> bool:
    """Label, issue and heading changes of a pair; True when its texts need a diff."""
    a, b = row.a, row.b
    row.label_changed = " ".join(a.label.split()) != " ".join(b.label.split())
    row.issue_changed = a.issue_ids != b.issue_ids
    if diffs.is_changed(a.heading, b.heading):
        row.heading_diff = diffs.diff_html(a.heading, b.heading)
    return diffs.is_changed(a.text, b.text)  # the same words: nothing to mark


def _pair_key(a, b) -> str:
    return f"prov:{a.pk}.{a.version}:{b.pk}.{b.version}"


def _side_cache_key(key: str, a: str, b: str) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for part in (key, a, b):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"diffside:{diffs.ENGINE_VERSION}:{digest.hexdigest()}"


def _fill_texts(rows: list[Row], view: str, store) -> None:
    """The text diffs of ``rows``: cached ones in one ``get_many``, the others computed
    and stored in one ``set_many``. Keys are those of ``diffs.cached_diff_html`` and
    ``side_by_side_html``, so each still finds what the other stored."""
    if not rows:
        return
    if view == INLINE:
        keys = [diffs.cache_key(_pair_key(r.a, r.b), r.a.text or "", r.b.text or "") for r in rows]
    else:
        keys = [_side_cache_key(_pair_key(r.a, r.b), r.a.text, r.b.text) for r in rows]
    found = {}
    if store is not None:
        try:
            found = store.get_many(keys)
        except Exception:
            logger.warning("diff cache get failed", exc_info=True)
    missing = {}
    for row, key in zip(rows, keys, strict=True):
        cached = found.get(key)
        if view == INLINE:
            if isinstance(cached, str):
                row.inline = mark_safe(cached)  # our own diff_html output, stored below
            else:
                row.inline = diffs.diff_html(row.a.text, row.b.text)
                missing[key] = str(row.inline)
        elif isinstance(cached, tuple) and len(cached) == 2:
            row.left, row.right = mark_safe(cached[0]), mark_safe(cached[1])
        else:
            row.left, row.right = diffs.render_side_by_side(
                diffs.diff_words(row.a.text, row.b.text)
            )
            missing[key] = (str(row.left), str(row.right))
    if store is not None and missing:
        try:
            store.set_many(missing, None)  # None: no expiry, versions never change
        except Exception:
            logger.warning("diff cache set failed", exc_info=True)


def side_by_side_html(key: str, a: str, b: str, cache: bool = True):
    """``render_side_by_side(diff_words(a, b))``, cached like ``diffs.cached_diff_html``."""
    store = _cache() if cache else None
    cache_key = None
    if store is not None:
        cache_key = _side_cache_key(key, a, b)
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


# The aligner's own source is part of an alignment's cache key: a change to drafts.py
# (the aligner is still being tuned) never reuses alignments it made before.
ALIGNER_VERSION = hashlib.blake2b(Path(drafts.__file__).read_bytes(), digest_size=6).hexdigest()


def aligned(sides_a: list[Side], sides_b: list[Side], store=None, manual=(), apart=()) -> list:
    """``drafts.align(sides_a, sides_b, manual=manual, apart=apart)``, through ``store``
    (a Django cache) if given.

    Aligning two 100-provision drafts takes ~30 ms (hundreds of text similarities); the
    result depends only on the sides' keys, labels, issues and texts and the pairings
    made by hand, which make the key.
    """
    manual, apart = sorted(manual), sorted(apart)
    if store is None:
        return align(sides_a, sides_b, manual=manual, apart=apart)
    digest = hashlib.blake2b(digest_size=16)
    for group in (sides_a, sides_b):
        digest.update(b"\1")
        for s in group:
            for part in (s.key, s.label, s.issue, s.text):
                digest.update(str(part if part is not None else "").encode())
                digest.update(b"\0")
    for group in (manual, apart):
        digest.update(b"\2")
        for x, y in group:
            digest.update(f"{x}\0{y}\0".encode())
    key = f"align:{ALIGNER_VERSION}:{digest.hexdigest()}"
    index_a = {s.key: n for n, s in enumerate(sides_a)}
    index_b = {s.key: n for n, s in enumerate(sides_b)}
    try:
        cached = store.get(key)
    except Exception:
        logger.warning("alignment cache get failed", exc_info=True)
        cached = None
    if isinstance(cached, list):
        try:
            return [_unpack(entry, sides_a, sides_b) for entry in cached]
        except (IndexError, TypeError, ValueError):
            logger.warning("alignment cache entry unreadable", exc_info=True)
    pairs = align(sides_a, sides_b, manual=manual, apart=apart)
    plain = [
        (
            index_a[p.a.key] if p.a is not None else None,
            index_b[p.b.key] if p.b is not None else None,
            p.status,
            p.matched_by,
            p.similarity,
            # The hint is on the other side: B's for a removed provision, A's for an added.
            None if p.hint is None else (index_b if p.a is not None else index_a)[p.hint.key],
            p.hint_similarity,
        )
        for p in pairs
    ]
    try:
        store.set(key, plain, None)
    except Exception:
        logger.warning("alignment cache set failed", exc_info=True)
    return pairs


def _unpack(entry, sides_a, sides_b) -> Pair:
    i, j, status, matched_by, similarity, hint, hint_similarity = entry
    a = sides_a[i] if i is not None else None
    b = sides_b[j] if j is not None else None
    hint_side = None if hint is None else (sides_b if a is not None else sides_a)[hint]
    return Pair(a, b, status, matched_by, similarity, hint_side, hint_similarity)


def proposal_options(proposals, *selected) -> list[SafeString]:
    """The ``<option>``s of a proposal chooser, as one string for each pk in ``selected``
    (the option with that pk is selected; None selects none).

    The same HTML as a template loop over the proposals, which costs ~20 µs an option:
    the compare page's two choosers of 1,000 proposals took 40 ms that way. Each option
    is built once for all the choosers; slugs, titles and dates are escaped here.
    """
    proposals = list(proposals)
    heads = [f'<option value="{escape(p.slug)}"' for p in proposals]
    tails = [f">{escape(p.title)} ({escape(p.partial_date)})</option>" for p in proposals]
    plain = [head + tail for head, tail in zip(heads, tails, strict=True)]
    choosers = []
    for pk in selected:
        options = plain
        for n, p in enumerate(proposals):
            if pk is not None and p.pk == pk:
                options = [*plain[:n], f"{heads[n]} selected{tails[n]}", *plain[n + 1 :]]
                break
        choosers.append(mark_safe("".join(options)))  # escaped above
    return choosers


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
    for provisions, name in ((provisions_a, "in_a"), (provisions_b, "in_b")):
        for provision in provisions:  # a provision on several issues counts for each
            for issue_id in provision.issue_ids:
                if issue_id in lines:
                    getattr(lines[issue_id], name).append(provision)
    touched = set()
    for row in rows:
        changed = row.status in (REWORDED, ADDED, REMOVED) or row.issue_changed
        changed = changed or (row.status == MOVED and row.text_changed)
        if changed:
            for p in (row.a, row.b):
                touched.update(p.issue_ids if p is not None else ())
    for line in lines.values():
        if line.in_a and line.in_b:
            line.status = COVERAGE_CHANGED if line.issue.pk in touched else COVERAGE_UNCHANGED
        elif line.in_b:
            line.status = COVERAGE_ADDED
        elif line.in_a:
            line.status = COVERAGE_DROPPED
    return list(lines.values())


# --- texts described only: compared by issue ---------------------------------------------


@dataclass
class IssueLine:
    """One issue against A and B when a side is described only: what each is reported
    to contain (described only) or which provisions address it (a text), never words."""

    issue: object
    reported_a: object = None
    reported_b: object = None
    in_a: list = field(default_factory=list)
    in_b: list = field(default_factory=list)

    @property
    def sides(self):
        return [(self.reported_a, self.in_a), (self.reported_b, self.in_b)]

    @property
    def addressed_a(self):
        return bool(self.reported_a or self.in_a)

    @property
    def addressed_b(self):
        return bool(self.reported_b or self.in_b)

    @property
    def status_label(self):
        if self.addressed_a and self.addressed_b:
            return "Addressed in both"
        if self.addressed_b:
            return "Only in B"
        if self.addressed_a:
            return "Only in A"
        return COVERAGE_LABELS[COVERAGE_NONE]


def by_issue(issues, provisions_a, provisions_b, reported_a, reported_b) -> list[IssueLine]:
    """Every issue with what A and B contain on it. No query: everything is passed in.
    A described-only side has no provisions (refused everywhere), only reported contents."""
    lines = {issue.pk: IssueLine(issue) for issue in issues}
    for provisions, name in ((provisions_a, "in_a"), (provisions_b, "in_b")):
        for provision in provisions:
            for issue_id in provision.issue_ids:
                if issue_id in lines:
                    getattr(lines[issue_id], name).append(provision)
    for contents, name in ((reported_a, "reported_a"), (reported_b, "reported_b")):
        for content in contents:
            if content.issue_id in lines:
                setattr(lines[content.issue_id], name, content)
    return list(lines.values())
