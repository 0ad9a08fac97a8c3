"""An analyst pastes a draft, fixes the split, saves it and compares it with an earlier one."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from negotiations.models import Negotiation, Party, Proposal, Source
from tests.factories import make_proposal, make_provision

# An earlier text of three articles, each a reworded counterpart of the pasted one's.
EARLIER = [
    ("Art. 1", "The parties recognise each other's territorial integrity in general terms."),
    ("Art. 2", "Border delimitation and demarcation are left to later talks and maps."),
    ("Art. 3", "Transport links reopen, with border and customs controls by a third party."),
]

pytestmark = pytest.mark.slow

DRAFT = """The Republic of Armenia and the Republic of Azerbaijan, desiring lasting peace,

Article 1. Territorial integrity
The parties recognise each other's territorial integrity on the basis of
the 1991 Alma-Ata Declaration.

Article 2. Border delimitation
Border delimitation and demarcation follow agreed principles and named maps.

Article 3. Transit
Transport links reopen, with each state's border and customs controls on its own territory.

ARTICLE IV
Troops withdraw from the areas taken in 2021-2022.

Article 5. Entry into force
This agreement enters into force on the exchange of instruments of ratification.
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_analyst_pastes_a_five_article_draft_fixes_a_label_and_compares(
    page, login, base_url, analyst
):
    call_command("load_seeds", stdout=io.StringIO())
    earlier = make_proposal(
        Negotiation.objects.get(slug="armenia-azerbaijan"),
        Party.objects.get(slug="azerbaijan"),
        slug="earlier-draft",
        title="An earlier draft",
    )
    for order, (label, text) in enumerate(EARLIER, start=1):
        make_provision(earlier, label=label, text=text, order=order)
    login(analyst)

    page.goto(f"{base_url}/n/armenia-azerbaijan/proposals/")
    page.get_by_role("link", name="Paste a whole draft").click()
    meta = page.get_by_role("group", name="The proposal")
    meta.get_by_label("Title:", exact=True).fill("Armenian counter-draft, February 2024")
    meta.get_by_label("Kind:", exact=True).select_option("counter_draft")
    meta.get_by_label("Author party:").select_option(label="Armenia")
    meta.get_by_label("Date of the text:").fill("February 2024")
    meta.get_by_label("Availability of the text:").select_option("reported")
    page.locator("#id_cite-0-source").fill(
        str(Source.objects.filter(citations__isnull=False).first().uid)
    )
    page.locator("#id_cite-0-locator").fill("para. 11")
    page.get_by_label("Text of the draft:").fill(DRAFT)
    page.get_by_role("button", name="Split into provisions and preview").click()

    # The preview: a preamble and five articles, nothing saved yet.
    expect(page.get_by_role("heading", name="Check the split: 6 parts")).to_be_visible()
    assert not Proposal.objects.filter(slug="armenian-counter-draft-february-2024").exists()
    label = page.locator("#id_part-4-label")
    expect(label).to_have_value("ARTICLE IV")
    label.fill("Art. 4")
    page.locator("#id_part-4-heading").fill("Troop withdrawal")
    page.get_by_role("button", name="Save the proposal and its 6 provisions").click()

    expect(
        page.get_by_role("heading", name="Armenian counter-draft, February 2024")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Art. 4: Troop withdrawal")).to_be_visible()
    proposal = Proposal.objects.get(slug="armenian-counter-draft-february-2024")
    assert [p.label for p in proposal.provisions.all()] == [
        "Preamble",
        "Article 1",
        "Article 2",
        "Article 3",
        "Art. 4",
        "Article 5",
    ]

    # Compare with the earlier draft, chosen on the proposal page.
    page.get_by_label("Compare this draft with").select_option("earlier-draft")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_role("heading", name="Issue coverage")).to_be_visible()
    # Art. 1-3 are reworded; the preamble, Art. 4 and Art. 5 are new.
    expect(page.locator('td[data-status="reworded"]')).to_have_text("3")
    expect(page.locator('td[data-status="added"]')).to_have_text("3")
    assert "a=earlier-draft" in page.url and "b=armenian-counter-draft" in page.url

    # The side-by-side toggle keeps the choice in the URL.
    page.get_by_role("link", name="Side by side").click()
    assert "view=side" in page.url
    expect(page.locator("table.side-by-side").first).to_be_visible()
