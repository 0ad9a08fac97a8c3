"""An analyst records, corrects and reads a position in a real browser; a reader can't edit."""

import pytest
from playwright.sync_api import expect

from negotiations.models import Position

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_records_corrects_and_reads_the_diff(page, base_url, login, analyst, world):
    login(analyst)
    page.goto(f"{base_url}/n/talks/")
    # The empty cell for Beta on the border maps links to a prefilled form.
    page.locator('a[href="/n/talks/positions/new/?party=beta&issue=maps"]').click()
    expect(page.get_by_role("heading", name="Record a position")).to_be_visible()
    expect(page.get_by_label("Party")).to_have_value(str(world["beta"].pk))
    page.get_by_label("Stance").select_option(label="Demand")
    page.get_by_label("Summary").fill("Insists on the 1975 maps as the basis.")
    page.get_by_label("Stated on").fill("late December 2023")
    page.locator("details", has_text="Describe a new source instead").first.locator(
        "summary"
    ).click()
    page.locator("#id_cite-0-new_source_title").fill("Foreign ministry briefing")
    page.locator("#id_cite-0-new_source_kind").select_option(label="Official statement")
    page.locator("#id_cite-0-new_source_reliability").select_option("B")
    page.locator("#id_cite-0-new_source_language").fill("en")
    page.locator("#id_cite-0-locator").fill("min. 12")
    page.get_by_role("button", name="Record position").click()

    expect(page.get_by_text("Position recorded.")).to_be_visible()
    expect(page.get_by_text("late Dec 2023").first).to_be_visible()
    expect(page.get_by_role("link", name="Foreign ministry briefing")).to_be_visible()

    page.get_by_role("link", name="Correct this statement").click()
    page.get_by_label("Summary").fill("Insists on the 1976 maps as the only basis.")
    page.get_by_label("Reason for this change").fill("wrong year per the transcript")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Correction saved.")).to_be_visible()

    page.get_by_text("Record history").click()
    expect(page.get_by_text("wrong year per the transcript")).to_be_visible()
    diff = page.locator(".history td.diff").first
    expect(diff.locator("del").first).to_contain_text("1975")
    expect(diff.locator("ins").first).to_contain_text("1976")
    expect(diff.locator("ins").nth(1)).to_contain_text("only")
    position = Position.objects.get(party=world["beta"])
    assert position.history.first().history_change_reason == "wrong year per the transcript"


def test_reader_sees_no_edit_control(page, base_url, login, reader, world):
    login(reader)
    for path in ("/n/talks/", "/n/talks/issues/corridor/alpha/", "/n/talks/issues/corridor/"):
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_text("Record a position")).to_have_count(0)
        expect(page.get_by_text("Correct this statement")).to_have_count(0)


def test_pages_and_admin_break_no_content_security_policy_rule(
    page, base_url, login, editor, world
):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(editor)
    position = world["first"]
    for path in (
        "/n/talks/",
        "/n/talks/positions/new/",
        f"/positions/{position.pk}/edit/",
        "/n/talks/issues/corridor/",
        "/n/talks/timeline/",
        "/n/talks/analytics/",
        "/admin/",
        f"/admin/negotiations/position/{position.pk}/change/",
        f"/admin/negotiations/position/{position.pk}/history/",
        "/admin/negotiations/source/add/",
    ):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
    assert violations == []
