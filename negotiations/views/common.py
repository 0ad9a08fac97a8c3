from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from negotiations import merging, revisions
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


# Form fields the merge leaves alone: the version is theirs, the reason is yours.
NOT_MERGED = ("version", "change_reason")
MERGE_CHOOSE = merging.CHOOSE_FIELD


@dataclass
class MergeRow:
    """One field on the conflict page: its three versions and what the merge keeps."""

    merge: merging.FieldMerge
    label: str
    base: str
    theirs: str
    yours: str
    multiple: bool

    @property
    def name(self):
        return self.merge.name

    @property
    def conflict(self):
        return self.merge.outcome is merging.Outcome.CONFLICT

    @property
    def values(self):
        return self.merge.value or ()


def _form_values(form, names):
    """What ``form`` (unbound) shows in each field, as the browser would send it."""
    return {name: form[name].field.prepare_value(form[name].value()) for name in names}


def _shown(field, values):
    """A form value (tuple of strings) as people read it: choice labels, yes/no."""
    if values is None:
        return "(not known)"
    if isinstance(field, forms.BooleanField):
        return "yes" if values else "no"
    if not values:
        return "—"
    if hasattr(field, "choices"):
        labels = {str(key): str(label) for key, label in field.choices}
        return ", ".join(labels.get(v, v) for v in values)
    return ", ".join(values)


def _history_many(record, names):
    """The many-to-many values a history record kept (models that track them, such as
    events); a field it did not keep is left out: unknown, so never guessed."""
    values = {}
    for name in names:
        try:
            field = record.instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        kept = getattr(record, name, None)
        if field.many_to_many and hasattr(kept, "values_list"):
            column = f"{field.related_model._meta.model_name}_id"
            values[name] = [str(pk) for pk in kept.values_list(column, flat=True)]
    return values


def conflict_if_stale(request, form, current, theirs_queryset, context, **form_kwargs):
    """A 409 conflict page when someone saved the row since `form` was opened, else None.

    `current` is the row as locked for this request (the valid form has already copied
    the submitted values onto it); `theirs_queryset` reloads the row as it is saved.
    The page offers a three-way merge (negotiations/merging.py): the fields the analyst
    changed since the version they loaded, on top of the saved version; a field both
    changed differently is for the analyst to choose. Nothing is saved until they do.
    """
    loaded = form.cleaned_data["version"]
    if loaded == current.version:
        return None
    theirs = theirs_queryset.get(pk=current.pk)
    form_class = type(form)
    names = [name for name in form.fields if name not in NOT_MERGED]
    multiple = {
        name
        for name in names
        if getattr(form.fields[name].widget, "allow_multiple_selected", False)
    }
    base = {}
    record = current.history.filter(version=loaded).order_by("-history_id").first()
    if record is not None:
        single = [name for name in names if name not in multiple]
        base = _form_values(form_class(instance=record.instance, **form_kwargs), single)
        base |= _history_many(record, multiple)
    theirs_values = _form_values(form_class(instance=theirs, **form_kwargs), names)
    yours = {name: request.POST.getlist(name) for name in names if name in request.POST}
    merges = merging.merge(base, theirs_values, yours)

    data = request.POST.copy()
    for m in merges:
        # A conflict is shown with your value until the analyst chooses.
        data.setlist(m.name, list(m.yours if m.value is None else m.value))
    data["version"] = theirs.version
    choose = [m.name for m in merges if m.outcome is merging.Outcome.CONFLICT]
    data.setlist(MERGE_CHOOSE, [name for name in choose if name not in multiple])
    retry = form_class(data, instance=theirs, **form_kwargs)
    rows = [
        MergeRow(
            merge=m,
            label=str(form.fields[m.name].label or m.name.replace("_", " ").capitalize()),
            base=_shown(form.fields[m.name], m.base),
            theirs=_shown(form.fields[m.name], m.theirs),
            yours=_shown(form.fields[m.name], m.yours),
            multiple=m.name in multiple,
        )
        for m in merges
    ]
    return conflict_response(request, theirs, retry, context, rows)


def conflict_response(request, theirs, retry_form, context, rows):
    """Show the three versions and the merge, and ask to confirm it (or choose)."""
    context = {
        **context,
        "form": retry_form,
        "rows": rows,
        "conflicts": [row for row in rows if row.conflict],
        "merge_choose": retry_form.data.getlist(MERGE_CHOOSE),
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
        .only("pk", "label", "heading", "issue_id", "proposal_id", "order")
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
