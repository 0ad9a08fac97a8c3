"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Without Chromium they skip with a reason; CI sets REDLINE_REQUIRE_BROWSER=1 so a
missing browser fails instead of skipping silently.
"""

import os
import shutil

import pytest

# Playwright runs an event loop in this thread; the ORM calls in tests are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("REDLINE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("REDLINE_REQUIRE_BROWSER=1 but no chromium on PATH")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def login(page, base_url):
    """Log `user` in through the real login form (password is "pw-" + username)."""

    def do_login(user):
        page.goto(f"{base_url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("pw-" + user.username)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base_url}/")

    return do_login
