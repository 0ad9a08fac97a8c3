"""Personal access tokens: made, stored, checked, and the middleware that lets them in.

A token is ``rl_`` followed by ``secrets.token_urlsafe(32)``: 256 random bits. Only its
SHA-256 is stored. A slow hash (PBKDF2, Argon2) exists to make guessing a *chosen*
password from a leaked hash expensive; nobody guesses 256 random bits, fast hash or
slow, so a slow one would only add its cost to every scripted request. A plain digest
is also what lets the token be found with one indexed equality lookup, and the secret
is never compared character by character in Python, so timing reveals nothing of it.

Why a middleware and not an authentication backend (like RemoteUserBackend): a
backend is reached through ``authenticate()`` and ``login()``, which write a session
and rotate the CSRF cookie; a script's request must leave neither behind. Here the
user is set on the request for that request only; the session and CSRF layers are
told nothing happened (``BearerTokenMiddleware.__call__``). django-axes throttles
``authenticate()``; a token is never guessed, so it needs no throttle.

What a token opens (TOKEN_VIEWS): the read pages, the CSV/JSON exports and the feeds,
by URL name, for GET and HEAD only; everything else — write views even for GET, the
account pages, the admin, the login page — answers 403. A view added later is closed
to tokens until its name is added here. On the views it opens, the token's user has
only its "view" permissions (ReadOnlyUser): the page shows what its user may read and
no control to change anything.
"""

import hashlib
import importlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from negotiations.api import endpoints as api
from negotiations.models import AccessToken

PREFIX = "rl_"
SHOWN = 10  # characters kept for display: "rl_" and 7 of the secret (42 bits, not a clue)
_SHAPE = re.compile(r"rl_[A-Za-z0-9_-]{43}")
# last_used is written at most once a minute, so a script reading 1,000 pages in a
# minute costs one write, not 1,000.
LAST_USED_EVERY = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD")

TOKEN_VIEWS = frozenset(
    "negotiations:" + name
    for name in (
        # read pages
        "home",
        "sources",
        "source",
        "negotiation",
        "snapshot",
        "party",
        "issue",
        "thread",
        "timeline",
        "analytics",
        "search",
        "proposals",
        "proposal",
        "compare",
        "provision_history",
        "codebook",
        "persons",
        # exports (CSV and JSON) and the negotiation document
        "analytics_export",
        "search_export",
        "sources_export",
        "codebook_export",
        "export_negotiation",
        "dataset",
        "matrix_export",
        "positions_export",
        "snapshot_export",
        "party_export",
        "issue_export",
        "proposals_export",
        "provisions_export",
        "compare_export",
        "thread_export",
        # feeds (their URL still carries the feed secret, checked by the feed)
        "feed_negotiation",
        "feed_thread",
    )
)
# The JSON API (/api/v1/): every endpoint, its OpenAPI document and its docs page.
TOKEN_VIEWS |= api.URL_NAMES


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def generate(user, name, expires=None):
    """A new token for ``user``: (the saved AccessToken, its secret). The secret is
    returned this once and stored nowhere."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:SHOWN],
        hashed_secret=hash_secret(secret),
        expires=expires,
    )
    return token, secret


def verify(secret, now=None):
    """The usable token whose secret this is, with an active user; else None.

    Notes the use (``last_used``) at most once a minute.
    """
    if not _SHAPE.fullmatch(secret):
        return None  # not one of ours: no need to ask the database
    now = now or timezone.now()
    token = (
        AccessToken.objects.usable(now)
        .select_related("user")
        .filter(hashed_secret=hash_secret(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used is None or token.last_used <= now - LAST_USED_EVERY:
        # AccessToken has no history (UNTRACKED_MODELS): update() is the cheap write, and
        # its condition keeps parallel requests from writing the same minute twice.
        AccessToken.objects.filter(pk=token.pk, last_used=token.last_used).update(last_used=now)
    return token


def _reads(permission):
    return permission.partition(".")[2].startswith("view_")


class ReadOnlyUser(SimpleLazyObject):
    """The token's user as views and templates see it: the same account (isinstance,
    pk, name, groups), with only its "view_" permissions — a superuser's token too."""

    def __init__(self, user):
        super().__init__(lambda: user)
        self._setup()

    def get_all_permissions(self, obj=None):
        return {p for p in self._wrapped.get_all_permissions(obj) if _reads(p)}

    def get_user_permissions(self, obj=None):
        return {p for p in self._wrapped.get_user_permissions(obj) if _reads(p)}

    def get_group_permissions(self, obj=None):
        return {p for p in self._wrapped.get_group_permissions(obj) if _reads(p)}

    def has_perm(self, perm, obj=None):
        return self._wrapped.is_active and perm in self.get_all_permissions(obj)

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return self._wrapped.is_active and any(
            p.partition(".")[0] == app_label for p in self.get_all_permissions()
        )


def _text(message, status, error):
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = f'Bearer error="{error}"'
    return response


def invalid_token():
    return _text(
        "This access token is not valid: it is wrong, expired or revoked. "
        "Create a new one on your account page.",
        401,
        "invalid_token",
    )


def read_only(message):
    return _text(message, 403, "insufficient_scope")


def _empty_session():
    return importlib.import_module(settings.SESSION_ENGINE).SessionStore()


class BearerTokenMiddleware:
    """``Authorization: Bearer <token>``: the request is its user's, for reading.

    Placed after AuthenticationMiddleware, whose (lazy) session user it replaces
    before anyone looks. Other methods are refused (403), a bad token is a 401 with
    ``WWW-Authenticate: Bearer error="invalid_token"`` (never the login page), and a
    view outside TOKEN_VIEWS is refused (403) before it runs. Requests without the
    header pass untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = read_only(
                "An access token can only read (GET or HEAD). "
                "Log in with your password to change anything."
            )
        elif (token := verify(secret.strip())) is None:
            response = invalid_token()
        else:
            request.access_token = token
            request.user = user = ReadOnlyUser(token.user)

            async def auser():
                return user

            request.auser = auser
            # The token is the only credential: a browser session sent along is neither
            # read nor changed.
            request.session = _empty_session()
            response = self.get_response(request)
        return self.leave_no_trace(request, response)

    @staticmethod
    def leave_no_trace(request, response):
        """No cookie on a token's answer and no session written: the CSRF cookie a
        rendered form asked for is not sent, and the session layer (outside this one)
        finds no session to save."""
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        for name in list(response.cookies):
            del response.cookies[name]
        if hasattr(request, "session"):
            del request.session
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "access_token", None) is None:
            return None
        if request.resolver_match.view_name in TOKEN_VIEWS:
            return None
        return read_only(
            "An access token opens the read pages, the exports and the feeds only; "
            "log in with your password for this page."
        )
