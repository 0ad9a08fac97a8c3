"""Texts with availability, a dated lifecycle, parties with roles and reported contents;
commitments recorded by initialling, signing or ratifying (issue #14 items 2–3, #16.4).

Every test here fails on the old main: none of these models, fields or views existed."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from negotiations.exchange import interchange, validation
from negotiations.models import (
    Citation,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    TextParty,
    TextStep,
)
from negotiations.text.dates import Precision
from tests.factories import (
    CITE,
    make_party,
    make_proposal,
    make_provision,
    paste_save_data,
    reported_data,
    step_data,
    with_reason,
)

NOT_PUBLIC = "The text of this proposal is not public"
SECRET = "Invented wording that must never be shown"


def url(name, *args):
    return reverse(f"negotiations:{name}", args=args)


@pytest.fixture
def treaty(world):
    """A 17-article agreement, text public, on both issues; Alpha and Beta sign, Gamma
    (and an outsider) witness."""
    n = world["negotiation"]
    proposal = make_proposal(n, None, slug="peace", title="Peace agreement")
    for i in range(1, 18):
        issue = world["corridor"] if i % 2 else world["maps"]
        make_provision(proposal, label=f"Article {i}", text=f"Article {i} text.", issue=issue)
    for party, role in ((world["alpha"], "signatory"), (world["beta"], "signatory")):
        with_reason(TextParty(proposal=proposal, party=party, role=role))
    with_reason(TextParty(proposal=proposal, party=world["gamma"], role="witness"))
    return proposal


def matrix_cell(client, world, issue, party):
    response = client.get(url("negotiation", world["negotiation"].slug))
    for row in response.context["rows"]:
        for cell in row.cells:
            if cell.issue == issue and cell.party == party:
                return cell.position
    raise AssertionError("no such cell")


def snapshot_after(client, world, a, b):
    response = client.get(url("snapshot", world["negotiation"].slug), {"a": a, "b": b})
    assert response.status_code == 200
    return {(line.issue.pk, line.party.pk): line for line in response.context["lines"]}


# --- commitments --------------------------------------------------------------------------


def test_initialling_commits_both_signatories_on_matrix_snapshot_thread(
    client, world, treaty, analyst
):
    client.force_login(analyst)
    alpha, beta, corridor = world["alpha"], world["beta"], world["corridor"]
    before = matrix_cell(client, world, corridor, alpha)
    assert before == world["second"]  # Alpha's demand
    assert matrix_cell(client, world, corridor, beta) is None

    response = client.post(url("step_add", "talks", "peace"), step_data(world))
    assert response.status_code == 302, response.context and response.context["form"].errors

    step = TextStep.objects.get(proposal=treaty)
    assert step.partial_date.start == datetime.date(2025, 8, 8)
    commitments = Position.objects.filter(commitment_of=step)
    # 2 signatories × 2 issues; the witness commits to nothing.
    assert commitments.count() == 4
    assert not commitments.filter(party=world["gamma"]).exists()
    assert set(commitments.values_list("stance", flat=True)) == {"committed"}
    for position in commitments:
        assert position.date == datetime.date(2025, 8, 8)
        assert position.summary.startswith("Initialled “Peace agreement”, which addresses")
        [cite] = position.citations.all()
        assert (cite.source, cite.locator) == (world["source"], "para. 2")
        assert position.history.count() == 1
    # Alpha demanded before: it conceded by committing.
    assert commitments.get(party=alpha, issue=corridor).movement == "conceded"

    for party in (alpha, beta):
        cell = matrix_cell(client, world, corridor, party)
        assert cell.stance == "committed" and cell.commitment_of_id == step.pk
    # The snapshot as stated by a day before the initialling is unchanged; after, it
    # shows both commitments.
    lines = snapshot_after(client, world, "2025-08-07", "2025-08-09")
    assert lines[(corridor.pk, alpha.pk)].before.pk == world["second"].pk
    assert lines[(corridor.pk, alpha.pk)].after.stance == "committed"
    assert lines[(corridor.pk, beta.pk)].before is None
    assert lines[(corridor.pk, beta.pk)].after.stance == "committed"
    lines = snapshot_after(client, world, "2025-01-01", "2025-08-07")
    assert lines[(corridor.pk, alpha.pk)].after.pk == world["second"].pk
    assert (corridor.pk, beta.pk) not in lines

    # Thread, timeline and the proposal page show them.
    thread = client.get(url("thread", "talks", "corridor", "beta")).content.decode()
    assert "Initialled “Peace agreement”" in thread
    timeline = client.get(url("timeline", "talks"))
    assert timeline.status_code == 200
    page = client.get(url("proposal", "talks", "peace")).content.decode()
    assert "Initialled" in page and "8 Aug 2025" in page
    assert "Gamma — witness" in page and "Alpha — signatory" in page


def test_commitment_refused_without_signatories_nothing_saved(client, world, analyst):
    proposal = make_proposal(world["negotiation"], slug="lonely")
    make_provision(proposal, issue=world["corridor"])
    client.force_login(analyst)
    counts = (TextStep.objects.count(), Position.objects.count(), Citation.objects.count())
    response = client.post(url("step_add", "talks", "lonely"), step_data(world))
    assert response.status_code == 200
    assert "has no signatories" in response.context["form"].errors["kind"][0]
    assert "has no signatories" in response.content.decode()
    assert counts == (
        TextStep.objects.count(),
        Position.objects.count(),
        Citation.objects.count(),
    )


def test_commitment_refused_when_text_addresses_no_issue(client, world, analyst):
    proposal = make_proposal(world["negotiation"], slug="vague")
    make_provision(proposal)  # no issue
    with_reason(TextParty(proposal=proposal, party=world["alpha"], role="signatory"))
    client.force_login(analyst)
    response = client.post(url("step_add", "talks", "vague"), step_data(world))
    assert response.status_code == 200
    assert "assigned to an issue" in response.context["form"].errors["kind"][0]
    assert not TextStep.objects.exists()


def test_a_step_that_commits_nobody_needs_no_signatories(client, world, analyst):
    proposal = make_proposal(world["negotiation"], slug="sent")
    client.force_login(analyst)
    response = client.post(url("step_add", "talks", "sent"), step_data(world, kind="sent"))
    assert response.status_code == 302
    step = TextStep.objects.get(proposal=proposal)
    assert step.citations.count() == 1 and not step.commitments.exists()


def test_the_shown_date_is_the_latest_steps(world):
    proposal = make_proposal(world["negotiation"], date=datetime.date(2024, 1, 4))
    assert str(proposal.shown_date()) == str(proposal.partial_date)
    with_reason(
        TextStep(
            proposal=proposal,
            kind="signed",
            date=datetime.date(2025, 8, 1),
            date_precision=Precision.MONTH,
        )
    )
    assert proposal.shown_date().start == datetime.date(2025, 8, 1)


def test_signatory_must_take_part_witness_need_not(client, world, analyst):
    outsider = make_party(slug="outsider", name="Outsider")
    proposal = make_proposal(world["negotiation"], slug="t")
    client.force_login(analyst)
    refused = client.post(
        url("text_party_add", "talks", "t"), {"party": outsider.pk, "role": "signatory"}
    )
    assert refused.status_code == 200
    assert "does not take part" in refused.context["form"].errors["party"][0]
    ok = client.post(url("text_party_add", "talks", "t"), {"party": outsider.pk, "role": "witness"})
    assert ok.status_code == 302
    again = client.post(
        url("text_party_add", "talks", "t"), {"party": outsider.pk, "role": "witness"}
    )
    assert "already has that role" in again.context["form"].errors["party"][0]
    assert list(proposal.text_parties.values_list("role", flat=True)) == ["witness"]


@pytest.mark.parametrize(
    "name,data",
    [
        ("step_add", lambda w: step_data(w, kind="sent")),
        ("text_party_add", lambda w: {"party": w["gamma"].pk, "role": "witness"}),
        ("reported_add", reported_data),
    ],
)
def test_reader_cannot_use_the_new_forms_analyst_can(client, world, reader, analyst, name, data):
    make_proposal(world["negotiation"], slug="t")
    client.force_login(reader)
    assert client.get(url(name, "talks", "t")).status_code == 403
    assert client.post(url(name, "talks", "t"), data(world)).status_code == 403
    counts = (TextStep.objects.count(), TextParty.objects.count(), ReportedContent.objects.count())
    assert counts == (0, 0, 0)
    client.force_login(analyst)
    assert client.get(url(name, "talks", "t")).status_code == 200
    assert client.post(url(name, "talks", "t"), data(world)).status_code == 302
    counts = (TextStep.objects.count(), TextParty.objects.count(), ReportedContent.objects.count())
    assert sum(counts) == 1


# --- described only -----------------------------------------------------------------------


@pytest.fixture
def described(world):
    proposal = make_proposal(
        world["negotiation"],
        world["alpha"],
        slug="described",
        title="Described <b>draft</b>",
        availability=Proposal.Availability.DESCRIBED,
    )
    with_reason(
        ReportedContent(
            proposal=proposal,
            issue=world["corridor"],
            summary="Said to demand a corridor <script>x</script>",
        )
    )
    return proposal


def test_described_only_refuses_article_text_in_the_model(world, described):
    provision = Provision(proposal=described, label="Art. 1", text="Invented.")
    with pytest.raises(ValidationError) as info:
        provision.full_clean()
    assert "text" in info.value.message_dict
    # And a text with provisions cannot become described only.
    other = make_proposal(world["negotiation"])
    make_provision(other)
    other.availability = Proposal.Availability.DESCRIBED
    with pytest.raises(ValidationError) as info:
        other.full_clean()
    assert "availability" in info.value.message_dict


def test_described_only_refuses_article_text_in_the_form(client, world, described, analyst):
    client.force_login(analyst)
    data = {"label": "Art. 1", "heading": "", "issue": "", "text": SECRET, **CITE}
    response = client.post(url("provision_add", "talks", "described"), data)
    assert response.status_code == 200
    assert "described only" in response.context["form"].errors["text"][0]
    assert not Provision.objects.exists()


def test_described_only_refuses_a_pasted_draft(client, world, analyst):
    client.force_login(analyst)
    data = paste_save_data(world, [("Art. 1", "", "", SECRET)], availability="described")
    response = client.post(url("proposal_paste", "talks"), data)
    assert response.status_code == 200
    assert "described only" in response.context["form"].errors["availability"][0]
    assert not Proposal.objects.exists() and not Provision.objects.exists()


def test_described_only_refuses_provisions_in_an_import(world):
    document = {
        "format": "redline/1",
        "negotiation": {"slug": "x", "title": "X"},
        "proposals": [
            {
                "slug": "p",
                "title": "P",
                "kind": "draft_treaty",
                "availability": "described",
                "date": "2024-01",
                "provisions": [
                    {"uid": "6f1c2a0e-0000-4000-8000-000000000001", "label": "1", "text": SECRET}
                ],  # fmt: skip
            }
        ],
    }
    errors = interchange.validate(document)
    assert any("proposals[0].provisions" in e and "described only" in e for e in errors)


def test_old_text_status_key_still_imports(world):
    """Files written before availability existed say text_status."""
    assert validation.availability_of({"text_status": "leaked"}) == "reported"
    assert validation.availability_of({"text_status": "official"}) == "official"
    assert validation.availability_of({"availability": "described"}) == "described"


def test_described_only_never_renders_article_texts(client, world, described, reader):
    # Even a provision smuggled in past every check (old data) is never shown.
    Provision.objects.create(proposal=described, label="Art. 1", text=SECRET, order=1)
    other = make_proposal(world["negotiation"], slug="full", title="Full text")
    make_provision(other, label="Art. 1", text="The corridor opens.", issue=world["corridor"])
    client.force_login(reader)
    pages = {
        "detail": client.get(url("proposal", "talks", "described")),
        "list": client.get(url("proposals", "talks")),
        "compare": client.get(url("compare", "talks"), {"a": "described", "b": "full"}),
        "compare-swapped": client.get(url("compare", "talks"), {"a": "full", "b": "described"}),
        "compare-csv": client.get(
            reverse("negotiations:compare_export", kwargs={"slug": "talks", "fmt": "csv"}),
            {"a": "described", "b": "full"},
        ),
        "proposals-csv": client.get(
            reverse("negotiations:proposals_export", kwargs={"slug": "talks", "fmt": "csv"})
        ),
        "provisions-json": client.get(
            reverse(
                "negotiations:provisions_export",
                kwargs={"slug": "talks", "proposal": "described", "fmt": "json"},
            )
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        body = body.decode()
        assert SECRET not in body, name
        assert NOT_PUBLIC in body or "is not public" in body, name
    compare = pages["compare"]
    assert compare.context["comparison"] is None and compare.context["issue_lines"]
    assert "<ins>" not in compare.content.decode()
    compare_body = compare.content.decode()
    assert "Said to demand a corridor &lt;script&gt;x&lt;/script&gt;" in compare_body
    assert "<script>x</script>" not in compare_body
    detail = pages["detail"].content.decode()
    assert "Described &lt;b&gt;draft&lt;/b&gt;" in detail
    assert "Said to demand a corridor &lt;script&gt;" in detail


def test_feed_entries_about_a_described_text_say_it_is_not_public(client, world, described):
    from negotiations.models import FeedToken

    token = FeedToken.objects.create(user=_reader(world))
    response = client.get(
        reverse("negotiations:feed_negotiation", kwargs={"token": token.token, "slug": "talks"})
    )
    assert response.status_code == 200
    assert "is not public" in response.content.decode()


def _reader(world):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("feedreader", password="x")
    user.groups.add(Group.objects.get(name="Readers"))
    return user


def test_reported_contents_are_cited_and_one_per_issue(client, world, described, analyst):
    client.force_login(analyst)
    again = client.post(url("reported_add", "talks", "described"), reported_data(world))
    assert "already has reported contents" in again.context["form"].errors["issue"][0]
    response = client.post(
        url("reported_add", "talks", "described"), reported_data(world, issue=world["maps"].pk)
    )
    assert response.status_code == 302
    content = ReportedContent.objects.get(issue=world["maps"])
    assert content.citations.get().source == world["source"]
    assert content.history.count() == 1
    assert [i.slug for i in described.addressed_issues()] == ["corridor", "maps"]


def test_export_and_import_carry_availability(world, described):
    document = interchange.export_negotiation(world["negotiation"])
    [p] = [p for p in document["proposals"] if p["slug"] == "described"]
    assert p["availability"] == "described" and "text_status" not in p
    json.dumps(document)


def test_citation_targets_include_steps_and_reported_contents(world, described):
    content = described.reported_contents.get()
    citation = Citation(source=world["source"], reported_content=content)
    citation.full_clean()
    citation.proposal = described
    with pytest.raises(ValidationError):
        citation.full_clean()


@pytest.mark.django_db(transaction=True)
def test_availability_migration_maps_text_status_and_keeps_history():
    """0013 renames text_status to availability on every row and history row: official
    stays official, leaked and reported (their words are stored) become reported."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    old, new = (
        ("negotiations", "0012_partial_dates_as_written"),
        ("negotiations", "0013_texts_lifecycle_availability"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([old])
    apps = executor.loader.project_state([old]).apps
    Negotiation = apps.get_model("negotiations", "Negotiation")
    Proposal_ = apps.get_model("negotiations", "Proposal")
    History = apps.get_model("negotiations", "HistoricalProposal")
    n = Negotiation.objects.create(slug="m", title="M")
    for status in ("official", "leaked", "reported"):
        p = Proposal_.objects.create(
            negotiation=n, slug=status, title=status, kind="other", text_status=status,
            date=datetime.date(2024, 1, 1), date_end=datetime.date(2024, 1, 1),
        )  # fmt: skip
        History.objects.create(
            id=p.pk, negotiation_id=n.pk, slug=status, title=status, kind="other",
            text_status=status, date=p.date, date_end=p.date, history_type="+",
            history_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([new])
    migrated = dict(Proposal.objects.values_list("slug", "availability"))
    assert migrated == {"official": "official", "leaked": "reported", "reported": "reported"}
    history = dict(Proposal.history.values_list("slug", "availability"))
    assert history == migrated and Proposal.history.count() == 3
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
