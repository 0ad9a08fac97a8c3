"""Persons, speakers and attribution; participation spans (from–to)."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from negotiations.exchange.interchange import export_negotiation, import_document
from negotiations.models import Person, Position
from tests.factories import add_url, edit_url, new_position_data, with_reason
from tests.factories import position_edit_data as edit_data


def make_person(party, **fields):
    fields = {"name": "A. Speaker", "title": "Foreign minister", **fields}
    return with_reason(Person(party=party, **fields))


@pytest.fixture
def people(world):
    return {
        "minister": make_person(world["beta"], name="B. Minister"),
        "spokes": make_person(world["alpha"], name="A. Spokesperson", title="Spokesperson"),
    }


def test_a_statement_names_its_speaker_and_attribution(client, analyst, world, people):
    client.force_login(analyst)
    data = new_position_data(world, speaker=people["minister"].pk, attribution="reported")
    response = client.post(add_url(world), data)
    assert response.status_code == 302
    position = Position.objects.get(party=world["beta"], issue=world["maps"])
    assert position.speaker == people["minister"]
    assert position.attribution == Position.Attribution.REPORTED
    assert position.history.first().speaker_id == people["minister"].pk
    thread = client.get(position.get_absolute_url()).content.decode()
    assert "Speaker: " in thread and "B. Minister, Foreign minister" in thread
    assert "Reported by the source" in thread


def test_attribution_defaults_to_the_partys_own_words(client, analyst, world):
    client.force_login(analyst)
    data = new_position_data(world)
    data.pop("quote")
    client.post(add_url(world), data)
    position = Position.objects.get(party=world["beta"], issue=world["maps"])
    assert position.attribution == Position.Attribution.OWN
    assert world["first"].attribution == Position.Attribution.OWN  # rows made before


def test_a_speaker_from_another_party_is_refused_in_the_form(client, analyst, world, people):
    """Fails on the old main: a statement had no speaker at all."""
    client.force_login(analyst)
    before = Position.objects.count()
    data = new_position_data(world, speaker=people["spokes"].pk)  # Alpha's, statement Beta's
    response = client.post(add_url(world), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["speaker"] == ["Speaker: A. Spokesperson speaks for Alpha, not for Beta."]
    assert "Speaker: A. Spokesperson speaks for Alpha" in response.content.decode()
    assert Position.objects.count() == before


def test_a_correction_cannot_move_the_speaker_to_another_party(client, analyst, world, people):
    client.force_login(analyst)
    position = world["first"]  # Alpha's
    response = client.post(edit_url(position), edit_data(position, speaker=people["minister"].pk))
    assert response.status_code == 200
    assert "speaker" in response.context["form"].errors
    position.refresh_from_db()
    assert position.speaker is None and position.version == 1


def test_the_model_refuses_a_speaker_from_another_party(world, people):
    position = world["first"]
    position.speaker = people["minister"]
    with pytest.raises(ValidationError) as caught:
        position.full_clean()
    assert "speaker" in caught.value.message_dict


def test_a_speaker_outside_the_negotiation_is_refused(client, analyst, world):
    from tests.factories import make_party

    outsider = make_person(make_party(), name="Outsider")
    client.force_login(analyst)
    response = client.post(add_url(world), new_position_data(world, speaker=outsider.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["speaker"][0].startswith("Speaker:")


def test_speaker_and_attribution_in_the_positions_export(client, reader, world, people):
    position = world["first"]
    position.speaker = people["spokes"]
    position.attribution = Position.Attribution.INFERRED
    with_reason(position)
    client.force_login(reader)
    url = reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "json"})
    rows = json.loads(b"".join(client.get(url).streaming_content))
    row = next(r for r in rows if r["uid"] == str(position.uid))
    assert row["speaker"] == "A. Spokesperson"
    assert row["attribution"] == "inferred"


def test_persons_speakers_and_spans_round_trip_through_the_document(world, people):
    position = world["first"]
    position.speaker = people["spokes"]
    position.attribution = Position.Attribution.REPORTED
    with_reason(position)
    participation = world["gamma"].participations.get()
    participation.until = datetime.date(2023, 6, 30)
    with_reason(participation)
    document = export_negotiation(world["negotiation"])
    alpha = next(p for p in document["parties"] if p["slug"] == "alpha")
    assert alpha["persons"][0]["name"] == "A. Spokesperson"
    gamma = next(p for p in document["parties"] if p["slug"] == "gamma")
    assert gamma["participation"]["until"] == "2023-06-30"
    # Imported as it was exported: nothing differs, nothing is added.
    result = import_document(json.loads(json.dumps(document)), reason="again")
    assert not result and not result.updated
    # Into an empty database, under another slug: the same persons and speakers.
    Position.objects.all().delete()
    document["negotiation"]["slug"] = "copy"
    for p in document["parties"]:
        for person in p["persons"]:
            person["uid"] = person["uid"][:-4] + "beef"
    for item in document["positions"]:
        if item["speaker"]:
            item["speaker"] = item["speaker"][:-4] + "beef"
    import_document(document, reason="copy")
    copied = Position.objects.get(uid=position.uid)
    assert copied.speaker.name == "A. Spokesperson" and copied.speaker.party == world["alpha"]
    assert copied.attribution == "reported"


def test_import_refuses_a_speaker_from_another_party(world, people):
    from negotiations.exchange.document import InvalidDocument

    document = export_negotiation(world["negotiation"])
    item = next(p for p in document["positions"] if p["party"] == "alpha")
    item["speaker"] = str(people["minister"].uid)  # Beta's minister
    before = (Position.objects.count(), Position.history.count())
    with pytest.raises(InvalidDocument) as caught:
        import_document(document, reason="bad", update=True)
    assert any(
        ".speaker: " in e and "speaks for beta, not for alpha" in e for e in caught.value.errors
    )
    assert (Position.objects.count(), Position.history.count()) == before


def test_old_documents_without_persons_still_import(world):
    document = export_negotiation(world["negotiation"])
    for p in document["parties"]:
        del p["persons"], p["participation"]["since"], p["participation"]["until"]
    for p in document["positions"]:
        del p["speaker"], p["attribution"]
    result = import_document(document, reason="old file")
    assert not result and not result.updated


# --- the persons pages ----------------------------------------------------------------


def test_persons_list_shows_the_parties_persons(client, reader, world, people):
    client.force_login(reader)
    html = client.get(reverse("negotiations:persons", args=["talks"])).content.decode()
    assert "B. Minister" in html and "A. Spokesperson" in html
    assert reverse("negotiations:person_add", args=["talks"]) not in html  # a reader


def test_analyst_adds_and_corrects_a_person(client, analyst, world):
    client.force_login(analyst)
    url = reverse("negotiations:person_add", args=["talks"])
    response = client.post(
        url, {"name": "G. Envoy", "title": "Envoy", "party": world["gamma"].pk, "since": ""}
    )
    assert response.status_code == 302
    person = Person.objects.get(name="G. Envoy")
    assert person.history.first().history_change_reason == "Added a person"
    edit = reverse("negotiations:person_edit", args=["talks", person.pk])
    data = {"name": "G. Envoy", "title": "Special envoy", "party": world["gamma"].pk}
    response = client.post(edit, data)
    assert response.status_code == 200 and "change_reason" in response.context["form"].errors
    response = client.post(edit, {**data, "change_reason": "title"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "Special envoy"
    assert person.history.first().history_change_reason == "title"


def test_a_person_with_an_end_before_the_start_is_refused(client, analyst, world):
    client.force_login(analyst)
    url = reverse("negotiations:person_add", args=["talks"])
    data = {"name": "X", "party": world["alpha"].pk, "since": "2024-02-01", "until": "2024-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "until" in response.context["form"].errors
    assert not Person.objects.exists()


def test_readers_cannot_add_or_correct_persons(client, reader, world, people):
    client.force_login(reader)
    add = reverse("negotiations:person_add", args=["talks"])
    assert client.get(add).status_code == 403
    assert client.post(add, {"name": "X", "party": world["alpha"].pk}).status_code == 403
    edit = reverse("negotiations:person_edit", args=["talks", people["minister"].pk])
    response = client.post(edit, {"name": "X", "party": world["beta"].pk, "change_reason": "x"})
    assert response.status_code == 403
    assert Person.objects.count() == 2
    people["minister"].refresh_from_db()
    assert people["minister"].name == "B. Minister"


def test_position_form_offers_only_persons_of_the_negotiations_parties(client, analyst, world):
    from tests.factories import make_party

    make_person(world["alpha"], name="Inside")
    make_person(make_party(), name="Outside")
    client.force_login(analyst)
    html = client.get(add_url(world)).content.decode()
    assert "Inside" in html and "Outside" not in html


# --- event actors ---------------------------------------------------------------------


def test_events_show_their_actors_on_the_dashboard(client, reader, world, people):
    """Fails on the old main: events had no actors."""
    from tests.factories import make_event

    event = make_event(world["negotiation"], title="Summit in a capital")
    event.parties.add(world["alpha"], world["beta"])
    event.persons.add(people["minister"])
    client.force_login(reader)
    html = client.get(world["negotiation"].get_absolute_url()).content.decode()
    line = html.split(f'id="event-{event.pk}"')[1].split("</li>")[0]
    assert "Summit in a capital" in line and "Alpha, Beta, B. Minister" in line
    # The actors are in the event's history.
    record = event.history.first()
    assert {p.party_id for p in record.parties.all()} == {world["alpha"].pk, world["beta"].pk}
    assert [p.person_id for p in record.persons.all()] == [people["minister"].pk]


def test_an_import_updating_an_event_keeps_its_actors_in_history(world, people):
    from tests.factories import make_event

    event = make_event(world["negotiation"], title="Talks round")
    event.parties.add(world["alpha"])
    document = export_negotiation(world["negotiation"])
    document["events"][0]["title"] = "Talks round, second day"
    import_document(document, reason="retitled", update=True)
    event.refresh_from_db()
    assert event.title == "Talks round, second day"
    assert list(event.parties.all()) == [world["alpha"]]
    latest = event.history.first()
    assert latest.history_change_reason == "retitled"
    assert [p.party_id for p in latest.parties.all()] == [world["alpha"].pk]


def test_editors_set_event_actors_in_the_admin(client, editor, world, people):
    from tests.factories import make_event

    event = make_event(world["negotiation"])
    client.force_login(editor)
    html = client.get(reverse("admin:negotiations_event_change", args=[event.pk])).content
    assert b'name="parties"' in html and b'name="persons"' in html


# --- participation spans --------------------------------------------------------------


def _end_mediation(world, day=datetime.date(2024, 1, 20)):
    participation = world["gamma"].participations.get()
    participation.until = day
    return with_reason(participation)


def test_the_matrix_header_shows_a_role_that_ended(client, reader, world):
    """Fails on the old main: a mediator whose format was dissolved stayed a mediator."""
    _end_mediation(world)
    client.force_login(reader)
    html = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "mediator until 20 Jan 2024" in html


def test_a_snapshot_leaves_out_a_party_on_days_it_did_not_take_part(world):
    from negotiations.insight import analysis
    from tests.factories import make_position

    make_position(world["maps"], world["gamma"], date=datetime.date(2024, 1, 5))
    parties = [world["alpha"], world["beta"], world["gamma"]]
    issues = [world["corridor"], world["maps"]]
    a, b = datetime.date(2024, 1, 10), datetime.date(2024, 3, 1)

    def gamma_line():
        lines = analysis.snapshot(world["negotiation"], parties, issues, "stated", a, b)
        return next(line for line in lines if line.party == world["gamma"])

    assert gamma_line().status == "unchanged"  # still mediating on both days
    _end_mediation(world)  # before B
    line = gamma_line()
    assert line.status == "left" and line.after is None and line.before is not None
    # Joined after A: not taking part at A, its statement counts at B only.
    participation = world["gamma"].participations.get()
    participation.since, participation.until = datetime.date(2024, 2, 1), None
    with_reason(participation)
    line = gamma_line()
    assert line.status == "joined" and line.before is None and line.after is not None
    lines = analysis.snapshot(world["negotiation"], parties, issues, "stated", a, b)
    assert analysis.summarise_lines(lines)["joined"] == 1


def test_the_snapshot_page_counts_parties_that_left(client, reader, world):
    from tests.factories import make_position

    make_position(world["maps"], world["gamma"], date=datetime.date(2024, 1, 5))
    _end_mediation(world)
    client.force_login(reader)
    url = reverse("negotiations:snapshot", args=["talks"]) + "?a=2024-01-10&b=2024-03-01"
    html = client.get(url).content.decode()
    assert "1 left (not taking part at B)" in html


def test_a_span_ending_before_it_starts_is_refused(world):
    participation = world["gamma"].participations.get()
    participation.since, participation.until = datetime.date(2024, 2, 1), datetime.date(2024, 1, 1)
    with pytest.raises(ValidationError) as caught:
        participation.full_clean()
    assert "until" in caught.value.message_dict


def test_participation_spans_are_refused_in_a_bad_document(world):
    from negotiations.exchange.document import InvalidDocument

    document = export_negotiation(world["negotiation"])
    document["parties"][0]["participation"]["since"] = "2024-02-01"
    document["parties"][0]["participation"]["until"] = "2024-01-01"
    document["parties"][1]["participation"]["since"] = "soon"
    with pytest.raises(InvalidDocument) as caught:
        import_document(document, reason="bad", update=True)
    assert "parties[0].participation.until: is before since (2024-02-01)" in caught.value.errors
    assert any(
        e.startswith("parties[1].participation.since: must be a day") for e in caught.value.errors
    )
