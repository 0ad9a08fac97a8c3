"""The page cache (negotiations/pagecache.py): fast second reads, never stale, never
one user's page for another, and a revision bumped once per committed transaction."""

import datetime
import io
import re
import types

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations import pagecache
from negotiations.models import Participation, Party, Position
from negotiations.roles import EDITORS, READERS
from tests.conftest import make_event, make_party, make_position, make_user, page_queries
from tests.test_positions import edit_data as edit_position_data
from tests.test_positions import new_position_data
from tests.test_proposals import proposal_data

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
NEW_SUMMARY = "Wants the 1975 Soviet maps."
LATEST = "Demands a corridor without any border controls."


# --- helpers ---------------------------------------------------------------------------


def page_url(view, issue="corridor", party="alpha"):
    """The address of one of the cached pages of the world's negotiation."""
    args = {
        "negotiation": ["talks"],
        "party": ["talks", party],
        "issue": ["talks", issue],
        "thread": ["talks", issue, party],
    }[view]
    return reverse(f"negotiations:{view}", args=args)


PAGES = ["negotiation", "party", "issue", "thread"]


def watch_store(monkeypatch):
    """The list of every body the page cache stores from now on."""
    store = caches["pages"]
    stored = []
    real_set = store.set

    def spy(key, value, *args, **kwargs):
        stored.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(store, "set", spy)
    return stored


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def warm(client, url, stored):
    """GET ``url`` and check its body went into the cache and that a reload is now
    replayed whole (else the test proves nothing); the first GET's content back."""
    before = len(stored)
    content = get(client, url)
    assert len(stored) == before + 1, f"{url}: body not cached"
    get(client, url)  # the first may have set a cookie (CSRF, messages): not replayable
    assert replayed(client, url), f"{url}: reload not replayed"
    return content


def opened(client, user, view, monkeypatch):
    """``user`` opens ``view`` until a reload is replayed: (url, first content, the
    list of bodies the page cache stores from now on)."""
    stored = watch_store(monkeypatch)
    client.force_login(user)
    url = page_url(view)
    return url, warm(client, url, stored), stored


def queries(client, url):
    """(the number of queries a GET of ``url`` ran, its response)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]), response


def replayed(client, url):
    """Whether a GET of ``url`` was answered from the response cache (one query)."""
    count, response = queries(client, url)
    return count == 1 and response.status_code == 200


def without_tokens(html):
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def tokens(html):
    return TOKEN.findall(html)


def add_position(client, world):
    url = reverse("negotiations:position_add", args=["talks"])
    response = client.post(url, new_position_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def logs_out(client, token):
    return client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302


# --- served from the cache -------------------------------------------------------------


@pytest.mark.parametrize("view", PAGES)
def test_second_get_is_served_from_cache_with_fewer_queries_and_the_same_html(
    client, reader, world, view
):
    client.force_login(reader)
    url = page_url(view)
    cold = page_queries(client, url)
    assert page_queries(client, url, warm="body") < cold
    caches["pages"].clear()
    rendered, served = get(client, url), get(client, url)
    assert LATEST in served
    assert without_tokens(served) == without_tokens(rendered)


# --- fresh after every write -----------------------------------------------------------


@pytest.mark.parametrize("view", PAGES)
def test_position_recorded_through_the_form_shows_at_once(
    client, analyst, world, view, monkeypatch
):
    stored = watch_store(monkeypatch)
    client.force_login(analyst)
    url = page_url(view, "maps", "beta")
    assert NEW_SUMMARY not in warm(client, url, stored)
    add_position(client, world)
    assert NEW_SUMMARY in get(client, url)


@pytest.mark.parametrize("view", PAGES)
def test_corrected_position_shows_at_once(client, analyst, world, view, monkeypatch):
    stored = watch_store(monkeypatch)
    client.force_login(analyst)
    url = page_url(view)
    assert LATEST in warm(client, url, stored)
    position = world["second"]
    edit = reverse("negotiations:position_edit", args=[position.pk])
    corrected = "Demands an open corridor, checks by observers only."
    response = client.post(edit, edit_position_data(position, summary=corrected))
    assert response.status_code == 302, response.content.decode()[:2000]
    content = get(client, url)
    assert corrected in content and LATEST not in content


@pytest.mark.parametrize("view", PAGES)
def test_deleted_position_disappears_at_once(client, editor, world, view, monkeypatch):
    stored = watch_store(monkeypatch)
    client.force_login(editor)
    url = page_url(view)
    assert LATEST in warm(client, url, stored)
    delete = reverse("negotiations:position_delete", args=[world["second"].pk])
    assert client.post(delete, {"change_reason": "duplicate"}).status_code == 302
    content = get(client, url)
    assert LATEST not in content
    assert "Demands a corridor without controls." in content


def test_proposal_recorded_through_the_form_shows_on_the_dashboard(
    client, analyst, world, monkeypatch
):
    stored = watch_store(monkeypatch)
    client.force_login(analyst)
    url = page_url("negotiation")
    assert "Framework proposal" not in warm(client, url, stored)
    data = proposal_data(world)
    response = client.post(reverse("negotiations:proposal_add", args=["talks"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Framework proposal" in get(client, url)


@pytest.mark.parametrize("view", ["negotiation", "thread"])
def test_source_renamed_in_the_admin_shows_on_pages_citing_it(
    client, editor, world, view, monkeypatch
):
    stored = watch_store(monkeypatch)
    client.force_login(editor)
    url = page_url(view)
    source = world["source"]
    assert source.title in warm(client, url, stored)
    data = {
        "title": "Interview with the foreign minister",
        "author": "",
        "outlet": "",
        "when": source.partial_date.isoformat(),
        "url": "",
        "kind": source.kind,
        "language": source.language,
        "reliability": source.reliability,
        "notes": "",
        "change_reason": "Wrong interviewee",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:negotiations_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    content = get(client, url)
    assert "Interview with the foreign minister" in content
    assert source.title not in content


@pytest.mark.parametrize("view", ["negotiation", "issue"])
def test_event_issues_changed_directly_bump_the_revision_and_show(
    client, reader, world, view, monkeypatch
):
    stored = watch_store(monkeypatch)
    client.force_login(reader)
    event = make_event(world["negotiation"], title="Ceasefire talks in Brussels")
    url = page_url(view, "maps")
    warm(client, url, stored)
    revision = pagecache.current_revision()
    event.issues.add(world["maps"])
    assert pagecache.current_revision() > revision
    assert "Ceasefire talks in Brussels" in get(client, url)
    if view == "negotiation":
        assert "<small>(Border maps)</small>" in get(client, url)
    revision = pagecache.current_revision()
    world["maps"].events.remove(event)  # the reverse side sends the signal too
    assert pagecache.current_revision() > revision
    content = get(client, url)
    assert "(Border maps)" not in content
    if view == "issue":
        assert "Ceasefire talks in Brussels" not in content


def test_party_joined_through_the_parties_relation_shows_on_the_dashboard(
    client, reader, world, monkeypatch
):
    stored = watch_store(monkeypatch)
    client.force_login(reader)
    url = page_url("negotiation")
    assert "Delta" not in warm(client, url, stored)
    delta = make_party(slug="delta", name="Delta")
    revision = pagecache.current_revision()
    # A bulk insert into the through table: no post_save, only m2m_changed.
    world["negotiation"].parties.add(
        delta, through_defaults={"role": Participation.Role.OBSERVER, "order": 99}
    )
    assert pagecache.current_revision() > revision
    assert "Delta" in get(client, url)


def test_renamed_user_shows_in_cached_thread_history(client, analyst, reader, world, monkeypatch):
    stored = watch_store(monkeypatch)
    position = world["second"]
    client.force_login(analyst)
    edit = reverse("negotiations:position_edit", args=[position.pk])
    assert client.post(edit, edit_position_data(position, summary="Reworded.")).status_code == 302
    client.force_login(reader)
    url = page_url("thread")
    assert "by ana\n" in warm(client, url, stored)
    analyst.username = "ana.k"
    analyst.save()
    assert "by ana.k\n" in get(client, url)


# --- one user's page is never another's --------------------------------------------------


@pytest.mark.parametrize("first, second", [("analyst", "reader"), ("reader", "analyst")])
def test_analyst_and_reader_never_get_each_others_dashboard(world, request, first, second):
    url = page_url("negotiation")
    pages = {}
    for role in (first, second):
        client = Client()
        client.force_login(request.getfixturevalue(role))
        pages[role] = get(client, url)
    assert "Record a position" in pages["analyst"]
    assert "/positions/new/?party=beta&amp;issue=corridor" in pages["analyst"]
    assert "Record a position" not in pages["reader"]
    assert "/positions/new/" not in pages["reader"]


def test_no_cached_body_holds_anyones_csrf_token(
    client, reader, analyst, editor, world, monkeypatch
):
    stored = watch_store(monkeypatch)
    seen = set()
    for user in (reader, analyst, editor):
        client.force_login(user)
        for view in PAGES:
            seen.update(tokens(get(client, page_url(view))))
            seen.update(tokens(get(client, page_url(view))))
        seen.add(client.cookies["csrftoken"].value)
    assert stored and seen
    for body in stored:
        assert not any(token in body for token in seen)
        assert all(not re.fullmatch(r"[A-Za-z0-9]{32,}", value) for value in tokens(body))


def test_same_role_users_share_the_body_but_each_gets_a_working_token_of_their_own(
    reader, world, django_user_model, monkeypatch
):
    stored = watch_store(monkeypatch)
    other = make_user(django_user_model, "rea2", READERS)
    url = page_url("negotiation")
    first, second = csrf_client(reader), csrf_client(other)
    first_page = get(first, url)
    second_page = get(second, url)  # served from the cache the first reader filled
    assert len(stored) == 1
    [first_token], [second_token] = tokens(first_page), tokens(second_page)
    assert first_token != second_token
    assert "rea2 · reader" in second_page and "rea · reader" not in second_page
    assert not logs_out(second, first_token)  # a token from another session is refused
    assert logs_out(first, first_token) and logs_out(second, second_token)


def test_editor_served_a_cached_thread_can_delete_with_the_token_on_it(
    editor, world, django_user_model, monkeypatch
):
    stored = watch_store(monkeypatch)
    other = make_user(django_user_model, "edi2", EDITORS, staff=True)
    url = page_url("thread")
    warm(csrf_client(editor), url, stored)
    client = csrf_client(other)
    content = get(client, url)
    assert len(stored) == 1, "second editor's thread was not served from the cache"
    position = world["second"]
    action = reverse("negotiations:position_delete", args=[position.pk])
    form = content[content.index(f'action="{action}"') :]
    token = tokens(form)[0]
    response = client.post(action, {"csrfmiddlewaretoken": token, "change_reason": "dup"})
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()


def test_flash_message_shows_once_and_is_not_cached(client, analyst, world, monkeypatch):
    stored = watch_store(monkeypatch)
    client.force_login(analyst)
    url = page_url("negotiation")
    warm(client, url, stored)
    add_position(client, world)
    assert "Position recorded." in warm(client, url, stored)
    served = get(client, url)
    assert NEW_SUMMARY in served and "Position recorded." not in served
    assert not any("Position recorded." in body for body in stored)


# --- reloads: the whole response, replayed to its own session only ----------------------


@pytest.mark.parametrize("view", PAGES)
def test_reload_replays_the_same_response_with_one_query(client, reader, world, view):
    client.force_login(reader)
    url = page_url(view)
    get(client, url)
    rendered = client.get(url)
    count, served = queries(client, url)
    assert count == 1
    assert served.content == rendered.content and LATEST in served.content.decode()
    for header in ("Content-Type", "X-Frame-Options", "Content-Security-Policy", "Vary"):
        assert served[header] == rendered[header], header


def test_logged_out_session_gets_the_login_page_not_the_replay(world, reader, monkeypatch):
    stored = watch_store(monkeypatch)
    client = csrf_client(reader)
    url = page_url("negotiation")
    content = warm(client, url, stored)
    assert logs_out(client, tokens(content)[0])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_deleted_on_the_server_is_not_replayed(client, reader, world, monkeypatch):
    url, _, stored = opened(client, reader, "thread", monkeypatch)
    Session.objects.all().delete()  # as `clearsessions`, or an admin ending sessions
    assert client.get(url).status_code == 302


def test_expired_session_is_not_replayed(client, reader, world, monkeypatch):
    url, _, stored = opened(client, reader, "party", monkeypatch)
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    Session.objects.all().update(expire_date=past)  # sessions keep no history
    assert client.get(url).status_code == 302


def test_deactivated_reader_is_not_replayed(client, reader, world, monkeypatch):
    url, _, stored = opened(client, reader, "issue", monkeypatch)
    reader.is_active = False
    reader.save()
    assert client.get(url).status_code == 302


def test_reader_removed_from_their_group_is_refused_on_reload(client, reader, world, monkeypatch):
    url, _, stored = opened(client, reader, "negotiation", monkeypatch)
    reader.groups.clear()
    assert client.get(url).status_code == 403


def test_permission_taken_from_the_readers_group_is_refused_on_reload(
    client, reader, world, monkeypatch
):
    url, _, stored = opened(client, reader, "thread", monkeypatch)
    view = Permission.objects.get(codename="view_negotiation")
    Group.objects.get(name=READERS).permissions.remove(view)
    assert client.get(url).status_code == 403


def test_reader_made_an_analyst_sees_the_analyst_controls_on_reload(
    client, reader, world, monkeypatch
):
    from negotiations.roles import ANALYSTS

    url, content, _ = opened(client, reader, "negotiation", monkeypatch)
    assert "Record a position" not in content
    reader.groups.add(Group.objects.get(name=ANALYSTS))
    assert "Record a position" in get(client, url)


def test_permission_given_to_the_reader_directly_shows_on_reload(
    client, reader, world, monkeypatch
):
    url, content, _ = opened(client, reader, "negotiation", monkeypatch)
    assert "Record a position" not in content
    reader.user_permissions.add(Permission.objects.get(codename="add_position"))
    assert "Record a position" in get(client, url)


def test_another_session_of_the_same_reader_gets_its_own_response(reader, world):
    url = page_url("negotiation")
    first, second = csrf_client(reader), csrf_client(reader)
    for client in (first, second):
        get(client, url)
        get(client, url)
    assert replayed(first, url) and replayed(second, url)
    first_page, second_page = get(first, url), get(second, url)
    [first_token], [second_token] = tokens(first_page), tokens(second_page)
    assert first_token != second_token
    assert not logs_out(second, first_token)
    assert logs_out(first, first_token) and logs_out(second, second_token)


def test_response_that_sets_a_cookie_is_rendered_again(client, reader, world):
    client.force_login(reader)
    url = page_url("negotiation")
    assert "csrftoken" not in client.cookies
    get(client, url)  # sets the CSRF cookie: its response is not kept
    assert not replayed(client, url)
    assert replayed(client, url)


def test_flash_messages_waiting_in_a_cookie_are_shown_not_replayed_over(
    client, reader, world, monkeypatch
):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    url, _, stored = opened(client, reader, "negotiation", monkeypatch)
    carrier = HttpResponse()
    CookieStorage(HttpRequest())._store([Message(constants.INFO, "Feed token renewed.")], carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "Feed token renewed." in get(client, url)
    assert "Feed token renewed." not in get(client, url)


def test_a_session_that_now_holds_another_account_is_rendered_afresh(
    client, reader, analyst, world, monkeypatch
):
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    url, content, _ = opened(client, reader, "negotiation", monkeypatch)
    assert "Record a position" not in content
    # Same session key and CSRF cookie, other contents: whatever the session holds
    # is part of the key, not only what this app puts there today.
    session = client.session
    session[SESSION_KEY] = str(analyst.pk)
    session[HASH_SESSION_KEY] = analyst.get_session_auth_hash()
    session.save()
    assert "Record a position" in get(client, url)


def test_a_response_setting_a_cookie_the_key_does_not_cover_is_not_kept(rf, reader):
    from django.http import HttpResponse

    request = rf.get("/")
    request.COOKIES["csrftoken"] = "a" * 32
    response = HttpResponse("page")
    response.cached_page = True
    response.set_cookie("csrftoken", "a" * 32)  # the same secret sent again: harmless
    pagecache.keep("response:same-csrf", request, response)
    assert caches["responses"].get("response:same-csrf") is not None
    response.set_cookie("django_language", "hy")
    pagecache.keep("response:language", request, response)
    assert caches["responses"].get("response:language") is None


def test_a_page_over_the_size_limit_is_rendered_from_its_cached_body_instead(
    client, reader, world, monkeypatch
):
    url, _, stored = opened(client, reader, "negotiation", monkeypatch)
    caches["responses"].clear()
    monkeypatch.setattr(pagecache, "LARGEST_REPLAY", 1000)
    get(client, url)
    get(client, url)
    assert not replayed(client, url)
    assert len(stored) == 1  # the body was still served from the page cache


@pytest.mark.parametrize(
    "url",
    [
        "/n/no-such-talks/",
        "/n/talks/issues/no-such-issue/",
        reverse("negotiations:search") + "?q=corridor&from=not-a-date",
    ],
)
def test_error_pages_are_not_replayed(client, reader, world, url):
    client.force_login(reader)
    statuses = {client.get(url).status_code for _ in range(3)}
    assert statuses <= {400, 404} and len(statuses) == 1
    count, response = queries(client, url)
    assert count > 1 and response.status_code in {400, 404}


def test_sessions_kept_elsewhere_than_the_database_are_never_looked_up_or_replayed(
    client, reader, world, settings
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client.force_login(reader)
    url = page_url("negotiation")
    for _ in range(3):
        assert LATEST in get(client, url)
    with CaptureQueriesContext(connection) as ctx:
        assert LATEST in get(client, url)
    assert len(ctx.captured_queries) > 1
    assert not any("django_session" in q["sql"] for q in ctx.captured_queries)


def test_pages_not_cached_are_never_replayed(client, analyst, world):
    client.force_login(analyst)
    url = reverse("negotiations:position_add", args=["talks"])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert not replayed(client, url)


# --- a broken cache costs speed, never the page ------------------------------------------


@pytest.mark.parametrize("view", PAGES)
def test_page_still_renders_when_the_cache_fails(client, reader, world, view, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    for alias in ("pages", "responses"):
        monkeypatch.setattr(caches[alias], "get", broken)
        monkeypatch.setattr(caches[alias], "set", broken)
    client.force_login(reader)
    for _ in range(3):
        assert LATEST in get(client, page_url(view))


# --- the revision: bumped once per committed transaction -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_writes_in_one_transaction_bump_the_revision_once_after_commit(world):
    before = pagecache.current_revision()
    with transaction.atomic():
        party = make_party(world["negotiation"], slug="delta", name="Delta")
        make_position(world["maps"], party, world["source"])
        assert pagecache.current_revision() == before
    assert pagecache.current_revision() == before + 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_writes_bump_nothing_and_later_writes_still_bump(world):
    before = pagecache.current_revision()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_party(world["negotiation"], slug="delta", name="Delta")
        raise RuntimeError("rollback")
    assert pagecache.current_revision() == before
    assert not Party.objects.filter(slug="delta").exists()

    # The first write of a transaction in a savepoint that rolls back: the bump it
    # queued goes with it, and the next write in the transaction queues another.
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_party(slug="epsilon", name="Epsilon")
            raise RuntimeError("rollback the savepoint")
        make_party(world["negotiation"], slug="zeta", name="Zeta")
        assert pagecache.current_revision() == before
    assert pagecache.current_revision() == before + 1

    make_party(slug="eta", name="Eta")  # autocommit
    assert pagecache.current_revision() > before + 1


@pytest.mark.django_db(transaction=True)
def test_position_recorded_with_real_commits_shows_at_once(client, analyst, world, monkeypatch):
    stored = watch_store(monkeypatch)
    client.force_login(analyst)
    url = page_url("negotiation")
    assert NEW_SUMMARY not in warm(client, url, stored)
    before = pagecache.current_revision()
    add_position(client, world)
    assert pagecache.current_revision() == before + 1  # one request, one transaction
    assert NEW_SUMMARY in get(client, url)


def test_migrate_bumps_the_revision(db):
    before = pagecache.current_revision()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert pagecache.current_revision() == before + 1


def test_logging_in_leaves_the_cached_pages_alone(client, reader, world):
    before = pagecache.current_revision()
    assert client.login(username=reader.username, password="pw-" + reader.username)
    assert pagecache.current_revision() == before
    reader.first_name = "Rena"
    reader.save()
    assert pagecache.current_revision() == before + 1


def test_a_lost_revision_row_restarts_past_every_number_it_had(db):
    from negotiations.models import Revision

    before = pagecache.current_revision()
    Revision.objects.all().delete()  # as `manage.py flush` or a partial restore would
    after = pagecache.current_revision()
    assert after > before
    pagecache.bump()
    assert pagecache.current_revision() == after + 1


def test_synthesized_data_bumps_the_revision(db, monkeypatch):
    from negotiations import synthetic

    monkeypatch.setitem(synthetic.SCALES, "T", synthetic.Scale(1, 3, 3, 12, 2, 3, 4, 16, 2))
    before = pagecache.current_revision()
    synthetic.Synthesizer("T", seed=3, out=io.StringIO().write).run()
    assert pagecache.current_revision() > before


def test_each_query_string_has_its_own_entry(client, reader, world, monkeypatch):
    stored = watch_store(monkeypatch)
    client.force_login(reader)
    url = page_url("negotiation")
    assert "Transit corridor</a>" in warm(client, url, stored)
    filtered = warm(client, url + "?party=beta&issue=maps", stored)
    table = filtered[filtered.index('class="matrix"') :]
    assert "Border maps</a>" in table and "Transit corridor</a>" not in table


# --- the date is part of the key -----------------------------------------------------------


def test_a_new_day_renders_the_page_afresh_even_on_reload(client, reader, world, monkeypatch):
    url, _, stored = opened(client, reader, "negotiation", monkeypatch)
    get(client, url)
    assert len(stored) == 1

    class Tomorrow(datetime.date):
        @classmethod
        def today(cls):
            return datetime.date.today() + datetime.timedelta(days=1)

    fake = types.SimpleNamespace(**{**vars(datetime), "date": Tomorrow})
    monkeypatch.setattr(pagecache, "datetime", fake)
    assert not replayed(client, url)  # neither the whole response
    assert len(stored) == 2  # nor the body
