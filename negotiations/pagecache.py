"""The main part of read pages, rendered once and served from a cache until data changes.

A page's costly part (the matrix, a thread, a comparison...) is rendered from its
template's ``body`` partial and stored under a key made of:

- the data revision (``Revision.number``), bumped after every committed change to
  any record of the app, so no cached page outlives the data it shows;
- the address with its query string, so every filter and page number is its own entry;
- the user's permissions, since analysts see edit controls that readers do not;
- today's date, for "days since" figures.

Every deploy runs ``migrate``, which bumps the revision too, so pages rendered by the
previous release's templates are not served by the new one.

Flash messages are outside the body (in ``base.html``). A CSRF token inside it (an
editor's delete buttons) is stored as a placeholder and replaced by the requesting
user's own token when served, so one user's body is safe to serve to another user
with the same permissions.
"""

import datetime
import functools
import hashlib
import logging
import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 3600
# What {% csrf_token %} renders; escaped user text cannot contain "<" or a bare '"',
# so neither the field nor the placeholder can be forged from content.
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "<csrf-token>"


def store():
    return caches["pages"]


def current_revision():
    from negotiations.models import Revision

    number = Revision.objects.filter(pk=1).values_list("number", flat=True).first()
    return number if number is not None else _restart(DEFAULT_DB_ALIAS)


def bump(using=DEFAULT_DB_ALIAS):
    """Make every cached page stale: call after writes that send no model signals."""
    from negotiations.models import Revision

    if not Revision.objects.using(using).filter(pk=1).update(number=F("number") + 1):
        _restart(using)


def _restart(using):
    """The row is gone (``flush``, a restore): start again past any number it can have
    reached, so no page cached before can match: counting one per commit, ten commits
    a second would take five thousand years to reach the milliseconds since 1970."""
    from negotiations.models import Revision

    start = time.time_ns() // 1_000_000
    return Revision.objects.using(using).get_or_create(pk=1, defaults={"number": start})[0].number


def user_changed(sender, update_fields=None, **kwargs):
    """Signal receiver for the user model: names show in record histories.

    Logging in saves only ``last_login``, which no page shows: that must not empty the
    page cache each time someone logs in.
    """
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    data_changed(sender, **kwargs)


@functools.cache
def _bump_after_commit(using):
    # One callable per database, so a queued bump can be recognised in the queue.
    return lambda: bump(using)


def data_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Signal receiver: bump the revision once the current transaction commits.

    One save sends several signals (the row, its history row, its citations); the
    bump is queued once per transaction. Django drops queued callbacks on rollback,
    so a failed save bumps nothing and the next one queues afresh.
    """
    callback = _bump_after_commit(using)
    if any(queued is callback for _, queued, _ in connections[using].run_on_commit):
        return
    after_commit(callback, using)


def after_commit(callback, using):
    transaction.on_commit(callback, using=using, robust=True)


def key(request, template):
    permissions = ",".join(sorted(request.user.get_all_permissions()))
    revision = getattr(request, "page_revision", None)
    parts = [
        template,
        str(revision if revision is not None else current_revision()),
        request.get_full_path(),
        permissions,
        datetime.date.today().isoformat(),
    ]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def body(request, template, build):
    """``template``'s ``body`` partial, rendered with ``build()`` unless it is cached."""
    cache_key = key(request, template)
    try:
        stored = store().get(cache_key)
    except Exception:  # a broken cache costs speed, never the page
        logger.warning("page cache get failed", exc_info=True)
        stored = None
    if stored is None:
        html = render_to_string(f"{template}#body", build(), request)
        stored = CSRF_FIELD.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
        try:
            store().set(cache_key, stored, TIMEOUT)
        except Exception:
            logger.warning("page cache set failed", exc_info=True)
        return html
    if CSRF_PLACEHOLDER in stored:
        stored = stored.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(stored)  # our own rendering, escaped when it was rendered


# Reloads: a whole response, replayed to the session it was rendered for.
#
# A reader who opens a page again (a reload, a second tab, the back button, a
# dashboard left polling) gets the very response they got last time, once one query
# has shown that neither their session nor any data changed since. The entry is keyed
# by everything the response depends on beyond the data revision and the address:
#
# - the session key and the session's stored data: logging out deletes the row, so
#   the query finds nothing; a new login, a flash message waiting in the session or
#   an expired session gives another key or none;
# - the CSRF cookie, whose secret the page's forms carry (masked);
# - today's date.
#
# The account's permissions, name and active flag need no key: every change to a
# user, a group, a membership or a permission bumps the revision.
#
# Entries live in the process-local "responses" cache: a response is for one session
# only, so sharing it between processes would save little and cost a query per hit.

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"
SESSION_KEY_FORMAT = re.compile(r"[a-z0-9]{8,64}")
# Bigger pages are rare and still get their body from the page cache; the limit keeps
# a process's share of the response cache under RESPONSE_CACHE_ENTRIES megabytes.
LARGEST_REPLAY = 1_000_000


def cached_page(view):
    """Mark a view that renders through ``render_cached``: GET or HEAD only, no
    transaction around it (a BEGIN and a COMMIT would be a third of a cached page's
    queries), and served again from the response cache on a reload."""
    view = require_safe(transaction.non_atomic_requests(view))
    view.cached_page = True
    return view


def response_key(request):
    """The response-cache key for this request, or None if it cannot be replayed.

    Runs the one query of a reload: the data revision and this session's stored data.
    The revision is kept on the request so the page body's key does not read it again.
    """
    if settings.SESSION_ENGINE != DATABASE_SESSIONS:
        return None  # the query below reads the session table
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if request.method != "GET" or not SESSION_KEY_FORMAT.fullmatch(session_key):
        return None
    if request.COOKIES.get(CookieStorage.cookie_name):
        return None  # flash messages waiting in a cookie: render them
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, "cached_page", False):
        return None
    row = _revision_and_session(session_key)
    if row is None:
        return None
    request.page_revision, session_data = row
    if session_data is None:
        return None
    parts = [
        str(request.page_revision),
        request.get_full_path(),
        session_key,
        session_data,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        datetime.date.today().isoformat(),
    ]
    return "response:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def _revision_and_session_sql():
    from django.contrib.sessions.models import Session

    from negotiations.models import Revision

    q = connection.ops.quote_name
    return (
        f"SELECT r.{q('number')}, (SELECT s.{q('session_data')} FROM "
        f"{q(Session._meta.db_table)} s WHERE s.{q('session_key')} = %s "
        f"AND s.{q('expire_date')} > %s) FROM {q(Revision._meta.db_table)} r "
        f"WHERE r.{q('id')} = 1"
    )


def _revision_and_session(session_key):
    """(revision number, session data or None), or None without a revision row.

    Written in SQL because building it with the ORM took longer than running it, and
    this query is all a reload costs.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_revision_and_session_sql(), [session_key, now])
        return cursor.fetchone()


def replay(cache_key):
    """The response stored under ``cache_key``, or None."""
    try:
        stored = caches["responses"].get(cache_key)
    except Exception:
        logger.warning("response cache get failed", exc_info=True)
        return None
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def keep(cache_key, request, response):
    """Store ``response`` for replay if it is a whole page rendered by ``render_cached``
    that changed nothing in the browser: a response that sets a cookie (a new session,
    flash messages consumed, a new CSRF secret) must be rendered again next time."""
    if not (getattr(response, "cached_page", False) and response.status_code == 200):
        return
    if len(response.content) > LARGEST_REPLAY:
        return
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    for name, morsel in response.cookies.items():
        # Django sends the CSRF cookie again whenever a page shows a form; unchanged,
        # the browser already has it.
        if name != settings.CSRF_COOKIE_NAME or morsel.value != csrf_cookie:
            return
    try:
        caches["responses"].set(cache_key, (response.content, list(response.items())), TIMEOUT)
    except Exception:
        logger.warning("response cache set failed", exc_info=True)
