"""The landing page stays bounded whatever the negotiation's size (#18): a page of
parties (principals first) × a page of issues, the rest one link away."""

import re

import pytest
from django.urls import reverse

from negotiations.models import Participation
from negotiations.views.positions import MATRIX_ISSUES, MATRIX_PARTIES
from tests.factories import make_issue, make_negotiation, make_party, make_position


@pytest.fixture
def wide(db):
    """Two mediators made first, then more principals and issues than a page shows."""
    negotiation = make_negotiation(slug="wide", title="Wide talks")
    mediators = [
        make_party(negotiation, role=Participation.Role.MEDIATOR, name=f"Mediator {n}")
        for n in range(2)
    ]
    principals = [make_party(negotiation, name=f"Principal {n}") for n in range(MATRIX_PARTIES + 1)]
    issues = [make_issue(negotiation, title=f"Question {n}") for n in range(MATRIX_ISSUES + 3)]
    make_position(issues[0], principals[0], summary="First principal's demand")
    make_position(issues[-1], mediators[-1], summary="Last mediator's note on the last issue")
    return negotiation, mediators, principals, issues


def matrix(response):
    html = response.content.decode()
    table = html[html.index('<table class="matrix">') : html.index("</table>")]
    head = table[: table.index("</thead>")]
    return html, head.count('<th scope="col">') - 1, table.count('<th scope="row">')


def test_the_unfiltered_page_shows_one_bounded_page_principals_first(client, reader, wide):
    negotiation, mediators, principals, issues = wide
    client.force_login(reader)

    html, columns, rows = matrix(client.get(reverse("negotiations:negotiation", args=["wide"])))

    assert (columns, rows) == (MATRIX_PARTIES, MATRIX_ISSUES)
    assert "First principal&#x27;s demand" in html or "First principal's demand" in html
    assert "Last mediator" not in html  # a mediator comes after every principal
    assert f"Parties 1–{MATRIX_PARTIES} of {len(mediators) + len(principals)}" in html
    assert f"Issues 1–{MATRIX_ISSUES} of {len(issues)}" in html
    assert re.search(r'href="\?pp=2">next parties', html)
    assert re.search(r'href="\?ip=2">next issues', html)
    assert "whole=1" in html
    cells = (len(mediators) + len(principals)) * len(issues)
    assert f"2 of {cells} cells of the whole matrix hold a statement" in html


def test_the_next_pages_show_the_rest(client, reader, wide):
    negotiation, mediators, principals, issues = wide
    client.force_login(reader)
    url = reverse("negotiations:negotiation", args=["wide"]) + "?pp=2&ip=2"

    html, columns, rows = matrix(client.get(url))

    assert (columns, rows) == (len(mediators) + len(principals) - MATRIX_PARTIES, 3)
    assert "Last mediator&#x27;s note" in html or "Last mediator's note" in html
    assert "First principal" not in html


def test_the_whole_matrix_is_one_link_away(client, reader, wide):
    negotiation, mediators, principals, issues = wide
    client.force_login(reader)
    url = reverse("negotiations:negotiation", args=["wide"]) + "?whole=1"

    html, columns, rows = matrix(client.get(url))

    assert (columns, rows) == (len(mediators) + len(principals), len(issues))
    assert "next parties" not in html


def test_a_filter_chooses_what_the_page_shows(client, reader, wide):
    negotiation, mediators, principals, issues = wide
    client.force_login(reader)
    url = reverse("negotiations:negotiation", args=["wide"])

    html, columns, rows = matrix(
        client.get(url, {"party": [mediators[1].slug], "issue": [issues[-1].slug]})
    )

    assert (columns, rows) == (1, 1)
    assert "Last mediator" in html


def test_a_page_number_out_of_range_shows_the_last_page(client, reader, wide):
    client.force_login(reader)
    url = reverse("negotiations:negotiation", args=["wide"]) + "?pp=99&ip=nonsense"

    response = client.get(url)

    assert response.status_code == 200
    html, columns, rows = matrix(response)
    assert (columns, rows) == (3, MATRIX_ISSUES)
