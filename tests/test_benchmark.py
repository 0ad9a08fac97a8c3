"""The benchmark command: every main page timed cold and cached, on the seeds."""

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


def test_benchmark_times_every_page_cold_and_cached_and_writes_the_figures(db, tmp_path):
    call_command("load_seeds", stdout=io.StringIO())
    out = io.StringIO()
    report = tmp_path / "bench.json"
    call_command("benchmark", runs=2, json_file=str(report), stdout=out, stderr=io.StringIO())
    figures = json.loads(report.read_text())
    rows = {row["page"]: row for row in figures["pages"]}
    assert list(rows) == PAGES
    for row in rows.values():
        assert row["median_ms"] > 0 and row["cached_median_ms"] > 0
        assert row["queries"] == row["queries_at_S"]  # the same negotiation: no warning
    # A page served from the page cache skips the body's queries.
    assert rows["dashboard 12×30"]["cached_queries"] < rows["dashboard 12×30"]["queries"]
    assert (
        rows["list export (party CSV)"]["cached_queries"]
        == rows["list export (party CSV)"]["queries"]
    )
    assert figures["export"]["rows"] == 26  # every seeded position
    text = out.getvalue()
    assert "cold" in text and "cached" in text and "WARNING" not in text
    assert "all-positions CSV export: 26 rows" in text
