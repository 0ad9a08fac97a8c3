"""The kept current state (models.CurrentPosition): the latest statement of each party
on each issue, refreshed in the transaction of every write that can change it.

A refresh recomputes whole threads (issue × party), from the statements as the
transaction sees them, after taking a PostgreSQL advisory lock per issue: two writers
on one thread then take turns, and the second one sees the first one's statement
(READ COMMITTED reads what committed before each query). SQLite serialises writers
anyway.
"""

from django.db import connection

from negotiations.models import CurrentPosition, Issue, Participation, Position

# The first key of the advisory locks: the issue id is the second.
LOCK_SPACE = 18_000
BATCH = 2_000


def threads_of(position_ids):
    """{(issue_id, party_id)} of the threads whose current statement is one of these."""
    position_ids, threads = list(position_ids), set()
    for i in range(0, len(position_ids), BATCH):  # SQLite caps a query's parameters
        chunk = position_ids[i : i + BATCH]
        rows = CurrentPosition.objects.filter(position_id__in=chunk)
        threads.update(rows.values_list("issue_id", "party_id"))
    return threads


def refresh_threads(threads):
    """Make the kept state right for these (issue_id, party_id) threads."""
    threads = {(i, p) for i, p in threads if i is not None and p is not None}
    if not threads:
        return
    if len(threads) == 1:
        (issue_id, party_id), *_ = threads
        refresh({issue_id}, {party_id})
        return
    refresh({i for i, _ in threads}, {p for _, p in threads})


def refresh(issue_ids, party_ids):
    """Make the kept state right for every thread of these issues × parties: one query
    reads their latest statements, one deletes their rows, one writes the new ones."""
    issue_ids, party_ids = sorted(set(issue_ids)), sorted(set(party_ids))
    if not issue_ids or not party_ids:
        return
    _lock(issue_ids)
    latest = (
        Position.objects.filter(issue_id__in=issue_ids, party_id__in=party_ids)
        .order_by()
        .latest_per_thread()
        .values_list("pk", "issue_id", "party_id", "issue__negotiation_id")
    )
    rows = [
        CurrentPosition(position_id=pk, issue_id=i, party_id=p, negotiation_id=n)
        for pk, i, p, n in latest
    ]
    CurrentPosition.objects.of(issue_ids, party_ids).delete()
    CurrentPosition.objects.bulk_create(rows, batch_size=BATCH)


def _lock(issue_ids):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # In id order, so that two writers locking several issues cannot deadlock.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, i) FROM (SELECT unnest(%s::int[]) AS i ORDER BY 1) s",
            [LOCK_SPACE, list(issue_ids)],
        )


def refresh_negotiations(negotiation_ids):
    """Every thread of these negotiations (after a bulk write: an import, synthesis)."""
    for negotiation_id in sorted(set(negotiation_ids)):
        issues = list(
            Issue.objects.filter(negotiation_id=negotiation_id).values_list("pk", flat=True)
        )
        parties = set(
            Participation.objects.filter(negotiation_id=negotiation_id).values_list(
                "party_id", flat=True
            )
        )
        # Statements of parties no longer taking part still count.
        parties |= set(
            Position.objects.filter(issue_id__in=issues)
            .order_by()
            .values_list("party_id", flat=True)
            .distinct()
        )
        refresh(issues, parties)


def rebuild():
    """Recompute the whole table from the statements; (rows before, rows after)."""
    before = CurrentPosition.objects.count()
    CurrentPosition.objects.all().delete()
    refresh_negotiations(Issue.objects.values_list("negotiation_id", flat=True).distinct())
    return before, CurrentPosition.objects.count()


def from_scratch():
    """{(issue_id, party_id): position_id} computed from the statements, for checks."""
    return {
        (i, p): pk
        for pk, i, p in Position.objects.order_by()
        .current()
        .values_list("pk", "issue_id", "party_id")
    }


def kept():
    """{(issue_id, party_id): position_id} as the table holds it."""
    return {
        (i, p): pk
        for pk, i, p in CurrentPosition.objects.values_list("position_id", "issue_id", "party_id")
    }
