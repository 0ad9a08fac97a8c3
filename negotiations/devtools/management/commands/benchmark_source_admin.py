"""Time the admin change page of a source with many citations, as an editor sees it.

    manage.py benchmark_source_admin [--citations 1000] [--runs 5] [--json FILE]

Builds, inside a transaction that is rolled back at the end (the database is left as
it was), a negotiation with one party and one issue, a statement per citation and one
source cited by all of them (history rows written as the app writes them), and an
editor. Then fetches the source's admin change page `--runs` times through the test
client and prints the median milliseconds, the number of queries and the page's bytes.
Issue #17's target: "well under a second" on PostgreSQL at 1,000 citations.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from negotiations.accounts.roles import EDITORS
from negotiations.models import Citation, Issue, Negotiation, Participation, Party, Position, Source

USERNAME = "benchmark-source-admin"


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the admin change page of a source with N citations (rolled back after)."

    def add_arguments(self, parser):
        parser.add_argument("--citations", type=int, default=1000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--json", dest="json_file", help="also write the figures as JSON")

    def handle(self, citations, runs, json_file, **options):
        if citations < 1 or runs < 1:
            raise CommandError("--citations and --runs must be at least 1.")
        figures = {}
        try:
            with transaction.atomic():
                figures = self.measure(citations, runs)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"source admin, {citations} citations, {connection.vendor}: "
            f"{figures['ms']:.0f} ms median of {runs} (cold {figures['first_ms']:.0f} ms), "
            f"{figures['queries']} queries, {figures['bytes']:,} bytes"
        )
        if json_file:
            with open(json_file, "w", encoding="utf-8") as out:
                json.dump(figures, out, indent=2)

    def measure(self, citations, runs):
        source = self.build(citations)
        user = get_user_model().objects.create_user(USERNAME, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS))
        client = Client()
        client.force_login(user)
        url = reverse("admin:negotiations_source_change", args=[source.pk])
        times, queries, size = [], 0, 0
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            for _ in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                queries, size = len(captured), len(response.content)
        return {
            "citations": citations,
            "database": connection.vendor,
            "runs": runs,
            "ms": statistics.median(times),
            "first_ms": times[0],
            "queries": queries,
            "bytes": size,
        }

    def build(self, n):
        reason = "benchmark_source_admin (rolled back)"
        negotiation = Negotiation(slug="benchmark-source-admin", title="Benchmark talks")
        party = Party(slug="benchmark-source-admin", name="Benchmark party")
        for row in (negotiation, party):
            row._change_reason = reason
            row.save()
        Participation.objects.create(negotiation=negotiation, party=party)
        issue = Issue(negotiation=negotiation, slug="benchmark", title="Benchmark issue")
        issue._change_reason = reason
        issue.save()
        source = Source(title="Benchmark source", kind=Source.Kind.NEWS_REPORT)
        source._change_reason = reason
        source.save()
        positions = []
        for i in range(n):
            position = Position(
                party=party,
                issue=issue,
                stance=Position.Stance.DEMAND,
                movement=Position.Movement.NEW,
                summary=f"Benchmark statement {i}",
            )
            position.partial_date = None
            position.date = position.date_end = "2024-01-01"
            positions.append(position)
        positions = bulk_create_with_history(positions, Position, default_change_reason=reason)
        positions = list(Position.objects.filter(issue=issue).order_by("pk"))
        bulk_create_with_history(
            [
                Citation(source=source, position=p, locator=f"para. {i}", excerpt=f"Words {i}.")
                for i, p in enumerate(positions, start=1)
            ],
            Citation,
            default_change_reason=reason,
        )
        return source
