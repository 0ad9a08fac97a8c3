"""A bounded load test on loopback: gunicorn (2 workers) serving production settings.

Drives /healthz, the dashboard and a thread page in turn, each with the same number of
concurrent clients for the same time, and prints requests/s, p50 and p99 latency and
the number of non-2xx responses for each.
"""

import statistics
import threading
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from negotiations.devtools.liveserver import Browser, gunicorn
from negotiations.management.commands.createuser import create_user
from negotiations.models import Negotiation, Position


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = "Load-test /healthz, the dashboard and a thread page under gunicorn on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=10.0, help="per page")
        parser.add_argument("--negotiation", help="slug (default: the one with most positions)")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, concurrency, seconds, negotiation, workers, **options):
        negotiation = self.pick(negotiation)
        participations = list(negotiation.participations.in_order()[:12])
        issues = list(negotiation.issues.all()[:30])
        query = "&".join(
            [f"party={p.party.slug}" for p in participations] + [f"issue={i.slug}" for i in issues]
        )
        position = (
            Position.objects.filter(issue__negotiation=negotiation)
            .select_related("issue", "party")
            .order_by("pk")
            .first()
        )
        if position is None:
            raise CommandError(f"{negotiation.slug} has no positions.")
        pages = [
            ("/healthz", "/healthz"),
            ("dashboard (12 parties × 30 issues)", f"/n/{negotiation.slug}/?{query}"),
            (
                "position thread",
                f"/n/{negotiation.slug}/issues/{position.issue.slug}/{position.party.slug}/",
            ),
        ]
        username, password = f"load-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        create_user(username, "reader", password)
        connection.close()
        self.stdout.write(
            f"{negotiation.slug}: {concurrency} clients, {seconds:.0f} s per page, "
            f"gunicorn with {workers} workers"
        )
        rows = []
        with gunicorn(workers=workers) as base:
            for label, path in pages:
                rows.append(
                    (label, *self.drive(base, path, username, password, concurrency, seconds))
                )
        self.stdout.write(f"{'page':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for label, rate, p50, p99, bad in rows:
            self.stdout.write(f"{label:<36} {rate:>8.1f} {p50:>8.1f} {p99:>8.1f} {bad:>8}")
        healthz_rate = rows[0][1]
        for label, rate, *_ in rows[1:]:
            self.stdout.write(f"{label}: {rate / healthz_rate:.2f} × the /healthz throughput")
        if any(row[4] for row in rows):
            raise CommandError("Some responses were not 2xx.")

    def pick(self, slug):
        if slug:
            negotiation = Negotiation.objects.filter(slug=slug).first()
        else:
            negotiation = (
                Negotiation.objects.order_by("-pk").filter(issues__positions__isnull=False).first()
            )
        if negotiation is None:
            raise CommandError("No negotiation with positions: load seeds or synthesize first.")
        return negotiation

    def drive(self, base, path, username, password, concurrency, seconds):
        latencies, failures = [], []
        lock = threading.Lock()
        browsers = []
        for _ in range(concurrency):
            browser = Browser(base)
            browser.login(username, password)
            browsers.append(browser)
        browsers[0].request(path)  # warm up each page once
        barrier = threading.Barrier(concurrency)
        deadline = []

        def client(browser):
            barrier.wait()
            if not deadline:
                deadline.append(time.monotonic() + seconds)
            mine, bad = [], 0
            while time.monotonic() < deadline[0]:
                started = time.perf_counter()
                status = browser.request(path)[0]
                mine.append((time.perf_counter() - started) * 1000)
                bad += not 200 <= status < 300
            with lock:
                latencies.extend(mine)
                failures.append(bad)

        threads = [threading.Thread(target=client, args=(b,)) for b in browsers]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        rate = len(latencies) / elapsed
        return rate, statistics.median(latencies), percentile(latencies, 0.99), sum(failures)
