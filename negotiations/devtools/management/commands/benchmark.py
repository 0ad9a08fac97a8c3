"""Time every main page against /healthz, in-process, for a logged-in reader.

Each page is measured in two states:

- cold: the page built from the database (the first visit, or after a change);
- reload: the browser sends the ETag it got last time and gets "304 Not Modified"
  (a reload, the back button); pages without an ETag are built again.

For each: the number of queries, the median and 95th-percentile time over many runs,
and the median as a multiple of /healthz's (its fastest median of the three, which
makes every ratio a worst case). The same pages are also counted on the seeded (size
S) negotiation, and a page whose query count differs is flagged: a page's query count
must not depend on how much data there is.
"""

import json
import statistics
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from negotiations.management.commands.createuser import create_user
from negotiations.models import Negotiation, Position, Proposal

SEED_SLUG = "armenia-azerbaijan"
USERNAME = "benchmark-reader"


def page_urls(negotiation):
    """(page name, URL) for every main page of one negotiation."""
    slug = negotiation.slug
    parties = [p.party for p in negotiation.participations.in_order()[:12]]
    issues = list(negotiation.issues.all()[:30])
    busiest = (
        Position.objects.filter(issue__negotiation=negotiation)
        .values("issue__slug", "party__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "issue__slug", "party__slug")
        .first()
    )
    proposal = (
        Proposal.objects.filter(negotiation=negotiation, responds_to__isnull=False)
        .annotate(n=Count("provisions"))
        .order_by("-n", "pk")
        .first()
    )
    filters = "&".join([f"party={p.slug}" for p in parties] + [f"issue={i.slug}" for i in issues])
    pages = [
        ("/healthz", lambda: reverse("negotiations:healthz")),
        (
            "dashboard 12×30",
            lambda: reverse("negotiations:negotiation", args=[slug]) + "?" + filters,
        ),
        ("issue page", lambda: reverse("negotiations:issue", args=[slug, busiest["issue__slug"]])),
        ("party page", lambda: reverse("negotiations:party", args=[slug, parties[0].slug])),
        (
            "position thread",
            lambda: reverse(
                "negotiations:thread", args=[slug, busiest["issue__slug"], busiest["party__slug"]]
            ),
        ),
        (
            "snapshot compare",
            lambda: reverse("negotiations:snapshot", args=[slug]) + "?a=2021-06&b=2024-03",
        ),
        ("timeline", lambda: reverse("negotiations:timeline", args=[slug])),
        ("proposal list", lambda: reverse("negotiations:proposals", args=[slug])),
        (
            "proposal compare",
            lambda: (
                reverse("negotiations:compare", args=[slug])
                + f"?a={proposal.responds_to.slug}&b={proposal.slug}"
            ),
        ),
        ("search", lambda: reverse("negotiations:search") + f"?q=border&negotiation={slug}"),
        ("analytics", lambda: reverse("negotiations:analytics", args=[slug])),
        (
            "list export (party CSV)",
            lambda: reverse(
                "negotiations:party_export",
                kwargs={"slug": slug, "party": parties[0].slug, "fmt": "csv"},
            ),
        ),
    ]
    urls = []
    for name, build in pages:
        try:
            urls.append((name, build()))
        except (NoReverseMatch, AttributeError, TypeError, IndexError):
            urls.append((name, None))
    return urls


STATES = ["cold", "reload"]
PREFIX = {"cold": "", "reload": "reload_"}


def fetch(client, url, etag=None):
    headers = {"if_none_match": etag} if etag else {}
    response = client.get(url, headers=headers)
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
    if response.status_code not in ((200, 304) if etag else (200,)):
        raise CommandError(f"{url} answered {response.status_code}")
    return response


def etag_for(client, url, state):
    """The ETag a reload sends (None when cold, or for a page without one)."""
    return fetch(client, url).get("ETag") if state == "reload" else None


class Command(BaseCommand):
    help = "Time every main page against /healthz (median, p95, queries) on this database."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--negotiation", help="slug (default: the largest negotiation)")
        parser.add_argument("--json", dest="json_file", help="also write the figures as JSON")

    def handle(self, runs, negotiation, json_file, **options):
        negotiation = self.pick(negotiation)
        User = get_user_model()
        if not User.objects.filter(username=USERNAME).exists():
            create_user(USERNAME, "reader")
        client = Client()
        client.force_login(User.objects.get(username=USERNAME))
        seeded = Negotiation.objects.filter(slug=SEED_SLUG).first()
        reference = dict(page_urls(seeded)) if seeded else {}
        results = []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            baseline_counts = {}
            for name, url in reference.items():
                if url:
                    baseline_counts[name] = self.count(client, url, "cold")
            for name, url in page_urls(negotiation):
                if url is None:
                    self.stderr.write(f"skipped {name}: no such page here")
                    continue
                row = {"page": name, "url": url}
                for state in STATES:
                    row.update(self.measure(client, url, runs, state))
                row["queries_at_S"] = baseline_counts.get(name)
                results.append(row)
            memory = self.export_memory(client, negotiation)
        healthz = min(results[0][f"{prefix}median_ms"] for prefix in PREFIX.values())
        for row in results:
            for state in STATES:
                prefix = PREFIX[state]
                ratio = row[f"{prefix}median_ms"] / healthz
                row[f"{prefix}ratio_to_healthz"] = round(ratio, 1)
        self.report(negotiation, runs, results)
        self.stdout.write(
            f"all-positions CSV export: {memory['rows']:,} rows, {memory['megabytes']:.1f} MB "
            f"streamed in {memory['chunks']:,} chunks, {memory['seconds']:.1f} s; peak Python "
            f"memory growth {memory['peak_mb']:.1f} MB"
        )
        if json_file:
            document = {
                "negotiation": negotiation.slug,
                "runs": runs,
                "pages": results,
                "export": memory,
            }
            with open(json_file, "w") as f:
                json.dump(document, f, indent=2)

    def export_memory(self, client, negotiation):
        """Stream every position as CSV and measure the peak memory it allocated."""
        url = reverse(
            "negotiations:positions_export", kwargs={"slug": negotiation.slug, "fmt": "csv"}
        )
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        response = client.get(url)
        size = chunks = lines = 0
        for chunk in response.streaming_content:
            chunks += 1
            size += len(chunk)
            lines += chunk.count(b"\n")
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
        return {
            "rows": lines - 1,
            "megabytes": size / 1e6,
            "chunks": chunks,
            "seconds": time.perf_counter() - started,
            "peak_mb": peak / 1e6,
        }

    def pick(self, slug):
        queryset = Negotiation.objects.all()
        if slug:
            found = queryset.filter(slug=slug).first()
        else:
            found = queryset.annotate(n=Count("issues__positions")).order_by("-n", "pk").first()
        if found is None:
            raise CommandError("No negotiation found: run load_seeds or synthesize first.")
        return found

    def measure(self, client, url, runs, state):
        prefix = PREFIX[state]
        queries = self.count(client, url, state)
        times = []
        etag = etag_for(client, url, state)
        for _ in range(runs):
            started = time.perf_counter()
            fetch(client, url, etag)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return {
            f"{prefix}queries": queries,
            f"{prefix}median_ms": round(statistics.median(times), 2),
            f"{prefix}p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        }

    def count(self, client, url, state):
        fetch(client, url)  # warm: sessions, content types, the CSRF cookie
        etag = etag_for(client, url, state)
        with CaptureQueriesContext(connection) as ctx:
            fetch(client, url, etag)
        return len(ctx)

    def report(self, negotiation, runs, results):
        positions = Position.objects.filter(issue__negotiation=negotiation).count()
        self.stdout.write(
            f"{negotiation.slug}: {positions:,} positions; {runs} runs per page and state; "
            f"database {connection.vendor}"
        )
        self.stdout.write(f"{'':<26}" + "".join(f"  {state:-^35}" for state in STATES))
        header = f"{'queries':>7} {'median ms':>10} {'p95 ms':>7} {'× healthz':>9}"
        self.stdout.write(f"{'page':<26}" + f"  {header}" * len(STATES))
        for row in results:
            cells = []
            for prefix in PREFIX.values():
                cells.append(
                    f"{row[prefix + 'queries']:>7} {row[prefix + 'median_ms']:>10.1f} "
                    f"{row[prefix + 'p95_ms']:>7.1f} {row[prefix + 'ratio_to_healthz']:>9.1f}"
                )
            self.stdout.write(f"{row['page']:<26}" + "".join(f"  {cell}" for cell in cells))
        for row in results:
            at_s = row["queries_at_S"]
            if at_s is not None and at_s != row["queries"]:
                self.stdout.write(
                    self.style.WARNING(
                        f"WARNING: {row['page']} runs {row['queries']} queries here "
                        f"but {at_s} at size S"
                    )
                )
