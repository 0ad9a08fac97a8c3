"""Database timeouts, DATABASE_URL parsing and what /healthz says about the database."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.utils import ConnectionHandler
from django.urls import reverse

from config.settings import database_from_url
from negotiations.database import long_running, statement_timeout
from negotiations.exchange.interchange import ImportResult

ROOT = Path(settings.BASE_DIR)
SEED = ROOT / "seeds" / "armenia-azerbaijan.json"


def on_postgresql(test):
    reason = "statement timeouts and read-only transactions of PostgreSQL (DATABASE_URL)"
    skip = pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)
    return pytest.mark.postgres(skip(test))


def connection_params(url):
    """What psycopg would be given for DATABASE_URL=url (nothing is connected)."""
    return ConnectionHandler({"default": database_from_url(url)})["default"].get_connection_params()


def run_app(code, timeout, **env):
    """Run `code` with the app's settings in a fresh process, bounded by `timeout` s."""
    skip = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    full = {k: v for k, v in os.environ.items() if k not in skip}
    full.update(DJANGO_SETTINGS_MODULE="config.settings", REDLINE_TESTING="1", **env)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env=full, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- DATABASE_URL -------------------------------------------------------------------------


def test_database_url_keeps_sslmode_and_a_socket_host():
    """Fails on the old main: its own parser dropped the query string, so ?sslmode=require
    and ?host=/var/run/postgresql were silently ignored (a TCP connection without TLS)."""
    params = connection_params(
        "postgres://redline:s%40cret@/redline?host=/var/run/postgresql&sslmode=require"
    )
    assert params["host"] == "/var/run/postgresql"
    assert params["sslmode"] == "require"
    assert (params["user"], params["password"], params["dbname"]) == (
        "redline",
        "s@cret",
        "redline",
    )
    # A socket directory written as the host, percent-encoded, is kept too.
    assert connection_params("postgres://%2Fvar%2Frun%2Fpostgresql/redline")["host"] == (
        "/var/run/postgresql"
    )


def test_postgresql_connections_get_the_connect_and_statement_timeouts():
    """Fails on the old main: no timeout at all, so psycopg waited 130 s for a database
    that accepts connections but never answers, and a stuck query held a worker."""
    params = connection_params("postgres://redline@db.example.org:5432/redline")
    assert params["connect_timeout"] == 5
    assert "-c statement_timeout=30000" in params["options"]
    # Options of the URL stay; a connect_timeout given there wins.
    params = connection_params(
        "postgres://redline@db/redline?connect_timeout=9&options=-c%20search_path%3Dr"
    )
    assert params["connect_timeout"] == 9
    assert params["options"] == "-c search_path=r -c statement_timeout=30000 -c jit=off"
    # SQLite keeps its busy timeout and has no statement timeout.
    sqlite = database_from_url("sqlite:////tmp/redline.sqlite3")
    assert sqlite["NAME"] == "/tmp/redline.sqlite3" and "OPTIONS" not in sqlite


def test_the_timeouts_are_set_by_environment_variables():
    out = run_app(
        "import django, json; django.setup(); from django.db import connection;"
        "params = connection.get_connection_params();"
        "print(json.dumps({k: params.get(k) for k in ('connect_timeout', 'options')}))",
        60,
        DATABASE_URL="postgres://redline@db.example.org/redline",
        DB_CONNECT_TIMEOUT="3",
        DB_STATEMENT_TIMEOUT_MS="0",
    )
    assert out["connect_timeout"] == 3
    assert "statement_timeout" not in (out["options"] or "")  # 0: no limit


# --- a database that never answers --------------------------------------------------------


@pytest.fixture
def silent_database():
    """A TCP port that accepts connections (the kernel completes the handshake for the
    listen backlog) and never answers a byte: a hung database server."""
    server = socket.create_server(("127.0.0.1", 0), backlog=16)
    yield f"postgres://redline@127.0.0.1:{server.getsockname()[1]}/redline"
    server.close()


def test_a_database_that_never_answers_gets_a_quick_503_not_a_hang(silent_database):
    """Fails on the old main: each request waited for psycopg's 130 s default (gunicorn
    kills the worker first, with a bare 500), so this run hits its 60 s bound."""
    out = run_app(
        "import django, json, time; django.setup(); from django.test import Client;"
        "client = Client(raise_request_exception=False); client.cookies['sessionid'] = 'x' * 32;"
        "start = time.monotonic(); health = client.get('/healthz');"
        "health_s = time.monotonic() - start;"
        "start = time.monotonic(); page = client.get('/'); page_s = time.monotonic() - start;"
        "print(json.dumps({'health': [health.status_code, health.json(), health_s],"
        " 'page': [page.status_code, page.content.decode(), page_s,"
        " page.headers.get('Retry-After')]}))",
        60,
        DATABASE_URL=silent_database,
        DB_CONNECT_TIMEOUT="2",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
    )
    status, body, seconds = out["health"]
    assert status == 503 and body == {"status": "unhealthy", "database": "unreachable"}
    assert seconds < 10
    status, html, seconds, retry = out["page"]
    assert status == 503 and "temporarily unavailable" in html and retry == "30"
    assert seconds < 10


# --- statement timeouts -------------------------------------------------------------------


def timeout_now():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@on_postgresql
def test_the_apps_connections_run_without_jit(db):
    """Fails on the old main: PostgreSQL's JIT was on, and compiling the dashboard's main
    query took longer than running it at size L (issue #18)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@on_postgresql
def test_a_statement_over_the_timeout_is_cancelled(db):
    """Fails on the old main: connections had no statement timeout (and no helper to
    change it)."""
    assert timeout_now() == "30s"
    cancelled = pytest.raises(OperationalError)
    with cancelled, transaction.atomic(), statement_timeout(50), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    assert timeout_now() == "30s"  # the limit of the block ended with it
    with long_running():
        assert timeout_now() == "0"
    assert timeout_now() == "30s"


@on_postgresql
def test_a_request_whose_query_times_out_gets_the_503_page(client, reader, world, monkeypatch):
    from negotiations.views import positions

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr(positions.analysis, "matrix", slow)
    client.force_login(reader)
    client.raise_request_exception = False
    response = client.get(world["negotiation"].get_absolute_url())
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "temporarily unavailable" in response.content.decode()


@on_postgresql
@pytest.mark.parametrize("command", ["import_negotiation", "load_seeds"])
def test_long_running_commands_lift_the_statement_timeout(db, monkeypatch, command):
    """Importing a large document or data set may take longer than a web request may."""
    import importlib

    module = importlib.import_module(f"negotiations.management.commands.{command}")
    seen = []

    def importer(data, **kwargs):
        seen.append(timeout_now())
        return ImportResult()

    # The command imports through import_file (a file's bytes) or import_document.
    name = "import_file" if command == "import_negotiation" else "import_document"
    monkeypatch.setattr(module, name, importer)
    call_command(command, *([str(SEED)] if command == "import_negotiation" else []))
    assert seen == ["0"]
    assert timeout_now() == "30s"


def test_the_timeout_helpers_run_on_any_database(db):
    with statement_timeout(10), long_running():
        assert connection.cursor() is not None


# --- /healthz -----------------------------------------------------------------------------


def test_healthz_reports_a_read_only_database(client, db):
    """Fails on the old main: /healthz answered ok for a database that refuses writes
    (a standby after a failover, default_transaction_read_only), so the load balancer
    kept sending saves to it."""
    read_only, writable = {
        "postgresql": ("SET transaction_read_only = on", None),
        "sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
    }[connection.vendor]
    url = reverse("negotiations:healthz")
    assert client.get(url).json() == {"status": "ok"}
    with connection.cursor() as cursor:
        cursor.execute(read_only)
    try:
        response = client.get(url)
    finally:
        if writable:
            with connection.cursor() as cursor:
                cursor.execute(writable)
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "read-only"}
