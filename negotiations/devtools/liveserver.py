"""Serving the app with gunicorn on loopback, and a small logged-in HTTP client.

Used by the fault drill, the two-server drill and the load test, which exercise real
server processes, and by tests that need a private redis-server.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running gunicorn: its base URL and its process group (master and workers)."""

    def __init__(self, base, process):
        self.base = base
        self.process = process

    def crash(self):
        """SIGKILL the master and every worker at once, as a host losing power would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@contextmanager
def gunicorn(workers=2, port=None, extra_env=None):
    """Run the app with production settings over plain HTTP on 127.0.0.1; yields the base URL."""
    with gunicorn_server(workers, port, extra_env) as server:
        yield server.base


@contextmanager
def gunicorn_server(workers=2, port=None, extra_env=None):
    """As gunicorn(), yielding a Server that can be crashed."""
    port = port or free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "drill-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "CRITICAL",
        "REDLINE_TESTING": "0",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="redline-static-"),
        **(extra_env or {}),
    }
    # Production settings serve hashed static files: collect them first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn_bin), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "error", "--timeout", "60"]
    # Its own process group, so that crash() reaches the workers too.
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(base + "/healthz", timeout=2), "gunicorn")
        yield Server(base, process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)
        shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)


def wait_for(attempt, what, tries=100):
    for _ in range(tries):
        try:
            return attempt()
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


@contextmanager
def redis_server(port=None):
    """A private redis-server on loopback that keeps nothing on disk; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = port or free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--loglevel", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    try:
        wait_for(lambda: socket.create_connection(("127.0.0.1", port), 1).close(), "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping client that logs in and submits forms with their CSRF token."""

    def __init__(self, base, jar=None):
        self.base = base
        # Cookies do not name a port: a jar shared by two Browsers on two loopback ports
        # carries one session to both servers.
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path, data=None, timeout=30, headers=None):
        """(status, headers, body); a failed connection is status 0."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        if data is not None:
            req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
            return 0, {}, ""

    def csrf(self, path):
        status, _, body = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return match.group(1) if match else ""

    def login(self, username, password):
        token = self.csrf("/login/")
        status, headers, _ = self.request(
            "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed with status {status}")
