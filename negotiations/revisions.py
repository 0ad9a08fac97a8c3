"""Data revisions: a counter per negotiation, bumped inside every writing transaction,
and the ETags that read pages build from them so that a reload costs a 304.

A write to a negotiation's records bumps that negotiation's row; a write to what all
negotiations show (parties, sources, accounts, permissions) bumps the shared row. A
page's ETag is made of the rows it depends on and of what else it shows: the address,
the viewer, their permissions, their CSRF cookie (forms carry it) and the day ("days
since" figures). Anything not in the key must not be on the page.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q

SHARED = None  # the negotiation of the shared row


def negotiation_of(instance):
    """The id of the negotiation whose pages show ``instance``; SHARED for records that
    every negotiation may show, or when the owner cannot be found (a cascade deletes
    it at the same time): bumping the shared row makes every page fresh."""
    from negotiations.models import (
        Citation,
        Negotiation,
        Position,
        Provision,
        ReportedContent,
        TextParty,
        TextStep,
    )

    try:
        if isinstance(instance, Negotiation):
            return instance.pk
        if isinstance(instance, Position):
            return instance.issue.negotiation_id
        if isinstance(instance, (Provision, TextStep, TextParty, ReportedContent)):
            return instance.proposal.negotiation_id
        if isinstance(instance, Citation):
            target = instance.target
            return SHARED if target is None else negotiation_of(target)
        return getattr(instance, "negotiation_id", SHARED)
    except ObjectDoesNotExist:
        return SHARED


def bump(negotiation_id=SHARED, using=DEFAULT_DB_ALIAS):
    """Count one change. Runs in the caller's transaction: the new number commits
    with the data or not at all."""
    from negotiations.models import Revision

    if negotiation_id is not SHARED:
        rows = (
            Revision.objects.using(using)
            .filter(negotiation_id=negotiation_id)
            .update(number=F("number") + 1)
        )
        if rows:
            return
    # Shared, or no row: the negotiation is being deleted (or was made in bulk). Never
    # create its row here, it could outlive the negotiation; the shared row makes every
    # page fresh instead.
    if not Revision.objects.using(using).filter(negotiation=None).update(number=F("number") + 1):
        Revision.objects.using(using).create(negotiation=None, number=1)


def record_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    """Signal receiver (post_save, post_delete, m2m_changed) for every shown model."""
    from negotiations.models import Negotiation, Revision

    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed sends pre_ and post_ actions: count the change once
    if kwargs.get("created") and isinstance(instance, Negotiation):
        Revision.objects.using(using).create(negotiation=instance)
    bump(negotiation_of(instance), using)


def user_changed(sender, instance, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Signal receiver for the user model: names and roles show on every page, but a
    login saves only ``last_login``, which no page shows."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump(SHARED, using)


def numbers(slug=None):
    """The counters a page depends on: the shared row and the negotiation's (by slug),
    or every row when ``slug`` is None (pages across negotiations). One query."""
    from negotiations.models import Revision

    rows = Revision.objects.all()
    if slug is not None:
        rows = rows.filter(Q(negotiation=None) | Q(negotiation__slug=slug))
    return sorted(rows.values_list("negotiation_id", "number"), key=str)


def etag(request, slug=None):
    """The ETag of a read page, or None (no conditional answer) while flash messages
    wait to be shown: a 304 would leave them unseen."""
    if len(messages.get_messages(request)):
        return None
    user = request.user
    parts = [
        settings.SITE_NAME,
        repr(numbers(slug)),
        request.get_full_path(),
        str(user.pk),
        user.get_username(),
        ",".join(sorted(user.get_all_permissions())),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        datetime.date.today().isoformat(),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
