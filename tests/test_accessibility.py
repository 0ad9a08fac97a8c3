"""Pages read right with assistive technology and direct visits (issue 17, item 10):
every id named by aria-describedby exists on the page, every data table has a caption,
quotes and excerpts say their language, a POST-only address opened shows a page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from negotiations.models import Position
from tests.access_table import KINDS, TABLE, app_patterns, client_for, url_of
from tests.factories import make_citation, make_position, make_source


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.described_by, self.tables, self.captions = set(), [], 0, 0
        self._open_tables = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by.extend(attrs["aria-describedby"].split())
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1


def _parsed(response):
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def _html_pages(cast):
    """(what, response) for every page an editor can open (GET), and every write form
    posted empty (its errors shown)."""
    client = client_for(cast["users"]["editor"])
    for name, pattern in app_patterns():
        url = url_of(name, pattern, cast)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield f"GET {name}", response
        if KINDS[TABLE[name]]["editor"][1] == "write" and response.status_code == 200:
            posted = client.post(url, {})
            if posted.status_code == 200 and posted["Content-Type"].startswith("text/html"):
                yield f"POST {name}", posted


@pytest.mark.slow
def test_every_aria_describedby_names_an_id_on_the_page(cast):
    missing, checked = {}, 0
    for what, response in _html_pages(cast):
        page = _parsed(response)
        checked += len(page.described_by)
        lost = [i for i in page.described_by if i not in page.ids]
        if lost:
            missing[what] = lost
    assert missing == {}
    assert checked > 20  # the walk did reach the forms


@pytest.mark.slow
def test_every_data_table_has_a_caption(cast):
    without = {}
    for what, response in _html_pages(cast):
        page = _parsed(response)
        if page.tables != page.captions:
            without[what] = (page.tables, page.captions)
    assert without == {}


def test_a_delete_address_opened_directly_says_what_to_do(client, editor, world):
    client.force_login(editor)
    position = world["first"]
    url = reverse("negotiations:position_delete", args=[position.pk])
    response = client.get(
        url, headers={"referer": "http://testserver" + position.get_absolute_url()}
    )
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "nothing was changed" in page and "Log out" in page  # the site's own page
    assert f'href="http://testserver{position.get_absolute_url()}"' in page
    assert "Content-Security-Policy" in response.headers
    assert Position.objects.filter(pk=position.pk).exists()


def test_a_405_page_links_back_only_to_this_site(client, editor, world):
    client.force_login(editor)
    url = reverse("negotiations:position_delete", args=[world["first"].pk])
    page = client.get(url, headers={"referer": "https://evil.example/x"}).content.decode()
    assert "evil.example" not in page and "nothing was changed" in page


def test_quotes_and_excerpts_carry_their_sources_language(client, reader, world):
    armenian = make_source(title="Armenpress", language="hy")
    position = make_position(
        world["maps"], world["beta"], armenian, quote="Սահմանազատումը կշարունակվի։"
    )
    citation = position.citations.get()
    citation.excerpt = "Սահմանազատումը"
    citation.save()
    mixed = make_position(world["maps"], world["beta"], armenian, quote="Mixed words.")
    make_citation(make_source(language="ru"), position=mixed, excerpt="Слова.")
    client.force_login(reader)
    page = client.get(reverse("negotiations:thread", args=["talks", "maps", "beta"]))
    html = page.content.decode()
    assert '<blockquote lang="hy">Սահմանազատումը կշարունակվի։</blockquote>' in html
    assert '<q lang="hy">Սահմանազատումը</q>' in html
    assert '<q lang="ru">Слова.</q>' in html
    # Two sources in two languages: which the quote is in is not known.
    assert "<blockquote>Mixed words.</blockquote>" in html
