"""EXPLAIN (ANALYZE, BUFFERS) of the snapshot page's queries (#18 item 2), on the largest
negotiation: each thread's newest statement by each of the two days compared
(PositionQuerySet.newest_by, DISTINCT ON over position_thread_newest_idx), then the
shown page's statements (fill). Run:

    DATABASE_URL=... DEBUG=1 python manage.py shell -c \\
        "exec(open('docs/explain/snapshot.py').read())" > docs/explain/snapshot.txt
"""

import datetime

from docs.explain.explaining import explain, header, largest_negotiation, shorten
from negotiations.insight import analysis
from negotiations.models import Position

negotiation, issues, parties = largest_negotiation()
header("snapshot.py", negotiation, issues, parties)
print("Long id lists are shortened to {...}.")
threads = Position.objects.filter(
    issue_id__in=[i.pk for i in issues], party_id__in=[p.pk for p in parties]
)
a, b = datetime.date(2021, 6, 30), datetime.date(2024, 3, 31)  # the benchmark's compare
for day in (a, b):
    print(f"\n== Each thread's newest statement by {day}: newest_by()")
    print(shorten(explain(threads.newest_by(day).query)))
lines = analysis.stated_lines(negotiation, parties, issues, a, b)
shown = list(lines.changed()[:100])
pks = {p.pk for line in shown for p in (line.before, line.after) if p is not None}
print(f"\n== The shown page's statements: fill() (in_bulk of {len(pks)} ids)")
print(shorten(Position.objects.filter(pk__in=pks).explain(analyze=True, buffers=True)))
