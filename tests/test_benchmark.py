"""The benchmark command (devtools): every main page timed cold and reloaded, on the seeds."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from negotiations.models import Position

# A benchmark and a fresh production process: CI runs them, `make test` does not.
pytestmark = pytest.mark.slow

PAGES = [
    "/healthz",
    "dashboard 12×30",
    "issue page",
    "party page",
    "position thread",
    "snapshot compare",
    "timeline",
    "proposal list",
    "proposal compare",
    "search",
    "analytics",
    "list export (party CSV)",
]


def test_benchmark_times_every_page_cold_and_reloaded_and_writes_the_figures(db, tmp_path):
    call_command("load_seeds", stdout=io.StringIO())
    out = io.StringIO()
    report = tmp_path / "bench.json"
    call_command("benchmark", runs=2, json_file=str(report), stdout=out, stderr=io.StringIO())
    figures = json.loads(report.read_text())
    rows = {row["page"]: row for row in figures["pages"]}
    assert list(rows) == PAGES
    for row in rows.values():
        for prefix in ("", "reload_"):
            assert row[f"{prefix}median_ms"] > 0 and row[f"{prefix}ratio_to_healthz"] > 0
        assert row["queries"] == row["queries_at_S"]  # the same negotiation: no warning
    # A reload of a read page is a 304 after the request's own queries; an export
    # has no ETag and is built again.
    dashboard, export = rows["dashboard 12×30"], rows["list export (party CSV)"]
    assert dashboard["reload_queries"] == 4 < dashboard["queries"]
    assert export["reload_queries"] == export["queries"] > 1
    seeded = Position.objects.count()
    assert figures["export"]["rows"] == seeded  # every seeded position
    text = out.getvalue()
    assert all(state in text for state in ("cold", "reload"))
    assert "WARNING" not in text
    assert f"all-positions CSV export: {seeded} rows" in text


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a live server and a writer at once need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_benchmark_http_measures_pages_against_the_admin_with_a_writer(live_server, tmp_path):
    """Tiny data and few rounds: the figures' shape, not their values (#18)."""
    call_command("load_seeds", stdout=io.StringIO())
    report = tmp_path / "http.json"
    out = io.StringIO()

    call_command(
        "benchmark_http",
        base=live_server.url,
        runs=2,
        readers=2,
        seconds=1.5,
        interval=0.5,
        json_file=str(report),
        stdout=out,
    )

    figures = json.loads(report.read_text())
    rows = figures["pages"]
    keys = {"page", "median_ms", "p95_ms", "ratio_to_admin", "queries", "bytes", "state"}
    assert all(keys <= set(row) for row in rows)
    assert {row["state"] for row in rows} == {"cold", "writer"}
    pages = {row["page"] for row in rows}
    assert {"admin position list (100 rows)", "dashboard (landing)", "/healthz"} <= pages
    # The writes: the app's correction and the admin's, each opened and saved.
    assert {"record form save", "admin save"} <= pages
    for row in rows:
        assert row["median_ms"] > 0 and row["bytes"] > 0 and row["non_2xx"] == 0
        assert row["queries"] >= 1
        if row["page"].startswith("admin"):
            assert row["ratio_to_admin"] == 1.0
    mixed = figures["mixed"]
    assert mixed["writer"]["writer_saves_completed"] >= 1
    assert mixed["writer"]["writer_saves_failed"] == 0
    assert mixed["cold"]["requests_per_s"] > 0 and mixed["writer"]["non_2xx"] == 0
    assert "readers kept" in out.getvalue()


def test_production_settings_do_not_install_the_devtools(tmp_path):
    """Without DEBUG (and outside tests) `manage.py help` lists no operations tool."""
    root = Path(__file__).resolve().parent.parent
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DEVTOOLS", "REDLINE_TESTING", "DATABASE_URL")
    }
    env.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.sqlite3'}"

    def commands(**extra):
        done = subprocess.run(
            [sys.executable, "manage.py", "help", "--commands"],
            cwd=root,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        return set(done.stdout.split())

    devtools = {
        "benchmark",
        "benchmark_diff",
        "benchmark_http",
        "fault_drill",
        "loadtest",
        "synthesize",
        "two_server_drill",
        "benchmark_source_admin",
    }
    assert not devtools & commands()
    assert devtools <= commands(DEVTOOLS="1")
