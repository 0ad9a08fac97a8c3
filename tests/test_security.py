"""Production settings, security headers, database faults (login throttling: test_login.py)."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from tests.factories import PRODUCTION_ENV, ROOT, run_production


@pytest.mark.slow
def test_check_deploy_passes_with_production_environment():
    out = run_production(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    assert "no issues" in out


@pytest.mark.slow
def test_production_responses_carry_hsts_secure_cookies_and_csp(tmp_path):
    out = run_production(
        "import django, json; django.setup();"
        "from django.core.management import call_command;"
        "call_command('collectstatic', '--no-input', verbosity=0);"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='redline.example.org').get('/login/', secure=True);"
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers),"
        " 'cookies': {k: dict(v) for k, v in r.cookies.items()}}))",
        STATIC_ROOT=str(tmp_path),
    )
    data = json.loads(out.strip().splitlines()[-1])
    headers = data["headers"]
    assert data["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "default-src 'self'" in csp
    cookie = data["cookies"]["csrftoken"]
    assert cookie["secure"] is True and cookie["httponly"] is True


@pytest.mark.slow
def test_production_redirects_plain_http_to_https():
    out = run_production(
        "import django; django.setup(); from django.test import Client;"
        "r = Client(HTTP_HOST='redline.example.org').get('/login/');"
        "print(r.status_code, r.headers.get('Location'))"
    )
    assert out.split()[:2] == ["301", "https://redline.example.org/login/"]


@pytest.mark.slow
def test_proxy_ssl_header_is_configurable():
    out = run_production(
        "import os; os.environ['SECURE_PROXY_SSL_HEADER']='HTTP_X_FORWARDED_PROTO,https';"
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SECURE_PROXY_SSL_HEADER)"
    )
    assert out.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.slow
def test_production_needs_a_secret_key():
    env = {**os.environ, **PRODUCTION_ENV, "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and "SECRET_KEY setting must not be empty" in result.stderr


def test_pages_send_csp_without_unsafe_inline(client, reader, world):
    client.force_login(reader)
    for url in (world["negotiation"].get_absolute_url(), reverse("login")):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_admin_pages_have_no_inline_scripts_or_styles(client, editor, world):
    client.force_login(editor)
    content = client.get(reverse("admin:negotiations_position_change", args=[world["first"].pk]))
    html = content.content.decode()
    assert "<script>" not in html and " onclick=" not in html
    assert "unsafe-inline" not in content["Content-Security-Policy"]


def test_password_validators_are_on():
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 3


# --- database faults --------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "_cursor", refuse)
    return monkeypatch


def test_pages_answer_503_with_a_plain_page_when_database_is_down(client, reader, world):
    client.force_login(reader)
    url = world["negotiation"].get_absolute_url()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            BaseDatabaseWrapper,
            "_cursor",
            lambda self, *a, **k: (_ for _ in ()).throw(OperationalError("connection refused")),
        )
        client.raise_request_exception = False
        response = client.get(url)
        health = client.get(reverse("negotiations:healthz"))
    body = response.content.decode()
    assert response.status_code == 503
    assert "temporarily unavailable" in body
    assert "Traceback" not in body and "SECRET" not in body and "connection refused" not in body
    assert health.status_code == 503 and health.json()["status"] == "unhealthy"
    # The database is back: the app recovers without a restart.
    assert client.get(url).status_code == 200
    assert client.get(reverse("negotiations:healthz")).json() == {"status": "ok"}


def test_other_errors_stay_500_without_details(client, reader, world, monkeypatch):
    from negotiations.views import positions

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(positions.analysis, "matrix", boom)
    client.force_login(reader)
    client.raise_request_exception = False
    response = client.get(world["negotiation"].get_absolute_url())
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()


# --- issue #12: request bodies, caching of private answers, text limits ------------------


class UnreadBody(io.BytesIO):
    """A request body that fails the test as soon as anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


def post_declaring(client, path, length):
    """A multipart POST whose Content-Length says `length` bytes; none are sent."""
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadBody()},
    )


@pytest.mark.parametrize(
    ("who", "path", "message"),
    [
        (None, "/login/", "a form takes at most 5.0\xa0MB"),
        ("analyst", "/n/talks/proposals/paste/", "a form takes at most 5.0\xa0MB"),
        ("editor", "/import/", "a file of at most 5.0\xa0MB"),
    ],
)
def test_a_huge_body_is_refused_with_413_before_it_is_read(world, request, who, path, message):
    """Fails on the old main: the CSRF check read request.POST first, so a 300 MB
    multipart body was spooled to disk (even on the login page, by anyone) before any
    size check."""
    client = Client(enforce_csrf_checks=True)  # as in production: the check reads POST
    if who:
        client.force_login(request.getfixturevalue(who))
    response = post_declaring(client, path, 300 * 1024 * 1024)
    assert response.status_code == 413
    assert message in response.content.decode()


def test_the_upload_page_takes_a_larger_body_than_a_form(editor, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert post_declaring(client, "/n/talks/proposals/paste/", limit + 1).status_code == 413
    # Over the form limit, under UPLOAD_MAX_REQUEST_SIZE: the import page reads it and
    # answers with its own message (tests/test_import.py); here CSRF refuses it first.
    body = b"--BoUnDaRy--\r\n"
    response = client.generic(
        "POST",
        "/import/",
        body,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(limit + 1),
        **{"wsgi.input": io.BytesIO(body)},
    )
    assert response.status_code == 403  # reached the CSRF check: not refused for its size
    assert settings.UPLOAD_MAX_REQUEST_SIZE > settings.FILE_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize(
    "path",
    [
        "/n/talks/",
        "/n/talks/positions.csv",
        "/n/talks/document.json",
        "/feeds/",
        "/import/",
        "/sources/",
    ],
)
def test_what_a_logged_in_user_sees_is_not_stored_by_caches(client, editor, world, path):
    """Fails on the old main: pages, exports and "My feeds" (which shows the secret feed
    addresses) had no Cache-Control, so a browser or a proxy could keep them. Pages with
    secrets and exports are never stored; read pages are private and revalidated."""
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200
    directives = set(response["Cache-Control"].split(", "))
    if response.has_header("ETag"):
        # Read pages: only the browser's own cache may keep them, and it must ask
        # every time (a reload is a 304, issue #13); no proxy stores them.
        assert {"private", "no-cache"} <= directives
    else:
        assert "no-store" in directives


def test_a_cache_control_set_by_the_view_is_left_alone(rf):
    from django.http import HttpResponse

    from negotiations.middleware import NoStoreMiddleware

    def view_with(value):
        response = HttpResponse("ok")
        if value:
            response["Cache-Control"] = value
        return lambda request: response

    logged_in = rf.get("/n/talks/")
    logged_in.COOKIES[settings.SESSION_COOKIE_NAME] = "x" * 32
    kept = NoStoreMiddleware(view_with("private, no-cache"))(logged_in)
    assert kept["Cache-Control"] == "private, no-cache"
    assert NoStoreMiddleware(view_with(None))(logged_in)["Cache-Control"] == "no-store"
    anonymous = rf.get("/login/")
    anonymous.user = AnonymousUser()
    assert not NoStoreMiddleware(view_with(None))(anonymous).has_header("Cache-Control")


def test_a_closed_connection_is_a_503_not_a_500(client, reader, world):
    """Fails on the old main: InterfaceError ("connection already closed") is not a
    DatabaseError, so it was answered as a bug (500)."""
    client.force_login(reader)
    client.raise_request_exception = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            BaseDatabaseWrapper,
            "_cursor",
            lambda self, *a, **k: (_ for _ in ()).throw(InterfaceError("connection closed")),
        )
        response = client.get(world["negotiation"].get_absolute_url())
        health = client.get(reverse("negotiations:healthz"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert health.status_code == 503


def test_a_megabyte_summary_is_refused_at_the_field_and_nothing_saved(analyst, world):
    """Fails on the old main: summary, quote and excerpt had no maximum (1 MB was saved
    and shown on every page listing the position)."""
    from negotiations.models import Citation, Position
    from tests.factories import new_position_data

    client = Client()
    client.force_login(analyst)
    counts = (Position.history.count(), Citation.history.count())
    megabyte = "x" * (1024 * 1024)
    data = new_position_data(
        world, summary=megabyte, quote=megabyte, **{"cite-0-excerpt": megabyte}
    )
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "at most 2000 characters" in errors["summary"][0]
    assert "at most 20000 characters" in errors["quote"][0]
    excerpt = response.context["citations"].forms[0].errors["excerpt"][0]
    assert "at most 20000 characters" in excerpt
    assert (Position.history.count(), Citation.history.count()) == counts


def test_an_import_with_overlong_texts_is_refused_with_their_paths(db):
    from negotiations.exchange.interchange import InvalidDocument, import_document
    from tests.factories import base_document

    document = base_document()
    document["positions"][0]["summary"] = "x" * 2001
    document["positions"][0]["citations"][0]["excerpt"] = "x" * 20_001
    document["proposals"][0]["provisions"][0]["text"] = "x" * 500_001
    with pytest.raises(InvalidDocument) as refused:
        import_document(document, reason="test")
    assert set(refused.value.errors) == {
        "positions[0].summary: must be at most 2000 characters",
        "positions[0].citations[0].excerpt: must be at most 20000 characters",
        "proposals[0].provisions[0].text: must be at most 500000 characters",
    }
