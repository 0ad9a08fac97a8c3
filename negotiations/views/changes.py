"""Recent changes, for one negotiation or the whole site (negotiations/changes.py)."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from negotiations import changes
from negotiations.models import Issue, Negotiation
from negotiations.views.common import read_page

PER_PAGE = 50


@read_page
def negotiation_changes(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    return _changes_page(request, negotiation, negotiation.issues.order_by("order", "title"))


@read_page
def site_changes(request):
    issues = Issue.objects.select_related("negotiation").order_by(
        "negotiation__title", "order", "title"
    )
    return _changes_page(request, None, issues)


def _changes_page(request, negotiation, issues):
    users = list(get_user_model().objects.order_by("username"))
    issues = list(issues)
    kinds = [
        k
        for k in changes.KINDS.values()
        if negotiation is None or k.name not in changes.SITE_WIDE_ONLY
    ]
    errors = {}
    user = _chosen(request, "user", {u.get_username(): u for u in users}, errors, "No such user.")
    kind = _chosen(request, "kind", {k.name: k for k in kinds}, errors, "No such kind of record.")
    issue = _chosen(request, "issue", {str(i.pk): i for i in issues}, errors, "No such issue.")
    rows = changes.recent(negotiation, [kind.name] if kind else None, user, issue)
    page = Paginator(rows if not errors else [], PER_PAGE).get_page(request.GET.get("page"))
    by_pk = {u.pk: u for u in users}
    entries = [
        {
            **row,
            "user": by_pk.get(row["history_user_id"]),
            "what": changes.KINDS[row["record_kind"]].label,
            "type": changes.TYPES.get(row["history_type"], row["history_type"]),
        }
        for row in page
    ]
    context = {
        "negotiation": negotiation,
        "entries": entries,
        "page": page,
        "users": users,
        "kinds": kinds,
        "issues": issues,
        "chosen": {name: request.GET.get(name, "") for name in ("user", "kind", "issue")},
        "errors": errors,
    }
    return render(request, "negotiations/changes.html", context)


def _chosen(request, name, options, errors, message):
    """The option named in the query string, None for none; an unknown one is an error."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if value not in options:
        errors[name] = message
        return None
    return options[value]
