"""Every main page's query count, pinned exactly, and the same after the data grows."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from negotiations.models import Issue, Negotiation, Party, Proposal, Source
from tests.conftest import make_position, make_provision, make_source, page_queries

SLUG = "armenia-azerbaijan"

# Counted on the seeds, logged in as a reader, with both page caches empty. Three of
# each are the request's own: session, user and permissions (negotiations/auth.py);
# cached pages add one for the data revision, read with the session's data by the
# response cache (negotiations/pagecache.py). A change here must be a deliberate one.
EXPECTED = {
    "healthz": 1,
    "home": 4,
    "dashboard": 13,
    "issue": 17,
    "party": 10,
    "thread": 11,
    "snapshot stated": 9,
    "snapshot recorded": 9,
    "timeline": 8,
    "analytics": 10,
    "proposal list": 8,
    "proposal": 13,
    "compare": 11,  # + the pairings made by hand for the two proposals
    "provision history": 8,
    "search": 15,
    "sources": 5,
    "source": 6,
    "party export": 9,
    "positions export": 5,
}

# The same pages opened by another reader with the same role, with no change in
# between: the cached body costs no query, leaving the request's own three, the
# revision (read with the session data, negotiations/pagecache.py), and the page's own
# object(s) for its 404 check and title (compare also looks up the proposals' titles).
SHARED = {
    "dashboard": 5,
    "issue": 5,
    "party": 6,
    "thread": 6,
    "snapshot stated": 5,
    "snapshot recorded": 5,
    "timeline": 5,
    "analytics": 5,
    "proposal list": 5,
    "compare": 6,
    "search": 5,
}


def urls():
    source = Source.objects.order_by("pk").first()
    provision = Proposal.objects.get(slug="am-proposal-2024-01-04").provisions.first()
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
        "proposal": r("negotiations:proposal", args=[SLUG, "am-proposal-2024-01-04"]),
        "compare": r("negotiations:compare", args=[SLUG]) + "?b=am-proposal-2024-01-04",
        "provision history": r("negotiations:provision_history", args=[provision.pk]),
        "search": r("negotiations:search") + f"?q=Nakhchivan&negotiation={SLUG}",
        "sources": r("negotiations:sources"),
        "source": source.get_absolute_url(),
        "party export": r(
            "negotiations:party_export", kwargs={"slug": SLUG, "party": "azerbaijan", "fmt": "csv"}
        ),
        "positions export": r("negotiations:positions_export", kwargs={"slug": SLUG, "fmt": "csv"}),
    }


def count(client, url):
    return page_queries(client, url)


@pytest.fixture
def seeded(db, reader, client):
    call_command("load_seeds", stdout=io.StringIO())
    client.force_login(reader)
    return client


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
        for n in range(30):
            make_provision(proposal, label=f"Art. {100 + n}", text=f"Corridor text {n}.")


def test_every_main_page_runs_its_pinned_number_of_queries(seeded):
    measured = {name: count(seeded, url) for name, url in urls().items()}
    assert measured == EXPECTED


def test_query_counts_do_not_grow_with_the_data(seeded):
    before = {name: count(seeded, url) for name, url in urls().items()}
    grow()
    after = {name: count(seeded, url) for name, url in urls().items()}
    assert after == before


def test_pages_with_a_cached_body_run_only_their_pinned_queries(seeded):
    pages = urls()
    measured = {name: page_queries(seeded, pages[name], warm="body") for name in SHARED}
    assert measured == SHARED


def test_cached_query_counts_do_not_grow_with_the_data(seeded):
    grow()
    pages = urls()
    assert {name: page_queries(seeded, pages[name], warm="body") for name in SHARED} == SHARED


def test_a_reload_of_a_cached_page_runs_one_query(seeded):
    pages = urls()
    measured = {name: page_queries(seeded, pages[name], warm="reload") for name in SHARED}
    assert measured == dict.fromkeys(SHARED, 1)


def test_pages_not_cached_are_not_replayed_on_reload(seeded):
    pages = {name: url for name, url in urls().items() if name not in SHARED}
    measured = {name: page_queries(seeded, url, warm="reload") for name, url in pages.items()}
    assert measured == {name: EXPECTED[name] for name in pages}
