"""Events recorded and corrected in the app, with actors, issues and sources (#17 item 3,
#14 item 4): before, only the admin could, and analysts are not staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Citation, Event, Person
from tests.factories import (
    event_data,
    make_event,
    make_negotiation,
    make_party,
    make_source,
    with_reason,
)

# GET of the correction form as an analyst: session, user, permissions; negotiation,
# event, its citations (sources are found by the finder, not listed), the actor
# parties, persons and issues offered, and the event's chosen parties, persons and issues.
EDIT_PAGE_QUERIES = 12


def add_url(world):
    return reverse("negotiations:event_add", args=[world["negotiation"].slug])


def edit_url(event):
    return reverse("negotiations:event_edit", args=[event.negotiation.slug, event.pk])


@pytest.fixture
def people(world):
    return {
        "envoy": with_reason(Person(name="A. Envoy", title="Envoy", party=world["alpha"])),
        "mediator": with_reason(Person(name="G. Mediator", party=world["gamma"])),
    }


def test_an_analyst_records_an_event_with_actors_issues_and_a_source(
    client, analyst, world, people
):
    client.force_login(analyst)
    data = event_data(
        world,
        when="late May 2024",
        persons=[people["envoy"].pk, people["mediator"].pk],
        **{"cite-0-excerpt": "the ministers met"},
    )
    response = client.post(add_url(world), data)
    assert response.status_code == 302
    event = Event.objects.get(title="Foreign ministers meet in Almaty")
    assert response["Location"] == event.get_absolute_url()
    assert event.negotiation == world["negotiation"]
    assert str(event.partial_date) == "late May 2024"
    assert set(event.parties.all()) == {world["alpha"], world["beta"]}
    # Gamma's person although Gamma is not an actor party: allowed.
    assert set(event.persons.all()) == {people["envoy"], people["mediator"]}
    assert list(event.issues.all()) == [world["corridor"]]
    citation = event.citations.get()
    assert (citation.source, citation.excerpt) == (world["source"], "the ministers met")
    assert event.history.first().history_user == analyst
    dashboard = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "Foreign ministers meet in Almaty" in dashboard and "A. Envoy" in dashboard


def test_an_event_needs_a_source(client, analyst, world):
    client.force_login(analyst)
    data = event_data(world, **{"cite-0-source": "", "cite-0-locator": ""})
    response = client.post(add_url(world), data)
    assert response.status_code == 200
    assert "Cite at least one source" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"when": "31 Feb 2024"}, "when"),
        ({"when": "late Smarch 2024"}, "when"),
        ({"when": ""}, "when"),
        ({"title": "   "}, "title"),
        ({"kind": "picnic"}, "kind"),
        ({"issues": ["999999"]}, "issues"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    client, analyst, world, changes, field
):
    client.force_login(analyst)
    response = client.post(add_url(world), event_data(world, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Event.objects.exists() and not Citation.objects.filter(event__isnull=False)


def test_a_person_or_party_from_outside_the_negotiation_is_refused(client, analyst, world):
    other = make_negotiation(slug="other")
    outsider = make_party(other, slug="delta", name="Delta")
    stranger = with_reason(Person(name="D. Outsider", party=outsider))
    client.force_login(analyst)
    response = client.post(add_url(world), event_data(world, persons=[stranger.pk]))
    assert "does not act for a party in this negotiation" in str(
        response.context["form"].errors["persons"]
    )
    response = client.post(add_url(world), event_data(world, parties=[outsider.pk]))
    assert "does not take part in this negotiation" in str(
        response.context["form"].errors["parties"]
    )
    assert not Event.objects.exists()


def test_an_analyst_corrects_an_event_with_a_reason_kept_in_its_history(
    client, analyst, world, people
):
    event = make_event(world["negotiation"], title="Summit")
    event.parties.add(world["alpha"])
    client.force_login(analyst)
    data = event_data(
        world,
        title="Summit in Prague",
        when="mid-October 2023",
        parties=[world["beta"].pk],
        persons=[people["envoy"].pk],
        version=event.version,
        change_reason="date per the communiqué",
        **{"cite-0-source": "", "cite-0-locator": ""},
    )
    response = client.post(edit_url(event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Summit in Prague"
    assert event.partial_date.as_written == "mid-October 2023"
    assert list(event.parties.all()) == [world["beta"]]
    assert list(event.persons.all()) == [people["envoy"]]
    assert event.history.first().history_change_reason == "date per the communiqué"
    page = client.get(reverse("negotiations:record_history", args=["event", event.pk]))
    assert "date per the communiqué" in page.content.decode()


def test_a_correction_needs_a_reason(client, analyst, world):
    event = make_event(world["negotiation"], title="Summit")
    client.force_login(analyst)
    data = event_data(world, title="Renamed", version=event.version, change_reason="")
    response = client.post(edit_url(event), data)
    assert response.status_code == 200
    assert "change_reason" in response.context["form"].errors
    event.refresh_from_db()
    assert event.title == "Summit"


def test_a_stale_correction_shows_the_conflict_page(client, analyst, world):
    event = make_event(world["negotiation"], title="Summit")
    stale = event.version
    event.title = "Summit (theirs)"
    with_reason(event, "their fix")
    client.force_login(analyst)
    data = event_data(world, title="Summit (mine)", version=stale, change_reason="mine")
    response = client.post(edit_url(event), data)
    assert response.status_code == 409
    event.refresh_from_db()
    assert event.title == "Summit (theirs)"


def test_an_event_of_another_negotiation_is_not_found_here(client, analyst, world):
    other = make_negotiation(slug="other")
    event = make_event(other)
    client.force_login(analyst)
    url = reverse("negotiations:event_edit", args=[world["negotiation"].slug, event.pk])
    assert client.get(url).status_code == 404


def test_readers_cannot_record_or_correct_events_nor_see_the_links(client, reader, analyst, world):
    event = make_event(world["negotiation"], title="Summit")
    client.force_login(reader)
    assert client.get(add_url(world)).status_code == 403
    assert client.post(add_url(world), event_data(world)).status_code == 403
    data = event_data(world, version=event.version, change_reason="x")
    assert client.post(edit_url(event), data).status_code == 403
    assert Event.objects.count() == 1 and Event.objects.get().title == "Summit"
    page = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert add_url(world) not in page and edit_url(event) not in page
    client.force_login(analyst)
    page = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert add_url(world) in page and edit_url(event) in page


def test_the_correction_form_runs_a_fixed_number_of_queries(client, analyst, world, people):
    event = make_event(world["negotiation"], title="Summit")
    event.parties.add(world["alpha"])
    client.force_login(analyst)
    client.get(edit_url(event))
    for n in range(3):
        make_source(title=f"More {n}")
        with_reason(Person(name=f"P{n}", party=world["beta"]))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(edit_url(event)).status_code == 200
    queries = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == EDIT_PAGE_QUERIES, "\n".join(q["sql"] for q in queries)
