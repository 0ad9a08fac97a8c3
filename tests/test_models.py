"""Named database constraints reject bad rows, and forms show the message."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import UniqueConstraint
from django.urls import reverse

from negotiations.models import Citation, Issue, Position, Proposal
from tests.factories import make_issue, make_negotiation, make_party, make_position, make_source


def named_constraint(name):
    """The model and the Meta.constraints entry called ``name``."""
    for model in apps.get_app_config("negotiations").get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return model, constraint
    raise LookupError(f"no constraint named {name!r}")


def integrity_error(name, save):
    """Run ``save``, which must fail on the database constraint called ``name``."""
    model, constraint = named_constraint(name)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        save()
    error = excinfo.value
    if connection.vendor == "postgresql":
        assert error.__cause__.diag.constraint_name == name, error
    else:
        # SQLite names a failed CHECK constraint; a unique one by its table.column list.
        if isinstance(constraint, UniqueConstraint):
            table = model._meta.db_table
            columns = [model._meta.get_field(f).column for f in constraint.fields]
            expected = "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)
        else:
            expected = f"CHECK constraint failed: {name}"
        assert str(error) == expected
    return error


def test_integrity_error_fails_on_another_constraint(world):
    """Regression: it passed on any IntegrityError whatever the name (fails on the old main)."""
    blank = Position(
        issue=world["corridor"], party=world["alpha"], stance="demand", summary="",
        date="2024-01-01",
    )  # fmt: skip
    with pytest.raises(AssertionError):
        integrity_error("citation_exactly_one_target", blank.save)
    duplicate = Issue(negotiation=world["negotiation"], slug="corridor", title="X")
    # The same columns in another table: the table must match too.
    with pytest.raises(AssertionError):
        integrity_error("proposal_unique_slug_per_negotiation", duplicate.save)
    with pytest.raises(AssertionError):
        integrity_error("position_summary_not_blank", duplicate.save)


def test_citation_without_target_is_rejected_by_database(world):
    citation = Citation(source=world["source"])
    integrity_error("citation_exactly_one_target", citation.save)


def test_citation_with_two_targets_is_rejected_by_database(world):
    citation = Citation(source=world["source"], position=world["first"], event=None)
    citation.proposal = Proposal.objects.create(
        negotiation=world["negotiation"], slug="d", title="D", kind="other",
        availability="official", date="2024-01-01",
    )  # fmt: skip
    integrity_error("citation_exactly_one_target", citation.save)


def test_citation_clean_explains_one_target():
    with pytest.raises(ValidationError, match="exactly one"):
        Citation().clean()


def test_issue_slug_is_unique_within_a_negotiation(world):
    integrity_error(
        "issue_unique_slug_per_negotiation",
        lambda: Issue.objects.create(negotiation=world["negotiation"], slug="corridor", title="X"),
    )


def test_same_issue_slug_is_fine_in_another_negotiation(world):
    other = make_negotiation()
    assert make_issue(other, slug="corridor").pk


def test_blank_position_summary_is_rejected_by_database(world):
    position = Position(
        issue=world["corridor"], party=world["alpha"], stance="demand", summary="",
        date="2024-01-01",
    )  # fmt: skip
    integrity_error("position_summary_not_blank", position.save)


def test_position_for_party_outside_negotiation_fails_clean(world):
    outsider = make_party()
    position = Position(
        issue=world["corridor"], party=outsider, stance="demand", summary="x",
        date="2024-01-01",
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        position.full_clean()
    assert "does not take part" in str(excinfo.value.message_dict["party"])


def test_issue_parent_from_other_negotiation_fails_clean(world):
    foreign = make_issue(make_negotiation())
    issue = Issue(negotiation=world["negotiation"], slug="sub", title="Sub", parent=foreign)
    with pytest.raises(ValidationError, match="same negotiation"):
        issue.full_clean()


def test_current_positions_are_the_latest_per_party_and_issue(world):
    make_position(world["maps"], world["beta"], summary="Beta on maps")
    current = set(Position.objects.filter(issue__negotiation=world["negotiation"]).current())
    assert current == {world["second"], Position.objects.get(summary="Beta on maps")}


def test_partial_date_property_round_trips(world):
    position = world["second"]
    assert str(position.partial_date) == "Feb 2024"
    position.partial_date = position.partial_date.__class__.parse("late December 2023")
    columns = (position.date, position.date_end, position.date_precision, position.date_qualifier)
    assert columns == (date(2023, 12, 21), date(2023, 12, 31), "month", "late")
    assert (position.date_approximate, position.date_as_written) == (False, "late December 2023")
    position._change_reason = "test"
    position.save()
    position.refresh_from_db()
    assert str(position.partial_date) == "late Dec 2023"
    assert position.partial_date.as_written == "late December 2023"


def test_versioned_rows_count_their_saves(world):
    source = make_source()
    assert source.version == 1
    source._change_reason = "typo"
    source.save()
    source.refresh_from_db()
    assert source.version == 2


# --- the admin shows constraint messages next to the form -------------------------------


def test_admin_rejects_position_for_party_outside_negotiation(client, editor, world):
    client.force_login(editor)
    outsider = make_party(name="Outsider")
    response = client.post(
        reverse("admin:negotiations_position_add"),
        {
            "issue": world["corridor"].pk,
            "party": outsider.pk,
            "stance": "demand",
            "movement": "new",
            "summary": "Something",
            "when": "January 2024",
            "change_reason": "new statement",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Outsider does not take part in Peace talks." in response.content.decode()
    assert not Position.objects.filter(party=outsider).exists()


def test_admin_rejects_citation_without_target(client, editor, world):
    client.force_login(editor)
    response = client.post(
        reverse("admin:negotiations_citation_add"),
        {"source": world["source"].pk, "locator": "p. 2", "change_reason": "adding"},
    )
    assert response.status_code == 200
    assert "A citation backs exactly one thing" in response.content.decode()
    assert Citation.objects.count() == 2


def test_admin_rejects_malformed_date_with_accepted_forms(client, editor, world):
    client.force_login(editor)
    response = client.post(
        reverse("admin:negotiations_event_add"),
        {
            "negotiation": world["negotiation"].pk,
            "title": "Summit",
            "kind": "summit",
            "when": "sometime soon",
            "change_reason": "new",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Cannot read “sometime soon” as a date" in content
    assert "2024-Q1" in content
