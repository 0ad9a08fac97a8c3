"""The plain pages of the foundation: home and negotiation."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_position, page_queries


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
