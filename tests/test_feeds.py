"""Atom feeds of changes, reached with a secret per-user token that can be revoked."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.accounts.roles import READERS
from negotiations.models import UNTRACKED_MODELS, FeedToken
from tests.factories import (
    make_citation,
    make_event,
    make_negotiation,
    make_position,
    make_proposal,
    make_provision,
    make_source,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(token, *thread):
    if thread:
        return reverse("negotiations:feed_thread", args=[token.token, "talks", *thread])
    return reverse("negotiations:feed_negotiation", args=[token.token, "talks"])


def entries(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "summary": e.findtext(f"{ATOM}summary"),
            "link": e.find(f"{ATOM}link").get("href"),
            "author": e.findtext(f"{ATOM}author/{ATOM}name"),
            "id": e.findtext(f"{ATOM}id"),
        }
        for e in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def token(reader):
    return FeedToken.objects.create(user=reader)


def edit(obj, user, reason, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj


def test_feed_lists_who_changed_what_and_why_with_a_link_to_the_diff(client, token, analyst, world):
    edit(world["second"], analyst, "Fixed the wording", summary="Demands a corridor, no checks.")
    found = entries(client.get(feed_url(token)))  # anonymous: the token is the credential
    newest = found[0]
    assert newest["title"] == "ana changed position “Alpha on Transit corridor”"
    assert newest["author"] == "ana"
    assert "Fixed the wording" in newest["summary"]
    assert "Summary:" in newest["summary"] and "<del>" in newest["summary"]
    assert newest["link"] == (
        f"http://testserver/n/talks/issues/corridor/alpha/#position-{world['second'].pk}"
    )
    assert newest["id"].startswith("urn:redline:history:position:")
    # creations of the fixture's rows are listed too, newest first
    assert any(e["title"].startswith("Someone created citation") for e in found)
    assert len({e["id"] for e in found}) == len(found)


def test_feed_covers_proposals_provisions_events_and_citations(client, token, analyst, world):
    n = world["negotiation"]
    proposal = make_proposal(n, world["alpha"], title="Draft A")
    provision = make_provision(proposal, label="Art. 1")
    event = make_event(n, title="Summit")
    make_citation(make_source(title="Report"), event=event)
    found = entries(client.get(feed_url(token)))
    titles = [e["title"] for e in found]
    assert "Someone created proposal “Draft A”" in titles
    assert "Someone created provision “Art. 1 of Draft A”" in titles
    assert "Someone created event “Summit”" in titles
    assert "Someone created citation “Report for Summit”" in titles
    links = {e["title"]: e["link"] for e in found}
    assert links["Someone created proposal “Draft A”"].endswith(
        f"/n/talks/proposals/{proposal.slug}/"
    )
    assert links["Someone created event “Summit”"].endswith(f"/n/talks/#event-{event.pk}")
    assert links["Someone created provision “Art. 1 of Draft A”"].startswith("http://testserver/")
    assert str(provision.pk) in links["Someone created provision “Art. 1 of Draft A”"]


def test_feed_shows_deletions_and_is_limited_newest_first(client, token, editor, world):
    for i in range(60):
        edit(world["first"], editor, f"edit {i}", summary=f"Version {i}")
    world["second"]._change_reason = "duplicate"
    world["second"]._history_user = editor
    world["second"].delete()
    found = entries(client.get(feed_url(token)))
    assert len(found) == 50
    assert found[0]["title"].startswith("edi deleted position “Alpha on Transit corridor”")
    assert "duplicate" in found[0]["summary"]
    assert "edit 59" in found[1]["summary"]


def test_feed_shows_only_its_negotiation(client, token, world):
    other = make_negotiation(slug="other", title="Other talks")
    make_proposal(other, title="Elsewhere")
    found = entries(client.get(feed_url(token)))
    assert all("Elsewhere" not in e["title"] for e in found)


def test_thread_feed_lists_only_that_thread(client, token, analyst, world):
    make_position(world["maps"], world["beta"], summary="Other thread")
    edit(world["first"], analyst, "Thread edit", quote="We said it.")
    found = entries(client.get(feed_url(token, "corridor", "alpha")))
    assert found[0]["title"] == "ana changed position “Alpha on Transit corridor”"
    assert all("Beta" not in e["title"] for e in found)
    assert {e["title"].split(" ")[2] for e in found} == {"position", "citation"}
    assert client.get(feed_url(token, "corridor", "nobody")).status_code == 404


def test_feed_entries_escape_user_text(client, token, analyst, world):
    edit(world["second"], analyst, "<b>bold</b> reason", summary="<script>alert(1)</script>")
    newest = entries(client.get(feed_url(token)))[0]
    summary = newest["summary"]  # HTML once the XML is parsed
    assert "<script>" not in summary and "<b>bold</b>" not in summary
    assert "&lt;script&gt;" in summary and "&lt;b&gt;bold&lt;/b&gt; reason" in summary
    assert b"<script>" not in client.get(feed_url(token)).content


def test_feed_query_count_does_not_grow(client, token, analyst, world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(feed_url(token))
        return len(ctx)

    for i in range(3):
        edit(world["first"], analyst, f"a{i}", summary=f"A {i}")
    small = count()
    for i in range(30):
        edit(world["second"], analyst, f"b{i}", summary=f"B {i}")
        make_position(world["maps"], world["beta"])
    assert count() == small


# --- tokens ----------------------------------------------------------------------------


def test_unknown_token_is_404(client, world):
    assert (
        client.get(reverse("negotiations:feed_negotiation", args=["x" * 43, "talks"])).status_code
        == 404
    )


def test_revoked_token_is_404(client, reader, token, world):
    client.force_login(reader)
    response = client.post(reverse("negotiations:feed_token_change"), {"action": "revoke"})
    assert response.status_code == 302
    client.logout()
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(token, "corridor", "alpha")).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_regenerated_token_works_and_the_old_one_does_not(client, reader, token, world):
    client.force_login(reader)
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    new = FeedToken.objects.active().get(user=reader)
    assert new.token != token.token
    client.logout()
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_user_who_lost_their_role_gets_404(client, reader, token, world):
    assert client.get(feed_url(token)).status_code == 200
    reader.groups.remove(Group.objects.get(name=READERS))
    assert client.get(feed_url(token)).status_code == 404


def test_inactive_user_gets_404(client, reader, token, world):
    reader.is_active = False
    reader.save()
    assert client.get(feed_url(token)).status_code == 404


def test_stranger_token_never_shows_a_negotiation(client, stranger, world):
    token = FeedToken.objects.create(user=stranger)
    response = client.get(feed_url(token))
    assert response.status_code == 404
    assert b"Peace talks" not in response.content


def test_token_page_shows_my_feed_urls(client, reader, world):
    client.force_login(reader)
    url = reverse("negotiations:feed_tokens")
    content = client.get(url).content.decode()
    assert "Create my secret feed address" in content
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    token = FeedToken.objects.active().get(user=reader)
    content = client.get(url).content.decode()
    assert f"http://testserver/feeds/{token.token}/n/talks/" in content
    assert f"/feeds/{token.token}/n/talks/issues/corridor/alpha/" in content
    assert "Revoke my feed addresses" in content


def test_token_page_never_shows_other_users_tokens(client, reader, analyst, world):
    theirs = FeedToken.objects.create(user=analyst)
    client.force_login(reader)
    assert theirs.token not in client.get(reverse("negotiations:feed_tokens")).content.decode()


def test_token_management_needs_a_role_and_a_post(client, stranger, reader, world):
    url = reverse("negotiations:feed_tokens")
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert (
        client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"}).status_code
        == 403
    )
    assert not FeedToken.objects.exists()
    client.force_login(reader)
    assert client.get(reverse("negotiations:feed_token_change")).status_code == 405


def test_tokens_are_long_random_and_untracked(reader):
    a, b = FeedToken.objects.create(user=reader), FeedToken.objects.create(user=reader)
    assert len(a.token) >= 43 and a.token != b.token
    assert "FeedToken" in UNTRACKED_MODELS
    assert not hasattr(FeedToken, "history")


# --- deleted records ----------------------------------------------------------------------


def delete(obj, user, reason):
    obj._history_user, obj._change_reason = user, reason
    obj.delete()


def test_entries_about_deleted_records_link_to_their_history_never_to_a_404(
    client, token, reader, editor, world
):
    """Fails on the old main: the entries of a deleted proposal linked to its page and
    those of a deleted provision to its history page, and both answered 404."""
    n = world["negotiation"]
    dropped = make_proposal(n, world["alpha"], title="Dropped draft")
    kept = make_proposal(n, world["alpha"], title="Kept draft")
    article = make_provision(kept, label="Art. 9", text="<script>x</script> Open the corridor.")
    make_provision(dropped, label="Art. 1")
    summit = make_event(n, title="Summit")
    report = make_citation(make_source(title="Report"), event=summit)
    gala = make_event(n, title="Gala")
    make_citation(make_source(title="Minutes"), provision=article)
    gone = {
        "provision": article.pk,
        "proposal": dropped.pk,
        "position": world["second"].pk,
        "citation": report.pk,
        "event": gala.pk,
    }
    delete(article, editor, "Withdrawn article")
    delete(dropped, editor, "Never tabled")
    delete(world["second"], editor, "Duplicate")
    delete(report, editor, "Wrong source")
    delete(gala, editor, "Did not happen")

    found = entries(client.get(feed_url(token)))
    client.force_login(reader)
    for entry in found:
        path = entry["link"].removeprefix("http://testserver")
        assert client.get(path).status_code == 200, (entry["title"], path)
    links = {e["title"]: e["link"] for e in found}
    for kind, pk in gone.items():
        deleted = [t for t in links if t.startswith(f"edi deleted {kind} ")]
        assert deleted, kind
        assert links[deleted[0]].endswith(f"/history/{kind}/{pk}/"), kind
    # Every entry of a deleted record goes there, its creation too.
    created = links["Someone created provision “Art. 9 of Kept draft”"]
    assert created.endswith(f"/history/provision/{gone['provision']}/")

    page = client.get(f"/history/provision/{gone['provision']}/").content.decode()
    assert "was deleted by edi" in page and "Withdrawn article" in page
    assert "Open the corridor." in page  # its last text
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_the_history_of_a_record_that_exists_links_to_it(client, reader, world):
    client.force_login(reader)
    page = client.get(f"/history/position/{world['first'].pk}/").content.decode()
    assert "was deleted" not in page
    assert f"/n/talks/issues/corridor/alpha/#position-{world['first'].pk}" in page
    assert client.get(f"/history/position/{world['first'].pk + 1000}/").status_code == 404
    assert client.get(f"/history/negotiation/{world['negotiation'].pk}/").status_code == 404


def test_every_entry_and_the_feed_have_an_author(client, token, analyst, world):
    """Fails on the old main: entries about changes made by no user (imports, seeds) had
    no author, and the feed none either, which RFC 4287 requires (issue #19)."""
    edit(world["first"], analyst, "Reworded", summary="Demands a corridor, reworded.")
    response = client.get(feed_url(token))
    found = entries(response)
    assert found and all(entry["author"] for entry in found)
    assert {entry["author"] for entry in found} >= {"ana", "Redline"}
    feed_author = ET.fromstring(response.content).findtext(f"{ATOM}author/{ATOM}name")
    assert feed_author == "Redline"
