"""Recent changes (issue 17, item 6): who changed which record, when and why."""

from django.urls import reverse

from negotiations.models import Position
from tests.factories import (
    make_citation,
    make_event,
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_source,
)


def _save(obj, user, reason):
    obj._history_user, obj._change_reason = user, reason
    obj.save()
    return obj


def _rows(response):
    return response.context["entries"]


def test_negotiation_changes_say_who_what_when_and_why(client, reader, analyst, world):
    position = world["first"]
    position.summary = "Demands a corridor with controls."
    _save(position, analyst, "Per the transcript")
    client.force_login(reader)
    response = client.get(reverse("negotiations:negotiation_changes", args=["talks"]))
    assert response.status_code == 200
    newest = _rows(response)[0]
    assert newest["user"] == analyst
    assert newest["record_kind"] == "position" and newest["type"] == "changed"
    assert newest["history_change_reason"] == "Per the transcript"
    record = position.history.first()
    link = reverse("negotiations:record_history", args=["position", position.pk])
    page = response.content.decode()
    assert f'{link}#change-{record.history_id}"' in page
    assert "Per the transcript" in page
    # The link leads to the entry it names.
    assert f'id="change-{record.history_id}"' in client.get(link).content.decode()


def test_negotiation_changes_leave_out_other_negotiations_and_sources(client, reader, world):
    other = make_negotiation(slug="other", title="Other talks")
    elsewhere = make_position(
        make_issue(other, slug="water"), make_party(other, slug="delta"), summary="Elsewhere."
    )
    client.force_login(reader)
    response = client.get(reverse("negotiations:negotiation_changes", args=["talks"]))
    kinds = {(r["record_kind"], r["id"]) for r in _rows(response)}
    assert ("position", world["first"].pk) in kinds
    assert ("position", elsewhere.pk) not in kinds
    assert not any(kind == "source" for kind, _ in kinds)
    # Citations of the negotiation's statements are its changes too.
    assert any(kind == "citation" for kind, _ in kinds)
    site = _rows(client.get(reverse("negotiations:changes")))
    assert {("position", elsewhere.pk), ("source", world["source"].pk)} <= {
        (r["record_kind"], r["id"]) for r in site
    }


def test_changes_filter_by_user_kind_and_issue(client, reader, analyst, editor, world):
    maps_position = make_position(world["maps"], world["beta"], summary="Maps first.")
    _save(maps_position, editor, "Editor's fix")
    first = world["first"]
    _save(first, analyst, "Analyst's fix")
    event = make_event(world["negotiation"], title="Summit")
    event.issues.add(world["maps"])
    client.force_login(reader)
    url = reverse("negotiations:negotiation_changes", args=["talks"])

    by_user = _rows(client.get(url, {"user": analyst.username}))
    assert [(r["record_kind"], r["id"]) for r in by_user] == [("position", first.pk)]

    events = _rows(client.get(url, {"kind": "event"}))
    assert {r["record_kind"] for r in events} == {"event"} and events

    maps = _rows(client.get(url, {"issue": world["maps"].pk}))
    on_maps = {(r["record_kind"], r["id"]) for r in maps}
    assert ("position", maps_position.pk) in on_maps and ("event", event.pk) in on_maps
    assert ("position", first.pk) not in on_maps


def test_changes_refuse_an_unknown_filter_with_a_message(client, reader, world):
    client.force_login(reader)
    url = reverse("negotiations:negotiation_changes", args=["talks"])
    response = client.get(url, {"user": "nobody", "issue": "x"})
    assert response.status_code == 200
    assert _rows(response) == []
    page = response.content.decode()
    assert "No such user." in page and "No such issue." in page


def test_changes_list_deletions_with_their_reason(client, reader, editor, world):
    position = world["second"]
    pk = position.pk
    position._history_user, position._change_reason = editor, "Duplicate of the first"
    position.delete()
    client.force_login(reader)
    rows = _rows(client.get(reverse("negotiations:negotiation_changes", args=["talks"])))
    deleted = next(r for r in rows if r["record_kind"] == "position" and r["id"] == pk)
    assert deleted["type"] == "deleted" and deleted["user"] == editor
    assert deleted["history_change_reason"] == "Duplicate of the first"
    # Its citations went with it, and say so.
    assert any(r["record_kind"] == "citation" and r["type"] == "deleted" for r in rows[:3])
    assert not Position.objects.filter(pk=pk).exists()


def test_changes_are_paginated_newest_first(client, reader, world):
    source = world["source"]
    for n in range(60):
        make_citation(source, position=world["first"], excerpt=f"Excerpt {n}")
    client.force_login(reader)
    url = reverse("negotiations:negotiation_changes", args=["talks"])
    first_page = client.get(url)
    page = first_page.context["page"]
    assert page.paginator.num_pages == 2 and len(_rows(first_page)) == 50
    dates = [r["history_date"] for r in _rows(first_page)]
    assert dates == sorted(dates, reverse=True)
    second = _rows(client.get(url, {"page": 2}))
    assert second and second[0]["history_date"] <= dates[-1]


def test_changes_escape_what_users_typed(client, reader, analyst, world):
    position = world["first"]
    position.summary = "<script>alert(1)</script>"
    _save(position, analyst, "<b>why</b>")
    client.force_login(reader)
    page = client.get(reverse("negotiations:changes")).content.decode()
    assert "<script>alert(1)" not in page and "<b>why</b>" not in page
    assert "&lt;b&gt;why&lt;/b&gt;" in page


def test_changes_are_for_roles_only(client, stranger, world):
    client.force_login(stranger)
    for url in (
        reverse("negotiations:changes"),
        reverse("negotiations:negotiation_changes", args=["talks"]),
    ):
        assert client.get(url).status_code == 403


def test_source_history_page_exists_for_the_site_list(client, reader, world):
    source = make_source(title="A new source")
    client.force_login(reader)
    response = client.get(reverse("negotiations:record_history", args=["source", source.pk]))
    assert response.status_code == 200 and "A new source" in response.content.decode()
