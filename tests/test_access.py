"""Nothing is public: every URL needs a login (found by walking the URL resolver)."""

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from negotiations.api import endpoints
from tests.factories import walk

# Feed readers cannot log in: their URLs carry a secret token instead (tests/test_feeds.py).
PUBLIC = {
    "login",
    "admin:login",
    "negotiations:healthz",
    "negotiations:feed_negotiation",
    "negotiations:feed_thread",
    # For those who cannot log in (tests/test_accounts.py).
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
# The JSON API answers an anonymous request 401 JSON instead (tests/test_api.py).
API = endpoints.UNAUTHORIZED_NAMES


def sample_kwargs(world, pattern):
    values = {
        "slug": world["negotiation"].slug,
        "issue": world["corridor"].slug,
        "party": world["alpha"].slug,
        "uid": world["source"].uid,
        "proposal": "draft",
        "text": "draft",
        "object_id": "1",
        "app_label": "negotiations",
        "content_type_id": "1",
        "history_id": "1",
        "url": "x",
        "version": "1",
        "pk": world["first"].pk,
        "kind": "position",
        "token": "0" * 32,
        "id": "1",
    }
    return {name: values[name] for name in pattern.pattern.converters} | {
        name: values[name] for name in pattern.pattern.regex.groupindex if name in values
    }


def all_urls(world):
    for name, _route, pattern in walk(get_resolver().url_patterns):
        if name is None or name in PUBLIC | API:
            continue
        regex = pattern.pattern.regex
        if regex.groups and not regex.groupindex:  # re_path with positional groups
            yield name, reverse(name, args=["1"] * regex.groups)
        else:
            yield name, reverse(name, kwargs=sample_kwargs(world, pattern))


def test_the_walk_finds_the_app_and_admin_pages(world):
    names = {name for name, _ in all_urls(world)}
    assert "negotiations:negotiation" in names
    assert "negotiations:thread" in names
    assert "admin:negotiations_position_changelist" in names


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_user_is_sent_to_login_from_every_url(client, world, method):
    checked = 0
    for name, url in all_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (name, url, response.status_code)
        logins = (reverse(settings.LOGIN_URL), reverse("admin:login"))
        assert response["Location"].startswith(logins), (name, url, response["Location"])
        checked += 1
    assert checked > 50


def test_only_the_declared_views_skip_the_login(world):
    public = {
        name
        for name, _route, pattern in walk(get_resolver().url_patterns)
        if not getattr(pattern.callback, "login_required", True)
    }
    assert public <= PUBLIC | API | {"logout"}, public - PUBLIC - API
    assert {"api:statements", "api:openapi-json"} <= API
    assert "api:openapi-view" not in API and "api:api-root" not in API


def test_feed_with_a_bad_token_is_not_found(client, world):
    url = reverse("negotiations:feed_negotiation", kwargs={"token": "x" * 43, "slug": "talks"})
    assert client.get(url).status_code == 404


def test_login_and_healthz_are_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("negotiations:healthz")).status_code == 200


def test_healthz_uses_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("negotiations:healthz"))
    assert response.json() == {"status": "ok"}


def test_stranger_without_role_sees_no_negotiation(client, world, stranger):
    client.force_login(stranger)
    response = client.get(world["negotiation"].get_absolute_url())
    assert response.status_code == 403
    assert b"no role" in response.content


def test_reader_sees_negotiation(client, world, reader):
    client.force_login(reader)
    assert client.get(world["negotiation"].get_absolute_url()).status_code == 200


def test_user_can_log_in_and_out(client, world, reader):
    response = client.post(reverse("login"), {"username": "rea", "password": "pw-rea"})
    assert response.status_code == 302
    assert client.get(reverse("negotiations:home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("negotiations:home")).status_code == 302
