"""Production settings, security headers, database faults (login throttling: test_login.py)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
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
