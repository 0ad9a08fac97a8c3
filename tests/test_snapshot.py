"""Snapshot compare: positions as stated by two dates, and as recorded on two days."""

import datetime
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from negotiations.insight import analysis
from negotiations.models import Position
from tests.factories import make_position


def get(client, **params):
    return client.get(reverse("negotiations:snapshot", args=["talks"]), params)


def test_stated_mode_shows_added_changed_and_unchanged(client, reader, world):
    make_position(world["maps"], world["beta"], summary="Beta wants maps.", date="2024-03-05")
    client.force_login(reader)
    response = get(client, a="20 Jan 2024", b="2024-03")
    lines = {(line.issue.slug, line.party.slug): line for line in response.context["lines"]}
    assert lines[("corridor", "alpha")].status == "changed"
    assert lines[("corridor", "alpha")].before == world["first"]
    assert lines[("corridor", "alpha")].after == world["second"]
    assert lines[("maps", "beta")].status == "added"
    assert response.context["counts"] == {"added": 1, "changed": 1, "dropped": 0, "unchanged": 0}
    assert "<ins>any border </ins>" in response.content.decode()


def test_stated_mode_marks_dropped_positions(client, reader, world):
    make_position(
        world["corridor"], world["alpha"], summary="No longer raised.", date="2024-04-01",
        movement=Position.Movement.DROPPED,
    )  # fmt: skip
    client.force_login(reader)
    response = get(client, a="2024-02", b="2024-04")
    line = response.context["lines"][0]
    assert (line.party.slug, line.status) == ("alpha", "dropped")


def test_month_means_its_last_day(client, reader, world):
    client.force_login(reader)
    # The second statement is dated "Feb 2024": it counts as stated by the end of February.
    response = get(client, a="2024-01", b="2024-02")
    assert response.context["counts"]["changed"] == 1


def test_party_filter_limits_lines(client, reader, world):
    make_position(world["maps"], world["beta"], date="2024-01-01")
    client.force_login(reader)
    response = get(client, a="2023", b="2024", party="beta")
    assert {line.party.slug for line in response.context["lines"]} == {"beta"}


def test_bad_dates_show_a_message(client, reader, world):
    client.force_login(reader)
    response = get(client, a="yesterday-ish", b="2024")
    assert response.status_code == 200
    assert "Cannot read “yesterday-ish” as a date" in response.content.decode()
    assert response.context["lines"] is None


def test_recorded_mode_replays_what_the_database_said(client, analyst, world):
    position = world["first"]
    # Pretend the position was recorded long ago, then corrected today.
    position.history.update(history_date=timezone.now() - datetime.timedelta(days=30))
    world["second"].history.update(history_date=timezone.now() - datetime.timedelta(days=30))
    world["second"].summary = "Corrected wording today."
    world["second"]._change_reason = "fix"
    world["second"].save()
    client.force_login(analyst)
    before = (timezone.now() - datetime.timedelta(days=10)).date().isoformat()
    today = timezone.now().date().isoformat()
    response = get(client, mode="recorded", a=before, b=today)
    line = next(line for line in response.context["lines"] if line.issue.slug == "corridor")
    assert line.before.summary == "Demands a corridor without any border controls."
    assert line.after.summary == "Corrected wording today."
    assert line.status == "changed"


def test_recorded_mode_before_anything_was_recorded_is_empty_at_a(client, analyst, world):
    client.force_login(analyst)
    response = get(client, mode="recorded", a="2000-01-01", b="2999-01-01")
    assert {line.status for line in response.context["lines"]} == {"added"}


def test_unchanged_lines_are_hidden_unless_asked_for(client, reader, world):
    make_position(world["maps"], world["beta"], summary="Old and steady.", date="2020-01-01")
    client.force_login(reader)
    hidden = get(client, a="2023", b="2024").content.decode()
    assert "Old and steady." not in hidden and "Show unchanged lines too" in hidden
    shown = get(client, a="2023", b="2024", show="all").content.decode()
    assert "Old and steady." in shown


def test_long_snapshots_are_paginated(client, reader, world):
    from tests.factories import make_issue

    for _ in range(105):
        make_position(make_issue(world["negotiation"]), world["beta"], date="2024-05-01")
    client.force_login(reader)
    response = get(client, a="2023", b="2024")
    page = response.context["page"]
    assert page.paginator.count == 106 and len(page.object_list) == 100
    assert "page=2" in response.content.decode()
    assert len(get(client, a="2023", b="2024", page=2).context["page"].object_list) == 6


def test_light_lines_filled_for_a_page_equal_the_full_computation(world):
    """The page reads texts only for the lines it shows (#18); "now" comes from the kept
    current state. Both give the lines the full computation gives."""
    make_position(world["maps"], world["beta"], summary="Beta wants maps.", date="2024-03-05")
    make_position(world["maps"], world["alpha"], summary="Alpha later.", date="2030-01-01")
    negotiation = world["negotiation"]
    parties = [world["alpha"], world["beta"], world["gamma"]]
    issues = [world["corridor"], world["maps"]]
    today = datetime.date.today()
    for a, b in [
        (datetime.date(2024, 1, 20), datetime.date(2024, 3, 31)),
        (datetime.date(2024, 1, 20), today),  # a statement dated after today: no "now"
        (datetime.date(2024, 1, 20), datetime.date(2031, 1, 1)),  # "now": the kept state
    ]:
        full = analysis.snapshot(negotiation, parties, issues, "stated", a, b)
        light = analysis.fill(list(analysis.stated_lines(negotiation, parties, issues, a, b)))

        def key(lines):
            return [(x.issue.pk, x.party.pk, x.before, x.after, x.status) for x in lines]

        assert key(light) == key(full)
        assert all(isinstance(p, Position) for x in light for p in (x.before, x.after) if p)
        assert [x.summary_diff for x in light] == [x.summary_diff for x in full]


def test_a_day_compared_with_itself_is_read_once(world):
    negotiation, parties = world["negotiation"], [world["alpha"], world["beta"]]
    issues = [world["corridor"], world["maps"]]
    a, b = datetime.date(2024, 1, 20), datetime.date(2024, 3, 31)
    counts = []
    for days in [(a, b), (b, b)]:
        with CaptureQueriesContext(connection) as queries:
            lines = analysis.stated_lines(negotiation, parties, issues, *days)
        counts.append(len(queries))
    assert counts[1] == counts[0] - 1
    assert {line[4] for line in lines.rows} <= {"unchanged"}


def test_the_pages_computation_equals_the_full_one_on_random_threads(world):
    """stated_lines() (statuses in the database, #18) against snapshot(), which builds
    every statement of both days: random threads with ties on the date, overlapping
    dates and dropped statements; random participation spans; days before, between,
    on and after the statements, in either order; all parties or one."""
    from tests.factories import make_issue, with_reason

    rng = random.Random(18)
    negotiation = world["negotiation"]
    parties = [world["alpha"], world["beta"], world["gamma"]]
    issues = [world["corridor"], world["maps"], make_issue(negotiation, title="Water")]
    movements = [Position.Movement.NEW, Position.Movement.HARDENED, Position.Movement.DROPPED]
    starts = [datetime.date(2024, m, d) for m in (1, 2, 3) for d in (1, 15)]
    for _ in range(40):
        start = rng.choice(starts)
        precision = rng.choice(["day", "day", "month"])
        make_position(
            rng.choice(issues),
            rng.choice(parties),
            world["source"],
            date=start.replace(day=1) if precision == "month" else start,
            date_precision=precision,
            movement=rng.choice(movements),
            stance=rng.choice([Position.Stance.DEMAND, Position.Stance.OFFER]),
        )
    days = [datetime.date(2023, 12, 31), *starts, datetime.date(2024, 2, 20),
            datetime.date(2024, 3, 31), datetime.date.today()]  # fmt: skip
    spans = [(None, None), (datetime.date(2024, 2, 1), None), (None, datetime.date(2024, 1, 15)),
             (datetime.date(2024, 1, 2), datetime.date(2024, 2, 15))]  # fmt: skip
    compared = 0
    for _ in range(12):
        for party in parties:
            participation = party.participations.get()
            participation.since, participation.until = rng.choice(spans)
            with_reason(participation)
        for _ in range(6):
            a, b = rng.choice(days), rng.choice(days)
            for chosen in (parties, [rng.choice(parties)]):
                full = analysis.snapshot(negotiation, chosen, issues, "stated", a, b)
                light = analysis.fill(
                    list(analysis.stated_lines(negotiation, chosen, issues, a, b))
                )

                def key(lines):
                    return [(x.issue.pk, x.party.pk, x.before, x.after, x.status) for x in lines]

                assert key(light) == key(full), (a, b, [p.slug for p in chosen])
                assert [x.summary_diff for x in light] == [x.summary_diff for x in full]
                counts = analysis.stated_lines(negotiation, chosen, issues, a, b).counts()
                assert counts == analysis.summarise_lines(full)
                compared += len(full)
    assert compared > 500  # the draw made lines to compare


def test_the_pages_queries_do_not_grow_with_the_statements(client, reader, world):
    from tests.factories import make_issue, page_queries

    client.force_login(reader)
    base = reverse("negotiations:snapshot", args=["talks"]) + "?a=2024-01-20&b=2024-03-31"
    urls = [base, base + "&show=all", base + "&page=2", base + "&party=alpha"]
    small = [page_queries(client, url) for url in urls]
    issue = None
    for n in range(110):  # 110 threads added between the days: two pages
        issue = make_issue(world["negotiation"]) if n % 2 == 0 else issue
        party = [world["alpha"], world["beta"]][n % 2]
        make_position(issue, party, world["source"], date=datetime.date(2024, 2 + n % 2, 5))
    large = [page_queries(client, url) for url in urls]
    assert get(client, a="2024-01-20", b="2024-03-31").context["page"].paginator.count > 100
    # The request's own 3 and the revisions (ETag); negotiation, parties, issues; the
    # participation spans, each thread's newest statement by either day, the shown
    # statements (the diffs' cache is in memory in tests).
    assert small == large == [11, 11, 11, 11]


def test_a_statements_heading_shows_stance_movement_and_date_escaped(world):
    """position_meta_html() (the snapshot lines; the `statement_heading` filter of the
    issue and thread pages): the stance as _stance.html shows it, the movement, the
    date, and user text escaped, whatever the movement."""
    from django.template.loader import render_to_string

    for movement, label in Position.Movement.choices:
        position = make_position(
            world["maps"], world["beta"], world["source"], movement=movement,
            date=datetime.date(2023, 12, 1), date_precision="month", date_inferred=True,
            date_as_written="Dec. 2023 <b>",
        )  # fmt: skip
        html = analysis.position_meta_html(position)
        stance = render_to_string("negotiations/_stance.html", {"position": position})
        assert html.startswith(stance.strip())
        assert f'<span class="movement movement-{movement}">{label.lower()}</span>' in html
        assert "<time" in html and "&lt;b&gt;" in html and "<b>" not in html
