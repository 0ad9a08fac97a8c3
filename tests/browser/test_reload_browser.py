"""Reloads in a real browser: replayed while nothing changed, fresh after a change,
and never after logging out (negotiations/pagecache.py)."""

import pytest
from playwright.sync_api import expect

from negotiations import pagecache
from tests.conftest import make_position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count_replays(monkeypatch):
    """The list of responses the response cache replays from now on."""
    replays = []
    real_replay = pagecache.replay

    def spy(cache_key):
        response = real_replay(cache_key)
        if response is not None:
            replays.append(response)
        return response

    monkeypatch.setattr(pagecache, "replay", spy)
    return replays


def test_reader_reloads_sees_new_positions_and_nothing_after_logging_out(
    page, base_url, login, reader, world, monkeypatch
):
    replays = count_replays(monkeypatch)
    login(reader)
    page.goto(f"{base_url}/n/talks/")
    page.reload()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peace talks")
    assert replays, "no reload was replayed"

    # Recorded elsewhere (another analyst, a command): committed, so the revision moved.
    make_position(world["maps"], world["beta"], summary="Accepts the 1975 maps.")
    replayed_before = len(replays)
    page.reload()
    expect(page.get_by_text("Accepts the 1975 maps.")).to_be_visible()
    assert len(replays) == replayed_before

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base_url}/n/talks/")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_text("Accepts the 1975 maps.")).to_have_count(0)
