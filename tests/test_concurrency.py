"""Parallel writers on PostgreSQL: nothing is overwritten silently, nothing is lost."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from negotiations.models import Position
from tests.test_positions import edit_data

pytestmark = [
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
