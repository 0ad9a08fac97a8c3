"""More than one server: the shared cache (Redis or the database), a Redis outage, and
the two-server drill (issue 19, item 6)."""

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from config.settings import CACHE_TABLE, redis_cache
from negotiations.devtools.liveserver import free_port, redis_server
from tests.factories import load_seeds

ROOT = Path(__file__).resolve().parent.parent

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def production_caches(**env):
    """settings.CACHES as a production process (DEBUG off, not testing) sees them."""
    skip = ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DEBUG", "PYTEST_CURRENT_TEST")
    full = {k: v for k, v in os.environ.items() if k not in skip}
    full.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDLINE_TESTING="0",
        DEBUG="0",
        SECRET_KEY="x" * 50,
        **env,
    )
    code = (
        "import json; from django.conf import settings; c = settings.CACHES['default']; "
        "o = c.get('OPTIONS', {}); print(json.dumps({'backend': c['BACKEND'], "
        "'location': c['LOCATION'], 'timeout': o.get('socket_timeout'), "
        "'connect': o.get('socket_connect_timeout'), "
        "'retries': getattr(o.get('retry'), '_retries', None)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- which cache --------------------------------------------------------------------------


def test_production_uses_redis_when_redis_url_is_set_with_short_timeouts_and_no_retry():
    caches = production_caches(REDIS_URL="redis://10.0.0.5:6379/1")
    assert caches["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["location"] == "redis://10.0.0.5:6379/1"
    # A Redis that does not answer costs a quarter of a second, once: no retry.
    assert caches["timeout"] == caches["connect"] == 0.25
    assert caches["retries"] == 0
    assert production_caches(REDIS_URL="redis://r/0", REDIS_TIMEOUT="1")["timeout"] == 1.0


def test_production_without_redis_uses_the_database_never_a_per_process_cache():
    caches = production_caches()
    assert caches["backend"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["location"] == CACHE_TABLE
    # The per-process option is gone: two servers would keep different caches.
    caches = production_caches(CACHE="local")
    assert caches["backend"] == "django.core.cache.backends.db.DatabaseCache"


def test_migrate_creates_the_database_cache_table(db):
    """Whatever cache is configured (tests keep theirs in memory), migrate makes the table,
    so a site that drops Redis falls back to a table that exists."""
    assert CACHE_TABLE in connection.introspection.table_names()
    # Running it again (every migrate does) is harmless.
    call_command("migrate", verbosity=0)
    assert CACHE_TABLE in connection.introspection.table_names()


# --- Redis down, Redis up -----------------------------------------------------------------


def thread_url(world):
    return reverse("negotiations:thread", args=["talks", "corridor", "alpha"])


def test_a_redis_outage_serves_the_page_uncached(client, reader, world, caplog):
    """A Redis URL pointing at a closed port: the page that shows a diff is served, diff
    included, and the failed cache calls are logged, not raised."""
    client.force_login(reader)
    closed = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    with (
        override_settings(CACHES={"default": closed}),
        caplog.at_level(logging.WARNING, logger="negotiations.text.diffs"),
    ):
        response = client.get(thread_url(world))
    assert response.status_code == 200
    assert b"<ins>" in response.content or b"<del>" in response.content
    assert any("diff cache get failed" in r.getMessage() for r in caplog.records)
    assert any("diff cache set failed" in r.getMessage() for r in caplog.records)


@needs_redis
def test_diffs_are_cached_in_the_shared_redis(client, reader, world):
    """A diff one server computes is in Redis, where any other server finds it."""
    import redis

    client.force_login(reader)
    with redis_server() as url, override_settings(CACHES={"default": redis_cache(url)}):
        assert client.get(thread_url(world)).status_code == 200
        keys = redis.Redis.from_url(url).keys("redline:*diff:*")
        assert keys
        # Another process's view of the cache: a fresh client on the same server.
        with override_settings(CACHES={"default": redis_cache(url)}):
            key = keys[0].decode().split(":", 2)[2]
            assert "<" in cache.get(key)


# --- the two-server drill -----------------------------------------------------------------


def test_the_two_server_drill_refuses_a_database_other_than_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("checks the refusal on SQLite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("two_server_drill", stdout=io.StringIO())


@pytest.mark.postgres
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_the_two_server_drill_passes_every_check():
    """Two gunicorn servers on this test database and a private redis-server; CI's
    PostgreSQL run executes it (it is not marked slow: CI runs those on SQLite only)."""
    if connection.vendor != "postgresql":
        pytest.skip("the drill needs PostgreSQL (DATABASE_URL)")
    load_seeds()
    out = io.StringIO()
    try:
        call_command("two_server_drill", stdout=out)
    except CommandError as error:
        pytest.fail(f"{error}\n{out.getvalue()}")
    output = out.getvalue()
    checks = [line for line in output.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert not [line for line in checks if line.startswith("FAIL")], output
    for what in (
        "the session made on A is valid on B",
        "B's next request shows the write made through A",
        "B read from Redis",
        "lock the account out on both",
        "no acknowledged write lost",
        "nothing duplicated or half-written",
        "B kept serving",
    ):
        assert any(what in line for line in checks), (what, output)
    assert "Two-server drill passed." in output
