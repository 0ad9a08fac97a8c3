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


# The live server answers in threads which, on SQLite's in-memory test database, share
# one connection (Django's live server shares it), so a form sent while a script's fetch
# is still being answered can interleave their transactions ("no such savepoint"). Pages
# count their fetches; `settle` waits for them to end before a test sends a form.
COUNT_FETCHES = """(() => {
  window.__fetching = 0;
  const original = window.fetch;
  window.fetch = (...args) => {
    window.__fetching += 1;
    return original(...args).finally(() => { window.__fetching -= 1; });
  };
})();"""


@pytest.fixture
def page(page):
    page.add_init_script(COUNT_FETCHES)
    return page


@pytest.fixture
def settle(page):
    """Wait until the page's scripts have no fetch pending or about to start (the
    source finder asks 200 ms after the last keystroke)."""

    def wait():
        page.wait_for_timeout(300)
        page.wait_for_function("window.__fetching === 0")

    return wait
