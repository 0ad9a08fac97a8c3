"""Every change records who, when and why; the admin requires a reason."""

import datetime

from django.urls import reverse

from negotiations.models import Position, Source


def edit_position_in_admin(client, position, **changes):
    data = {
        "issue": position.issue_id,
        "party": position.party_id,
        "stance": position.stance,
        "movement": position.movement,
        "summary": position.summary,
        "quote": position.quote,
        "attribution": position.attribution,
        "when": position.partial_date.isoformat(),
        "change_reason": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:negotiations_position_change", args=[position.pk]), data)


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


def test_inline_citation_added_with_source_carries_reason(client, editor, world):
    client.force_login(editor)
    source = world["source"]
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
        "change_reason": "Curating citations",
        "citations-TOTAL_FORMS": "3",
        "citations-INITIAL_FORMS": "2",
    }
    for i, citation in enumerate(source.citations.order_by("pk")):
        data[f"citations-{i}-id"] = citation.pk
        data[f"citations-{i}-source"] = source.pk
        data[f"citations-{i}-position"] = citation.position_id
        data[f"citations-{i}-locator"] = citation.locator
    data["citations-2-source"] = source.pk
    data["citations-2-position"] = world["second"].pk
    data["citations-2-locator"] = "para. 7"
    data["citations-2-excerpt"] = "no controls"
    response = client.post(reverse("admin:negotiations_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = source.citations.get(locator="para. 7")
    record = added.history.get()
    assert (record.history_user, record.history_change_reason) == (editor, "Curating citations")
    assert Source.objects.get(pk=source.pk).reliability == "B"


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
