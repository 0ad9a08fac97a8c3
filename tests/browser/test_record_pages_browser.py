"""In a real browser: an analyst fixes a citation's locator, removes another with a
reason, records an event, and saves a conflict's merge that keeps both edits."""

import pytest
from playwright.sync_api import expect

from negotiations.models import Citation, Event
from tests.factories import make_citation, make_source, with_reason

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_fixes_a_locator_and_removes_a_citation_with_a_reason(
    page, base_url, login, analyst, world
):
    position = world["first"]
    kept = position.citations.get()
    extra = make_citation(make_source(title="Wrong interview"), position=position)
    login(analyst)
    page.goto(base_url + position.get_absolute_url())
    page.locator(f'a[href="/citations/{kept.pk}/edit/"]').click()
    expect(page.get_by_role("heading", name="Correct a citation")).to_be_visible()
    page.get_by_label("Locator").fill("para. 14")
    page.get_by_label("Reason for this change").fill("paragraph per the transcript")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Citation corrected.")).to_be_visible()
    expect(page.get_by_text("para. 14").first).to_be_visible()

    page.locator(f'a[href="/citations/{extra.pk}/edit/"]').click()
    page.get_by_role("button", name="Remove citation").click()  # no reason: refused
    expect(page.get_by_text("Say why this is being removed.")).to_be_visible()
    page.get_by_label("Reason for removing it").fill("this interview is about the maps")
    page.get_by_role("button", name="Remove citation").click()
    expect(page.get_by_text("Citation removed.")).to_be_visible()
    expect(page.get_by_role("link", name="Wrong interview")).to_have_count(0)

    page.get_by_role("link", name="Its full history, citations included").first.click()
    expect(page.get_by_text("this interview is about the maps")).to_be_visible()
    kept.refresh_from_db()
    assert kept.locator == "para. 14"
    assert not Citation.objects.filter(pk=extra.pk).exists()


def test_analyst_records_an_event(page, base_url, login, analyst, world):
    login(analyst)
    page.goto(f"{base_url}/n/talks/")
    page.get_by_role("link", name="Record an event").click()
    page.locator("#id_title").fill("Foreign ministers meet in Almaty")
    page.locator("#id_kind").select_option(label="Talks round")
    page.get_by_label("When it happened").fill("mid-May 2024")
    page.get_by_label("Alpha").check()
    page.get_by_label("Beta").check()
    page.get_by_label("Transit corridor").check()
    page.locator("#id_cite-0-source").select_option(str(world["source"].pk))
    page.locator("#id_cite-0-locator").fill("para. 2")
    page.get_by_role("button", name="Record event").click()
    expect(page.get_by_text("Event “Foreign ministers meet in Almaty” recorded.")).to_be_visible()
    expect(page.get_by_text("Foreign ministers meet in Almaty").last).to_be_visible()
    event = Event.objects.get()
    assert event.partial_date.as_written == "mid-May 2024"
    assert {p.slug for p in event.parties.all()} == {"alpha", "beta"}
    assert event.citations.get().locator == "para. 2"


def test_a_conflicts_merge_keeps_both_edits(page, base_url, login, analyst, world):
    position = world["first"]
    login(analyst)
    page.goto(f"{base_url}/positions/{position.pk}/edit/")
    # Someone else saves a new quote while the analyst's form is open.
    position.quote = "Their verbatim quote."
    with_reason(position, "quote per the transcript")
    page.get_by_label("Summary").fill("My clearer summary.")
    page.get_by_label("Reason for this change").fill("clearer")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_role("heading", name="Someone else saved this first")).to_be_visible()
    page.get_by_role("button", name="Save the merged version").click()
    expect(page.get_by_text("Correction saved.")).to_be_visible()
    position.refresh_from_db()
    assert position.summary == "My clearer summary."
    assert position.quote == "Their verbatim quote."
