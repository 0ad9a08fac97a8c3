"""What users get, over real HTTP: gunicorn (2 workers) with production settings and
the database cache, every main page timed against the Django admin's own position list
(100 rows, as a superuser) measured in the same rounds, interleaved (#18).

Each page is measured in two states: "cold" (nothing else running) and "writer" (an
analyst saving a statement every 0.5 s meanwhile). Then a mixed load: readers cycling
through the pages for a while, alone and with the writer, for throughput, p99, non-2xx
and the writer's completed saves.

Query counts are counted in-process (a gunicorn worker cannot report them), with the
database cache, as production runs.
"""

import json
import re
import statistics
import threading
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.devtools.liveserver import Browser, gunicorn
from negotiations.devtools.management.commands.benchmark import page_urls
from negotiations.devtools.management.commands.loadtest import percentile
from negotiations.management.commands.createuser import create_user
from negotiations.models import Negotiation, Position

ADMIN = "admin position list (100 rows)"
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "redline_cache",
    }
}
STATES = ("cold", "writer")


class Writer(threading.Thread):
    """An analyst correcting one statement every `interval` seconds over HTTP: opens
    the form (for its CSRF token), then saves. Records each save's time and status."""

    def __init__(self, base, username, password, position, interval):
        super().__init__(daemon=True)
        self.browser = Browser(base)
        self.browser.login(username, password)
        self.position, self.interval = position, interval
        self.stop = threading.Event()
        self.saves, self.failed, self.planned = [], 0, 0

    def run(self):
        path = reverse("negotiations:position_edit", args=[self.position.pk])
        p = self.position
        n = 0
        while not self.stop.is_set():
            tick = time.monotonic()
            self.planned += 1
            n += 1
            # The form as the analyst opens it: its CSRF token and the record's version
            # (over HTTP only: this thread uses no database connection of its own).
            body = self.browser.request(path, timeout=120)[2]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
            version = re.search(r'name="version" value="(\d+)"', body)
            if not (token and version):
                self.failed += 1
                self.stop.wait(self.interval)
                continue
            token, version = token.group(1), version.group(1)
            data = {
                "csrfmiddlewaretoken": token,
                "party": p.party_id,
                "issue": p.issue_id,
                "stance": p.stance,
                "movement": p.movement,
                "summary": f"{p.summary[:1900]} (benchmark correction {n})",
                "quote": p.quote,
                "when": p.partial_date.isoformat(),
                "version": version,
                "change_reason": "benchmark_http writer",
                "cite-TOTAL_FORMS": "0",
                "cite-INITIAL_FORMS": "0",
                "cite-MIN_NUM_FORMS": "0",
                "cite-MAX_NUM_FORMS": "10",
            }
            started = time.perf_counter()
            status = self.browser.request(path, data)[0]
            if status == 302:
                self.saves.append((time.perf_counter() - started) * 1000)
            else:
                self.failed += 1
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - tick)))

    def finish(self):
        self.stop.set()
        self.join(30)

    def figures(self):
        return {
            "writer_saves_completed": len(self.saves),
            "writer_saves_planned": self.planned,
            "writer_saves_failed": self.failed,
            "writer_save_median_ms": round(statistics.median(self.saves), 1)
            if self.saves
            else None,
        }


class Command(BaseCommand):
    help = (
        "Time every main page over HTTP (gunicorn, production settings) against the admin "
        "position list, cold and under a concurrent writer; then a mixed read/write load."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10, help="rounds per state")
        parser.add_argument("--negotiation", help="slug (default: the largest negotiation)")
        parser.add_argument("--json", dest="json_file", help="also write the figures as JSON")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--interval", type=float, default=0.5, help="between writer saves")
        parser.add_argument("--readers", type=int, default=8, help="mixed load clients")
        parser.add_argument("--seconds", type=float, default=20.0, help="per mixed phase")
        parser.add_argument(
            "--base", help="an already running server's URL (tests); default: start gunicorn"
        )

    def handle(self, runs, negotiation, json_file, workers, interval, readers, seconds, base,
               **options):  # fmt: skip
        negotiation = self.pick(negotiation)
        pages = self.pages(negotiation)
        position = (
            Position.objects.filter(issue__negotiation=negotiation, commitment_of=None)
            .select_related("issue", "party")
            .order_by("pk")
            .first()
        )
        if position is None:
            raise CommandError(f"{negotiation.slug} has no statements to correct.")
        users = self.users()
        queries = self.count(pages, users["reader"][0], users["admin"][0])
        if base is None:
            with override_settings(CACHES=DATABASE_CACHE):
                call_command("createcachetable", verbosity=0)
        size = Position.objects.filter(issue__negotiation=negotiation).count()
        self.stdout.write(
            f"{negotiation.slug}: {size:,} positions; {runs} rounds per state; "
            f"database {connection.vendor}"
        )
        connection.close()  # gunicorn's workers must not share this connection
        if base is None:
            with gunicorn(workers=workers, extra_env={"CACHE": "database"}) as started:
                result = self.run(started, pages, users, position, runs, interval, readers, seconds)
        else:
            result = self.run(base, pages, users, position, runs, interval, readers, seconds)
        rows, mixed = result
        for row in rows:
            row["queries"] = queries.get(row["page"])
        self.report(rows, mixed)
        if json_file:
            document = {
                "negotiation": negotiation.slug,
                "runs": runs,
                "pages": rows,
                "mixed": mixed,
            }
            with open(json_file, "w") as f:
                json.dump(document, f, indent=2)
        bad = sum(row["non_2xx"] for row in rows) + mixed["cold"]["non_2xx"]
        if bad + mixed["writer"]["non_2xx"]:
            raise CommandError("Some responses were not 2xx.")

    def pick(self, slug):
        queryset = Negotiation.objects.all()
        if slug:
            found = queryset.filter(slug=slug).first()
        else:
            found = max(
                queryset, key=lambda n: Position.objects.filter(issue__negotiation=n).count(),
                default=None,
            )  # fmt: skip
        if found is None:
            raise CommandError("No negotiation found: run load_seeds or synthesize first.")
        return found

    def pages(self, negotiation):
        """(name, path): the admin list, /healthz, the landing page, then benchmark's."""
        found = [
            (ADMIN, reverse("admin:negotiations_position_changelist")),
            ("dashboard (landing)", reverse("negotiations:negotiation", args=[negotiation.slug])),
        ]
        found += [(name, url) for name, url in page_urls(negotiation) if url]
        return found

    def users(self):
        """{role: (username, password)}: a reader, an analyst (the writer), a superuser."""
        tag = uuid.uuid4().hex[:8]
        users = {}
        for role in ("reader", "analyst"):
            username, password = f"bench-{role}-{tag}", uuid.uuid4().hex
            create_user(username, role, password)
            users[role] = (username, password)
        username, password = f"bench-admin-{tag}", uuid.uuid4().hex
        get_user_model().objects.create_superuser(username, "", password)
        users["admin"] = (username, password)
        return users

    def count(self, pages, reader, admin):
        """{page: queries} in-process, with the database cache and DEBUG off."""
        User = get_user_model()
        clients = {}
        for name, username in (("reader", reader), ("admin", admin)):
            clients[name] = Client()
            clients[name].force_login(User.objects.get(username=username))
        counts = {}
        settings = {"CACHES": DATABASE_CACHE, "DEBUG": False, "ALLOWED_HOSTS": ["testserver"]}
        with override_settings(**settings):
            call_command("createcachetable", verbosity=0)
            for name, path in pages:
                client = clients["admin" if name == ADMIN else "reader"]
                client.get(path)  # warm: the CSRF cookie, cached diffs as after one visit
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
                    if getattr(response, "streaming", False):
                        for _ in response.streaming_content:
                            pass
                counts[name] = len(ctx)
        return counts

    def run(self, base, pages, users, position, runs, interval, readers, seconds):
        reader, admin = Browser(base), Browser(base)
        reader.login(*users["reader"])
        admin.login(*users["admin"])
        rows = []
        for state in STATES:
            writer = self.writer(base, users, position, interval) if state == "writer" else None
            times = {name: [] for name, _ in pages}
            sizes, failures = {}, {name: 0 for name, _ in pages}
            for _ in range(runs):
                # Interleaved: every round times the admin list beside each page.
                for name, path in pages:
                    browser = admin if name == ADMIN else reader
                    started = time.perf_counter()
                    status, _, body = browser.request(path, timeout=120)
                    times[name].append((time.perf_counter() - started) * 1000)
                    sizes[name] = len(body.encode())
                    failures[name] += not 200 <= status < 300
            writes = writer.figures() if writer else {}
            if writer:
                writer.finish()
            anchor = statistics.median(times[ADMIN])
            for name, _ in pages:
                ordered = sorted(times[name])
                median = statistics.median(ordered)
                rows.append(
                    {
                        "page": name,
                        "state": state,
                        "median_ms": round(median, 1),
                        "p95_ms": round(percentile(ordered, 0.95), 1),
                        "ratio_to_admin": round(median / anchor, 2),
                        "bytes": sizes[name],
                        "non_2xx": failures[name],
                        **({"writer": writes} if name == ADMIN and writes else {}),
                    }
                )
        paths = [path for name, path in pages if name != ADMIN]
        mixed = {}
        for state in STATES:
            writer = self.writer(base, users, position, interval) if state == "writer" else None
            mixed[state] = self.load(base, users["reader"], paths, readers, seconds)
            if writer:
                mixed[state].update(writer.figures())
                writer.finish()
        mixed["throughput_kept"] = round(
            mixed["writer"]["requests_per_s"] / max(mixed["cold"]["requests_per_s"], 1e-9), 2
        )
        return rows, mixed

    def writer(self, base, users, position, interval):
        writer = Writer(base, *users["analyst"], position, interval)
        writer.start()
        return writer

    def load(self, base, reader, paths, clients, seconds):
        """`clients` readers cycling through `paths` for `seconds`."""
        latencies, failures, lock = [], [], threading.Lock()
        browsers = []
        for _ in range(clients):
            browser = Browser(base)
            browser.login(*reader)
            browsers.append(browser)
        deadline = time.monotonic() + seconds

        def client(n, browser):
            mine, bad, i = [], 0, n
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status = browser.request(paths[i % len(paths)], timeout=120)[0]
                mine.append((time.perf_counter() - started) * 1000)
                bad += not 200 <= status < 300
                i += 1
            with lock:
                latencies.extend(mine)
                failures.append(bad)

        threads = [threading.Thread(target=client, args=(n, b)) for n, b in enumerate(browsers)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        return {
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.5), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "non_2xx": sum(failures),
        }

    def report(self, rows, mixed):
        header = f"{'page':<30} {'state':<7} {'median ms':>9} {'p95 ms':>8} {'× admin':>8}"
        self.stdout.write(header + f" {'queries':>7} {'bytes':>9} {'non-2xx':>7}")
        for r in rows:
            self.stdout.write(
                f"{r['page']:<30} {r['state']:<7} {r['median_ms']:>9.1f} {r['p95_ms']:>8.1f} "
                f"{r['ratio_to_admin']:>8.2f} {r['queries'] or 0:>7} {r['bytes']:>9,} "
                f"{r['non_2xx']:>7}"
            )
        for state in STATES:
            m = mixed[state]
            line = (
                f"mixed load, {state}: {m['requests_per_s']} req/s, p50 {m['p50_ms']} ms, "
                f"p99 {m['p99_ms']} ms, non-2xx {m['non_2xx']}"
            )
            if state == "writer":
                line += (
                    f"; writer saved {m['writer_saves_completed']} of "
                    f"{m['writer_saves_planned']} (failed {m['writer_saves_failed']}, "
                    f"median {m['writer_save_median_ms']} ms)"
                )
            self.stdout.write(line)
        self.stdout.write(f"readers kept {mixed['throughput_kept']:.0%} of their throughput")
