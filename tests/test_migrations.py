"""Data migrations keep every row and history row: 0012 (dates as written) fills date_end,
0018–0020 add columns only, 0024 turns a provision's issue into its issues."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("negotiations", "0011_access_token")]
AFTER = [("negotiations", "0012_partial_dates_as_written")]
D = datetime.date

# (date as stored before, precision) → the latest day it can mean
EXPECTED = {
    (D(2024, 1, 10), "day"): D(2024, 1, 10),
    (D(2024, 2, 1), "month"): D(2024, 2, 29),
    (D(2023, 12, 1), "month"): D(2023, 12, 31),
    (D(2024, 4, 1), "quarter"): D(2024, 6, 30),
    (D(2023, 10, 1), "quarter"): D(2023, 12, 31),
    (D(2021, 1, 1), "year"): D(2021, 12, 31),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_data_migration_fills_date_end_of_rows_and_history_for_each_precision():
    apps = migrate(BEFORE)
    get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
    negotiation = get("Negotiation").objects.create(slug="talks", title="Talks")
    party = get("Party").objects.create(slug="alpha", name="Alpha")
    issue = get("Issue").objects.create(negotiation=negotiation, slug="maps", title="Maps")
    undated = get("Source").objects.create(title="Undated", kind="leak", date=None)
    now = timezone.now()
    for n, ((day, precision), _end) in enumerate(EXPECTED.items()):
        position = get("Position").objects.create(
            uid=uuid.uuid4(), issue=issue, party=party, stance="demand", summary=f"S{n}",
            date=day, date_precision=precision, date_approximate=n % 2 == 0,
        )  # fmt: skip
        get("HistoricalPosition").objects.create(
            id=position.pk, uid=position.uid, issue_id=issue.pk, party_id=party.pk,
            stance="demand", movement="new", summary=f"S{n}", quote="", version=1,
            created_at=now, date=day, date_precision=precision,
            date_approximate=n % 2 == 0, history_date=now, history_type="+",
        )  # fmt: skip
        get("Event").objects.create(
            uid=uuid.uuid4(), negotiation=negotiation, title=f"E{n}", date=day,
            date_precision=precision,
        )  # fmt: skip
        get("Source").objects.create(
            title=f"Source {n}", kind="leak", date=day, date_precision=precision
        )
    get("Proposal").objects.create(
        negotiation=negotiation, slug="draft", title="Draft", kind="other",
        text_status="official", date=D(2023, 12, 1), date_precision="month",
    )  # fmt: skip
    try:
        apps = migrate(AFTER)
        get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
        for name in ("Position", "HistoricalPosition", "Event"):
            rows = get(name).objects.values_list("date", "date_precision", "date_end")
            assert {(d, p): e for d, p, e in rows} == EXPECTED, name
            assert len(rows) == len(EXPECTED), name
        sources = get("Source").objects.exclude(pk=undated.pk)
        assert {(s.date, s.date_precision): s.date_end for s in sources} == EXPECTED
        assert get("Source").objects.get(pk=undated.pk).date_end is None
        assert get("Proposal").objects.get().date_end == D(2023, 12, 31)
        for position in get("Position").objects.all():
            assert (position.date_qualifier, position.date_as_written) == ("", "")
            assert position.date_inferred is False
        approximate = get("Position").objects.filter(date_approximate=True).count()
        assert approximate == 3  # the flags were kept
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_persons_migration_keeps_positions_and_participations_as_they_were():
    """0018–0020 (codebook, persons and speakers, spans, event actors) add columns and
    tables only: every statement keeps its values and reads as the party's own words,
    with no speaker; every participation has an open span."""
    apps = migrate([("negotiations", "0017_search_everywhere")])
    get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
    try:
        negotiation = get("Negotiation").objects.create(slug="talks", title="Talks")
        party = get("Party").objects.create(slug="alpha", name="Alpha")
        get("Participation").objects.create(negotiation=negotiation, party=party, role="mediator")
        issue = get("Issue").objects.create(negotiation=negotiation, slug="maps", title="Maps")
        get("Position").objects.create(
            uid=uuid.uuid4(), issue=issue, party=party, stance="red_line", summary="Never.",
            date=D(2024, 1, 10), date_end=D(2024, 1, 10),
        )  # fmt: skip
        apps = migrate([("negotiations", "0020_event_actors")])
        get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
        position = get("Position").objects.get()
        assert (position.stance, position.summary) == ("red_line", "Never.")
        assert (position.attribution, position.speaker_id) == ("own", None)
        participation = get("Participation").objects.get()
        assert (participation.role, participation.since, participation.until) == (
            "mediator",
            None,
            None,
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_provision_issues_migration_copies_each_issue_into_the_links_and_their_history():
    """0024 turns a provision's one issue into its issues (many): every provision keeps
    its issue, and every history row records the issue the provision had then."""
    apps = migrate([("negotiations", "0023_current_position")])
    get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
    try:
        negotiation = get("Negotiation").objects.create(slug="talks", title="Talks")
        maps = get("Issue").objects.create(negotiation=negotiation, slug="maps", title="Maps")
        roads = get("Issue").objects.create(negotiation=negotiation, slug="roads", title="Roads")
        proposal = get("Proposal").objects.create(
            negotiation=negotiation, slug="draft", title="Draft", kind="other",
            availability="official", date=D(2024, 1, 4), date_end=D(2024, 1, 4),
        )  # fmt: skip
        tagged = get("Provision").objects.create(
            uid=uuid.uuid4(), proposal=proposal, label="Art. 1", text="Maps.", issue=roads
        )
        untagged = get("Provision").objects.create(
            uid=uuid.uuid4(), proposal=proposal, label="Art. 2", text="Other."
        )
        history = get("HistoricalProvision")
        common = {"proposal_id": proposal.pk, "heading": "", "order": 0, "version": 1}
        for n, (issue, kind) in enumerate(((maps, "+"), (roads, "~"))):
            history.objects.create(
                id=tagged.pk, uid=tagged.uid, label="Art. 1", text="Maps.", issue=issue,
                history_date=timezone.now() + datetime.timedelta(seconds=n), history_type=kind,
                **common,
            )  # fmt: skip
        history.objects.create(
            id=untagged.pk, uid=untagged.uid, label="Art. 2", text="Other.", issue=None,
            history_date=timezone.now(), history_type="+", **common,
        )  # fmt: skip
        apps = migrate([("negotiations", "0024_provision_issues")])
        get = lambda name: apps.get_model("negotiations", name)  # noqa: E731
        provision = get("Provision").objects.get(pk=tagged.pk)
        assert [i.slug for i in provision.issues.all()] == ["roads"]
        assert not get("Provision").objects.get(pk=untagged.pk).issues.exists()
        recorded = get("HistoricalProvision_issues").objects.order_by("history__history_date")
        assert [(r.history.id, r.issue_id) for r in recorded] == [
            (tagged.pk, maps.pk),
            (tagged.pk, roads.pk),
        ]
        link = get("Provision").issues.through.objects.get()
        assert [r.id for r in recorded] == [0, link.pk]  # the link's id where it still exists
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
