"""Reloads answered "304 Not Modified" after the whole middleware chain, ETags that
change exactly when what the viewer sees changes, and compressed pages."""

import gzip

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group, Permission
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import reverse

from negotiations.accounts.roles import ANALYSTS
from negotiations.models import Revision
from tests.factories import (
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_source,
    with_reason,
)

SEEN = []


class SpyMiddleware:
    """Stands last in the chain: a 304 that reaches it went through every middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        SEEN.append((request.path, response.status_code))
        return response


@pytest.fixture
def two_talks(db):
    talks, other = make_negotiation(), make_negotiation()
    party = make_party(talks)
    issue = make_issue(talks)
    make_position(issue, party)
    other_party = make_party(other)
    other_issue = make_issue(other)
    return talks, party, issue, other, other_party, other_issue


def dashboard(negotiation):
    return reverse("negotiations:negotiation", args=[negotiation.slug])


def etag_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.cookies:  # the first page sets the CSRF cookie, which the ETag covers
        response = client.get(url)
    return response["ETag"]


def test_a_reload_gets_a_304_through_the_whole_middleware_chain(
    two_talks, client, reader, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_conditional.SpyMiddleware"]
    client.force_login(reader)
    url = dashboard(two_talks[0])
    etag = etag_of(client, url)
    SEEN.clear()
    response = client.get(url, headers={"if_none_match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert [(url, 304)] == SEEN


def test_read_pages_may_be_kept_only_by_the_browser_and_must_be_revalidated(
    two_talks, client, reader
):
    client.force_login(reader)
    response = client.get(dashboard(two_talks[0]))
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_a_new_position_changes_the_etag_of_its_negotiation_only(two_talks, client, reader):
    talks, party, issue, other, other_party, other_issue = two_talks
    source = make_source()  # a new source would change every negotiation's pages
    client.force_login(reader)
    before, before_other = etag_of(client, dashboard(talks)), etag_of(client, dashboard(other))
    make_position(other_issue, other_party, source, summary="Something new elsewhere")
    assert etag_of(client, dashboard(talks)) == before
    assert etag_of(client, dashboard(other)) != before_other
    response = client.get(dashboard(other), headers={"if_none_match": before_other})
    assert response.status_code == 200


def test_an_edit_and_a_delete_change_the_etag(two_talks, client, reader):
    talks, party, issue, *_ = two_talks
    client.force_login(reader)
    url = reverse("negotiations:thread", args=[talks.slug, issue.slug, party.slug])
    first = etag_of(client, url)
    position = issue.positions.get()
    position.summary = "Reworded"
    with_reason(position)
    second = etag_of(client, url)
    assert second != first
    position._change_reason = "gone"
    position.delete()
    assert etag_of(client, url) not in (first, second)


def test_a_shared_record_changes_every_negotiations_etag(two_talks, client, reader):
    """Party names and sources show on every negotiation's pages."""
    talks, party, issue, other, *_ = two_talks
    client.force_login(reader)
    before = etag_of(client, dashboard(other))
    party.name = "Renamed"
    with_reason(party)
    assert etag_of(client, dashboard(other)) != before
    before = etag_of(client, dashboard(other))
    make_source(title="A new source")
    assert etag_of(client, dashboard(other)) != before


def test_a_change_of_role_changes_the_etag(two_talks, client, reader):
    """An analyst sees edit controls a reader does not."""
    client.force_login(reader)
    url = dashboard(two_talks[0])
    before = etag_of(client, url)
    reader.groups.add(Group.objects.get(name=ANALYSTS))
    assert etag_of(client, url) != before


def test_direct_permissions_change_the_etag(two_talks, client, reader):
    client.force_login(reader)
    url = dashboard(two_talks[0])
    before = etag_of(client, url)
    reader.user_permissions.add(Permission.objects.get(codename="add_position"))
    reader = type(reader).objects.get(pk=reader.pk)  # a fresh permission cache
    client.force_login(reader)
    assert etag_of(client, url) != before


def test_each_viewer_gets_their_own_etag(two_talks, client, reader, analyst):
    url = dashboard(two_talks[0])
    client.force_login(reader)
    readers = etag_of(client, url)
    client.force_login(analyst)
    response = client.get(url, headers={"if_none_match": readers})
    assert response.status_code == 200


def test_the_query_string_is_part_of_the_etag(two_talks, client, reader):
    client.force_login(reader)
    url = dashboard(two_talks[0])
    etag = etag_of(client, url)
    response = client.get(url + "?party=nobody", headers={"if_none_match": etag})
    assert response.status_code == 200


def test_waiting_flash_messages_are_shown_not_answered_with_304(two_talks, client, reader, rf):
    client.force_login(reader)
    url = dashboard(two_talks[0])
    etag = etag_of(client, url)
    # A message waiting in its cookie, as after a save that redirected here.
    storage = CookieStorage(rf.get(url))
    storage.add(messages.SUCCESS, "Saved, with a note for you.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    response = client.get(url, headers={"if_none_match": etag})
    assert response.status_code == 200
    assert "Saved, with a note for you." in response.text
    assert not response.has_header("ETag")


def test_deleting_a_negotiation_with_records_keeps_revisions_consistent(two_talks):
    """Its row goes with it; its records' deletes count on the shared row instead of
    making a row for a negotiation that no longer exists."""
    talks, party, issue, other, *_ = two_talks
    position = issue.positions.get()
    position._change_reason = "test"
    position.delete()
    issue._change_reason = "test"
    shared_before = Revision.objects.get(negotiation=None).number
    talks._change_reason = "test"
    pk = talks.pk
    talks.delete()
    assert not Revision.objects.filter(negotiation_id=pk).exists()
    assert Revision.objects.get(negotiation=None).number > shared_before
    assert Revision.objects.filter(negotiation=other).exists()


def test_pages_are_compressed_for_browsers_that_accept_it(two_talks, client, reader):
    client.force_login(reader)
    response = client.get(dashboard(two_talks[0]), headers={"accept_encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)


def test_junk_query_parameters_leave_no_cache_entries(two_talks, client, reader, monkeypatch):
    """Fails on the old main: every distinct query string of a read page stored its body
    (and its whole response) in a cache, so junk parameters filled it (issue #12, item 9).
    Read pages now answer reloads by ETag and keep nothing on the server."""
    from django.conf import settings
    from django.core.cache import caches

    stored = []
    for alias in settings.CACHES:
        cache = caches[alias]
        for method in ("set", "add", "set_many"):
            monkeypatch.setattr(cache, method, lambda *args, **kwargs: stored.append(args[0]))
    client.force_login(reader)
    url = dashboard(two_talks[0])
    for n in range(20):
        assert client.get(url, {f"junk{n}": "x" * n, "utm_source": n}).status_code == 200
    assert stored == []
