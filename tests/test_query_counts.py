"""Every main page's query count, pinned exactly, and the same after the data grows."""

import pytest
from django.urls import reverse

from negotiations.models import Issue, Negotiation, Party, Proposal, Source
from tests.factories import make_position, make_provision, make_source, page_queries

SLUG = "armenia-azerbaijan"

# Counted on the seeds, logged in as a reader. Three of each are the request's own:
# session, user and permissions (negotiations/accounts/auth.py); read pages add one for the
# data revisions their ETag is made of (negotiations/revisions.py). A change here
# must be a deliberate one.
EXPECTED = {
    "healthz": 1,
    "home": 5,
    "dashboard": 16,  # + the events' parties and persons; +1 (#18): the cells with a statement
    "issue": 17,
    "party": 10,
    # + 3 with the 2025 seeds: its history names the commitments' text step (one query per
    # model named, batched: the step, its text, the text it responds to), however many
    "thread": 16,
    # + the participation spans; each thread's newest statement by either day (a query
    # each), the texts of the shown lines in another (#18)
    "snapshot stated": 11,
    "snapshot recorded": 10,  # + the participation spans
    "timeline": 8,
    # +1: the date of each most-changed pair's last shift, as known; +1 (#18): whether the
    # kept current state gives the latest statements (nothing dated after the last day)
    "analytics": 12,
    "proposal list": 8,
    # + the lifecycle steps, parties to the text, reported contents. Measured on a text
    # with provisions and no answered text (2 for its provisions and their citations)
    # and on a text described only that answers one (2 for that text and its
    # negotiation); a text with both, as the seeds' invented drafts were, runs 17.
    "proposal": 16,  # +1: the provisions' issues (many), prefetched
    # + 1 now that the described text has a dated step: its citations (one query)
    "proposal described": 16,
    "compare": 11,  # +1: the provisions' issues (many), prefetched
    "compare described": 10,
    "provision history": 10,  # +1: the issues each history row recorded
    "search": 11,
    "sources": 6,
    "source": 7,
    "party export": 9,
    "positions export": 5,
    # One UNION over the history tables and its count; users and issues for the filters.
    "changes": 9,
    "site changes": 8,
    "changes filtered": 9,
    # Negotiation, party, issue, the statement and its citations.
    "previous statement": 9,
}

# Pages whose reload is answered "304 Not Modified": the request's own three queries
# and the revisions; the page itself is not built.
READ_PAGES = [
    "home",
    "dashboard",
    "issue",
    "party",
    "thread",
    "snapshot stated",
    "snapshot recorded",
    "timeline",
    "analytics",
    "proposal list",
    "proposal",
    "proposal described",
    "compare",
    "compare described",
    "provision history",
    "search",
    "sources",
    "source",
    "changes",
    "site changes",
    "changes filtered",
    "previous statement",
]
RELOAD = 4


def urls():
    source = Source.objects.order_by("pk").first()
    # The seeds' two drafts are described only (no article texts, #15): the text pages
    # are measured on the framework concept and the joint statement, which have provisions.
    provision = Proposal.objects.get(slug="az-framework-concept").provisions.first()
    r = reverse
    return {
        "healthz": r("negotiations:healthz"),
        "home": r("negotiations:home"),
        "dashboard": r("negotiations:negotiation", args=[SLUG]),
        "issue": r("negotiations:issue", args=[SLUG, "transit-corridor"]),
        "party": r("negotiations:party", args=[SLUG, "azerbaijan"]),
        "thread": r("negotiations:thread", args=[SLUG, "transit-corridor", "azerbaijan"]),
        "snapshot stated": r("negotiations:snapshot", args=[SLUG]) + "?a=2023-06&b=2024-03",
        "snapshot recorded": r("negotiations:snapshot", args=[SLUG])
        + "?mode=recorded&a=2020&b=2999",
        "timeline": r("negotiations:timeline", args=[SLUG]),
        "analytics": r("negotiations:analytics", args=[SLUG]),
        "proposal list": r("negotiations:proposals", args=[SLUG]),
        "proposal": r("negotiations:proposal", args=[SLUG, "az-framework-concept"]),
        "proposal described": r("negotiations:proposal", args=[SLUG, "am-proposal-2024-01-04"]),
        "compare": r("negotiations:compare", args=[SLUG])
        + "?a=am-az-joint-statement-2023-12-07&b=az-framework-concept",
        "compare described": r("negotiations:compare", args=[SLUG]) + "?b=am-proposal-2024-01-04",
        "provision history": r("negotiations:provision_history", args=[provision.pk]),
        "search": r("negotiations:search") + f"?q=Nakhchivan&negotiation={SLUG}",
        "sources": r("negotiations:sources"),
        "source": source.get_absolute_url(),
        "party export": r(
            "negotiations:party_export", kwargs={"slug": SLUG, "party": "azerbaijan", "fmt": "csv"}
        ),
        "positions export": r("negotiations:positions_export", kwargs={"slug": SLUG, "fmt": "csv"}),
        "changes": r("negotiations:negotiation_changes", args=[SLUG]),
        "site changes": r("negotiations:changes"),
        "changes filtered": r("negotiations:negotiation_changes", args=[SLUG])
        + f"?kind=citation&issue={Issue.objects.get(slug='transit-corridor').pk}",
        "previous statement": r("negotiations:previous_statement", args=[SLUG])
        + f"?party={Party.objects.get(slug='azerbaijan').pk}"
        + f"&issue={Issue.objects.get(slug='transit-corridor').pk}",
    }


def count(client, url):
    return page_queries(client, url)


def grow():
    """Ten times more of everything the pages list."""
    negotiation = Negotiation.objects.get(slug=SLUG)
    source = make_source(title="Another corridor source")
    parties = list(Party.objects.filter(participations__negotiation=negotiation))
    for issue in Issue.objects.filter(negotiation=negotiation):
        for party in parties[:3]:
            for day in range(1, 4):
                make_position(
                    issue,
                    party,
                    source,
                    summary=f"corridor {issue.slug} {day}",
                    date=f"2023-0{day}-01",
                )
    for proposal in Proposal.objects.filter(negotiation=negotiation):
        if proposal.is_described_only:  # a text described only has no provisions
            continue
        for n in range(30):
            make_provision(proposal, label=f"Art. {100 + n}", text=f"Corridor text {n}.")


def test_every_main_page_runs_its_pinned_number_of_queries(seeded_client):
    measured = {name: count(seeded_client, url) for name, url in urls().items()}
    assert measured == EXPECTED


@pytest.mark.slow
def test_query_counts_do_not_grow_with_the_data(seeded_client):
    before = {name: count(seeded_client, url) for name, url in urls().items()}
    grow()
    after = {name: count(seeded_client, url) for name, url in urls().items()}
    assert after == before


def test_a_reload_of_a_read_page_is_a_304_after_its_pinned_queries(seeded_client):
    pages = urls()
    measured = {name: page_queries(seeded_client, pages[name], reload=True) for name in READ_PAGES}
    assert measured == dict.fromkeys(READ_PAGES, RELOAD)


@pytest.mark.slow
def test_reload_query_counts_do_not_grow_with_the_data(seeded_client):
    grow()
    pages = urls()
    measured = {name: page_queries(seeded_client, pages[name], reload=True) for name in READ_PAGES}
    assert measured == dict.fromkeys(READ_PAGES, RELOAD)


def test_other_pages_send_no_etag(seeded_client):
    """Exports stream and healthz must look at the database every time."""
    others = {name: url for name, url in urls().items() if name not in READ_PAGES}
    assert {
        name: seeded_client.get(url).has_header("ETag") for name, url in others.items()
    } == dict.fromkeys(others, False)
