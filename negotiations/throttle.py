"""Slows down password guessing: failures are counted per (username, client address).

Keying on both means one person cannot lock everybody behind a shared proxy out of
their accounts, and a guesser cannot escape by switching usernames from one address.
Counts live in the cache, so production uses a shared (database) cache.
"""

import hashlib
import os

from django.core.cache import cache

MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
COOL_OFF_SECONDS = int(os.environ.get("LOGIN_COOL_OFF_SECONDS", "900"))
# Behind a proxy, set e.g. REDLINE_CLIENT_IP_HEADER=HTTP_X_REAL_IP; by default the
# socket address is used, since a client can forge any header.
CLIENT_IP_HEADER = os.environ.get("REDLINE_CLIENT_IP_HEADER", "REMOTE_ADDR")


def client_address(request):
    value = request.META.get(CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()


def _key(username, address):
    digest = hashlib.sha256(f"{username.strip().lower()}\0{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def is_locked(username, address):
    return cache.get(_key(username, address), 0) >= MAX_FAILURES


def record_failure(username, address):
    key = _key(username, address)
    # add() starts the window; incr() keeps its expiry.
    if not cache.add(key, 1, COOL_OFF_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, COOL_OFF_SECONDS)


def reset(username, address):
    cache.delete(_key(username, address))
