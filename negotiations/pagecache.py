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

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

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
    parts = [
        template,
        str(current_revision()),
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
