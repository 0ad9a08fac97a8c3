"""The plain pages of the foundation: home and negotiation."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_citation, make_position, make_source, page_queries


def test_home_lists_negotiations(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse("negotiations:home"))
    assert "Peace talks" in response.content.decode()


def test_negotiation_page_shows_latest_positions_with_dates_and_sources(client, reader, world):
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "Demands a corridor without any border controls." in content
    assert "Feb 2024" in content
    assert "Interview with the president" in content
    # Only the latest statement is "current".
    assert "Demands a corridor without controls." not in content
    for name in ("Alpha", "Beta", "Gamma", "Transit corridor", "Border maps"):
        assert name in content


def test_user_text_is_escaped(client, reader, world):
    make_position(world["maps"], world["beta"], summary="<script>alert(1)</script>")
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_negotiation_page_query_count_does_not_grow(
    client, reader, world, django_assert_max_num_queries
):
    client.force_login(reader)
    url = world["negotiation"].get_absolute_url()
    small = page_queries(client, url)
    for _ in range(10):
        make_position(world["maps"], world["beta"])
        make_position(world["corridor"], world["gamma"])
    assert page_queries(client, url) == small


def test_sources_list_shows_a_hundred_a_page(client, reader, db):
    from tests.factories import make_source

    for n in range(105):
        make_source(title=f"Listed source {n:03d}")
    client.force_login(reader)
    first = client.get(reverse("negotiations:sources"))
    assert first.content.decode().count("Listed source") == 100
    assert "Sources 1–100 of 105" in first.content.decode()
    second = client.get(reverse("negotiations:sources"), {"page": 2})
    assert second.content.decode().count("Listed source") == 5


def test_pages_name_their_icon_so_browsers_ask_for_no_missing_favicon(client, reader, world):
    """Fails on the old main: no icon was named, so every visit asked for /favicon.ico and
    got a 404 (issue #17)."""
    client.force_login(reader)
    page = client.get(reverse("negotiations:home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200
    content = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert b"<svg" in content


@pytest.mark.parametrize(
    "who, role", [("reader", "reader"), ("analyst", "analyst"), ("editor", "editor")]
)
def test_the_header_names_each_users_role_once(client, world, request, who, role):
    """Fails on the old main: the editor's header read "editor · analyst"."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("negotiations:home")).content.decode()
    assert f"<span>{user.get_username()} · {role}</span>" in page


def test_dashboard_cells_show_the_latest_statement_its_shifts_and_sources(
    client, reader, analyst, world
):
    """The matrix's cells (templatetags/matrix.py): the current statement with its stance,
    date, movement and shift count, its first source with the locator and how many more;
    an empty cell offers to record a position to those who may, and only to them."""
    second = world["second"]
    make_citation(make_source(title="Second <b>source</b>"), position=second)
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    cells = content.split('<td class="cell')[1:]
    (cell,) = [c.split("</td>")[0] for c in cells if "without any border controls" in c]
    assert '<span class="stance stance-demand">Demand</span>' in cell
    assert '<time datetime="2024-02">Feb 2024</time> · hardened<br>\n  1 shift</p>' in cell
    source = world["source"]
    assert f'Source: <a href="/sources/{source.uid}/">Interview with the president</a>' in cell
    assert "(p. 1) +1 more</p>" in cell
    assert "Record a position" not in content
    assert content.count('<td class="cell empty">') == 5  # 2 issues × 3 parties, 1 stated
    client.force_login(analyst)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    add = reverse("negotiations:position_add", args=["talks"])
    assert f'<a class="small" href="{add}?party=beta&amp;issue=maps">Record a position</a>' in (
        content
    )
