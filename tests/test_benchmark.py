"""The benchmark command: every main page timed cold, shared and reloaded, on the seeds."""

import io
import json

from django.core.management import call_command

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


def test_benchmark_times_every_page_in_each_cache_state_and_writes_the_figures(db, tmp_path):
    call_command("load_seeds", stdout=io.StringIO())
    out = io.StringIO()
    report = tmp_path / "bench.json"
    call_command("benchmark", runs=2, json_file=str(report), stdout=out, stderr=io.StringIO())
    figures = json.loads(report.read_text())
    rows = {row["page"]: row for row in figures["pages"]}
    assert list(rows) == PAGES
    for row in rows.values():
        for prefix in ("", "shared_", "reload_"):
            assert row[f"{prefix}median_ms"] > 0 and row[f"{prefix}ratio_to_healthz"] > 0
        assert row["queries"] == row["queries_at_S"]  # the same negotiation: no warning
    # A cached body skips the body's queries; a reload is one query, as /healthz.
    dashboard, export = rows["dashboard 12×30"], rows["list export (party CSV)"]
    assert dashboard["reload_queries"] == 1 < dashboard["shared_queries"] < dashboard["queries"]
    assert export["reload_queries"] == export["shared_queries"] == export["queries"] > 1
    assert figures["export"]["rows"] == 26  # every seeded position
    text = out.getvalue()
    assert all(state in text for state in ("cold", "shared", "reload"))
    assert "WARNING" not in text
    assert "all-positions CSV export: 26 rows" in text
