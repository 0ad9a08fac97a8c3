"""Search across positions, provisions, proposals, events and sources."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations import search
from negotiations.dates import Precision
from negotiations.models import Position
from tests.factories import (
    make_event,
    make_position,
    make_proposal,
    make_provision,
    make_source,
)

URL = reverse("negotiations:search")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite fallback")


def found(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:500]
    return response


def titles(response):
    return [hit.title for hit in response.context["page"].hits]


def kinds(response):
    return [hit.kind for hit in response.context["page"].hits]


@pytest.fixture
def texts(world):
    """One record of each kind mentioning "corridor", plus non-Latin texts."""
    n = world["negotiation"]
    proposal = make_proposal(
        n, world["alpha"], title="Corridor framework", summary="A short framework text."
    )
    make_provision(
        proposal, label="Art. 9", text="The corridor shall be open.", issue=world["maps"]
    )
    make_event(n, title="Summit on the corridor", description="Leaders met.")
    make_source(title="Corridor analysis", author="A. Analyst", outlet="Think tank")
    make_position(
        world["maps"],
        world["beta"],
        summary="Հայաստան wants the 1975 maps; переговоры continue.",
        stance=Position.Stance.REJECTS,
        date=datetime.date(2023, 12, 1),
        date_precision=Precision.MONTH,
    )
    return world


def test_search_finds_every_kind(client, reader, texts):
    client.force_login(reader)
    response = found(client, q="corridor")
    assert set(kinds(response)) == {"positions", "provisions", "proposals", "events", "sources"}
    content = response.content.decode()
    assert "<mark>corridor</mark>" in content
    assert "<mark>Corridor</mark> framework" in content


def test_kind_filter(client, reader, texts):
    client.force_login(reader)
    response = found(client, q="corridor", kind=["events", "sources"])
    assert set(kinds(response)) == {"events", "sources"}


def test_filters_combine(client, reader, texts):
    client.force_login(reader)
    # party: positions of alpha and the proposal alpha authored (with its provision)
    response = found(client, q="corridor", party="alpha")
    assert set(kinds(response)) == {"positions", "proposals", "provisions"}
    # + issue: only what is about the maps issue
    response = found(client, q="corridor", party="alpha", issue="maps")
    assert set(kinds(response)) == {"provisions", "proposals"}
    # + stance: positions only, and none of alpha's on maps
    response = found(client, q="corridor", party="alpha", issue="maps", stance="demand")
    assert kinds(response) == []
    # stance + date range on positions
    response = found(client, q="corridor", stance="demand", **{"from": "Feb 2024", "to": "2024"})
    assert [h.obj for h in response.context["page"].hits] == [texts["second"]]
    response = found(client, q="corridor", stance="demand", to="Jan 2024")
    assert [h.obj for h in response.context["page"].hits] == [texts["first"]]
    # negotiation filter
    response = found(client, q="corridor", negotiation="talks", kind="positions")
    assert len(kinds(response)) == 2
    response = found(client, q="corridor", negotiation="no-such-talks", kind="positions")
    assert len(kinds(response)) == 2  # an unknown negotiation is ignored, not an error


def test_bad_date_is_reported_next_to_the_field(client, reader, texts):
    client.force_login(reader)
    response = client.get(URL, {"q": "corridor", "from": "the 32nd of Smarch"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_snippets_escape_user_text_and_mark_the_match(client, reader, world):
    make_position(world["maps"], world["beta"], summary="<script>alert(1)</script> blockade now")
    client.force_login(reader)
    content = found(client, q="blockade").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>blockade</mark> now" in content


def test_snippet_marks_a_match_inside_markup_without_unescaping():
    pattern = search._pattern(search.parse_terms("script"))
    html, text = search.snippet("<script>x</script>", pattern)
    assert html == "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;"
    assert text == "<script>x</script>"


def test_snippet_shows_where_in_a_long_text():
    text = "word " * 200 + "needle" + " tail" * 200
    html, plain = search.snippet(text, search._pattern(search.parse_terms("needle")))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>needle</mark>" in html and len(plain) < 300


def test_parse_terms_understands_websearch_syntax():
    terms = search.parse_terms('corridor, "border controls" -Russia or maps')
    assert terms.include == ["corridor", "border controls", "maps"]
    assert terms.exclude == ["Russia"]


def test_empty_query_shows_only_the_form(client, reader, world):
    client.force_login(reader)
    response = found(client, q="  ")
    assert response.context["page"] is None


def test_results_are_paginated(client, reader, world):
    for _ in range(search.PER_PAGE + 3):
        make_position(world["maps"], world["beta"], summary="Blockade again.")
    client.force_login(reader)
    response = found(client, q="blockade")
    page = response.context["page"]
    assert page.paginator.count == search.PER_PAGE + 3
    assert len(page.hits) == search.PER_PAGE
    second = found(client, q="blockade", page=2)
    assert len(second.context["page"].hits) == 3
    assert "page=2" in response.content.decode()


def test_search_page_query_count_does_not_grow(client, reader, world):
    client.force_login(reader)
    n = world["negotiation"]

    def add(k):
        for i in range(k):
            make_position(world["maps"], world["beta"], summary=f"Blockade {i}")
            proposal = make_proposal(n, world["alpha"], title=f"Blockade plan {i}")
            make_provision(proposal, text="No blockade.")
            make_event(n, title=f"Blockade {i}")
            make_source(title=f"Blockade report {i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            found(client, q="blockade", negotiation="talks")
        return len(ctx)

    add(2)
    small = count()
    add(12)
    assert count() == small


@on_postgresql
def test_postgresql_finds_armenian_and_cyrillic_words(client, reader, texts):
    client.force_login(reader)
    for word in ("Հայաստան", "переговоры", "ПЕРЕГОВОРЫ"):
        response = found(client, q=word)
        assert [h.obj.summary for h in response.context["page"].hits] == [
            "Հայաստան wants the 1975 maps; переговоры continue."
        ], word
        assert "<mark>" in response.content.decode()


@on_postgresql
def test_postgresql_ranks_title_matches_first(client, reader, world):
    n = world["negotiation"]
    make_proposal(n, title="Ceasefire", summary="About other things.")
    make_proposal(n, title="Other", summary="Mentions a ceasefire once.")
    client.force_login(reader)
    response = found(client, q="ceasefire", kind="proposals")
    assert titles(response) == ["Ceasefire", "Other"]
    assert response.context["page"].hits[0].rank > response.context["page"].hits[1].rank


@on_postgresql
def test_postgresql_websearch_syntax(client, reader, texts):
    client.force_login(reader)
    assert found(client, q="corridor -summit", kind="events").context["page"].hits == []
    assert len(kinds(found(client, q='"shall be open"'))) == 1


@on_sqlite
def test_sqlite_fallback_finds_armenian_and_cyrillic_words(client, reader, texts):
    client.force_login(reader)
    make_position(texts["corridor"], texts["beta"], summary="Переговоры в Баку.")
    for word, expected in (
        ("Հայաստան", 1),
        ("переговоры", 2),  # the lower-case word and the capitalised one
        ("Переговоры", 2),
        ("ПЕРЕГОВОРЫ", 2),
    ):
        response = found(client, q=word)
        assert len(response.context["page"].hits) == expected, word
        assert "<mark>" in response.content.decode()


@on_sqlite
def test_sqlite_fallback_ands_words_and_excludes(client, reader, texts):
    client.force_login(reader)
    assert set(kinds(found(client, q="corridor open"))) == {"provisions"}
    assert "events" not in kinds(found(client, q="corridor -leaders"))


def test_reader_can_search_stranger_and_anonymous_cannot(client, reader, stranger, world):
    assert client.get(URL, {"q": "x"}).status_code == 302
    client.force_login(stranger)
    assert client.get(URL, {"q": "x"}).status_code == 403
    client.force_login(reader)
    assert client.get(URL, {"q": "x"}).status_code == 200


def test_no_results_says_so_and_still_offers_the_form(client, reader, world):
    client.force_login(reader)
    content = found(client, q="zzzyzzy").content.decode()
    assert "0 results" in content and "Nothing matches" in content
    assert 'name="q" value="zzzyzzy"' in content
