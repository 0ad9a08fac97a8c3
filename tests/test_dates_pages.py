"""Every page, export and feed shows a date at the precision known (issue #14): "late Dec
2023" reads as late December everywhere, a quarter as a quarter, never an invented day."""

import csv
import io
import re

import pytest
from django.urls import reverse

from negotiations.models import FeedToken, Position, date_columns
from negotiations.text.dates import PartialDate
from tests.factories import (
    make_citation,
    make_event,
    make_position,
    make_proposal,
    make_provision,
    make_source,
)

M = Position.Movement
VALID_DATETIME = re.compile(r"\d{4}(-\d\d(-\d\d)?)?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}")
# What the old pages showed for these dates: an invented first day or "c. Dec 2023".
INVENTED = ["c. Dec 2023", "1 Jan 2024", "21 Dec 2023", "1 Dec 2023", "8 Aug 2025"]


def dated(text):
    return date_columns(PartialDate.parse(text))


@pytest.fixture
def talks(world):
    n, source = (
        world["negotiation"],
        make_source(title="Undated report", **dated("as of 12 Feb 2024")),
    )
    make_position(
        world["maps"],
        world["beta"],
        source,
        summary="Beta demands the maps.",
        **dated("late December 2023"),
    )
    make_position(
        world["maps"], world["alpha"], source, summary="Alpha wants maps.", **dated("10 Mar 2023")
    )
    make_position(
        world["maps"],
        world["alpha"],
        source,
        summary="Alpha insists on maps.",
        stance="red_line",
        movement=M.HARDENED,
        **dated("2024-Q1"),
    )
    make_position(
        world["corridor"],
        world["beta"],
        source,
        summary="Beta maps a corridor.",
        stance="offer",
        **dated("before 1 Feb 2024"),
    )
    event = make_event(n, title="Talks round on maps", **dated("between 8 and 11 Aug 2025"))
    event.issues.add(world["maps"])
    draft = make_proposal(
        n, slug="late-draft", title="Late draft on maps", **dated("late December 2023")
    )
    make_provision(draft, label="Art. 1", text="The maps of 1975 apply.")
    answer = make_proposal(
        n, slug="answer", title="Answer on maps", responds_to=draft, **dated("Q1 2024")
    )
    make_provision(answer, label="Art. 1", text="The maps of 1975 apply in part.")
    make_citation(source, proposal=draft)
    return world | {"report": source, "draft": draft}  # fmt: skip


def pages(talks):
    provision = talks["draft"].provisions.get()
    return {
        "dashboard": (reverse("negotiations:negotiation", args=["talks"]),
                      ["late Dec 2023", "Q1 2024", "before 1 Feb 2024",
                       "between 8 and 11 Aug 2025"]),
        "party": (reverse("negotiations:party", args=["talks", "alpha"]), ["Q1 2024"]),
        "issue": (reverse("negotiations:issue", args=["talks", "maps"]),
                  ["late Dec 2023", "Q1 2024", "between 8 and 11 Aug 2025"]),
        "thread": (reverse("negotiations:thread", args=["talks", "maps", "beta"]),
                   ["late Dec 2023", 'title="As written: late December 2023"',
                    "undated (as of 12 Feb 2024)"]),
        "timeline": (reverse("negotiations:timeline", args=["talks"]) + "?party=beta",
                     ["late Dec 2023", "before 1 Feb 2024", "between 8 and 11 Aug 2025"]),
        "analytics": (reverse("negotiations:analytics", args=["talks"]), ["Q1 2024"]),
        "snapshot": (reverse("negotiations:snapshot", args=["talks"]) + "?a=2023&b=2025&show=all",
                     ["late Dec 2023", "Q1 2024"]),
        "proposals": (reverse("negotiations:proposals", args=["talks"]),
                      ["late Dec 2023", "Q1 2024"]),
        "proposal": (reverse("negotiations:proposal", args=["talks", "late-draft"]),
                     ["late Dec 2023"]),
        "compare": (reverse("negotiations:compare", args=["talks"]) + "?a=late-draft&b=answer",
                    ["late Dec 2023", "Q1 2024"]),
        "provision history": (reverse("negotiations:provision_history", args=[provision.pk]),
                              ["late Dec 2023"]),
        "sources": (reverse("negotiations:sources"), ["undated (as of 12 Feb 2024)"]),
        "source": (talks["report"].get_absolute_url(),
                   ["undated (as of 12 Feb 2024)", "late Dec 2023", "before 1 Feb 2024"]),
        "search": (reverse("negotiations:search") + "?q=maps",
                   ["late Dec 2023", "Q1 2024", "between 8 and 11 Aug 2025"]),
    }  # fmt: skip


@pytest.mark.parametrize(
    "page",
    ["dashboard", "party", "issue", "thread", "timeline", "analytics", "snapshot", "proposals",
     "proposal", "compare", "provision history", "sources", "source", "search"],
)  # fmt: skip
def test_pages_show_dates_as_known(client, reader, talks, page):
    """Fails on the old main: "late December 2023" read "c. Dec 2023" and <time> carried
    the earliest day of every date."""
    client.force_login(reader)
    url, expected = pages(talks)[page]
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    for text in expected:
        assert text in content, (page, text)
    for text in INVENTED:
        assert f">{text}<" not in content and f"{text}:" not in content, (page, text)
    for value in re.findall(r'<time datetime="([^"]*)"', content):
        assert VALID_DATETIME.fullmatch(value), (page, value)
    assert 'datetime="2023-12-21"' not in content and 'datetime="2024-01-01"' not in content


def test_an_inferred_date_says_so_in_words_and_title(client, reader, talks):
    make_position(talks["maps"], talks["gamma"], summary="Gamma on maps.", **dated("Jan 2024?"))
    client.force_login(reader)
    content = client.get(reverse("negotiations:thread", args=["talks", "maps", "gamma"]))
    html = content.content.decode()
    assert '<time datetime="2024-01" title="As written: Jan 2024?">Jan 2024</time> ' in html
    assert '</time> <span class="date-inferred" title=' in html
    assert 'title="Inferred: the analyst&#x27;s reading, not the source&#x27;s words"' in html
    assert ">(inferred)</span>" in html


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_exports_give_dates_as_known(client, reader, talks):
    client.force_login(reader)
    positions = csv_rows(
        client, reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "csv"})
    )
    late = next(r for r in positions if r["summary"] == "Beta demands the maps.")
    assert (late["date"], late["date_display"]) == ("late 2023-12", "late Dec 2023")
    matrix = csv_rows(
        client, reverse("negotiations:matrix_export", kwargs={"slug": "talks", "fmt": "csv"})
    )
    cell = next(r for r in matrix if (r["issue_slug"], r["party_slug"]) == ("maps", "alpha"))
    assert (cell["date_display"], cell["last_shift_date"]) == ("Q1 2024", "2024-Q1")
    url = reverse("negotiations:analytics_export", kwargs={"slug": "talks", "fmt": "csv"})
    changed = csv_rows(client, url + "?table=changed")
    assert [r["last_shift"] for r in changed if r["issue"] == "maps"] == ["2024-Q1"]
    sources = csv_rows(client, reverse("negotiations:sources_export", kwargs={"fmt": "csv"}))
    report = next(r for r in sources if r["title"] == "Undated report")
    assert (report["date"], report["date_display"]) == ("as of 2024-02-12", report["date_display"])
    assert report["date_display"] == "undated (as of 12 Feb 2024)" and report["date_start"] == ""
    proposals = csv_rows(
        client, reverse("negotiations:proposals_export", kwargs={"slug": "talks", "fmt": "csv"})
    )
    assert [(p["slug"], p["date_display"]) for p in proposals] == [
        ("late-draft", "late Dec 2023"),
        ("answer", "Q1 2024"),
    ]
    search = csv_rows(
        client, reverse("negotiations:search_export", kwargs={"fmt": "csv"}) + "?q=maps"
    )
    assert {r["date_display"] for r in search} >= {"late Dec 2023", "Q1 2024"}


def test_feed_shows_a_changed_date_as_known(client, reader, talks):
    position = Position.objects.get(summary="Beta demands the maps.")
    position.partial_date = PartialDate.parse("early January 2024")
    position._change_reason = "date per the transcript"
    position.save()
    token = FeedToken.objects.create(user=reader)
    response = client.get(reverse("negotiations:feed_negotiation", args=[token.token, "talks"]))
    content = response.content.decode()
    assert "Date: late Dec 2023 → early Jan 2024" in content


def test_equal_dates_written_differently_keep_their_own_words():
    """Dates are built and printed once per value (a cache), but the words as written are
    not part of a date's equality: each keeps its own title."""
    from negotiations.templatetags.partial_dates import time_html

    first = PartialDate.parse("late December 2023")
    second = PartialDate.parse("late Dec. 2023")
    assert first == second
    assert 'title="As written: late December 2023"' in time_html(first)
    assert 'title="As written: late Dec. 2023"' in time_html(second)
    assert "As written" not in time_html(first.replace(as_written=""))


@pytest.mark.django_db
def test_a_statement_read_twice_gives_the_same_date_and_labels(world):
    position = make_position(world["maps"], world["beta"], stance="red_line", date="2024-01-10")
    assert position.partial_date is position.partial_date  # built once, shared
    assert position.partial_date == PartialDate.parse("10 Jan 2024")
    assert position.get_stance_display() == "Red line"
    assert position.get_movement_display() == "New"
    position.stance = "not-a-stance"  # as Django's own display does: the value itself
    assert position.get_stance_display() == "not-a-stance"
