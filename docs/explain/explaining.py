"""What the scripts in docs/explain share: EXPLAIN (ANALYZE, BUFFERS) of a query's SQL,
the largest negotiation, and the header saying how and on what the plans were taken."""

import datetime
import re

from django.db import connection

from negotiations.models import Negotiation, Position


def explain(query):
    # QuerySet.explain() puts its EXPLAIN inside the subquery Django wraps a filter on a
    # window function in (a syntax error on PostgreSQL): the same SQL, explained here.
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def shorten(plan):
    """The plan with each long id list ('{1,2,…}') written '{...}'."""
    return re.sub(r"'\{[^}]*\}'", "'{...}'", plan)


def largest_negotiation():
    """(negotiation, its issues, its parties in order): the one with most statements."""
    negotiation = max(
        Negotiation.objects.all(),
        key=lambda n: Position.objects.filter(issue__negotiation=n).count(),
    )
    parties = [p.party for p in negotiation.participations.in_order()]
    return negotiation, list(negotiation.issues.all()), parties


def header(script, negotiation, issues, parties):
    size = Position.objects.filter(issue__negotiation=negotiation).count()
    version = connection.cursor().connection.info.parameter_status("server_version")
    print("command: DATABASE_URL=postgres://…/<size L copy> DEBUG=1 python manage.py shell -c")
    print(f"         \"exec(open('docs/explain/{script}').read())\"")
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"data: {negotiation.slug}, {len(parties)} parties × {len(issues)} issues, "
        f"{size:,} statements (synthesize --scale L); PostgreSQL {version}"
    )
