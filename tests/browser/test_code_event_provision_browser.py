"""Coding an event and a provision from a selection in a source's text, in Chromium:
the selection bar's links carry the passage; the forms get the citation only."""

import pytest
from playwright.sync_api import expect

from negotiations.models import Citation
from tests.factories import make_proposal, make_source

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Baku demands the corridor without checks.\n\n"
    "Yerevan answers that any route stays under its sovereignty.\n\n"
    "The talks resume in March."
)

# Selects `excerpt` inside paragraph `para` as a reader's drag would.
SELECT = """([para, excerpt]) => {
  const node = document.querySelector(`#para-${para} .para-text`).firstChild;
  const start = node.data.indexOf(excerpt);
  if (start < 0) { return false; }
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + excerpt.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}"""


def select(page, base_url, source, para, excerpt):
    page.goto(f"{base_url}{source.get_absolute_url()}")
    expect(page.locator("#selection-bar")).to_be_hidden()
    assert page.evaluate(SELECT, [para, excerpt])
    expect(page.locator("#selection-bar")).to_be_visible()


def test_an_event_and_a_provision_coded_from_a_selection(page, base_url, login, analyst, world):
    source = make_source(title="Article", text=TEXT)
    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    login(analyst)
    excerpt = "any route stays under its sovereignty"

    select(page, base_url, source, 2, excerpt)
    page.locator("#selection-bar").get_by_role("link", name="record an event").click()
    expect(page.locator("#id_cite-0-locator")).to_have_value("para. 2")
    expect(page.locator("#id_cite-0-excerpt")).to_have_value(excerpt)
    expect(page.locator("#id_description")).to_have_value("")
    page.locator("#id_title").fill("Yerevan answers on routes")
    page.locator("#id_kind").select_option("talks")
    page.locator("#id_when").fill("10 May 2024")
    page.get_by_role("button", name="Record event").click()
    expect(page.get_by_text("recorded.")).to_be_visible()
    assert Citation.objects.get(source=source).event.title == "Yerevan answers on routes"

    select(page, base_url, source, 3, "resume in March")
    page.locator("#selection-bar").get_by_role("link", name="record a provision").click()
    page.get_by_role("link", name=draft.title, exact=True).click()
    expect(page.locator("#id_cite-0-locator")).to_have_value("para. 3")
    expect(page.locator("#id_cite-0-excerpt")).to_have_value("resume in March")
    expect(page.locator("#id_text")).to_have_value("")
