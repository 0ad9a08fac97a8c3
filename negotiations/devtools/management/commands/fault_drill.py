"""Restart PostgreSQL while analysts are saving, then check nothing was lost or half-written.

Serves the app with gunicorn on loopback, runs writer threads that record positions
(each with a citation) through the real form, restarts the database in the middle,
and afterwards compares what the writers were told with what the database holds.
"""

import os
import subprocess
import threading
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from negotiations.devtools.liveserver import Browser, gunicorn
from negotiations.management.commands.createuser import create_user
from negotiations.models import Citation, Issue, Position, Source

AFTER_RESTART = 4.0


def default_restart_command():
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    version = versions[-1] if versions else "15"
    return f"pg_ctlcluster --skip-systemctl-redirect {version} main restart -m fast"


class Command(BaseCommand):
    help = "Database fault drill: restart PostgreSQL under concurrent writes (needs PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--writers", type=int, default=4)
        parser.add_argument("--seconds", type=float, default=8.0, help="total writing time")
        parser.add_argument("--restart-after", type=float, default=2.5)
        parser.add_argument("--restart-command", default=default_restart_command())

    def handle(self, writers, seconds, restart_after, restart_command, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The fault drill restarts PostgreSQL: set DATABASE_URL to one.")
        issue = Issue.objects.select_related("negotiation").order_by("pk").first()
        source = Source.objects.order_by("pk").first()
        if issue is None or source is None:
            raise CommandError("Load data first (manage.py load_seeds).")
        party = issue.negotiation.participations.order_by("pk").first().party
        run = uuid.uuid4().hex[:8]
        username, password = f"drill-{run}", uuid.uuid4().hex
        create_user(username, "analyst", password)
        connection.close()

        outcomes = []  # (summary, status, finished at)
        lock = threading.Lock()

        with gunicorn(workers=2) as base:
            # Writers go on for `seconds` from the moment the server answers, and for at
            # least AFTER_RESTART seconds once the database is back. Collecting the
            # static files and starting the workers takes 6 s on an idle 2-core machine
            # and more after the test suite: a window counted from before could close
            # before the first writer had logged in (0 writes attempted). And the
            # restart can eat the whole window, while "a write succeeds after the
            # restart" needs one.
            planned_stop = time.monotonic() + seconds
            stop = [planned_stop]

            def write(n):
                browser = Browser(base)
                while time.monotonic() < stop[0]:
                    try:
                        browser.login(username, password)
                        break
                    except RuntimeError:
                        time.sleep(0.2)
                count = 0
                path = f"/n/{issue.negotiation.slug}/positions/new/"
                while time.monotonic() < stop[0]:
                    count += 1
                    summary = f"Drill {run} writer {n} statement {count}"
                    token = browser.csrf(path)
                    if not token:
                        with lock:
                            outcomes.append((summary, "no-form", time.monotonic()))
                        time.sleep(0.2)
                        continue
                    data = {
                        "csrfmiddlewaretoken": token,
                        "party": party.pk,
                        "issue": issue.pk,
                        "stance": "demand",
                        "movement": "",
                        "summary": summary,
                        "quote": "",
                        "when": "2024-01",
                        "cite-TOTAL_FORMS": "1",
                        "cite-INITIAL_FORMS": "0",
                        "cite-MIN_NUM_FORMS": "0",
                        "cite-MAX_NUM_FORMS": "10",
                        "cite-0-source": source.pk,
                        "cite-0-locator": "drill",
                    }
                    status, headers, _ = browser.request(path, data)
                    location = headers.get("Location", "") if headers else ""
                    acknowledged = status == 302 and "#position-" in location
                    with lock:
                        status = "ack" if acknowledged else str(status)
                        outcomes.append((summary, status, time.monotonic()))

            threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
            for t in threads:
                t.start()
            time.sleep(restart_after)
            self.stdout.write(f"Restarting PostgreSQL: {restart_command}")
            started = time.monotonic()
            stop[0] = float("inf")  # until the database is back
            result = subprocess.run(restart_command, shell=True, capture_output=True, text=True)
            back_at = time.monotonic()
            stop[0] = max(planned_stop, back_at + AFTER_RESTART)
            if result.returncode != 0:
                raise CommandError(f"Restart failed: {result.stderr.strip()}")
            self.stdout.write(f"PostgreSQL back after {back_at - started:.1f} s")
            for t in threads:
                t.join()
            # The server must have recovered on its own, without a restart.
            health = Browser(base).request("/healthz")[0]

        connection.close()
        acked = [s for s, status, _ in outcomes if status == "ack"]
        refused = [(s, status) for s, status, _ in outcomes if status != "ack"]
        found = Position.objects.filter(summary__startswith=f"Drill {run} ")
        found_summaries = list(found.values_list("summary", flat=True))
        lost = sorted(set(acked) - set(found_summaries))
        duplicated = sorted({s for s in found_summaries if found_summaries.count(s) > 1})
        uncited = found.filter(citations__isnull=True).count()
        without_history = [p.pk for p in found if not p.history.filter(history_type="+").exists()]
        orphan_citations = Citation.objects.filter(
            locator="drill", position__isnull=True, provision__isnull=True,
            proposal__isnull=True, event__isnull=True,
        ).count()  # fmt: skip
        statuses = {}
        for _, status in refused:
            statuses[status] = statuses.get(status, 0) + 1
        intact = len(set(acked) - set(lost) - set(duplicated))
        self.stdout.write(
            f"writes attempted: {len(outcomes)}\n"
            f"acknowledged: {len(acked)}\n"
            f"acknowledged and found exactly once: {intact}\n"
            f"refused or failed (writer was told): {len(refused)} {statuses}\n"
            f"found in database: {len(found_summaries)} "
            f"(unacknowledged but complete: {len(set(found_summaries) - set(acked))})\n"
            f"lost acknowledged writes: {len(lost)}\n"
            f"duplicated writes: {len(duplicated)}\n"
            f"half-written (no citation / no history / orphan citation): "
            f"{uncited} / {len(without_history)} / {orphan_citations}\n"
            f"/healthz after the restart: {health}"
        )
        problems = []
        if lost or duplicated or uncited or without_history or orphan_citations:
            problems.append("data lost, duplicated or half-written")
        if not acked:
            problems.append("no write was acknowledged")
        if health != 200:
            problems.append("the app did not recover")
        acked_after = sum(1 for _, status, at in outcomes if status == "ack" and at > back_at)
        self.stdout.write(f"acknowledged after the restart: {acked_after}")
        if not acked_after:
            problems.append("no write succeeded after the restart")
        if problems:
            raise CommandError("Fault drill failed: " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Fault drill passed."))
