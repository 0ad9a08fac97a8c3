"""The conflict page really re-applies (#17 item 8): only the fields the analyst changed
go on top of the other edit, the merge is shown before it is saved, and a field both
changed differently is the analyst's to choose."""

from django.urls import reverse

from negotiations.models import Event, Position
from tests.factories import make_event, with_reason


def opened(client, url):
    """The form as a browser would send it back untouched (what it shows)."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.field.prepare_value(field.value())
        if value is True:
            data[field.name] = "on"
        elif value not in (None, False, "", []):
            data[field.name] = [str(v) for v in value] if isinstance(value, list) else value
    data.pop("change_reason", None)
    return {
        **data,
        "cite-TOTAL_FORMS": "1",
        "cite-INITIAL_FORMS": "0",
        "cite-MIN_NUM_FORMS": "0",
        "cite-MAX_NUM_FORMS": "10",
    }


def confirm(response, **choices):
    """What the conflict page's form posts: the merge, with the conflicts chosen."""
    sent = response.context["form"].data
    data = {name: sent.getlist(name) for name in sent}
    for name in response.context["merge_choose"]:
        data.pop(name)
    return {**data, **choices}


def edit(position):
    return reverse("negotiations:position_edit", args=[position.pk])


def test_your_change_goes_on_top_of_theirs_and_theirs_is_kept(client, analyst, editor, world):
    """Failed on main: re-applying wrote back the stale quote, undoing the editor's fix."""
    position = world["first"]
    client.force_login(analyst)
    mine = opened(client, edit(position))
    client.force_login(editor)
    theirs = {**opened(client, edit(position)), "quote": "Their exact quote.", "change_reason": "q"}
    assert client.post(edit(position), theirs).status_code == 302

    client.force_login(analyst)
    response = client.post(
        edit(position), {**mine, "summary": "My better summary.", "change_reason": "mine"}
    )
    assert response.status_code == 409
    rows = {row.name: row.merge.outcome for row in response.context["rows"]}
    assert rows["summary"] == "yours" and rows["quote"] == "theirs"
    assert rows["stance"] == "same"
    assert response.context["merge_choose"] == []
    page = response.content.decode()
    assert "Their exact quote." in page and "My better summary." in page
    position.refresh_from_db()
    assert position.summary != "My better summary."  # nothing saved before confirming

    assert client.post(edit(position), confirm(response)).status_code == 302
    position.refresh_from_db()
    assert position.summary == "My better summary."
    assert position.quote == "Their exact quote."
    assert position.history.first().history_change_reason == "mine"


def test_a_field_both_changed_is_chosen_and_never_silently_emptied(client, analyst, editor, world):
    position = world["first"]
    client.force_login(analyst)
    mine = opened(client, edit(position))
    client.force_login(editor)
    theirs = {**opened(client, edit(position)), "quote": "Theirs.", "change_reason": "q"}
    client.post(edit(position), theirs)

    client.force_login(analyst)
    response = client.post(edit(position), {**mine, "quote": "Mine.", "change_reason": "mine"})
    assert response.status_code == 409
    assert response.context["merge_choose"] == ["quote"]
    assert 'type="radio" name="quote" value="Theirs."' in response.content.decode()
    # Confirming without a choice: refused at the field, the quote kept.
    refused = client.post(edit(position), confirm(response))
    assert refused.status_code == 200
    assert "choose theirs or yours" in str(refused.context["form"].errors["quote"])
    position.refresh_from_db()
    assert position.quote == "Theirs."
    # Choosing one saves it.
    assert client.post(edit(position), confirm(response, quote="Mine.")).status_code == 302
    position.refresh_from_db()
    assert position.quote == "Mine."


def test_an_unchanged_field_you_left_alone_takes_their_date(client, analyst, editor, world):
    position = world["first"]
    client.force_login(analyst)
    mine = opened(client, edit(position))
    client.force_login(editor)
    client.post(
        edit(position),
        {**opened(client, edit(position)), "when": "late Jan 2024", "change_reason": "d"},
    )
    client.force_login(analyst)
    response = client.post(edit(position), {**mine, "stance": "condition", "change_reason": "s"})
    assert client.post(edit(position), confirm(response)).status_code == 302
    position.refresh_from_db()
    assert str(position.partial_date) == "late Jan 2024"
    assert position.stance == Position.Stance.CONDITION


def test_an_events_actors_changed_by_the_other_edit_are_kept(client, analyst, editor, world):
    event = make_event(world["negotiation"], title="Summit")
    event.parties.add(world["alpha"])
    with_reason(event, "actors")  # the version the analyst loads holds Alpha
    url = reverse("negotiations:event_edit", args=[world["negotiation"].slug, event.pk])
    client.force_login(analyst)
    mine = opened(client, url)
    client.force_login(editor)
    theirs = opened(client, url)
    theirs.update(parties=[str(world["alpha"].pk), str(world["beta"].pk)], change_reason="Beta too")
    assert client.post(url, theirs).status_code == 302

    client.force_login(analyst)
    response = client.post(url, {**mine, "title": "Summit in Prague", "change_reason": "title"})
    assert response.status_code == 409
    rows = {row.name: row.merge.outcome for row in response.context["rows"]}
    assert rows["parties"] == "theirs" and rows["title"] == "yours"
    page = response.content.decode()
    for party in ("alpha", "beta"):
        assert f'type="hidden" name="parties" value="{world[party].pk}"' in page
    assert client.post(url, confirm(response)).status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert event.title == "Summit in Prague"
    assert set(event.parties.all()) == {world["alpha"], world["beta"]}


def test_user_text_on_the_conflict_page_is_escaped(client, analyst, editor, world):
    position = world["first"]
    client.force_login(analyst)
    mine = opened(client, edit(position))
    client.force_login(editor)
    client.post(
        edit(position),
        {**opened(client, edit(position)), "quote": "<b>x</b>", "change_reason": "q"},
    )
    client.force_login(analyst)
    response = client.post(edit(position), {**mine, "quote": "<i>y</i>", "change_reason": "m"})
    page = response.content.decode()
    assert "<b>x</b>" not in page and "<i>y</i>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
