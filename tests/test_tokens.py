"""Personal access tokens (issue #19.1): made on the account page, stored hashed, sent as
``Authorization: Bearer …``, reading only, and read by pandas from a live server."""

import hashlib
import json
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from negotiations.accounts import tokens
from negotiations.accounts.roles import READERS
from negotiations.models import UNTRACKED_MODELS, AccessToken, FeedToken, Position
from tests.access_table import KINDS, TABLE, app_patterns, database_state, url_of

CSV = reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "csv"})
JSON = reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "json"})
PAGE = "/n/talks/"
THREAD = "/n/talks/issues/corridor/alpha/"


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def fetch(url, secret, method="get", **data):
    """A request as a script sends it: no cookie, no session, only the header."""
    client = Client(raise_request_exception=False)
    return getattr(client, method)(url, data or None, headers=bearer(secret))


def content(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def token_for(user, name="script", **fields):
    token, secret = tokens.generate(user, name, fields.pop("expires", None))
    for key, value in fields.items():
        setattr(token, key, value)
    token.save()
    return token, secret


def assert_invalid(response):
    assert response.status_code == 401, response.status_code
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "Location" not in response  # never the login page
    assert "not valid" in response.content.decode()


# --- creating, storing, showing once ----------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_stored(client, reader, world):
    client.force_login(reader)
    response = client.post(reverse("accounts:token_create"), {"name": "R notebook"})
    assert response.status_code == 200
    token = AccessToken.objects.get(user=reader)
    secret = response.context["secret"]
    assert secret.startswith("rl_") and len(secret) == 46
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the browser keeps no copy either
    assert token.hashed_secret == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and token.name == "R notebook" and token.expires is None
    stored = json.dumps(list(AccessToken.objects.values()), default=str)
    assert secret not in stored and secret[10:20] not in stored
    page = client.get(reverse("accounts:account")).content.decode()
    assert secret not in page and token.prefix in page and "R notebook" in page


def test_a_token_with_an_expiry_in_days(client, analyst, world):
    client.force_login(analyst)
    before = timezone.now()
    client.post(reverse("accounts:token_create"), {"name": "cron", "expires_in_days": "30"})
    expires = AccessToken.objects.get(user=analyst).expires
    assert before + timedelta(days=30) <= expires <= timezone.now() + timedelta(days=30)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x", "expires_in_days": "0"}, "greater than or equal to 1"),
        ({"name": "x", "expires_in_days": "soon"}, "Enter a whole number."),
        ({"name": "x", "expires_in_days": "99999"}, "less than or equal to 3650"),
        ({"name": "n" * 101}, "at most 100 characters"),
    ],
)
def test_a_bad_token_form_says_why_and_saves_nothing(client, reader, world, data, message):
    client.force_login(reader)
    response = client.post(reverse("accounts:token_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessToken.objects.exists()


def test_the_token_name_is_escaped(client, reader, world):
    client.force_login(reader)
    client.post(reverse("accounts:token_create"), {"name": "<script>x</script>"})
    page = client.get(reverse("accounts:account")).content.decode()
    assert "<script>x" not in page and "&lt;script&gt;x" in page


# --- using -------------------------------------------------------------------------------------


def test_a_token_reads_an_export_a_read_page_and_a_feed(reader, world):
    """Fails on the old main: without a browser session every one of these answered
    with a redirect to the login page, which is what pandas.read_csv(url) choked on."""
    _, secret = token_for(reader)
    csv_response = fetch(CSV, secret)
    assert csv_response.status_code == 200
    assert "Demands a corridor without any border controls." in content(csv_response)
    rows = json.loads(content(fetch(JSON, secret)))
    assert {r["summary"] for r in rows} >= {"Demands a corridor without controls."}
    page = fetch(PAGE, secret)
    assert page.status_code == 200 and "Transit corridor" in page.content.decode()
    assert fetch(PAGE, secret, method="head").status_code == 200
    feed_secret = FeedToken.objects.create(user=reader).token
    feed = reverse("negotiations:feed_negotiation", args=[feed_secret, "talks"])
    assert fetch(feed, secret).status_code == 200
    assert Client().get(feed).status_code == 200  # the feed's own secret URL still works
    bogus = reverse("negotiations:feed_negotiation", args=["0" * 43, "talks"])
    assert fetch(bogus, secret).status_code == 404  # the bearer token is no feed secret


def test_without_a_token_a_script_still_gets_the_login_page(world):
    response = Client().get(CSV)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_scheme_is_case_insensitive_and_other_schemes_are_ignored(reader, world):
    _, secret = token_for(reader)
    client = Client()
    assert client.get(CSV, headers={"Authorization": f"bearer {secret}"}).status_code == 200
    basic = client.get(CSV, headers={"Authorization": "Basic cmVhOnB3LXJlYQ=="})
    assert basic.status_code == 302  # not ours: the usual login redirect


def test_a_revoked_token_is_refused_at_once(client, reader, world):
    token, secret = token_for(reader)
    assert fetch(CSV, secret).status_code == 200
    client.force_login(reader)
    response = client.post(reverse("accounts:token_revoke"), {"token": token.pk})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    token.refresh_from_db()
    assert token.revoked is not None
    assert_invalid(fetch(CSV, secret))
    page = client.get(reverse("accounts:account")).content.decode()
    assert "is revoked" in page and "revoked " in page


def test_an_expired_token_is_refused(reader, world):
    _, secret = token_for(reader, expires=timezone.now() - timedelta(seconds=1))
    assert_invalid(fetch(CSV, secret))
    _, fresh = token_for(reader, expires=timezone.now() + timedelta(hours=1))
    assert fetch(CSV, fresh).status_code == 200


@pytest.mark.parametrize(
    "secret",
    ["", "nonsense", "rl_" + "A" * 43, "rl_" + "A" * 42 + "!", "rl_" + "A" * 500],
)
def test_a_wrong_token_is_401_never_the_login_page(reader, world, secret):
    token_for(reader)
    assert_invalid(fetch(CSV, secret))
    assert_invalid(fetch(PAGE, secret))


def test_the_token_of_a_deactivated_user_is_refused(reader, world):
    _, secret = token_for(reader)
    reader.is_active = False
    reader.save()
    assert_invalid(fetch(CSV, secret))


def test_last_used_is_noted_at_most_once_a_minute(reader, world):
    token, secret = token_for(reader)
    assert token.last_used is None
    start = timezone.now() - timedelta(minutes=5)
    tokens.verify(secret, now=start)
    token.refresh_from_db()
    assert token.last_used == start
    tokens.verify(secret, now=start + timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used == start  # not written again within the minute
    tokens.verify(secret, now=start + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used == start + timedelta(seconds=61)
    fetch(CSV, secret)
    token.refresh_from_db()
    assert token.last_used > start + timedelta(seconds=61)


# --- reading only ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        CSV,
        reverse("negotiations:position_add", args=["talks"]),
        reverse("accounts:token_create"),
        reverse("accounts:password_change"),
        reverse("logout"),
        "/admin/negotiations/position/add/",
    ],
)
def test_a_post_with_a_token_is_refused_and_writes_nothing(editor, world, url):
    _, secret = token_for(editor)
    before = database_state()
    response = fetch(url, secret, method="post", summary="x", name="y")
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    assert "can only read (GET or HEAD)" in response.content.decode()
    assert database_state() == before
    for method in ("put", "patch", "delete", "options"):
        assert fetch(url, secret, method=method).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        reverse("negotiations:position_add", args=["talks"]),
        reverse("negotiations:import"),
        reverse("negotiations:feed_tokens"),
        reverse("accounts:account"),
        reverse("accounts:password_change"),
        reverse("admin:index"),
        "/admin/auth/user/",
    ],
)
def test_a_token_never_opens_a_form_the_account_pages_or_the_admin(editor, world, url):
    """Wrong scope: even an editor's token, even for GET."""
    _, secret = token_for(editor)
    response = fetch(url, secret)
    assert response.status_code == 403, url
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    assert "read pages, the exports and the feeds only" in response.content.decode()


def test_every_view_opens_to_a_token_only_if_it_reads(cast):
    """Walks every URL: a reader's token gets 200 from the views in TOKEN_VIEWS and 403
    from every other one, and TOKEN_VIEWS holds only views the matrix calls reads."""
    reading_kinds = {"page", "read", "public-token", "api", "api-docs"}
    names = {name for name, _ in app_patterns()}
    assert names >= tokens.TOKEN_VIEWS
    assert {TABLE[name] for name in tokens.TOKEN_VIEWS} <= reading_kinds
    _, secret = token_for(cast["users"]["reader"])
    wrong = []
    for name, pattern in app_patterns():
        response = fetch(url_of(name, pattern, cast), secret)
        expected = 200 if name in tokens.TOKEN_VIEWS else 403
        if response.status_code != expected:
            wrong.append((name, response.status_code))
    assert wrong == []
    assert len(tokens.TOKEN_VIEWS) >= 30
    assert all(KINDS[TABLE[name]]["reader"][0] == 200 for name in tokens.TOKEN_VIEWS)


def test_a_reader_token_reads_exactly_what_the_reader_reads(client, reader, world):
    _, secret = token_for(reader)
    client.force_login(reader)
    for url in (CSV, JSON, reverse("negotiations:sources_export", kwargs={"fmt": "csv"})):
        assert content(fetch(url, secret)) == content(client.get(url))


def test_an_analyst_token_has_only_the_analysts_read_permissions(client, analyst, world):
    """The analyst's own session shows the edit controls; their token's page does not,
    and the analyst-only form is refused to it as to a reader's."""
    _, secret = token_for(analyst)
    client.force_login(analyst)
    assert "Correct this statement" in client.get(THREAD).content.decode()
    page = fetch(THREAD, secret)
    assert page.status_code == 200 and "Demands a corridor" in page.content.decode()
    assert "Correct this statement" not in page.content.decode()
    assert fetch(reverse("negotiations:position_add", args=["talks"]), secret).status_code == 403


def test_a_superusers_token_has_only_view_permissions(django_user_model, world):
    boss = django_user_model.objects.create_superuser("boss", password="pw-boss")
    token, secret = token_for(boss)
    user = tokens.ReadOnlyUser(boss)
    assert user.has_perm("negotiations.view_position")
    assert not user.has_perm("negotiations.change_position")
    assert not user.has_perm("auth.add_user")
    assert isinstance(user, django_user_model) and user.pk == boss.pk
    assert "Correct this statement" not in fetch(THREAD, secret).content.decode()


def test_the_token_of_a_user_without_a_role_reads_nothing(reader, world):
    _, secret = token_for(reader)
    reader.groups.clear()
    for url in (CSV, PAGE):
        response = fetch(url, secret)
        assert response.status_code == 403 and "no role" in response.content.decode()
    reader.groups.add(Group.objects.get(name=READERS))
    assert fetch(CSV, secret).status_code == 200


def test_a_token_answer_sets_no_cookie_and_makes_no_session(client, reader, world):
    """The read page renders a form (the header's log-out button) that would set the
    CSRF cookie; a token's answer carries none, nor a session cookie."""
    _, secret = token_for(reader)
    client.force_login(reader)  # a browser session sent along must be left alone
    sessions = Session.objects.count()
    for url in (PAGE, CSV, "/n/nowhere/"):
        response = Client().get(url, headers=bearer(secret))
        assert "Set-Cookie" not in response.serialize_headers().decode(), url
        assert not response.cookies, url
        response = client.get(url, headers=bearer(secret))
        assert not response.cookies, url
    for response in (fetch(PAGE, "wrong"), fetch(CSV, secret, method="post")):
        assert not response.cookies
    assert Session.objects.count() == sessions
    assert client.get(PAGE).status_code == 200  # the browser session still works


def test_read_pages_answer_304_to_a_token_reload(reader, world):
    _, secret = token_for(reader)
    first = fetch(PAGE, secret)
    again = Client().get(PAGE, headers={**bearer(secret), "If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_access_tokens_have_no_history():
    assert "AccessToken" in UNTRACKED_MODELS and not hasattr(AccessToken, "history")


# --- managing: every role its own tokens, a stranger none ---------------------------------------


@pytest.mark.parametrize("role", ["reader", "analyst", "editor"])
def test_every_role_manages_its_own_tokens(client, world, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("accounts:account")).status_code == 200
    assert client.post(reverse("accounts:token_create"), {"name": role}).status_code == 200
    token = AccessToken.objects.get(user=user)
    assert client.post(reverse("accounts:token_revoke"), {"token": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_a_stranger_can_neither_see_nor_make_nor_revoke_tokens(client, stranger, world):
    token, _ = token_for(stranger)  # made before the role was taken away
    client.force_login(stranger)
    assert client.get(reverse("accounts:account")).status_code == 403
    assert client.post(reverse("accounts:token_create"), {"name": "x"}).status_code == 403
    response = client.post(reverse("accounts:token_revoke"), {"token": token.pk})
    assert response.status_code == 403
    assert AccessToken.objects.filter(user=stranger).count() == 1
    token.refresh_from_db()
    assert token.revoked is None


def test_nobody_revokes_or_sees_someone_elses_token(client, reader, analyst, world):
    theirs, _ = token_for(analyst, name="analyst's private script")
    client.force_login(reader)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "analyst's private script" not in page
    response = client.post(reverse("accounts:token_revoke"), {"token": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked is None
    assert client.post(reverse("accounts:token_revoke"), {"token": "x"}).status_code == 400


def test_revoking_needs_a_post_with_the_csrf_token(reader, world):
    token, _ = token_for(reader)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.get(reverse("accounts:token_revoke")).status_code == 405
    assert client.post(reverse("accounts:token_revoke"), {"token": token.pk}).status_code == 403
    token.refresh_from_db()
    assert token.revoked is None


def test_the_header_links_to_the_account_page(client, reader, world):
    client.force_login(reader)
    assert f'href="{reverse("accounts:account")}"' in client.get(PAGE).content.decode()


# --- pandas against a live server ----------------------------------------------------------------


def export_urls(slug="talks"):
    """Every CSV and JSON export of the app, as a script would ask for it."""
    args = {
        "analytics_export": [slug],
        "search_export": [],
        "sources_export": [],
        "codebook_export": [],
        "matrix_export": [slug],
        "positions_export": [slug],
        "snapshot_export": [slug],
        "party_export": [slug, "alpha"],
        "issue_export": [slug, "corridor"],
        "thread_export": [slug, "corridor", "alpha"],
        "proposals_export": [slug],
        "provisions_export": [slug, "draft"],
        "compare_export": [slug],
    }
    query = {
        "search_export": "?q=corridor",
        "snapshot_export": "?a=2024-01-01&b=2024-03-01",
        "compare_export": "",
    }
    for name, values in args.items():
        for fmt in ("csv", "json"):
            kwargs = dict(zip(_keys(name), values, strict=True)) | {"fmt": fmt}
            yield name, fmt, reverse(f"negotiations:{name}", kwargs=kwargs) + query.get(name, "")


def _keys(name):
    return {
        "party_export": ["slug", "party"],
        "issue_export": ["slug", "issue"],
        "thread_export": ["slug", "issue", "party"],
        "provisions_export": ["slug", "proposal"],
        "search_export": [],
        "sources_export": [],
        "codebook_export": [],
    }.get(name, ["slug"])


@pytest.mark.django_db(transaction=True)
def test_pandas_reads_every_export_from_a_live_server_with_a_token(live_server, world, reader):
    """The README's snippet, run: pandas.read_csv / read_json with the token header.
    Fails on the old main, where each answer was the login page (HTML) instead."""
    pandas = pytest.importorskip("pandas")
    from tests.factories import make_proposal, make_provision

    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    make_provision(draft, label="Art. 1", text="Open the corridor.", order=1)
    _, secret = token_for(reader)
    headers = {"Authorization": f"Bearer {secret}"}
    seen = set()
    for name, fmt, path in export_urls():
        url = live_server.url + path
        if fmt == "csv":
            frame = pandas.read_csv(url, storage_options=headers)
        else:
            frame = pandas.read_json(url, storage_options=headers)
        assert not any("<" in str(column) for column in frame.columns), (name, fmt)  # HTML
        if name not in ("compare_export",):  # compare without ?a=&b= is an empty table
            assert len(frame) > 0, (name, fmt)
        seen.add((name, fmt))
    assert len(seen) == 26
    positions = pandas.read_csv(
        live_server.url + CSV, storage_options={"Authorization": f"Bearer {secret}"}
    )
    assert set(positions["summary"]) == set(Position.objects.values_list("summary", flat=True))
    document = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                live_server.url + reverse("negotiations:export_negotiation", args=["talks"]),
                headers=headers,
            )
        ).read()
    )
    assert document["format"] == "redline/1"
    statements = pandas.json_normalize(document["positions"])
    assert len(statements) == Position.objects.count()
    with pytest.raises(urllib.error.HTTPError) as refused:
        pandas.read_csv(url, storage_options={"Authorization": "Bearer rl_" + "x" * 43})
    assert refused.value.code == 401


def test_export_urls_cover_every_export(db):
    names = {name for name, _ in app_patterns() if name.endswith("_export")}
    assert {f"negotiations:{name}" for name, _, _ in export_urls()} == names
