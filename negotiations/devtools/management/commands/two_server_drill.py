"""Two app servers, one PostgreSQL, one Redis: check that nothing depends on which server
answers (README, "Deploying on more than one server").

Starts two gunicorn servers with production settings on two loopback ports, against the
database this command is connected to and one redis-server (REDIS_URL, or a private one
on a free port), and checks, printing each check:

1. a session made on A is valid on B, and a write through A is on B's next request
   (B asks with the ETag it was given before the write);
2. a diff that A computed is read from the shared cache by B;
3. failed logins alternating between A and B lock the account out on both;
4. SIGKILL of A (master and workers) while writers post to both loses no acknowledged
   write, leaves nothing half-written, and B keeps answering.

Exits non-zero when a check fails.
"""

import os
import threading
import time
import urllib.parse
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from negotiations.devtools.liveserver import Browser, gunicorn_server, redis_server
from negotiations.management.commands.createuser import create_user
from negotiations.models import Citation, Issue, Position, Source

User = get_user_model()
LOGIN_LIMIT = 4  # LOGIN_MAX_FAILURES of both servers: two failures on each


def database_url():
    """The URL of the database this process is connected to (the test database in tests)."""
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = ":" + urllib.parse.quote(s["PASSWORD"], safe="") if s["PASSWORD"] else ""
    host = s["HOST"] or ""
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{s['NAME']}?host={urllib.parse.quote(host)}"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{s['NAME']}"


class Command(BaseCommand):
    help = "Two app servers against one PostgreSQL and one Redis (needs PostgreSQL, redis-server)."

    def add_arguments(self, parser):
        parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
        parser.add_argument("--writers", type=int, default=2, help="writers per server")
        parser.add_argument("--seconds", type=float, default=6.0, help="total writing time")
        parser.add_argument("--kill-after", type=float, default=2.0)

    def handle(self, redis_url, writers, seconds, kill_after, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The two-server drill needs PostgreSQL: set DATABASE_URL to one.")
        issue = Issue.objects.select_related("negotiation").order_by("pk").first()
        source = Source.objects.order_by("pk").first()
        if issue is None or source is None:
            raise CommandError("Load data first (manage.py load_seeds).")
        self.issue, self.source = issue, source
        self.party = issue.negotiation.participations.order_by("pk").first().party
        self.run = uuid.uuid4().hex[:8]
        self.password = uuid.uuid4().hex
        self.analyst = f"drill2-{self.run}"
        self.victim = f"drill2-{self.run}-locked"
        for username, role in ((self.analyst, "analyst"), (self.victim, "reader")):
            create_user(username, role, self.password)
            # A hash the servers' production settings can check, even when this process
            # hashes with the tests' fast MD5 (few iterations: the servers upgrade it).
            hasher = PBKDF2PasswordHasher()
            user = User.objects.get(username=username)
            user.password = hasher.encode(self.password, hasher.salt(), iterations=1000)
            user.save(update_fields=["password"])
        self.failures = []
        if redis_url:
            self.drill(redis_url, writers, seconds, kill_after)
        else:
            with redis_server() as private:
                self.stdout.write(f"Private redis-server at {private}")
                self.drill(private, writers, seconds, kill_after)
        if self.failures:
            raise CommandError("Two-server drill failed: " + "; ".join(self.failures))
        self.stdout.write(self.style.SUCCESS("Two-server drill passed."))

    def verify(self, ok, what):
        self.stdout.write(f"{'PASS' if ok else 'FAIL'}: {what}")
        if not ok:
            self.failures.append(what)

    def drill(self, redis_url, writers, seconds, kill_after):
        import redis

        prefix = f"drill-{self.run}"
        env = {
            # One SECRET_KEY for both, as in production: a session signed by one server
            # must be valid on the other.
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "drill-" + os.urandom(24).hex(),
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "LOGIN_MAX_FAILURES": str(LOGIN_LIMIT),
            "DEVTOOLS": "0",
        }
        store = redis.Redis.from_url(redis_url)
        connection.close()  # the servers and this process must not share a connection
        with gunicorn_server(2, extra_env=env) as a, gunicorn_server(2, extra_env=env) as b:
            self.stdout.write(f"Server A at {a.base}, server B at {b.base}")
            self.write_then_read(a, b)
            self.shared_cache(a, b, store, prefix)
            self.lockout(a, b)
            self.crash(a, b, writers, seconds, kill_after)
        connection.close()

    def post_position(self, browser, summary, when="2024-01"):
        """True when the server acknowledged the write (the redirect to the new row)."""
        path = f"/n/{self.issue.negotiation.slug}/positions/new/"
        token = browser.csrf(path)
        if not token:
            return False
        data = {
            "csrfmiddlewaretoken": token,
            "party": self.party.pk,
            "issue": self.issue.pk,
            "stance": "demand",
            "movement": "",
            "summary": summary,
            "quote": "",
            "when": when,
            "cite-TOTAL_FORMS": "1",
            "cite-INITIAL_FORMS": "0",
            "cite-MIN_NUM_FORMS": "0",
            "cite-MAX_NUM_FORMS": "10",
            "cite-0-source": self.source.pk,
            "cite-0-locator": "drill2",
        }
        status, headers, _ = browser.request(path, data)
        return status == 302 and "#position-" in (headers.get("Location", "") if headers else "")

    def thread_path(self):
        n = self.issue.negotiation
        return f"/n/{n.slug}/issues/{self.issue.slug}/{self.party.slug}/"

    def write_then_read(self, a, b):
        on_a = Browser(a.base)
        on_a.login(self.analyst, self.password)
        on_b = Browser(b.base, jar=on_a.jar)
        path = f"/n/{self.issue.negotiation.slug}/issues/{self.issue.slug}/"
        status, headers, _ = on_b.request(path)
        self.verify(status == 200, f"the session made on A is valid on B (B answered {status})")
        etag = headers.get("ETag", "") if headers else ""
        summary = f"Two-server drill {self.run}: written through A"
        self.verify(self.post_position(on_a, summary), "A acknowledged a write")
        status, _, body = on_b.request(path, headers={"If-None-Match": etag} if etag else None)
        self.verify(
            status == 200 and summary in body,
            f"B's next request shows the write made through A (status {status})",
        )

    def shared_cache(self, a, b, store, prefix):
        # A second statement by the same party on the issue, so the thread shows a diff.
        on_a = Browser(a.base)
        on_a.login(self.analyst, self.password)
        self.post_position(on_a, f"Two-server drill {self.run}: a later statement", "2024-03")
        status_a = on_a.request(self.thread_path())[0]
        keys = store.keys(f"{prefix}:*diff:*")
        hits = store.info("stats")["keyspace_hits"]
        status_b = Browser(b.base, jar=on_a.jar).request(self.thread_path())[0]
        read = store.info("stats")["keyspace_hits"] - hits
        self.verify(
            status_a == status_b == 200 and keys and read >= len(keys),
            f"B read from Redis the {len(keys)} diff(s) A cached ({read} cache hits)",
        )

    def lockout(self, a, b):
        statuses = []
        for n in range(LOGIN_LIMIT):
            server = (a, b)[n % 2]
            browser = Browser(server.base)
            token = browser.csrf("/login/")
            data = {"username": self.victim, "password": "wrong", "csrfmiddlewaretoken": token}
            statuses.append(browser.request("/login/", data)[0])
        self.stdout.write(f"failed logins alternating A/B answered {statuses}")
        refused = []
        for server in (a, b):
            browser = Browser(server.base)
            token = browser.csrf("/login/")
            data = {
                "username": self.victim,
                "password": self.password,
                "csrfmiddlewaretoken": token,
            }
            refused.append(browser.request("/login/", data)[0])
        self.verify(
            statuses[:-1] == [200] * (LOGIN_LIMIT - 1) and refused == [429, 429],
            f"{LOGIN_LIMIT} failures, {LOGIN_LIMIT // 2} on each server, lock the account "
            f"out on both (right password then answered {refused})",
        )

    def crash(self, a, b, writers, seconds, kill_after):
        outcomes = []  # (summary, server, acknowledged, finished at)
        lock = threading.Lock()
        # Logged in before the clock starts: a login checks a slow password hash.
        browsers = []
        for server, name in ((a, "A"), (b, "B")):
            for n in range(writers):
                browser = Browser(server.base)
                browser.login(self.analyst, self.password)
                browsers.append((browser, name, n))
        stop = time.monotonic() + seconds

        def write(browser, name, n):
            count = 0
            while time.monotonic() < stop:
                count += 1
                summary = f"Two-server drill {self.run} crash {name}{n} #{count}"
                acknowledged = self.post_position(browser, summary)
                with lock:
                    outcomes.append((summary, name, acknowledged, time.monotonic()))
                if not acknowledged:
                    time.sleep(0.1)

        threads = [threading.Thread(target=write, args=browser) for browser in browsers]
        for thread in threads:
            thread.start()
        time.sleep(kill_after)
        a.crash()
        killed_at = time.monotonic()
        self.stdout.write(f"SIGKILL to server A (master and workers) after {kill_after} s")
        for thread in threads:
            thread.join()
        health = Browser(b.base).request("/healthz")[0]

        acked = [s for s, _, ok, _ in outcomes if ok]
        found = Position.objects.filter(summary__startswith=f"Two-server drill {self.run} crash ")
        summaries = list(found.values_list("summary", flat=True))
        lost = set(acked) - set(summaries)
        duplicated = {s for s in summaries if summaries.count(s) > 1}
        uncited = found.filter(citations__isnull=True).count()
        without_history = [p.pk for p in found if not p.history.filter(history_type="+").exists()]
        orphans = Citation.objects.filter(
            locator="drill2", position__isnull=True, provision__isnull=True,
            proposal__isnull=True, event__isnull=True,
        ).count()  # fmt: skip
        acked_a = sum(1 for _, name, ok, _ in outcomes if ok and name == "A")
        b_after = sum(1 for _, name, ok, at in outcomes if ok and name == "B" and at > killed_at)
        self.stdout.write(
            f"writes attempted: {len(outcomes)}; acknowledged: {len(acked)} "
            f"(A {acked_a}, B {len(acked) - acked_a}); found in the database: {len(summaries)}"
        )
        self.verify(acked_a > 0, "A acknowledged writes before it was killed")
        self.verify(not lost, f"no acknowledged write lost ({len(lost)} lost)")
        self.verify(
            not duplicated and not uncited and not without_history and not orphans,
            f"nothing duplicated or half-written ({len(duplicated)} duplicated, {uncited} "
            f"uncited, {len(without_history)} without history, {orphans} orphan citations)",
        )
        self.verify(
            b_after > 0 and health == 200,
            f"B kept serving: {b_after} writes acknowledged after the kill, /healthz {health}",
        )
