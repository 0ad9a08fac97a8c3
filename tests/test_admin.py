"""The editors' workbench: every admin page opens."""

from django.contrib import admin
from django.urls import reverse


def editors_models():
    # Login attempts (django-axes) are for superusers: tests/test_login.py.
    return [model for model in admin.site._registry if model._meta.app_label != "axes"]


def admin_pages():
    for model in editors_models():
        meta = model._meta
        yield f"admin:{meta.app_label}_{meta.model_name}_changelist", None
        yield f"admin:{meta.app_label}_{meta.model_name}_add", None
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            yield f"admin:{meta.app_label}_{meta.model_name}_change", obj.pk
            yield f"admin:{meta.app_label}_{meta.model_name}_history", obj.pk


def test_editor_sees_every_changelist_add_change_and_history_page(client, editor, seeded):
    client.force_login(editor)
    seen = 0
    for name, pk in admin_pages():
        url = reverse(name, args=[pk] if pk else [])
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        seen += 1
    assert seen >= 40


def test_editor_can_search_every_changelist(client, editor, seeded):
    client.force_login(editor)
    for model in editors_models():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url, {"q": "corridor"}).status_code == 200, meta.model_name


def test_analyst_cannot_open_the_admin(client, analyst, seeded):
    client.force_login(analyst)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_history_page_can_revert_with_reason(client, editor, seeded):
    from negotiations.models import Position

    client.force_login(editor)
    position = Position.objects.order_by("pk").first()
    record = position.history.earliest()
    url = reverse(
        "admin:negotiations_position_simple_history", args=[position.pk, record.history_id]
    )
    assert client.get(url).status_code == 200


# --- a source's citations, curated one at a time (issue #17) -------------------------------


def source_with_citations(world, n):
    """The world's source cited by `n` more statements (n + 2 citations in all)."""
    from tests.factories import make_position

    for i in range(n):
        make_position(world["corridor"], world["beta"], world["source"], summary=f"Claim {i}")
    return world["source"]


def source_admin_data(source, **changes):
    return {
        "title": source.title,
        "author": source.author,
        "outlet": source.outlet,
        "url": source.url,
        "kind": source.kind,
        "language": source.language,
        "reliability": source.reliability,
        "reliability_reason": source.reliability_reason,
        "notes": source.notes,
        "text": source.text,
        "when": source.partial_date.isoformat() if source.partial_date else "",
        "change_reason": "graded",
        **changes,
    }


def test_the_source_page_lists_its_citations_a_page_at_a_time_with_links(client, editor, world):
    from negotiations.models import Citation

    source = source_with_citations(world, 60)
    client.force_login(editor)
    url = reverse("admin:negotiations_source_change", args=[source.pk])
    page = client.get(url).content.decode()
    assert "citations-TOTAL_FORMS" not in page  # no stacked inlines
    assert "Citations of this source (62)" in page
    first = Citation.objects.filter(source=source).order_by("pk").first()
    assert reverse("admin:negotiations_citation_change", args=[first.pk]) in page
    position_url = reverse("admin:negotiations_position_change", args=[first.position_id])
    assert f'Position: <a href="{position_url}">' in page
    assert page.count("Edit citation ") == 50
    second = client.get(url, {"cpage": "2"}).content.decode()
    assert second.count("Edit citation ") == 12
    assert "Citations 51–62 of 62" in second


def test_the_source_page_searches_its_citations(client, editor, world):
    source = source_with_citations(world, 12)
    client.force_login(editor)
    url = reverse("admin:negotiations_source_change", args=[source.pk])
    page = client.get(url, {"cq": "Claim 11"}).content.decode()
    assert "Citations of this source (1 matching “Claim 11”)" in page
    assert page.count("Edit citation ") == 1
    assert "No citation matches." in client.get(url, {"cq": "zzz"}).content.decode()


def test_the_source_admin_page_runs_the_same_queries_for_more_citations(client, editor, world):
    from tests.factories import page_queries

    client.force_login(editor)
    url = reverse("admin:negotiations_source_change", args=[world["source"].pk])
    few = page_queries(client, url)
    source_with_citations(world, 80)
    assert page_queries(client, url) == few


def test_a_citation_is_corrected_on_its_own_page_and_reverted_from_its_history(
    client, editor, world
):
    citation = world["first"].citations.get()
    client.force_login(editor)
    url = reverse("admin:negotiations_citation_change", args=[citation.pk])
    data = {
        "source": citation.source_id,
        "position": citation.position_id,
        "locator": "para. 9",
        "excerpt": citation.excerpt,
        "change_reason": "wrong paragraph",
    }
    assert client.post(url, data).status_code == 302
    citation.refresh_from_db()
    assert citation.locator == "para. 9"
    latest = citation.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, "wrong paragraph")
    history = client.get(reverse("admin:negotiations_citation_history", args=[citation.pk]))
    assert "p. 1" in history.content.decode() and "para. 9" in history.content.decode()
    earliest = citation.history.earliest()
    revert = reverse(
        "admin:negotiations_citation_simple_history", args=[citation.pk, earliest.history_id]
    )
    assert (
        client.post(revert, {**data, "locator": "p. 1", "change_reason": "revert"}).status_code
        == 302
    )
    citation.refresh_from_db()
    assert citation.locator == "p. 1"


def test_the_source_history_shows_field_level_changes(client, editor, world):
    source = world["source"]
    client.force_login(editor)
    url = reverse("admin:negotiations_source_change", args=[source.pk])
    response = client.post(url, source_admin_data(source, reliability="B", outlet="Daily"))
    assert response.status_code == 302, response.content.decode()[:2000]
    history = client.get(reverse("admin:negotiations_source_history", args=[source.pk]))
    changes = history.content.decode().split('id="change-history"')[1]
    assert "<strong>reliability:</strong>" in changes.replace("Reliability", "reliability")
    assert "<strong>outlet:</strong>" in changes.replace("Outlet", "outlet")
    assert "graded" in changes


def test_the_source_admin_benchmark_measures_and_leaves_nothing_behind(world, tmp_path):
    import io
    import json

    from django.core.management import call_command

    from negotiations.models import Citation, Position, Source

    before = (Source.objects.count(), Position.objects.count(), Citation.objects.count())
    out, report = io.StringIO(), tmp_path / "figures.json"
    call_command("benchmark_source_admin", citations=60, runs=2, json_file=str(report), stdout=out)
    figures = json.loads(report.read_text())
    assert figures["citations"] == 60 and figures["queries"] > 0 and figures["bytes"] > 0
    assert f"{figures['queries']} queries" in out.getvalue()
    assert (Source.objects.count(), Position.objects.count(), Citation.objects.count()) == before
