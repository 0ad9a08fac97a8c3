from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from negotiations import revisions
from negotiations.history import compare_instances
from negotiations.models import Proposal, Provision, ReportedContent
from negotiations.text import compare as comparing
from negotiations.text.dates import PartialDate, PartialDateError


def read_page(view):
    """A page that only reads: GET or HEAD, no transaction around it, and a reload
    answered "304 Not Modified" while its ETag (negotiations/revisions.py) holds.

    The ETag covers the negotiation named by the ``slug`` argument, or every
    negotiation for pages without one. ``private, no-cache``: browsers keep the page
    but ask every time; shared caches never keep it.
    """

    def etag(request, *args, **kwargs):
        return revisions.etag(request, kwargs.get("slug"))

    view = cache_control(private=True, no_cache=True)(condition(etag_func=etag)(view))
    return require_safe(transaction.non_atomic_requests(view))


def locked(queryset, request):
    """On a write, lock the row until the request's transaction ends (no lost updates)."""
    return queryset.select_for_update(of=("self",)) if request.method == "POST" else queryset


def conflict_if_stale(request, form, current, theirs_queryset, context, **form_kwargs):
    """A 409 conflict page when someone saved the row since `form` was opened, else None.

    `current` is the row as locked for this request (the valid form has already copied
    the submitted values onto it); `theirs_queryset` reloads the row as it is saved.
    The page offers the submitted values again, on top of their version.
    """
    if form.cleaned_data["version"] == current.version:
        return None
    theirs = theirs_queryset.get(pk=current.pk)
    data = request.POST.copy()
    data["version"] = theirs.version
    retry = type(form)(data, instance=theirs, **form_kwargs)
    return conflict_response(request, theirs, form.instance, retry, context)


def conflict_response(request, theirs, yours, retry_form, context):
    """Show their saved version beside the submitted one and offer to re-apply on top."""
    context = {
        **context,
        "form": retry_form,
        "changes": compare_instances(type(theirs), theirs, yours),
        "theirs": theirs,
        "latest": theirs.history.select_related("history_user").first(),
    }
    return render(request, "negotiations/conflict.html", context, status=409)


def typed_day(text, errors, name, end=True):
    """The last (or first) day a typed partial date can mean: "Jan 2024" → 31 Jan 2024.

    For date filters in query strings; a bad date goes to `errors[name]`, with None back.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        date = PartialDate.parse(text)
    except PartialDateError as exc:
        errors[name] = str(exc)
        return None
    day = date.end if end else date.start
    if day is None:  # "before 2024" has no first day to start from
        side = "last" if end else "first"
        errors[name] = f"“{text}” has no {side} day: give a day, month, quarter or year."
    return day


def proposal_or_404(slug, proposal, queryset=None):
    queryset = queryset if queryset is not None else Proposal.objects
    return get_object_or_404(
        queryset.select_related("negotiation", "author", "responds_to", "supersedes"),
        negotiation__slug=slug,
        slug=proposal,
    )


def issue_lines(negotiation, a, b):
    """compare.by_issue for two proposals, one of them at least described only. Two
    queries whatever their size; only provision labels and issues are read, no text."""
    provisions = list(
        Provision.objects.filter(proposal__in=[a, b])
        .only("pk", "label", "heading", "proposal_id", "order")
        .prefetch_related("issues")
        .order_by("order", "pk")
    )
    reported = list(ReportedContent.objects.filter(proposal__in=[a, b]).order_by("pk"))
    return comparing.by_issue(
        negotiation.issues.all(),
        [p for p in provisions if p.proposal_id == a.pk],
        [p for p in provisions if p.proposal_id == b.pk],
        [r for r in reported if r.proposal_id == a.pk],
        [r for r in reported if r.proposal_id == b.pk],
    )
