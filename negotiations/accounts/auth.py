"""Who may log in: login throttling (django-axes) and the permissions backend.

Every way in calls django.contrib.auth.authenticate(), and the first backend,
axes.backends.AxesStandaloneBackend, refuses a (username, client address) pair that
has failed LOGIN_MAX_FAILURES times within LOGIN_COOL_OFF_SECONDS: the app's login
form, the admin's, and anything added later. See README, "Login throttling".
"""

import hashlib
import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connections, router
from django.db.models import Q
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request):
    """The client's address, as the outermost of our proxies saw it (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = 0 that is the socket's address. Behind N proxies, each
    appends the address it was connected from to X-Forwarded-For, so the N-th entry
    from the right was written by our outermost proxy; everything left of it is
    whatever the client sent and is never read. A header too short for N proxies, or
    an entry that is no address, means the request did not come through them: the
    socket's address is used then.
    """
    remote = _ip(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(forwarded) < count:
        return remote
    return _ip(forwarded[-count]) or remote


# Axes keeps the username it was given (a varchar of 255); no account's name is longer
# than the user model allows, so a longer one is cut there rather than failing the
# login page with a database error (PostgreSQL refuses to store it).
USERNAME_LENGTH = 150


def lockout_username(request, credentials=None):
    """The username failures are counted under: as typed, cut to the longest possible."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username") if request is not None else None
    return str(username or "")[:USERNAME_LENGTH]


class AtomicDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, with the check and the recorded failure made atomic.

    Axes counts the failures before the password is checked and records the new one
    after: 30 parallel guesses all read the same count and all get their password
    checked. Here the count is read under a transaction-scoped lock on the
    (username, address) pair, which the request's transaction (ATOMIC_REQUESTS)
    holds until the failure is recorded and committed; the next guess for that pair
    waits, then counts it. PostgreSQL takes an advisory lock; SQLite already runs one
    writing transaction at a time (transaction_mode IMMEDIATE, config/settings.py).
    Outside a transaction nothing could hold the lock, and axes' own check is used.
    """

    def is_locked(self, request, credentials=None):
        self.serialize(request, credentials)
        return super().is_locked(request, credentials)

    @staticmethod
    def serialize(request, credentials):
        connection = connections[router.db_for_write(AccessAttempt)]
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return
        username = get_client_username(request, credentials) or ""
        pair = f"{username}\0{request.axes_ip_address or ''}".encode()
        key = int.from_bytes(hashlib.sha256(pair).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def cool_off_minutes(request=None):
    return max(1, math.ceil(get_cool_off(request).total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of a login form's answer once the pair is locked
    (AXES_LOCKOUT_CALLABLE): 429 Too Many Requests, with Retry-After."""
    minutes = cool_off_minutes(request)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    add_never_cache_headers(response)  # as the login views' own answers
    return response


def unlock(username):
    """Forget every failed login for ``username``, from every address; the number forgotten."""
    return reset(username=username)


class OneQueryModelBackend(ModelBackend):
    """Django's ModelBackend, with a user's permissions in one query instead of two.

    Every page asks for them (RoleRequiredMiddleware, the ETag, then the templates): on a
    reload answered 304 the second round trip would be one query in five.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache
