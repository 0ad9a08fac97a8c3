"""Parallel writers on PostgreSQL: nothing is overwritten silently, nothing is lost."""

import io
import json
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.urls import reverse

from negotiations.exchange.interchange import import_document
from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Position,
    Proposal,
    Provision,
    Source,
)
from tests.factories import position_edit_data as edit_data

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]

WRITERS = 8


def run_in_threads(target, count):
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def worker(i):
        try:
            results[i] = target(i, barrier)
        except Exception as exc:  # surfaced below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_parallel_saves_from_one_version_accept_exactly_one(world, analyst):
    position = world["first"]
    url = reverse("negotiations:position_edit", args=[position.pk])
    opened = edit_data(position)

    def save(i, barrier):
        client = Client()
        client.force_login(analyst)
        barrier.wait()
        response = client.post(
            url, {**opened, "summary": f"Wording {i}", "change_reason": f"writer {i}"}
        )
        return response.status_code

    statuses = run_in_threads(save, WRITERS)
    assert sorted(statuses) == [302] + [409] * (WRITERS - 1)
    position.refresh_from_db()
    winner = statuses.index(302)
    assert position.summary == f"Wording {winner}"
    edits = list(
        position.history.filter(history_type="~").values_list("history_change_reason", flat=True)
    )
    assert edits == [f"writer {winner}"]


def test_writers_that_retry_on_conflict_lose_nothing(world, analyst):
    position = world["first"]
    url = reverse("negotiations:position_edit", args=[position.pk])
    rounds = 3

    def save(i, barrier):
        client = Client()
        client.force_login(analyst)
        barrier.wait()
        acknowledged, refused = [], 0
        for n in range(rounds):
            while True:
                current = Position.objects.get(pk=position.pk)
                reason = f"writer {i} edit {n}"
                response = client.post(
                    url, edit_data(current, summary=reason, change_reason=reason)
                )
                if response.status_code == 302:
                    acknowledged.append(reason)
                    break
                assert response.status_code == 409, response.status_code
                refused += 1
        return acknowledged, refused

    results = run_in_threads(save, WRITERS)
    acknowledged = [reason for done, _ in results for reason in done]
    assert len(acknowledged) == WRITERS * rounds
    position.refresh_from_db()
    history = list(
        position.history.filter(history_type="~").values_list("history_change_reason", flat=True)
    )
    assert sorted(history) == sorted(acknowledged)  # each acknowledged save exactly once
    assert position.version == 1 + len(acknowledged)
    refusals = sum(r for _, r in results)
    print(f"acknowledged={len(acknowledged)} refused_and_told={refusals}")


# --- proposals and provisions: the same locked()/conflict_if_stale() pattern ----------------------


@pytest.fixture
def draft(world):
    from tests.factories import make_proposal, make_provision

    proposal = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    provision = make_provision(proposal, label="Art. 1", text="Open the corridor.", order=1)
    return {"proposal": proposal, "provision": provision}


def _proposal_edit(draft):
    from tests.factories import proposal_edit_data as edit_data

    def data(current, i, reason):
        return edit_data(current, summary=f"Summary {i}", change_reason=reason)

    url = reverse("negotiations:proposal_edit", args=["talks", draft["proposal"].slug])
    return Proposal, draft["proposal"], url, data, "summary"


def _provision_edit(draft):
    from tests.factories import provision_data

    def data(current, i, reason):
        return provision_data(current, text=f"Text {i}", change_reason=reason)

    url = reverse("negotiations:provision_edit", args=[draft["provision"].pk])
    return Provision, draft["provision"], url, data, "text"


TARGETS = {"proposal": _proposal_edit, "provision": _provision_edit}


@pytest.mark.parametrize("target", TARGETS)
def test_parallel_saves_of_a_proposal_or_provision_from_one_version_accept_exactly_one(
    draft, analyst, target
):
    model, obj, url, data, field = TARGETS[target](draft)
    opened = model.objects.get(pk=obj.pk)

    def save(i, barrier):
        client = Client()
        client.force_login(analyst)
        barrier.wait()
        response = client.post(url, data(opened, i, f"writer {i}"))
        return response.status_code

    statuses = run_in_threads(save, WRITERS)
    assert sorted(statuses) == [302] + [409] * (WRITERS - 1), statuses
    winner = statuses.index(302)
    current = model.objects.get(pk=obj.pk)
    assert getattr(current, field) == data(opened, winner, "")[field]  # no silent overwrite
    assert current.version == opened.version + 1
    edits = list(
        model.history.filter(id=obj.pk, history_type="~").values_list(
            "history_change_reason", flat=True
        )
    )
    assert edits == [f"writer {winner}"]


@pytest.mark.parametrize("target", TARGETS)
def test_proposal_and_provision_writers_that_retry_on_conflict_lose_nothing(draft, analyst, target):
    model, obj, url, data, field = TARGETS[target](draft)
    rounds = 3

    def save(i, barrier):
        client = Client()
        client.force_login(analyst)
        barrier.wait()
        acknowledged, refused = [], 0
        for n in range(rounds):
            while True:
                current = model.objects.get(pk=obj.pk)
                reason = f"writer {i} edit {n}"
                response = client.post(url, data(current, f"{i}.{n}", reason))
                if response.status_code == 302:
                    acknowledged.append(reason)
                    break
                assert response.status_code == 409, response.status_code
                assert b"conflict" in response.content.lower()  # the writer was told
                refused += 1
        return acknowledged, refused

    results = run_in_threads(save, WRITERS)
    acknowledged = [reason for done, _ in results for reason in done]
    assert len(acknowledged) == WRITERS * rounds
    history = list(
        model.history.filter(id=obj.pk, history_type="~").values_list(
            "history_change_reason", flat=True
        )
    )
    assert sorted(history) == sorted(acknowledged)  # each acknowledged save exactly once
    current = model.objects.get(pk=obj.pk)
    assert current.version == obj.version + len(acknowledged)
    last = model.history.filter(id=obj.pk).order_by("-history_id").first()
    assert getattr(current, field) == getattr(last, field)  # the row is the last saved version
    refusals = sum(r for _, r in results)
    print(f"{target}: acknowledged={len(acknowledged)} refused_and_told={refusals}")


# --- parallel imports of one file ----------------------------------------------------------

SEED = Path(__file__).resolve().parent.parent / "seeds" / "armenia-azerbaijan.json"
IMPORTERS = 4
IDENTIFIED = {  # model: the fields that identify a row in a redline/1 document
    Negotiation: ("slug",),
    Party: ("slug",),
    Participation: ("negotiation_id", "party_id"),
    Issue: ("negotiation_id", "slug"),
    Source: ("uid",),
    Event: ("uid",),
    Proposal: ("negotiation_id", "slug"),
    Provision: ("uid",),
    Position: ("uid",),
    Citation: ("uid",),
}


def assert_imported_once(document):
    """Every slug and uid of the document exactly once, each row with one creation record."""
    for model, fields in IDENTIFIED.items():
        keys = list(model.objects.values_list(*fields))
        assert len(keys) == len(set(keys)), f"duplicate {model.__name__}"
        created = model.history.filter(history_type="+").values_list("id", flat=True)
        assert sorted(created) == sorted(model.objects.values_list("pk", flat=True)), model
    assert Negotiation.objects.filter(slug=document["negotiation"]["slug"]).count() == 1
    assert Position.objects.count() == len(document["positions"])
    assert Source.objects.count() == len(document["sources"])


def test_parallel_imports_of_one_file_create_each_row_once(db):
    document = json.loads(SEED.read_text(encoding="utf-8"))

    def run(i, barrier):
        barrier.wait()
        try:
            return import_document(document, reason=f"import {i}")
        except IntegrityError:
            return "refused"

    results = run_in_threads(run, IMPORTERS)
    winners = [r for r in results if r != "refused" and sum(r.values())]
    assert len(winners) == 1, results  # the others were refused or found nothing new
    assert_imported_once(document)
    print(f"imports: created={sum(winners[0].values())} rows, outcomes={results}")


def test_parallel_uploads_of_one_file_never_fail_and_never_duplicate(editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = SEED.read_bytes()
    document = json.loads(content)

    def upload(i, barrier):
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        barrier.wait()
        response = client.post(
            reverse("negotiations:import"),
            {"document": SimpleUploadedFile("seed.json", content, "application/json")},
        )
        return response.status_code, response.content.decode()

    results = run_in_threads(upload, IMPORTERS)
    statuses = [status for status, _ in results]
    assert set(statuses) <= {302, 400} and statuses.count(302) >= 1, statuses
    for status, page in results:
        if status == 400:  # told what happened, in words
            assert "Nothing was imported" in page and "imported the same records" in page
    assert_imported_once(document)
    print(f"uploads: statuses={statuses}")


@pytest.mark.parametrize(
    "args, refused",
    [
        (["import_negotiation", str(SEED)], "Nothing was imported"),
        (["load_seeds", "--dir", str(SEED.parent)], "was not loaded"),
    ],
)
def test_parallel_import_commands_of_one_file_end_in_success_or_a_message(db, args, refused):
    def command(i, barrier):
        barrier.wait()
        try:
            call_command(*args, stdout=io.StringIO())
        except CommandError as exc:
            return str(exc)
        return "ok"

    results = run_in_threads(command, IMPORTERS)  # an IntegrityError would surface here
    assert "ok" in results, results
    for message in results:
        assert message == "ok" or refused in message, message
    assert_imported_once(json.loads(SEED.read_text(encoding="utf-8")))
