"""EXPLAIN (ANALYZE, BUFFERS) of the queries analytics changed (#18 item 2), on the
largest negotiation: its "time since" query by the window over every statement (the
old one, still used when a statement is dated after the last day counted) and by the
kept current state, for one page of parties and for the unpaginated export, and the
check that picks between them. Run:

    DATABASE_URL=... DEBUG=1 python manage.py shell -c \\
        "exec(open('docs/explain/analytics.py').read())" > docs/explain/analytics.txt
"""

import datetime

from docs.explain.explaining import explain, header, largest_negotiation
from negotiations.insight import shifts
from negotiations.models import Position
from negotiations.views.insight import analytics_parties_per_page

negotiation, issues, parties = largest_negotiation()
today = datetime.date.today()
header("analytics.py", negotiation, issues, parties)
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
