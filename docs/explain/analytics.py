"""EXPLAIN (ANALYZE, BUFFERS) of the queries analytics changed (#18 item 2), on the
largest negotiation: its "time since" query by the window over every statement (the
old one, still used when a statement is dated after the last day counted) and by the
kept current state, for one page of parties and for the unpaginated export, and the
check that picks between them. Run:

    DATABASE_URL=... DEBUG=1 python manage.py shell -c \\
        "exec(open('docs/explain/analytics.py').read())" > docs/explain/analytics.txt
"""

import datetime

from django.db import connection

from negotiations.insight import shifts
from negotiations.models import Negotiation, Position
from negotiations.views.insight import analytics_parties_per_page


def explain(query):
    # QuerySet.explain() puts its EXPLAIN inside the subquery Django wraps a filter on a
    # window function in (a syntax error on PostgreSQL): the same SQL, explained here.
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


negotiation = max(
    Negotiation.objects.all(),
    key=lambda n: Position.objects.filter(issue__negotiation=n).count(),
)
issues = list(negotiation.issues.all())
parties = [p.party for p in negotiation.participations.in_order()]
today = datetime.date.today()
size = Position.objects.filter(issue__negotiation=negotiation).count()
print("command: DATABASE_URL=postgres://…/<size L copy> DEBUG=1 python manage.py shell -c")
print("         \"exec(open('docs/explain/analytics.py').read())\"")
print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
print(
    f"data: {negotiation.slug}, {len(parties)} parties × {len(issues)} issues, "
    f"{size:,} statements (synthesize --scale L); PostgreSQL "
    f"{connection.cursor().connection.info.parameter_status('server_version')}"
)
positions = Position.objects.filter(issue__in=[i.pk for i in issues]).filter(date__lte=today)
per_page = analytics_parties_per_page(len(issues))
for label, shown in (
    (f"the page: one page of parties ({per_page} × {len(issues)} issues)", parties[:per_page]),
    (f"the since export: every party ({len(parties)} × {len(issues)} issues)", parties),
):
    party_ids, issue_ids = [p.pk for p in shown], [i.pk for i in issues]
    check = Position.objects.filter(issue__in=issue_ids, party__in=party_ids)
    print(f"\n=== {label}: the check that picks the path (kept_is_latest), one query")
    # As exists() runs it: SELECT 1 … LIMIT 1.
    print(explain(check.filter(date__gt=today).query.exists()))
    print(f"→ kept state used: {shifts.kept_is_latest(check, today)}")
    for kept, what in (
        (False, "before: the window over every statement"),
        (True, "after: the kept current state marks the latest, the shifts numbered once"),
    ):
        print(f"\n=== {label}: {what}")
        print(explain(shifts.since_rows(positions, party_ids, issue_ids, kept).query))
