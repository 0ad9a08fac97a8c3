"""Using a party or issue suggested from the passage, in Chromium: one click sets the
drop-down (or ticks the box) in place, without reloading, so nothing typed is lost."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from negotiations.models import Position
from tests.factories import make_proposal, make_source, with_reason

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Alpha demands the Zangezur corridor without checks.\n\nThe talks resume in March."


@pytest.fixture
def text_source(world):
    world["corridor"].aliases = "Zangezur corridor"
    with_reason(world["corridor"])
    return make_source(title="Article", text=TEXT)


def csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_a_suggestion_sets_the_statements_party_and_issue_in_place(
    page, base_url, login, analyst, world, text_source, settle
):
    violations = csp_violations(page)
    login(analyst)
    url = reverse("negotiations:position_add", args=["talks"])
    page.goto(f"{base_url}{url}?source={text_source.uid}&para=1")
    party, issue = page.get_by_label("Party"), page.get_by_label("Issue")
    # Suggested, not applied.
    expect(party).to_have_value("")
    expect(issue).to_have_value("")
    summary = "Typed before the suggestions were used."
    page.get_by_label("Summary").fill(summary)
    page.evaluate("window.notReloaded = true")
    opened = page.url

    page.get_by_role("link", name="Use Alpha as the party").click()
    expect(party).to_have_value(str(world["alpha"].pk))
    expect(issue).to_have_value("")
    expect(page.get_by_role("status")).to_have_text("Alpha is now the party.")
    page.get_by_role("link", name="Use Transit corridor as the issue").click()
    expect(issue).to_have_value(str(world["corridor"].pk))
    expect(page.get_by_role("status")).to_have_text("Transit corridor is now the issue.")
    # The "Previous statement" panel follows, as it does for a choice made by hand.
    expect(page.locator("aside.previous")).to_contain_text(world["second"].summary)

    assert page.evaluate("window.notReloaded") is True and page.url == opened
    expect(page.get_by_label("Summary")).to_have_value(summary)
    page.get_by_label("Stance").select_option("demand")
    page.get_by_label("Stated on").fill("March 2024")
    settle()  # the previous-statement panel's fetches
    page.get_by_role("button", name="Record position").click()
    expect(page.get_by_text("Position recorded.")).to_be_visible()
    recorded = Position.objects.get(summary=summary)
    assert (recorded.party, recorded.issue) == (world["alpha"], world["corridor"])
    assert violations == []


def test_a_suggestion_ticks_an_events_actor_and_selects_a_provisions_issue(
    page, base_url, login, analyst, world, text_source
):
    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    violations = csp_violations(page)
    login(analyst)
    query = f"?source={text_source.uid}&para=1"
    page.goto(f"{base_url}{reverse('negotiations:event_add', args=['talks'])}{query}")
    actor = page.locator(f'input[name="parties"][value="{world["alpha"].pk}"]')
    on_corridor = page.locator(f'input[name="issues"][value="{world["corridor"].pk}"]')
    expect(actor).not_to_be_checked()
    page.locator("#id_title").fill("Alpha's demand")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Use Alpha as an actor party").click()
    expect(actor).to_be_checked()
    expect(on_corridor).not_to_be_checked()
    page.get_by_role("link", name="Use Transit corridor as an issue").click()
    expect(on_corridor).to_be_checked()
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#id_title")).to_have_value("Alpha's demand")

    page.goto(
        f"{base_url}{reverse('negotiations:provision_add', args=['talks', draft.slug])}{query}"
    )
    issues = page.locator("#id_issues")
    expect(issues).to_have_values([])
    page.locator("#id_text").fill("The corridor stays open.")
    page.get_by_role("link", name="Use Transit corridor as an issue").click()
    expect(issues).to_have_values([str(world["corridor"].pk)])
    expect(page.locator("#id_text")).to_have_value("The corridor stays open.")
    assert violations == []
