"""What users get, over real HTTP: gunicorn (2 workers) with production settings and
the database cache, every main page timed against the Django admin's own position list
(100 rows, as a superuser) measured in the same rounds, interleaved (#18).

Each page is measured in two states: "cold" (nothing else running) and "writer" (an
analyst saving a statement every 0.5 s meanwhile). In each state, after the pages, the
writes: the app's correction of a statement (its form opened, then saved) against the
admin's change form and save of the same statement, interleaved. Then a mixed load:
readers cycling through the pages for a while, alone and with the writer, for
throughput, p99, non-2xx and the writer's completed saves.

Query counts are counted in-process (a gunicorn worker cannot report them), with the
database cache, as production runs.
"""

import json
import re
import statistics
import threading
import time
import uuid
from html.parser import HTMLParser

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
# The writes (#18 item 5): a correction as an analyst makes it, form opened then saved,
# against the same in the Django admin; the ratio is to the admin's.
APP_SAVE, ADMIN_SAVE = "record form save", "admin save"
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "redline_cache",
    }
}
STATES = ("cold", "writer")


def correct(browser, position, n, who):
    """The app's correction of `position` as an analyst makes it over HTTP: the form
    opened (for its CSRF token and the record's version), then saved.
    (status of the save, ms to open, ms to save, bytes of the form)."""
    path = reverse("negotiations:position_edit", args=[position.pk])
    p = position
    started = time.perf_counter()
    body = browser.request(path, timeout=120)[2]
    opened = (time.perf_counter() - started) * 1000
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    version = re.search(r'name="version" value="(\d+)"', body)
    if not (token and version):
        return 0, opened, 0.0, len(body.encode())
    data = {
        "csrfmiddlewaretoken": token.group(1),
        "party": p.party_id,
        "issue": p.issue_id,
        "stance": p.stance,
        "movement": p.movement,
        "summary": f"{p.summary[:1900]} (benchmark {who} correction {n})",
        "quote": p.quote,
        "when": p.partial_date.isoformat(),
        "version": version.group(1),
        "change_reason": f"benchmark_http {who}",
        "cite-TOTAL_FORMS": "0",
        "cite-INITIAL_FORMS": "0",
        "cite-MIN_NUM_FORMS": "0",
        "cite-MAX_NUM_FORMS": "10",
    }
    started = time.perf_counter()
    status = browser.request(path, data, timeout=120)[0]
    return status, opened, (time.perf_counter() - started) * 1000, len(body.encode())


class FormFields(HTMLParser):
    """The (name, value) pairs a browser would submit from the form with id `form_id`:
    inputs (checked boxes only, no buttons), textareas and selected options."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag in ("input", "select", "textarea"):
            return
        kind = a.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if kind != "text" else "")))
        elif tag == "select":
            self.select = [a["name"], None, False]  # name, first option, chosen
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in a:
                self.fields.append((self.select[0], value))
                self.select[2] = True
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.select[2] and self.select[1] is not None:
                self.fields.append((self.select[0], self.select[1]))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # The parser unescapes the text; the newline after <textarea> is not content.
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None


class InProcess:
    """A test Client behind Browser.request(), for counting a write's queries."""

    def __init__(self, client):
        self.client = client

    def request(self, path, data=None, timeout=None):
        response = self.client.post(path, data) if data is not None else self.client.get(path)
        return response.status_code, response.headers, response.content.decode()


def admin_correct(browser, position, n):
    """The same correction in the Django admin: its change form opened, then submitted
    as a browser would, with a new summary and the reason the admin asks for.
    (status of the save, ms to open, ms to save, bytes of the form)."""
    path = reverse("admin:negotiations_position_change", args=[position.pk])
    started = time.perf_counter()
    body = browser.request(path, timeout=120)[2]
    opened = (time.perf_counter() - started) * 1000
    parser = FormFields("position_form")
    parser.feed(body)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    if "csrfmiddlewaretoken" not in data:
        return 0, opened, 0.0, len(body.encode())
    data["summary"] = [f"{position.summary[:1900]} (benchmark admin correction {n})"]
    data["change_reason"] = ["benchmark_http admin"]
    started = time.perf_counter()
    status = browser.request(path, data, timeout=120)[0]
    return status, opened, (time.perf_counter() - started) * 1000, len(body.encode())


def timed_row(page, state, times, anchor, size, failures, **extra):
    """One row of the JSON output: a page's (or a save's) times against the anchor's."""
    ordered = sorted(times)
    median = statistics.median(ordered)
    return {
        "page": page,
        "state": state,
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "ratio_to_admin": round(median / anchor, 2),
        "bytes": size,
        "non_2xx": failures,
        **extra,
    }


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
        n = 0
        while not self.stop.is_set():
            tick = time.monotonic()
            self.planned += 1
            n += 1
            status, _, post_ms, _ = correct(self.browser, self.position, n, "writer")
            if status == 302:
                self.saves.append(post_ms)
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
        # The timed writes correct another statement than the writer's, whose saves
        # would otherwise make theirs stale (a 409).
        edited = (
            Position.objects.filter(issue__negotiation=negotiation, commitment_of=None)
            .exclude(pk=position.pk)
            .select_related("issue", "party")
            .order_by("pk")
            .first()
        ) or position
        users = self.users()
        queries = self.count(pages, users["reader"][0], users["admin"][0])
        queries.update(self.count_writes(edited, users["analyst"][0], users["admin"][0]))
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
                result = self.run(
                    started, pages, users, (position, edited), runs, interval, readers, seconds
                )
        else:
            result = self.run(
                base, pages, users, (position, edited), runs, interval, readers, seconds
            )
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

    def count_writes(self, position, analyst, admin):
        """{write: queries} in-process: the form opened and saved, as timed below."""
        User = get_user_model()
        counts = {}
        settings = {"CACHES": DATABASE_CACHE, "DEBUG": False, "ALLOWED_HOSTS": ["testserver"]}
        with override_settings(**settings):
            for name, username in ((APP_SAVE, analyst), (ADMIN_SAVE, admin)):
                client = Client()
                client.force_login(User.objects.get(username=username))
                browser = InProcess(client)
                save = self.saves()[name]
                save(browser, position, 0)  # warm, as the pages are
                with CaptureQueriesContext(connection) as ctx:
                    status = save(browser, position, 1)[0]
                if status != 302:
                    raise CommandError(f"{name}: the in-process save answered {status}.")
                counts[name] = len(ctx)
        return counts

    def saves(self):
        return {
            APP_SAVE: lambda browser, p, n: correct(browser, p, n, "timed"),
            ADMIN_SAVE: admin_correct,
        }

    def time_writes(self, browsers, position, runs, state):
        """Rows for the app's correction and the admin's, interleaved round by round:
        each the form opened plus its save (also given apart, open_ and save_median_ms)."""
        times = {APP_SAVE: [], ADMIN_SAVE: []}
        parts = {APP_SAVE: ([], []), ADMIN_SAVE: ([], [])}
        sizes, failures = {}, dict.fromkeys(times, 0)
        saves = self.saves()
        for n in range(runs):
            for name in times:
                status, opened, saved, size = saves[name](browsers[name], position, n)
                times[name].append(opened + saved)
                parts[name][0].append(opened)
                parts[name][1].append(saved)
                sizes[name] = size
                failures[name] += status != 302
        anchor = statistics.median(times[ADMIN_SAVE])
        rows = []
        for name in (ADMIN_SAVE, APP_SAVE):
            rows.append(
                timed_row(
                    name,
                    state,
                    times[name],
                    anchor,
                    sizes[name],
                    failures[name],
                    open_median_ms=round(statistics.median(parts[name][0]), 1),
                    save_median_ms=round(statistics.median(parts[name][1]), 1),
                )  # fmt: skip
            )
        return rows

    def run(self, base, pages, users, positions, runs, interval, readers, seconds):
        position, edited = positions
        reader, admin, analyst = Browser(base), Browser(base), Browser(base)
        reader.login(*users["reader"])
        admin.login(*users["admin"])
        analyst.login(*users["analyst"])
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
            # The writes, in the same state (the writer corrects another statement).
            browsers = {APP_SAVE: analyst, ADMIN_SAVE: admin}
            write_rows = self.time_writes(browsers, edited, runs, state)
            if writer:
                writer.finish()  # first: the save in flight is counted, not left "planned"
            writes = writer.figures() if writer else {}
            anchor = statistics.median(times[ADMIN])
            for name, _ in pages:
                extra = {"writer": writes} if name == ADMIN and writes else {}
                rows.append(
                    timed_row(
                        name, state, times[name], anchor, sizes[name], failures[name], **extra
                    )
                )
            rows += write_rows
        paths = [path for name, path in pages if name != ADMIN]
        mixed = {}
        for state in STATES:
            writer = self.writer(base, users, position, interval) if state == "writer" else None
            mixed[state] = self.load(base, users["reader"], paths, readers, seconds)
            if writer:
                writer.finish()
                mixed[state].update(writer.figures())
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
