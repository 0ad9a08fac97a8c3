"""Coding an event or a provision from a source's text: the selection bar and paragraph
links, the provision's choice of text, the citation filled in, and the description or
article text and the actors and issues left to the analyst."""

import pytest
from django.urls import reverse

from negotiations.models import Citation, Event, Proposal, Provision
from tests.factories import (
    event_data,
    make_negotiation,
    make_proposal,
    make_source,
    provision_data,
    with_reason,
)

TEXT = (
    "Baku demands the “Zangezur corridor” without Armenian checks.\n\n"
    "Yerevan answers that   any route\nstays under its sovereignty.\n\n"
    "The talks resume in   March."
)


@pytest.fixture
def text_source(world):
    world["corridor"].aliases = "Zangezur corridor"
    with_reason(world["corridor"])
    world["beta"].aliases = "Baku"
    with_reason(world["beta"])
    return make_source(title="Article", text=TEXT)


@pytest.fixture
def draft(world):
    return make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")


def event_add(slug="talks"):
    return reverse("negotiations:event_add", args=[slug])


def provision_add(draft):
    return reverse("negotiations:provision_add", args=["talks", draft.slug])


def chooser():
    return reverse("negotiations:provision_from_text", args=["talks"])


def box(page, name):
    return page.split(f'name="{name}"')[1].split("</textarea>")[0]


def nothing_checked(page, name):
    """No checkbox of the multiple choice `name` is ticked."""
    inputs = [part.split(">")[0] for part in page.split(f'name="{name}"')[1:]]
    assert inputs, name
    return not any("checked" in attrs for attrs in inputs)


# --- the source page ------------------------------------------------------------------------


def test_the_source_page_links_each_paragraph_to_event_and_provision(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    page = client.get(text_source.get_absolute_url()).content.decode()
    query = f"?source={text_source.uid}&amp;para=2"
    # Screen readers hear which paragraph each link codes.
    hidden = '<span class="visually-hidden"> para. 2</span>'
    assert f'<a href="{event_add()}{query}">record an event{hidden}</a>' in page
    assert f'<a href="{chooser()}{query}">record a provision{hidden}</a>' in page
    bar = page.split('id="selection-bar"')[1].split("</p>")[0]
    assert f'data-base="{event_add()}?source={text_source.uid}"' in bar
    assert f'data-base="{chooser()}?source={text_source.uid}"' in bar


def test_a_reader_sees_no_coding_links_and_is_refused_the_forms(
    client, reader, world, text_source, draft
):
    client.force_login(reader)
    page = client.get(text_source.get_absolute_url()).content.decode()
    assert "record an event" not in page and "record a provision" not in page
    assert 'id="selection-bar"' not in page
    query = {"source": text_source.uid, "para": "1"}
    assert client.get(event_add(), query).status_code == 403
    assert client.get(chooser(), query).status_code == 403
    assert client.get(provision_add(draft), query).status_code == 403
    before = (Event.objects.count(), Provision.objects.count(), Citation.objects.count())
    client.post(event_add(), event_data(world))
    client.post(provision_add(draft), provision_data())
    assert (Event.objects.count(), Provision.objects.count(), Citation.objects.count()) == before


# --- events ---------------------------------------------------------------------------------


def test_an_event_from_a_paragraph_gets_only_the_citation_and_suggestions(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    response = client.get(event_add(), {"source": text_source.uid, "para": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert box(page, "cite-0-excerpt").endswith(
        "\nBaku demands the “Zangezur corridor” without Armenian checks."
    )
    assert 'name="cite-0-locator" value="para. 1"' in page
    assert f'name="cite-0-source" value="{text_source.finder_label}"' in page
    # The description is the analyst's own words: not filled in from the passage.
    assert "Baku demands" not in box(page, "description")
    suggestions = page.split('id="suggestions"')[1].split("</p>")[0]
    assert "Beta" in suggestions and "Transit corridor" in suggestions
    # Suggested, never applied: no actor party and no issue is ticked.
    assert nothing_checked(page, "parties") and nothing_checked(page, "issues")


def test_an_event_from_a_selection_finds_its_paragraphs(client, analyst, world, text_source):
    client.force_login(analyst)
    page = client.get(
        event_add(), {"source": text_source.uid, "excerpt": "sovereignty.\nThe talks"}
    ).content.decode()
    assert 'name="cite-0-locator" value="paras. 2–3"' in page
    assert 'id="suggestions"' not in page


def test_an_event_excerpt_not_in_the_text_is_refused_and_nothing_is_saved(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    before = (Event.objects.count(), Citation.objects.count())
    data = event_data(
        world, **{"cite-0-source": text_source.pk, "cite-0-excerpt": "Baku demands a corridor"}
    )
    response = client.post(event_add(), data)
    assert response.status_code == 200
    assert "This excerpt is not in the source" in response.content.decode()
    assert (Event.objects.count(), Citation.objects.count()) == before
    data["cite-0-excerpt"] = 'Baku demands the "Zangezur\n corridor"'
    assert client.post(event_add(), data).status_code == 302
    assert Citation.objects.get(source=text_source).event.title == data["title"]


def test_a_passage_with_markup_is_escaped_on_the_event_form(client, analyst, world):
    source = make_source(title="Leak", text="<script>alert(1)</script> Alpha signs.")
    client.force_login(analyst)
    page = client.get(event_add(), {"source": source.uid, "para": "1"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Alpha signs." in page
    assert "<script>alert" not in page


# --- provisions -----------------------------------------------------------------------------


def test_the_chooser_lists_texts_with_article_texts_and_passes_the_passage_on(
    client, analyst, world, text_source, draft
):
    hidden = make_proposal(
        world["negotiation"], title="Rumoured draft", availability=Proposal.Availability.DESCRIBED
    )
    client.force_login(analyst)
    page = client.get(
        chooser(), {"source": text_source.uid, "excerpt": "any route & <b>", "x": "dropped"}
    ).content.decode()
    target = provision_add(draft)
    assert f'href="{target}?source={text_source.uid}&amp;excerpt=any+route+%26+%3Cb%3E"' in page
    assert draft.title in page
    assert hidden.title not in page and "dropped" not in page


def test_a_provision_from_a_paragraph_gets_only_the_citation_and_issue_suggestions(
    client, analyst, world, text_source, draft
):
    client.force_login(analyst)
    response = client.get(provision_add(draft), {"source": text_source.uid, "para": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="cite-0-locator" value="para. 1"' in page
    assert f'name="cite-0-source" value="{text_source.finder_label}"' in page
    # The article text is the analyst's to write, not the passage.
    assert "Baku demands" not in box(page, "text")
    suggestions = page.split('id="suggestions"')[1].split("</p>")[0]
    assert "Transit corridor" in suggestions and "Beta" not in suggestions
    assert nothing_checked(page, "issues")


def test_a_provision_excerpt_not_in_the_text_is_refused_and_nothing_is_saved(
    client, analyst, world, text_source, draft
):
    client.force_login(analyst)
    before = (Provision.objects.count(), Citation.objects.count())
    data = provision_data(
        **{
            "cite-0-source": text_source.pk,
            "cite-0-locator": "para. 1",
            "cite-0-excerpt": "Baku demands a corridor",
        }
    )
    response = client.post(provision_add(draft), data)
    assert response.status_code == 200
    assert "This excerpt is not in the source" in response.content.decode()
    assert (Provision.objects.count(), Citation.objects.count()) == before
    data["cite-0-excerpt"] = "any route stays under its sovereignty"
    assert client.post(provision_add(draft), data).status_code == 302
    assert Citation.objects.get(source=text_source).provision.label == "Art. 9"


def test_with_several_negotiations_each_link_names_its_negotiation(
    client, analyst, world, text_source
):
    other = make_negotiation(slug="other", title="Other <talks>")
    client.force_login(analyst)
    page = client.get(text_source.get_absolute_url()).content.decode()
    query = f"?source={text_source.uid}&amp;para=1"
    hidden = '<span class="visually-hidden"> para. 1</span>'
    assert (
        f'<a href="{event_add("other")}{query}">record an event{hidden} in Other &lt;talks&gt;</a>'
        in page
    )
    assert f'<a href="{event_add()}{query}">record an event{hidden} in Peace talks</a>' in page
    bar = page.split('id="selection-bar"')[1].split("</p>")[0]
    assert f"record a provision in {other.title.replace('<', '&lt;').replace('>', '&gt;')}" in bar
