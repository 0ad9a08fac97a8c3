"""Coding an event or a provision from a source's text: the selection bar and paragraph
links, the provision's choice of text, the citation filled in, and the description or
article text and the actors and issues left to the analyst."""

import pytest
from django.urls import reverse

from negotiations.models import Citation, Event, Proposal, Provision
from tests.factories import (
    event_data,
    make_issue,
    make_negotiation,
    make_party,
    make_proposal,
    make_source,
    new_position_data,
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


# --- using a suggestion ---------------------------------------------------------------------
# Each suggested party and issue links to the same form with ?party=<slug> or &issue=<slug>
# added; the form reads them as its initial choice on GET. (static/suggestions.js applies
# the same choice in place: tests/browser/test_suggestions_browser.py.)


def position_add():
    return reverse("negotiations:position_add", args=["talks"])


def suggestion_hrefs(page):
    """{accessible name: href} of the "Named in the passage" links, unescaped."""
    part = page.split('id="suggestions"')[1].split("</p>")[0]
    found = {}
    for link in part.split("<a ")[1:]:
        href = link.split('href="')[1].split('"')[0].replace("&amp;", "&")
        text = link.split(">", 1)[1].split("</a>")[0]
        name = text.replace('<span class="visually-hidden">', "").replace("</span>", "")
        found[name] = href
    return found


def selected(page, name):
    """The values chosen in the select or the ticked boxes named `name`."""
    if f'<select name="{name}"' in page:
        box = page.split(f'<select name="{name}"')[1].split("</select>")[0]
        return {
            o.split('value="')[1].split('"')[0]
            for o in box.split("<option")[1:]
            if " selected>" in o
        }
    inputs = [part.split(">")[0] for part in page.split(f'name="{name}"')[1:]]
    return {attrs.split('value="')[1].split('"')[0] for attrs in inputs if "checked" in attrs}


def test_a_statement_suggestion_links_to_the_form_with_it_chosen(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    url, uid = position_add(), text_source.uid
    page = client.get(url, {"source": uid, "para": "1"}).content.decode()
    links = suggestion_hrefs(page)
    assert links == {
        "Use Beta as the party": f"{url}?source={uid}&para=1&party=beta",
        "Use Transit corridor as the issue": f"{url}?source={uid}&para=1&issue=corridor",
    }
    assert selected(page, "party") == selected(page, "issue") == {""}

    # Opened from the party's link: the party is chosen, the issue is still to choose,
    # the citation is still filled in, and the issue's link keeps the party.
    page = client.get(links["Use Beta as the party"]).content.decode()
    assert selected(page, "party") == {str(world["beta"].pk)}
    assert selected(page, "issue") == {""}
    assert 'name="cite-0-locator" value="para. 1"' in page
    both = suggestion_hrefs(page)["Use Transit corridor as the issue"]
    assert both == f"{url}?source={uid}&para=1&party=beta&issue=corridor"
    page = client.get(both).content.decode()
    assert selected(page, "party") == {str(world["beta"].pk)}
    assert selected(page, "issue") == {str(world["corridor"].pk)}


def test_a_statement_has_one_party_so_its_suggestion_replaces_the_one_named(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    query = {"source": text_source.uid, "para": "1", "party": "alpha"}
    page = client.get(position_add(), query).content.decode()
    assert selected(page, "party") == {str(world["alpha"].pk)}
    href = suggestion_hrefs(page)["Use Beta as the party"]
    assert href.endswith("&para=1&party=beta") and "alpha" not in href


def test_an_event_suggestion_adds_to_the_actors_and_issues_ticked(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    url, uid = event_add(), text_source.uid
    page = client.get(url, {"source": uid, "para": "1", "party": "alpha"}).content.decode()
    assert selected(page, "parties") == {str(world["alpha"].pk)}
    links = suggestion_hrefs(page)
    assert links == {
        "Use Beta as an actor party": f"{url}?source={uid}&para=1&party=alpha&party=beta",
        "Use Transit corridor as an issue": f"{url}?source={uid}&para=1&party=alpha&issue=corridor",
    }
    page = client.get(links["Use Beta as an actor party"]).content.decode()
    assert selected(page, "parties") == {str(world["alpha"].pk), str(world["beta"].pk)}
    assert nothing_checked(page, "issues")
    # Used already: its link does not name it twice.
    again = suggestion_hrefs(page)["Use Beta as an actor party"]
    assert again.count("party=beta") == 1
    page = client.get(links["Use Transit corridor as an issue"]).content.decode()
    assert selected(page, "issues") == {str(world["corridor"].pk)}


def test_a_provision_suggestion_selects_its_issue(client, analyst, world, text_source, draft):
    client.force_login(analyst)
    url, uid = provision_add(draft), text_source.uid
    page = client.get(url, {"source": uid, "para": "1"}).content.decode()
    links = suggestion_hrefs(page)
    assert links == {
        "Use Transit corridor as an issue": f"{url}?source={uid}&para=1&issue=corridor"
    }
    assert selected(page, "issues") == set()
    page = client.get(links["Use Transit corridor as an issue"]).content.decode()
    assert selected(page, "issues") == {str(world["corridor"].pk)}
    assert 'name="cite-0-locator" value="para. 1"' in page


def test_only_the_negotiations_own_parties_and_issues_are_read_from_the_query(
    client, analyst, world, text_source
):
    other = make_negotiation(slug="other")
    make_issue(other, slug="elsewhere", title="Elsewhere")
    stranger = make_party(other, slug="stranger", name="Stranger")
    client.force_login(analyst)
    query = {"party": [stranger.slug, "nobody"], "issue": ["elsewhere", "maps"]}
    page = client.get(event_add(), query).content.decode()
    assert nothing_checked(page, "parties")
    assert selected(page, "issues") == {str(world["maps"].pk)}
    page = client.get(position_add(), {"party": stranger.slug}).content.decode()
    assert selected(page, "party") == {""}


def test_a_suggested_name_with_markup_is_escaped_in_its_link(client, analyst, world):
    party = make_party(world["negotiation"], slug="odd", name='<b>Odd</b> & "Co"', aliases="Odd")
    source = make_source(title="Leak", text="Odd signs.")
    client.force_login(analyst)
    page = client.get(position_add(), {"source": source.uid, "para": "1"}).content.decode()
    escaped = "&lt;b&gt;Odd&lt;/b&gt; &amp; &quot;Co&quot;"
    assert f'data-done="{escaped} is now the party."' in page
    assert f'<span class="visually-hidden">Use </span>{escaped}<span' in page
    assert "<b>Odd" not in page
    assert suggestion_hrefs(page)[f"Use {escaped} as the party"].endswith(f"party={party.slug}")


def test_the_suggestion_script_is_loaded_only_with_suggestions(client, analyst, world, text_source):
    client.force_login(analyst)
    script = "/static/suggestions.js"
    assert (
        script in client.get(event_add(), {"source": text_source.uid, "para": "1"}).content.decode()
    )
    assert script not in client.get(event_add()).content.decode()


# --- dates from the passage's paragraph, and back to the source ---------------------------

DATED = (
    "Baku and Yerevan met again.\n\n"
    "During his January 10th, 2024 interview, the president said Baku wants the "
    "Zangezur corridor open.\n\n"
    "Talks resumed on 3 March 2024."
)


def when_value(page):
    return page.split('name="when"')[1].split(">")[0].partition('value="')[2].split('"')[0]


def test_a_date_written_in_the_passages_paragraph_is_suggested_never_filled(client, analyst, world):
    source = make_source(title="Dated article", text=DATED)
    client.force_login(analyst)
    url, query = position_add(), {"source": source.uid, "excerpt": "wants the Zangezur corridor"}
    page = client.get(url, query).content.decode()
    links = suggestion_hrefs(page)
    # From the paragraph the selection lies in, not only the selected words; a date in
    # another paragraph is not offered.
    assert "Use January 10th, 2024 as the date" in links
    assert not any("March" in name for name in links)
    assert when_value(page) == ""
    assert "/static/suggestions.js" in page

    # Used without script, the link reopens the form with the words in the date field.
    page = client.get(links["Use January 10th, 2024 as the date"]).content.decode()
    assert when_value(page) == "January 10th, 2024"
    assert 'name="cite-0-locator" value="para. 2"' in page

    # A paragraph with no date suggests none.
    page = client.get(url, {"source": source.uid, "para": "1"}).content.decode()
    assert "as the date" not in page


def test_a_statement_coded_from_a_source_returns_to_its_paragraph(client, analyst, world):
    source = make_source(title="Dated article", text=DATED)
    client.force_login(analyst)
    data = new_position_data(
        world,
        when="January 10th, 2024",
        **{
            "cite-0-source": source.pk,
            "cite-0-locator": "para. 2",
            "cite-0-excerpt": "wants the Zangezur corridor open",
        },
    )
    query = f"?source={source.uid}&excerpt=wants+the+Zangezur+corridor"
    response = client.post(position_add() + query, data)
    assert response.status_code == 302
    assert response.url == f"{source.get_absolute_url()}#para-2"
    position = Citation.objects.get(source=source).position
    assert position.date_as_written == "January 10th, 2024"
    assert "Position recorded." in client.get(response.url).content.decode()

    # Opened anywhere else, the form still goes to the statement.
    data["cite-0-excerpt"] = "Talks resumed"
    data["cite-0-locator"] = "para. 3"
    response = client.post(position_add(), data)
    assert response.status_code == 302
    assert response.url == Citation.objects.get(excerpt="Talks resumed").position.get_absolute_url()


def test_an_event_and_a_provision_coded_from_a_source_return_to_it(client, analyst, world, draft):
    source = make_source(title="Dated article", text=DATED)
    client.force_login(analyst)
    # An event's date is suggested from its paragraph too, and read from the link.
    page = client.get(event_add(), {"source": source.uid, "para": "3"}).content.decode()
    href = suggestion_hrefs(page)["Use 3 March 2024 as the date"]
    assert when_value(client.get(href).content.decode()) == "3 March 2024"

    cited = {"cite-0-source": source.pk, "cite-0-locator": "para. 3"}
    query = f"?source={source.uid}&para=3"
    response = client.post(
        event_add() + query, event_data(world, **cited, **{"cite-0-excerpt": "Talks resumed"})
    )
    assert response.url == f"{source.get_absolute_url()}#para-3"
    response = client.post(
        provision_add(draft) + query,
        provision_data(**cited, **{"cite-0-excerpt": "on 3 March 2024"}),
    )
    assert response.url == f"{source.get_absolute_url()}#para-3"
    # A source that does not exist is no way back: the record's own page.
    response = client.post(
        event_add() + "?source=00000000-0000-0000-0000-000000000000",
        event_data(world, title="Another meeting"),
    )
    assert response.url == Event.objects.get(title="Another meeting").get_absolute_url()
