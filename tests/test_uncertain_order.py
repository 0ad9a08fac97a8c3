"""Statements whose dates overlap (issue #14): the thread says "order uncertain", and no
movement or diff is computed against a statement that is not certainly earlier."""

import pytest
from django.urls import reverse

from negotiations.insight import analysis
from negotiations.models import Position, date_columns
from negotiations.text.dates import PartialDate
from tests.factories import add_url, make_position, new_position_data

M = Position.Movement


def say(world, when, stance="demand", movement=M.NEW, summary=None, party="beta", issue="maps"):
    """A statement made directly (no form, no suggestion), dated as written."""
    return make_position(
        world[issue],
        world[party],
        world["source"],
        stance=stance,
        movement=movement,
        summary=summary or f"Said {when}.",
        **date_columns(PartialDate.parse(when)),
    )


def record(client, world, when, stance, summary, movement=""):
    """A statement recorded through the form, its movement left to the suggestion."""
    data = new_position_data(
        world, stance=stance, when=when, summary=summary, movement=movement
    )  # beta on maps
    response = client.post(add_url(world), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Position.objects.get(summary=summary)


def thread_url(world):
    return reverse("negotiations:thread", args=["talks", "maps", "beta"])


def thread_summaries(client, world):
    steps = client.get(thread_url(world)).context["steps"]
    return [step.position.summary for step in steps]


def test_late_december_follows_a_7_december_statement_and_moves_against_it(client, analyst, world):
    """Fails on the old main: "late December 2023" was "c. Dec 2023", sorted on 1 December
    before the 7 December statement."""
    client.force_login(analyst)
    say(world, "7 December 2023", "demand", summary="Demands the maps.")
    late = record(client, world, "late December 2023", "offer", "Offers to discuss maps.")
    assert late.movement == M.SOFTENED
    assert thread_summaries(client, world) == ["Demands the maps.", "Offers to discuss maps."]
    content = client.get(thread_url(world)).content.decode()
    assert "late Dec 2023" in content and "c. Dec 2023" not in content
    assert "Order uncertain" not in content


def test_an_overlapping_date_gets_order_uncertain_not_a_movement(client, analyst, world):
    client.force_login(analyst)
    say(world, "December 2023", "demand", summary="Demands the maps.")
    day = record(client, world, "7 Dec 2023", "red_line", "Red line on the maps.")
    assert day.movement == M.ORDER_UNCERTAIN
    assert not day.is_shift


def test_a_statement_after_an_uncertain_pair_has_no_certain_previous(client, analyst, world):
    """15 Jan follows "Dec 2023" or "7 Dec 2023", which one is not known; February follows
    15 Jan for certain."""
    client.force_login(analyst)
    say(world, "December 2023", "demand", summary="Demands the maps.")
    say(world, "7 Dec 2023", "red_line", M.ORDER_UNCERTAIN, summary="Red line on the maps.")
    january = record(client, world, "15 Jan 2024", "offer", "Offers to talk about maps.")
    assert january.movement == M.ORDER_UNCERTAIN
    february = record(client, world, "Feb 2024", "red_line", "Red line again.")
    assert february.movement == M.HARDENED  # against the offer of 15 Jan, certainly earlier


def test_a_statement_dated_before_the_others_is_compared_with_what_came_before_it(
    client, analyst, world
):
    """Fails on the old main: the suggestion compared with the thread's latest statement,
    whatever the new statement's date."""
    client.force_login(analyst)
    say(world, "10 Jan 2024", "red_line", summary="Red line on the maps.")
    early = record(client, world, "1 Dec 2023", "offer", "Offered maps first.")
    assert early.movement == M.NEW  # nothing before 1 Dec; not "softened" against January


def test_an_open_ended_date_overlaps_everything_before_it(client, analyst, world):
    client.force_login(analyst)
    say(world, "2022", "demand", summary="Demands the maps.")
    before = record(client, world, "before 1 Feb 2024", "offer", "Offered, undated.")
    assert before.movement == M.ORDER_UNCERTAIN
    undated = record(client, world, "as of 12 Feb 2024", "offer", "Offered again.")
    assert undated.movement == M.ORDER_UNCERTAIN


def test_a_movement_the_analyst_chooses_is_kept_and_the_thread_still_says_uncertain(
    client, analyst, world
):
    client.force_login(analyst)
    say(world, "December 2023", "demand", summary="Demands the maps.")
    chosen = record(client, world, "7 Dec 2023", "red_line", "Red line.", movement="hardened")
    assert chosen.movement == M.HARDENED
    content = client.get(thread_url(world)).content.decode()
    assert "<strong>Order uncertain</strong>" in content
    assert "the movement recorded is “hardened”" in content


def test_thread_says_order_uncertain_and_computes_no_diff_between_overlapping_statements(
    client, reader, world
):
    say(world, "December 2023", "demand", summary="Demands the maps.")
    say(world, "7 Dec 2023", "red_line", M.ORDER_UNCERTAIN, summary="Red line on maps.")
    say(world, "15 Jan 2024", "offer", M.ORDER_UNCERTAIN, summary="Offers maps.")
    say(world, "Feb 2024", "offer", M.RESTATED, summary="Offers maps again.")
    client.force_login(reader)
    response = client.get(thread_url(world))
    steps, content = response.context["steps"], response.content.decode()
    assert [(s.order_uncertain, s.previous_uncertain) for s in steps] == [
        (False, False),
        (True, False),  # December and 7 December overlap
        (False, True),  # certainly after 7 Dec, but it may have followed December
        (False, False),
    ]
    assert steps[1].summary_diff == "" and steps[2].summary_diff and steps[3].summary_diff
    assert content.count('class="change order-uncertain"') == 1
    assert "Previous statement uncertain" in content


def test_thread_steps_never_diff_against_an_uncertainly_earlier_statement(world, monkeypatch):
    a = say(world, "2023", "demand", summary="Demands.")
    b = say(world, "Q4 2023", "offer", summary="Offers.")

    def no_diff(*args):
        raise AssertionError("a diff against a statement that is not certainly earlier")

    monkeypatch.setattr(analysis, "cached_diff_html", no_diff)
    steps = analysis.thread_steps([a, b])
    assert steps[1].order_uncertain and steps[1].previous == a


def test_the_form_says_when_the_order_is_uncertain(client, analyst, world):
    client.force_login(analyst)
    say(world, "December 2023", "demand", summary="Demands the maps.")
    data = new_position_data(world, when="7 Dec 2023", summary="   ")  # refused: no summary
    content = client.post(add_url(world), data).content.decode()
    assert "Order uncertain: the date typed overlaps another statement" in content


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["7 Dec 2023", "late Dec 2023", "10 Jan 2024"], ["7 Dec", "late Dec", "10 Jan"]),
        (["10 Jan 2024", "late Dec 2023", "7 Dec 2023"], ["7 Dec", "late Dec", "10 Jan"]),
        (["before 1 Feb 2024", "2023", "Jan 2024"], ["2023", "Jan 2024", "before 1 Feb"]),
        (["after 8 Aug 2025", "between 8 and 11 Aug 2025", "Aug 2025"],
         ["Aug 2025", "between", "after 8 Aug"]),
    ],
)  # fmt: skip
def test_positions_sort_by_interval_everywhere(world, dates, expected):
    for when in dates:
        say(world, when, summary=when)
    thread = Position.objects.filter(party=world["beta"], issue=world["maps"])
    shown = [p.summary for p in thread.in_order()]
    assert [next(d for d in dates if d.startswith(e)) for e in expected] == shown
    assert thread.current().get().summary == shown[-1]
