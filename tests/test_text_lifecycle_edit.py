"""Correcting and removing a text's steps, parties and reported contents in the app
(#14 item 2's lifecycle kept right): the commitments a step recorded follow the step."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Citation, Position, ReportedContent, TextParty, TextStep
from tests.factories import (
    make_proposal,
    make_provision,
    make_source,
    reported_data,
    step_data,
    with_reason,
)

# GET of a step's correction form as an analyst: session, user, permissions; the text
# (with its negotiation, author, responses), the step, its citations (no source list).
STEP_PAGE_QUERIES = 6


def url(name, proposal, row):
    args = [proposal.negotiation.slug, proposal.slug, row.pk]
    return reverse(f"negotiations:{name}", args=args)


@pytest.fixture
def treaty(world):
    """A text on both issues signed by Alpha and Beta, witnessed by Gamma."""
    proposal = make_proposal(world["negotiation"], None, slug="peace", title="Peace agreement")
    make_provision(proposal, label="Article 1", issue=world["corridor"])
    make_provision(proposal, label="Article 2", issue=world["maps"])
    for party, role in ((world["alpha"], "signatory"), (world["beta"], "signatory")):
        with_reason(TextParty(proposal=proposal, party=party, role=role))
    with_reason(TextParty(proposal=proposal, party=world["gamma"], role="witness"))
    return proposal


def initial(client, world, treaty, **changes):
    """Records the initialling through the add form: four commitments."""
    response = client.post(
        reverse("negotiations:step_add", args=[world["negotiation"].slug, treaty.slug]),
        step_data(world, **changes),
    )
    assert response.status_code == 302
    step = TextStep.objects.get(proposal=treaty)
    assert step.commitments.count() == 4
    return step


def step_edit(world, step, **changes):
    fields = {
        "kind": step.kind,
        "when": str(step.partial_date),
        "version": step.version,
        "change_reason": "date per the joint statement",
        "cite-0-source": "",
        "cite-0-locator": "",
        "cite-0-excerpt": "",
    }
    return step_data(world, **{**fields, **changes})


def test_a_steps_new_date_moves_its_commitments(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    response = client.post(
        url("step_edit", treaty, step), step_edit(world, step, when="9 Aug 2025")
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert str(step.partial_date) == "9 Aug 2025"
    for position in step.commitments.all():
        assert position.partial_date == step.partial_date
        assert position.history.first().history_change_reason.startswith("Follows the edit")


def test_a_step_that_no_longer_commits_loses_its_commitments(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    made = list(step.commitments.values_list("pk", flat=True))
    response = client.post(url("step_edit", treaty, step), step_edit(world, step, kind="sent"))
    assert response.status_code == 302
    assert not Position.objects.filter(pk__in=made).exists()
    assert Position.history.filter(id__in=made, history_type="-").count() == 4


def test_a_step_corrected_to_signed_records_commitments(client, analyst, world, treaty):
    client.force_login(analyst)
    response = client.post(
        reverse("negotiations:step_add", args=[world["negotiation"].slug, treaty.slug]),
        step_data(world, kind="sent"),
    )
    step = TextStep.objects.get(proposal=treaty)
    assert not step.commitments.exists()
    response = client.post(url("step_edit", treaty, step), step_edit(world, step, kind="signed"))
    assert response.status_code == 302
    made = list(step.commitments.select_related("party", "issue"))
    assert {(p.party.slug, p.issue.slug) for p in made} == {
        (party, issue) for party in ("alpha", "beta") for issue in ("corridor", "maps")
    }
    # Each commitment is cited like the step.
    assert all(p.citations.get().source == world["source"] for p in made)


def test_a_source_added_to_a_step_is_cited_by_its_commitments(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    other = make_source(title="Joint statement")
    data = step_edit(world, step, **{"cite-0-source": other.pk, "cite-0-locator": "para. 3"})
    assert client.post(url("step_edit", treaty, step), data).status_code == 302
    assert step.citations.count() == 2
    for position in step.commitments.all():
        assert set(position.citations.values_list("source__title", flat=True)) == {
            world["source"].title,
            "Joint statement",
        }


def test_removing_a_step_removes_its_commitments_with_the_reason(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    made = list(step.commitments.values_list("pk", flat=True))
    response = client.post(url("step_delete", treaty, step), {"remove-change_reason": "duplicate"})
    assert response.status_code == 302
    assert not TextStep.objects.filter(pk=step.pk).exists()
    assert not Position.objects.filter(pk__in=made).exists()
    reasons = Position.history.filter(id__in=made, history_type="-").values_list(
        "history_change_reason", flat=True
    )
    assert len(reasons) == 4 and all("duplicate" in r for r in reasons)
    assert TextStep.history.filter(id=step.pk).first().history_change_reason == "duplicate"


@pytest.mark.parametrize("name", ["step_delete", "text_party_delete", "reported_delete"])
def test_removing_needs_a_reason(client, analyst, cast, name):
    row = {"step_delete": "step", "text_party_delete": "text_party", "reported_delete": "reported"}
    record = cast[row[name]]
    client.force_login(analyst)
    response = client.post(url(name, cast["draft"], record), {"remove-change_reason": ""})
    assert response.status_code == 200
    assert "Say why this is being removed." in response.content.decode()
    assert type(record).objects.filter(pk=record.pk).exists()


def test_a_bad_date_is_refused_at_the_field(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    response = client.post(
        url("step_edit", treaty, step), step_edit(world, step, when="31 Feb 2025")
    )
    assert response.status_code == 200
    assert "when" in response.context["form"].errors
    step.refresh_from_db()
    assert str(step.partial_date) == "8 Aug 2025"


def test_removing_a_signatory_removes_its_commitments_only(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    beta = TextParty.objects.get(proposal=treaty, party=world["beta"])
    data = {"remove-change_reason": "Beta only witnessed"}
    assert client.post(url("text_party_delete", treaty, beta), data).status_code == 302
    assert set(step.commitments.values_list("party__slug", flat=True)) == {"alpha"}
    assert not TextParty.objects.filter(pk=beta.pk).exists()


def test_a_witness_corrected_to_signatory_commits_by_the_recorded_steps(
    client, analyst, world, treaty
):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    gamma = TextParty.objects.get(proposal=treaty, party=world["gamma"])
    data = {"party": world["gamma"].pk, "role": "signatory", "change_reason": "Gamma signed too"}
    assert client.post(url("text_party_edit", treaty, gamma), data).status_code == 302
    assert step.commitments.filter(party=world["gamma"]).count() == 2
    gamma.refresh_from_db()
    assert gamma.history.first().history_change_reason == "Gamma signed too"


def test_a_signatory_corrected_to_witness_loses_its_commitments(client, analyst, world, treaty):
    client.force_login(analyst)
    step = initial(client, world, treaty)
    alpha = TextParty.objects.get(proposal=treaty, party=world["alpha"])
    data = {"party": world["alpha"].pk, "role": "witness", "change_reason": "witnessed"}
    assert client.post(url("text_party_edit", treaty, alpha), data).status_code == 302
    assert set(step.commitments.values_list("party__slug", flat=True)) == {"beta"}


def test_a_text_party_correction_refuses_a_duplicate_role(client, analyst, world, treaty):
    client.force_login(analyst)
    gamma = TextParty.objects.get(proposal=treaty, party=world["gamma"])
    data = {"party": world["alpha"].pk, "role": "signatory", "change_reason": "x"}
    response = client.post(url("text_party_edit", treaty, gamma), data)
    assert response.status_code == 200
    assert "already has that role" in str(response.context["form"].errors["party"])
    gamma.refresh_from_db()
    assert gamma.party == world["gamma"]


def test_reported_contents_are_corrected_and_removed(client, analyst, cast):
    draft, content = cast["draft"], cast["reported"]
    client.force_login(analyst)
    data = reported_data(
        cast,
        issue=cast["maps"].pk,
        summary="Reportedly leaves the maps to a commission.",
        version=content.version,
        change_reason="per the second report",
    )
    assert client.post(url("reported_edit", draft, content), data).status_code == 302
    content.refresh_from_db()
    assert content.summary == "Reportedly leaves the maps to a commission."
    assert content.citations.count() == 1
    gone = {"remove-change_reason": "not in any source"}
    assert client.post(url("reported_delete", draft, content), gone).status_code == 302
    assert not ReportedContent.objects.filter(pk=content.pk).exists()
    assert not Citation.objects.filter(reported_content_id=content.pk).exists()


def test_reported_contents_cannot_take_an_issue_already_reported(client, analyst, cast):
    draft, content = cast["draft"], cast["reported"]
    with_reason(ReportedContent(proposal=draft, issue=cast["corridor"], summary="Corridor."))
    client.force_login(analyst)
    data = reported_data(
        cast, issue=cast["corridor"].pk, version=content.version, change_reason="x"
    )
    response = client.post(url("reported_edit", draft, content), data)
    assert response.status_code == 200
    assert "already has reported contents" in str(response.context["form"].errors["issue"])


def test_the_proposal_page_links_analysts_not_readers(client, analyst, reader, cast):
    draft = cast["draft"]
    links = [
        url("step_edit", draft, cast["step"]),
        url("text_party_edit", draft, cast["text_party"]),
        url("reported_edit", draft, cast["reported"]),
    ]
    for user, shown in ((analyst, True), (reader, False)):
        client.force_login(user)
        page = client.get(draft.get_absolute_url()).content.decode()
        assert all((link in page) is shown for link in links), user


def test_readers_cannot_correct_or_remove(client, reader, cast):
    draft = cast["draft"]
    client.force_login(reader)
    for name, key in (("step", "step"), ("text_party", "text_party"), ("reported", "reported")):
        row = cast[key]
        assert client.get(url(f"{name}_edit", draft, row)).status_code == 403
        response = client.post(url(f"{name}_delete", draft, row), {"remove-change_reason": "x"})
        assert response.status_code == 403
        assert type(row).objects.filter(pk=row.pk).exists()


def test_a_rows_of_another_text_is_not_found(client, analyst, cast, world):
    other = make_proposal(world["negotiation"], None, slug="other", title="Other")
    client.force_login(analyst)
    assert client.get(url("step_edit", other, cast["step"])).status_code == 404


def test_the_step_form_runs_a_fixed_number_of_queries(client, analyst, cast):
    draft, step = cast["draft"], cast["step"]
    client.force_login(analyst)
    client.get(url("step_edit", draft, step))
    for n in range(3):
        make_source(title=f"More {n}")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("step_edit", draft, step)).status_code == 200
    queries = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == STEP_PAGE_QUERIES, "\n".join(q["sql"] for q in queries)


def test_a_new_signatory_of_a_text_that_addresses_no_issue_is_refused(
    client, analyst, world, treaty
):
    client.force_login(analyst)
    initial(client, world, treaty)
    for provision in treaty.provisions.all():
        provision.issue = None
        with_reason(provision, "issues unassigned")
    gamma = TextParty.objects.get(proposal=treaty, party=world["gamma"])
    data = {"party": world["gamma"].pk, "role": "signatory", "change_reason": "signed"}
    response = client.post(url("text_party_edit", treaty, gamma), data)
    assert response.status_code == 200
    assert "assign issues first" in str(response.context["form"].errors["role"])
    gamma.refresh_from_db()
    assert gamma.role == "witness"
