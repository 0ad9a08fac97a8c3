"""The kept current state (CurrentPosition, #18) equals the latest statement of each
thread computed from scratch, after any writes: saves, corrections that move a statement,
deletes, commitments by text steps and their removal, imports; and the rebuild command
repairs it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiations import commitments, current
from negotiations.exchange.interchange import import_document
from negotiations.models import CurrentPosition, Position, TextParty, TextStep
from negotiations.text.dates import PartialDate
from tests.factories import (
    base_document,
    make_position,
    make_proposal,
    make_provision,
    with_reason,
)

# Overlapping dates and ties, so that the order by (date, date_end, pk) is exercised.
WHEN = ["10 January 2024", "January 2024", "2024", "31 December 2023", "before February 2024"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 3), st.sampled_from(WHEN)),
        st.tuples(st.just("edit"), st.integers(0, 50), st.integers(0, 3), st.sampled_from(WHEN)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("sign"), st.sampled_from(WHEN)),
        st.tuples(st.just("unsign"), st.integers(0, 50)),
    ),
    max_size=12,
)


def threads(world):
    return [
        (issue, party) for issue in (world["corridor"], world["maps"]) for party in
        (world["alpha"], world["beta"])
    ]  # fmt: skip


def signed_text(world):
    """A text signed by alpha and beta that addresses the corridor."""
    text = make_proposal(world["negotiation"], world["alpha"], slug="signed", title="Signed")
    make_provision(text, label="Art. 1", issue=world["corridor"])
    for party in (world["alpha"], world["beta"]):
        with_reason(TextParty(proposal=text, party=party, role=TextParty.Role.SIGNATORY))
    return text


def apply(world, text, operation):
    kind, *args = operation
    positions = list(Position.objects.order_by("pk"))
    steps = list(TextStep.objects.order_by("pk"))
    if kind == "add":
        issue, party = threads(world)[args[0]]
        position = Position(issue=issue, party=party, stance="demand", summary="Added.")
        position.partial_date = PartialDate.parse(args[1])
        with_reason(position)
    elif kind == "edit" and positions:
        position = positions[args[0] % len(positions)]
        position.issue, position.party = threads(world)[args[1]]
        position.partial_date = PartialDate.parse(args[2])
        with_reason(position)
    elif kind == "delete" and positions:
        positions[args[0] % len(positions)].delete()
    elif kind == "sign":
        with transaction.atomic():
            step = TextStep(proposal=text, kind=TextStep.Kind.SIGNED)
            step.partial_date = PartialDate.parse(args[0])
            with_reason(step)
            commitments.record(step, [], "signed")
    elif kind == "unsign" and steps:
        steps[args[0] % len(steps)].delete()  # its commitments go with it (a cascade)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_after_random_writes_the_kept_state_equals_the_computed_one(world, ops):
    with transaction.atomic():
        text = signed_text(world)
        for operation in ops:
            apply(world, text, operation)
            assert current.kept() == current.from_scratch(), operation
        transaction.set_rollback(True)


def test_the_world_starts_with_its_latest_statement_kept(world):
    kept = CurrentPosition.objects.get(issue=world["corridor"], party=world["alpha"])

    assert kept.position == world["second"]
    assert kept.negotiation == world["negotiation"]
    assert CurrentPosition.objects.count() == 1


def test_a_deleted_current_statement_gives_way_to_the_one_before(world):
    world["second"].delete()

    assert current.kept() == {(world["corridor"].pk, world["alpha"].pk): world["first"].pk}


def test_a_statement_moved_to_another_thread_leaves_its_old_thread_right(world):
    second = world["second"]
    second.party = world["beta"]
    with_reason(second)

    assert current.kept() == {
        (world["corridor"].pk, world["alpha"].pk): world["first"].pk,
        (world["corridor"].pk, world["beta"].pk): second.pk,
    }


def test_an_import_keeps_the_state_of_the_threads_it_writes(db):
    import_document(base_document(), reason="test import")

    assert current.kept() == current.from_scratch()
    assert CurrentPosition.objects.exists()


def test_an_import_that_corrects_a_statement_keeps_the_state(db):
    document = base_document()
    later = document["positions"][0]
    earlier = {**later, "uid": "00000000-0000-4000-8000-000000000001", "date": "2023"}
    earlier["citations"] = []
    document["positions"].append(earlier)
    import_document(document, reason="test import")
    assert set(current.kept().values()) == {Position.objects.get(uid=later["uid"]).pk}
    later["date"] = "2001"  # now the earliest of its thread

    import_document(document, reason="corrected", update=True)

    assert set(current.kept().values()) == {Position.objects.get(uid=earlier["uid"]).pk}
    assert current.kept() == current.from_scratch()


def test_the_rebuild_command_repairs_a_wrong_table(world):
    CurrentPosition.objects.update(position=world["first"])
    make_position(world["maps"], world["beta"])
    CurrentPosition.objects.filter(issue=world["maps"]).delete()
    out = io.StringIO()

    call_command("rebuild_current_state", stdout=out)

    assert current.kept() == current.from_scratch()
    assert len(current.kept()) == 2
    assert "2 corrected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_kept_state_commits_with_the_statement_or_not_at_all(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_position(world["maps"], world["beta"])
        raise RuntimeError("the request failed after the save")

    assert (world["maps"].pk, world["beta"].pk) not in current.kept()
    assert current.kept() == current.from_scratch()
