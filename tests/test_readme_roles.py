"""The README's role table says what the UI allows (#17 item 3): each row's pages are
requested by each role, GET and POST, and the answers must match its yes/no."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.access_table import KINDS, TABLE, WRITE, app_patterns, client_for, url_of

README = Path(settings.BASE_DIR) / "README.md"
COLUMNS = ["reader", "analyst", "editor", "stranger"]
# The kinds of view whose use is a change to the record: each must be in a row.
CHANGE_KINDS = {"analyst-write", "analyst-delete", "editor-delete", "editor-import"}


def role_table():
    """[(what, [url names], {role: bool})] from the README's table under its marker."""
    text = README.read_text()
    table = text[text.index("<!-- role table") :].split("\n\n")[0]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["what", "pages", *COLUMNS], header
    rows = []
    for line in lines[2:]:
        what, pages, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert set(cells) <= {"yes", "no"} and len(cells) == len(COLUMNS), line
        allowed = {role: cell == "yes" for role, cell in zip(COLUMNS, cells, strict=True)}
        rows.append((what, re.findall(r"`([\w:]+)`", pages), allowed))
    return rows


def refused(response):
    if response.status_code == 403:
        return True
    location = response.get("Location", "")
    logins = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    return response.status_code == 302 and location.startswith(logins)


def can(user, url):
    """Whether ``user`` gets through to the view: every answer that is not "method not
    allowed" (a delete is POST only, a page GET only) is neither a 403 nor a login."""
    client = client_for(user)
    answers = [client.get(url), client.post(url, {})]
    assert all(r.status_code != 500 for r in answers), url
    useful = [r for r in answers if r.status_code != 405]
    assert useful, url
    return not any(refused(r) for r in useful)


def test_the_table_is_read_and_names_real_pages(db):
    rows = role_table()
    assert len(rows) >= 10
    patterns = dict(app_patterns())
    for what, names, _ in rows:
        assert names, what
        assert set(names) <= set(patterns), (what, set(names) - set(patterns))


def test_every_page_that_changes_the_record_is_in_the_table(db):
    listed = {name for _, names, _ in role_table() for name in names}
    changing = {
        name
        for name, kind in TABLE.items()
        if kind in CHANGE_KINDS and KINDS[kind]["editor"][1] == WRITE
    }
    assert changing - listed == set(), "add these pages to the README's role table"


@pytest.mark.parametrize("what, names, allowed", role_table(), ids=lambda v: str(v)[:40])
def test_each_row_says_what_each_role_can_do(cast, what, names, allowed):
    patterns = dict(app_patterns())
    wrong = []
    for name in names:
        url = url_of(name, patterns[name], cast)
        for role in COLUMNS:
            if can(cast["users"][role], url) != allowed[role]:
                wrong.append((name, role, "yes" if allowed[role] else "no"))
    assert not wrong, f"{what}: the README says otherwise for {wrong}"
