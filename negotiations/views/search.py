"""Search: the page (grouped by kind, or one kind a page at a time) and its export."""

import html

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.safestring import mark_safe

from negotiations import search
from negotiations.exchange import exports
from negotiations.models import Issue, Negotiation, Party, Position
from negotiations.views.common import read_page, typed_day


def _search_filters(request):
    """Filters from the query string, the negotiation (or None) and errors by field."""
    get = request.GET
    errors = {}
    slug = get.get("negotiation", "")
    negotiation = Negotiation.objects.filter(slug=slug).first() if slug else None
    kinds = [k for k in get.getlist("kind") if k in search.KINDS] or list(search.KINDS)
    stance = get.get("stance", "")
    filters = search.Filters(
        q=get.get("q", "").strip()[:500],
        negotiation=negotiation,
        party=get.get("party", "").strip(),
        issue=get.get("issue", "").strip(),
        stance=stance if stance in Position.Stance.values else "",
        kinds=kinds,
        date_from=typed_day(get.get("from"), errors, "from", end=False),
        date_to=typed_day(get.get("to"), errors, "to", end=True),
    )
    return filters, errors


def _with(query, **changes):
    """The query string with some parameters replaced (None removes them)."""
    query = query.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query.setlist(name, value if isinstance(value, list) else [value])
    return query.urlencode()


def _options(choices, chosen):
    """`<option>`s for (value, label) pairs, escaped, the chosen one selected; a chosen
    value not among them is kept (an issue typed in the address without a negotiation).
    Built here rather than in the template: at size L the party list alone is hundreds
    of options, and the template's loop cost more than the search."""
    choices = list(choices)
    if chosen and all(value != chosen for value, _label in choices):
        choices.append((chosen, chosen))
    # The standard library's escape: Django's (behind format_html) is a lazy-aware
    # wrapper that costs more than the rest of the page for hundreds of options.
    return mark_safe(
        "".join(
            f'<option value="{html.escape(value)}"{" selected" if value == chosen else ""}>'
            f"{html.escape(label)}</option>"
            for value, label in choices
        )
    )


@read_page
def search_page(request):
    filters, errors = _search_filters(request)
    negotiation = filters.negotiation
    parties = (
        Party.objects.filter(participations__negotiation=negotiation)
        if negotiation
        else Party.objects.all()
    )
    issues = Issue.objects.filter(negotiation=negotiation) if negotiation else Issue.objects.none()
    parties, issues = parties.values_list("slug", "name"), issues.values_list("slug", "title")
    results = None if errors else search.run(filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for group in results.groups if results else []:
        group.url = "?" + _with(query, kind=group.key)
    context = {
        "filters": filters,
        "errors": errors,
        "results": results,
        "query": query.urlencode(),
        "all_kinds_url": _with(query, kind=None),
        "unfiltered_url": _with(
            query,
            negotiation=None,
            party=None,
            issue=None,
            stance=None,
            kind=None,
            **{"from": None, "to": None},
        ),  # fmt: skip
        "suggestion_url": _with(query, q=results.suggestion) if results else "",
        "kinds": search.KINDS,
        "cap": f"{search.CAP:,}",
        "ranked": search.RANKED,
        "stances": Position.Stance.choices,
        "negotiations": Negotiation.objects.all(),
        "party_options": _options(parties, filters.party),
        "issue_options": _options(issues, filters.issue),
        "postgresql": search.is_postgresql(),
    }
    status = 400 if errors else 200
    return render(request, "negotiations/search.html", context, status=status)


SEARCH_COLUMNS = ["kind", "title", "context", *exports.date_header(), "url", "fields", "excerpt"]


def search_export(request, fmt):
    """Every hit the page can show (up to the cap of each kind), kind by kind in the
    page's order."""
    filters, errors = _search_filters(request)
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def rows():
        for hit in search.every_hit(filters):
            yield (
                hit.kind_label.lower(),
                hit.title,
                hit.context,
                *exports.date_values(hit.date),
                request.build_absolute_uri(hit.url) if hit.url else "",
                ", ".join(s.label for s in hit.snippets),
                " | ".join(s.text for s in hit.snippets),
            )

    return exports.download(fmt, "search", SEARCH_COLUMNS, rows())
