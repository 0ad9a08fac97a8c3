"""Every main page fits a 390 px wide phone (issue 17, item 7): no sideways scroll of the
page itself; wide tables, the matrix and comparisons scroll inside their own region."""

import pytest
from playwright.sync_api import expect

from negotiations.models import Citation, Position, Proposal, Source

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The outermost elements past the right edge, to say in a failure what to fix.
PAST_THE_EDGE = """(() => {
  const out = [];
  for (const el of document.querySelectorAll("main *, header *")) {
    const r = el.getBoundingClientRect();
    const p = el.parentElement.getBoundingClientRect();
    if (r.right > 390.5 && p.right <= 390.5) {
      out.push(Math.round(r.right) + " " + (el.outerHTML || "").slice(0, 80));
    }
  }
  return out.slice(0, 6);
})()"""
SLUG = "armenia-azerbaijan"
WIDTH = 390


def main_pages():
    """Every main page an analyst opens, on the seeds."""
    # The thread with the most statements.
    position = Position.objects.filter(issue__negotiation__slug=SLUG).order_by("pk").first()
    thread = f"/n/{SLUG}/issues/{position.issue.slug}/{position.party.slug}/"
    proposal = Proposal.objects.get(slug="az-framework-concept")
    provision = proposal.provisions.first()
    source = Source.objects.order_by("pk").first()
    citation = Citation.objects.order_by("pk").first()
    n = f"/n/{SLUG}"
    return [
        "/",
        f"{n}/",
        f"{n}/?empty=hide",
        f"{n}/snapshot/?a=2023-06&b=2024-03",
        f"{n}/parties/azerbaijan/",
        f"{n}/issues/transit-corridor/",
        thread,
        f"{n}/positions/new/",
        f"/positions/{position.pk}/edit/",
        f"{n}/timeline/",
        f"{n}/analytics/",
        f"{n}/persons/",
        f"{n}/persons/new/",
        f"{n}/proposals/",
        f"{n}/proposals/new/",
        f"{n}/proposals/paste/",
        proposal.get_absolute_url(),
        f"{n}/proposals/{proposal.slug}/edit/",
        f"/provisions/{provision.pk}/edit/",
        f"/provisions/{provision.pk}/history/",
        f"{n}/compare/?a=am-az-joint-statement-2023-12-07&b=az-framework-concept",
        f"{n}/compare/?a=am-az-joint-statement-2023-12-07&b=az-framework-concept&view=side",
        f"{n}/changes/",
        "/changes/",
        f"/history/citation/{citation.pk}/",
        "/search/?q=corridor",
        "/sources/",
        source.get_absolute_url(),
        "/codebook/",
        "/feeds/",
        "/account/",
        "/account/password/",
    ]


def test_every_main_page_fits_390_px(page, base_url, login, analyst, seeded):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(analyst)
    overflowing, checked = {}, 0
    for path in main_pages():
        response = page.goto(base_url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        checked += 1
        if width > WIDTH:
            overflowing[path] = (width, page.evaluate(PAST_THE_EDGE))
    assert overflowing == {}
    assert checked == len(main_pages())


def test_log_out_is_reachable_at_390_px(page, base_url, login, analyst, seeded):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(analyst)
    page.goto(f"{base_url}/n/{SLUG}/")
    button = page.get_by_role("button", name="Log out")
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    button.click()
    page.wait_for_url("**/login/**")
