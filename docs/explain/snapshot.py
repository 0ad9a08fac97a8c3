"""EXPLAIN (ANALYZE, BUFFERS) of the snapshot page's queries (#18 item 2), on the largest
negotiation: each thread's newest statement by each of the two days compared
(PositionQuerySet.newest_by, DISTINCT ON over position_thread_newest_idx), then the
shown page's statements (fill). Run:

    DATABASE_URL=... DEBUG=1 python manage.py shell -c \\
        "exec(open('docs/explain/snapshot.py').read())" > docs/explain/snapshot.txt
"""

import datetime

from django.db import connection

from negotiations.insight import analysis
from negotiations.models import Negotiation, Position


def explain(query):
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
size = Position.objects.filter(issue__negotiation=negotiation).count()
print("command: DATABASE_URL=postgres://…/<size L copy> DEBUG=1 python manage.py shell -c")
print("         \"exec(open('docs/explain/snapshot.py').read())\"")
print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
print(
    f"data: {negotiation.slug}, {len(parties)} parties × {len(issues)} issues, "
    f"{size:,} statements (synthesize --scale L); PostgreSQL "
    f"{connection.cursor().connection.info.parameter_status('server_version')}"
)
print("Long id lists are shortened to {...}.")
threads = Position.objects.filter(
    issue_id__in=[i.pk for i in issues], party_id__in=[p.pk for p in parties]
)
a, b = datetime.date(2021, 6, 30), datetime.date(2024, 3, 31)  # the benchmark's compare
for day in (a, b):
    print(f"\n== Each thread's newest statement by {day}: newest_by()")
    plan = explain(threads.newest_by(day).query)
    print("\n".join(line.split("'{")[0] + "'{...}'" + line.split("}'")[-1]
                    if "'{" in line else line for line in plan.splitlines()))  # fmt: skip
lines = analysis.stated_lines(negotiation, parties, issues, a, b)
shown = list(lines.changed()[:100])
pks = {p.pk for line in shown for p in (line.before, line.after) if p is not None}
print(f"\n== The shown page's statements: fill() (in_bulk of {len(pks)} ids)")
plan = Position.objects.filter(pk__in=pks).explain(analyze=True, buffers=True)
print("\n".join(line.split("'{")[0] + "'{...}'" + line.split("}'")[-1]
                if "'{" in line else line for line in plan.splitlines()))  # fmt: skip
