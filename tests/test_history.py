"""Every change records who, when and why; the admin requires a reason."""

import datetime

from django.urls import reverse

from negotiations.models import Position, Source
from tests.factories import edit_position_in_admin


def test_admin_edit_records_user_reason_and_field_diff(client, editor, world):
    client.force_login(editor)
    position = world["first"]
    response = edit_position_in_admin(
        client,
        position,
        summary="Demands a corridor with no controls at all.",
        when="late December 2023",
        change_reason="Wording and date per the interview transcript",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest, previous = position.history.all()[:2]
    assert latest.history_user == editor
    assert latest.history_change_reason == "Wording and date per the interview transcript"
    delta = latest.diff_against(previous)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["summary"] == (
        "Demands a corridor without controls.",
        "Demands a corridor with no controls at all.",
    )
    assert changed["date_precision"] == ("day", "month")
    assert changed["date_qualifier"] == ("", "late")
    assert changed["date_as_written"] == ("", "late December 2023")
    assert changed["date_end"] == (datetime.date(2024, 1, 10), datetime.date(2023, 12, 31))


def test_admin_edit_without_reason_is_refused_and_changes_nothing(client, editor, world):
    client.force_login(editor)
    position = world["first"]
    before = position.history.count()
    response = edit_position_in_admin(client, position, summary="Changed")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    position.refresh_from_db()
    assert position.summary == "Demands a corridor without controls."
    assert position.history.count() == before


def test_a_citation_added_in_the_admin_and_a_source_graded_carry_their_reasons(
    client, editor, world
):
    """A source's citations are added on the citation's own admin page (the source page
    lists them, #17); each save carries its reason."""
    client.force_login(editor)
    source = world["source"]
    data = {
        "source": source.pk,
        "position": world["second"].pk,
        "locator": "para. 7",
        "excerpt": "no controls",
        "change_reason": "Curating citations",
    }
    response = client.post(reverse("admin:negotiations_citation_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = source.citations.get(locator="para. 7")
    record = added.history.get()
    assert (record.history_user, record.history_change_reason) == (editor, "Curating citations")
    data = {
        "title": source.title,
        "author": "",
        "outlet": "",
        "when": "Jan 2024",
        "url": "",
        "kind": source.kind,
        "language": "en",
        "reliability": "B",
        "notes": "",
        "change_reason": "Graded",
    }
    response = client.post(reverse("admin:negotiations_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get(pk=source.pk)
    assert source.reliability == "B"
    assert source.history.first().history_change_reason == "Graded"


def test_admin_delete_is_kept_in_history(client, editor, world):
    client.force_login(editor)
    position = world["second"]
    response = client.post(
        reverse("admin:negotiations_position_delete", args=[position.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    deleted = Position.history.filter(id=position.pk).first()
    assert deleted.history_type == "-"
    assert deleted.history_user == editor
