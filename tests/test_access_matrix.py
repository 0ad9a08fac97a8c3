"""Who may do what, for every view: a declared table, checked by walking the URL resolver.

Every named URL of the app and of config/urls.py (the admin only through its index) is
requested by each role — anonymous, a stranger (logged in, no group), a reader, an
analyst, an editor — with GET and with POST, and the answer is compared with TABLE
below. A view that is not in TABLE fails the test: a new view must be declared here.

Refused writes are sent with a body that would have been a valid write (the last test
proves each body writes for a role that may), and must leave every table unchanged:
the row counts of every model and history table, and every value of the app's rows.
"""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import get_resolver, reverse

from negotiations.accounts.roles import READERS
from negotiations.models import FeedToken, Position, Provision
from tests.access_table import (
    KINDS,
    REFUSED,
    ROLES,
    TABLE,
    WRITE,
    WRITE_ANSWERS,
    app_patterns,
    client_for,
    database_state,
    matches,
    url_of,
    valid_bodies,
)
from tests.factories import position_edit_data, walk


def test_every_view_is_declared_in_the_table_and_nothing_else_is(db):
    names = {name for name, _ in app_patterns()}
    assert names - set(TABLE) == set(), "declare these views in TABLE"
    assert set(TABLE) - names == set(), "these TABLE entries name no view"
    assert set(TABLE.values()) <= set(KINDS)
    assert all(set(expected) == set(ROLES) for expected in KINDS.values())


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_declared_answer_from_every_view(cast, role):
    user = cast["users"][role]
    bodies = valid_bodies(cast)
    wrong, checked, refused_writes = [], 0, 0
    for name, pattern in app_patterns():
        url = url_of(name, pattern, cast)
        expected_get, expected_post = KINDS[TABLE[name]][role]
        for method, expected in (("get", expected_get), ("post", expected_post)):
            data = {}
            if method == "post" and expected in REFUSED:
                data = bodies.get(name, {})
                data = data() if callable(data) else data
                refused_writes += name in bodies
            client = client_for(user)
            before = database_state()
            response = getattr(client, method)(url, data)
            checked += 1
            assert response.status_code != 500, (name, method, role)
            if not matches(expected, response):
                wrong.append((name, url, method, expected, response.status_code))
            if expected != WRITE:
                assert database_state() == before, f"{role} {method} {url} changed the database"
    assert not wrong, "\n".join(map(str, wrong))
    assert checked >= 2 * len(TABLE)
    if role in ("anonymous", "stranger", "reader"):
        assert refused_writes >= 10


def first_allowed_role(name):
    """The least privileged role whose POST to the view is a WRITE."""
    return next(role for role in ROLES if KINDS[TABLE[name]][role][1] == WRITE)


WRITE_VIEWS = [
    "negotiations:position_add",
    "negotiations:position_edit",
    "negotiations:position_delete",
    "negotiations:proposal_add",
    "negotiations:proposal_edit",
    "negotiations:proposal_paste",
    "negotiations:provision_add",
    "negotiations:provision_edit",
    "negotiations:provision_delete",
    "negotiations:provisions_reorder",
    "negotiations:step_add",
    "negotiations:text_party_add",
    "negotiations:reported_add",
    "negotiations:person_add",
    "negotiations:person_edit",
    "negotiations:source_add",
    "negotiations:source_edit",
    "negotiations:import",
    "negotiations:feed_token_change",
    "negotiations:compare_pairing",
    "negotiations:person_add",
    "negotiations:person_edit",
    "negotiations:citation_edit",
    "negotiations:citation_delete",
    "negotiations:event_add",
    "negotiations:event_edit",
    "negotiations:step_edit",
    "negotiations:step_delete",
    "negotiations:text_party_edit",
    "negotiations:text_party_delete",
    "negotiations:reported_edit",
    "negotiations:reported_delete",
    "accounts:token_create",
    "accounts:token_revoke",
    "accounts:password_change",
]


def test_every_write_view_has_a_valid_body(cast):
    writes = {name for name, kind in TABLE.items() if WRITE in {p for _, p in KINDS[kind].values()}}
    assert writes - {"logout"} == set(WRITE_VIEWS) == set(valid_bodies(cast))


@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_the_bodies_sent_with_refused_writes_do_write_for_a_role_that_may(cast, name):
    """So the refusals above are meaningful: the same request would have changed data."""
    role = first_allowed_role(name)
    pattern = next(p for n, p in app_patterns() if n == name)
    data = valid_bodies(cast)[name]
    data = data() if callable(data) else data
    before = database_state()
    response = client_for(cast["users"][role]).post(url_of(name, pattern, cast), data)
    assert response.status_code == WRITE_ANSWERS.get(name, 302), (name, role, response.status_code)
    assert database_state() != before


# --- admin: only editors ------------------------------------------------------------------


def admin_urls():
    for name, _route, pattern in walk(get_resolver().url_patterns):
        if not (name or "").startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        regex = pattern.pattern.regex
        if regex.groups and not regex.groupindex:
            yield name, reverse(name, args=["1"] * regex.groups)
        else:
            kwargs = {key: "1" for key in regex.groupindex}
            if "app_label" in kwargs:
                kwargs["app_label"] = "negotiations"
            yield name, reverse(name, kwargs=kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["stranger", "reader", "analyst"])
def test_roles_without_staff_are_sent_to_the_admin_login_and_change_nothing(cast, role):
    client = client_for(cast["users"][role])
    seen = 0
    for name, url in admin_urls():
        for method in ("get", "post"):
            before = database_state()
            response = getattr(client, method)(url, {"change_reason": "x", "title": "x"})
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (name, url)
            assert database_state() == before, (name, method)
            seen += 1
    assert seen > 80


# --- object-level checks: feed tokens and exports -------------------------------------------


def feed_urls(token):
    return [
        reverse("negotiations:feed_negotiation", args=[token, "talks"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "corridor", "alpha"]),
    ]


def assert_feeds(token, status):
    for url in feed_urls(token):
        response = Client().get(url)
        assert response.status_code == status, (url, response.status_code)
        if status == 404:
            assert b"Peace talks" not in response.content
            assert b"corridor" not in response.content.lower()


def test_a_feed_token_stops_working_when_its_user_loses_the_role(cast):
    token = cast["token"]
    assert_feeds(token.token, 200)
    token.user.groups.clear()
    assert_feeds(token.token, 404)
    token.user.groups.add(Group.objects.get(name=READERS))
    assert_feeds(token.token, 200)


def test_a_feed_token_of_a_deactivated_user_is_not_found(cast):
    token = cast["token"]
    token.user.is_active = False
    token.user.save()
    assert_feeds(token.token, 404)


def test_a_feed_token_of_a_user_who_never_had_a_role_is_not_found(cast):
    token = FeedToken.objects.create(user=cast["users"]["stranger"])
    assert_feeds(token.token, 404)


def test_a_revoked_token_reveals_nothing_and_answers_like_a_token_that_never_existed(cast):
    reader = cast["users"]["reader"]
    client = client_for(reader)
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    old = FeedToken.objects.get(user=reader)
    assert_feeds(old.token, 200)
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    new = FeedToken.objects.active().get(user=reader)
    assert new.token != old.token
    assert_feeds(old.token, 404)
    assert_feeds(new.token, 200)
    client.post(reverse("negotiations:feed_token_change"))  # revoke without a new one
    assert_feeds(new.token, 404)
    never = Client().get(feed_urls("x" * len(new.token))[0])
    revoked = Client().get(feed_urls(new.token)[0])
    assert revoked.status_code == never.status_code == 404
    assert revoked.content == never.content
    # The other reader's token is untouched by this reader's revocations.
    assert_feeds(cast["token"].token, 200)


def test_revoking_my_tokens_leaves_other_users_tokens_alone(cast):
    client = client_for(cast["users"]["editor"])
    client.post(reverse("negotiations:feed_token_change"))
    assert FeedToken.objects.get(pk=cast["token"].pk).is_active


def test_my_feed_page_never_shows_another_users_token(cast):
    for role in ("reader", "analyst", "editor"):
        response = client_for(cast["users"][role]).get(reverse("negotiations:feed_tokens"))
        assert response.status_code == 200
        assert cast["token"].token not in response.content.decode()


def test_a_valid_token_opens_no_negotiation_issue_or_party_that_does_not_exist(cast):
    token = cast["token"].token
    for url in (
        reverse("negotiations:feed_negotiation", args=[token, "no-such-talks"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "no-such-issue", "alpha"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "corridor", "no-such-party"]),
    ):
        assert Client().get(url).status_code == 404, url


def test_a_token_works_only_in_the_feed_urls_not_as_a_login(cast):
    anonymous = Client()
    for url in (
        reverse("negotiations:negotiation", args=["talks"]),
        reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "json"}),
    ):
        response = anonymous.get(url, {"token": cast["token"].token})
        assert response.status_code == 302 and "/login/" in response["Location"]


def export_urls(cast):
    for name, pattern in app_patterns():
        if "export" in name:
            yield name, url_of(name, pattern, cast)


@pytest.mark.parametrize("role", ["anonymous", "stranger"])
def test_exports_require_a_role_and_leak_nothing_without_one(cast, role):
    client = client_for(cast["users"][role])
    seen = 0
    for name, url in export_urls(cast):
        response = client.get(url)
        assert response.status_code in (302, 403), (name, response.status_code)
        assert "attachment" not in response.get("Content-Disposition", "")
        text = response.content.decode()
        assert "Demands a corridor" not in text and "Peace talks" not in text, name
        seen += 1
    assert seen >= 19


def test_losing_a_role_takes_effect_on_the_next_request(cast):
    analyst = cast["users"]["analyst"]
    client = client_for(analyst)
    edit = reverse("negotiations:position_edit", args=[cast["first"].pk])
    export = reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "csv"})
    assert client.get(edit).status_code == 200
    assert client.get(export).status_code == 200
    analyst.groups.clear()
    before = database_state()
    assert client.get(edit).status_code == 403
    assert client.get(export).status_code == 403
    response = client.post(edit, position_edit_data(cast["first"], summary="Sneaky."))
    assert response.status_code == 403
    assert database_state() == before


def test_an_editor_who_loses_staff_status_can_no_longer_import(cast):
    editor = cast["users"]["editor"]
    editor.is_staff = False
    editor.save()
    client = client_for(editor)
    assert client.get(reverse("negotiations:import")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_role_without_the_permission_cannot_tell_missing_rows_from_existing_ones(cast):
    """The permission is checked before the lookup: a reader gets 403 either way."""
    reader, analyst = cast["users"]["reader"], cast["users"]["analyst"]
    missing = Position.objects.order_by("-pk").first().pk + 1000
    missing_provision = Provision.objects.order_by("-pk").first().pk + 1000
    for url in (
        reverse("negotiations:position_edit", args=[missing]),
        reverse("negotiations:provision_edit", args=[missing_provision]),
    ):
        assert client_for(reader).get(url).status_code == 403
        assert client_for(analyst).get(url).status_code == 404
    source = reverse("negotiations:source", args=[uuid.uuid4()])
    assert client_for(reader).get(source).status_code == 404
