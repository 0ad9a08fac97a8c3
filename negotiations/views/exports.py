"""Downloads: search results and every list as CSV/JSON, and the negotiation document."""

import json

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render

from negotiations import search
from negotiations.exchange import exports
from negotiations.exchange.interchange import export_negotiation
from negotiations.insight import analysis
from negotiations.models import (
    Issue,
    Negotiation,
    Party,
    Position,
    Proposal,
    Provision,
    ProvisionPairing,
)
from negotiations.text import compare as comparing
from negotiations.views.common import read_page, typed_day
from negotiations.views.proposals import _issue_lines

# --- search ----------------------------------------------------------------------------


def _search_filters(request):
    """Filters from the query string, the negotiation (or None) and errors by field."""
    get = request.GET
    errors = {}
    negotiation = Negotiation.objects.filter(slug=get.get("negotiation", "")).first()
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


@read_page
def search_page(request):
    filters, errors = _search_filters(request)

    page, terms = None, search.parse_terms(filters.q)
    if terms and not errors:
        paginator = Paginator(search.results(filters), search.PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        page.hits = search.hits(page.object_list, terms, filters.kinds)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "errors": errors,
        "page": page,
        "query": query.urlencode(),
        "kinds": search.KINDS,
        "stances": Position.Stance.choices,
        "negotiations": Negotiation.objects.all(),
        "parties": Party.objects.filter(participations__negotiation=filters.negotiation)
        if filters.negotiation
        else Party.objects.all(),
        "issues": Issue.objects.filter(negotiation=filters.negotiation)
        if filters.negotiation
        else Issue.objects.none(),
        "postgresql": search.is_postgresql(),
    }

    status = 400 if errors else 200
    return render(request, "negotiations/search.html", context, status=status)


SEARCH_COLUMNS = ["kind", "title", "context", *exports.date_header(), "url", "fields", "excerpt"]


def search_export(request, fmt):
    filters, errors = _search_filters(request)
    if errors:
        return _bad_request("; ".join(f"{k}: {v}" for k, v in errors.items()))
    terms = search.parse_terms(filters.q)
    results = search.results(filters) if terms else None

    def rows():
        if results is None:
            return
        for hit in search.all_hits(results, terms):
            yield (
                hit.kind_label.lower(),
                hit.title,
                hit.context,
                *exports.date_values(hit.date),
                request.build_absolute_uri(hit.url),
                ", ".join(s.label for s in hit.snippets),
                " | ".join(s.text for s in hit.snippets),
            )

    return exports.download(fmt, "search", SEARCH_COLUMNS, rows())


# --- exports of the position pages -----------------------------------------------------


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _chosen(request, name, options):
    wanted = set(request.GET.getlist(name))
    return [o for o in options if o.slug in wanted] or options


def matrix_export(request, slug, fmt):
    """The dashboard matrix: current positions, same `party`/`issue` filters."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    parties = _chosen(request, "party", [p.party for p in negotiation.participations.in_order()])
    issues = _chosen(request, "issue", list(negotiation.issues.all()))
    positions = Position.objects.filter(issue__negotiation=negotiation)
    rows = analysis.matrix(positions, issues, parties)
    return exports.download(
        fmt, f"{slug}-current-positions", exports.MATRIX_COLUMNS, exports.matrix_rows(rows)
    )


def positions_export(request, slug, fmt):
    """Every statement of the negotiation, streamed."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    positions = Position.objects.filter(issue__negotiation=negotiation)
    if parties := request.GET.getlist("party"):
        positions = positions.filter(party__slug__in=parties)
    if issues := request.GET.getlist("issue"):
        positions = positions.filter(issue__slug__in=issues)
    return exports.positions_download(fmt, f"{slug}-positions", positions)


def party_export(request, slug, party, fmt):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    party = get_object_or_404(Party, slug=party, participations__negotiation=negotiation)
    positions = Position.objects.filter(issue__negotiation=negotiation)
    rows = analysis.matrix(positions, list(negotiation.issues.all()), [party])
    return exports.download(
        fmt, f"{slug}-{party.slug}", exports.MATRIX_COLUMNS, exports.matrix_rows(rows)
    )


def issue_export(request, slug, issue, fmt):
    issue = get_object_or_404(Issue, negotiation__slug=slug, slug=issue)
    return exports.positions_download(fmt, f"{slug}-{issue.slug}", issue.positions.all())


def thread_export(request, slug, issue, party, fmt):
    issue = get_object_or_404(
        Issue.objects.select_related("negotiation"), negotiation__slug=slug, slug=issue
    )
    party = get_object_or_404(Party, slug=party, participations__negotiation=issue.negotiation)
    positions = issue.positions.filter(party=party)
    return exports.positions_download(fmt, f"{slug}-{issue.slug}-{party.slug}", positions)


def snapshot_export(request, slug, fmt):
    """The snapshot compare with the page's GET parameters (mode, party, a, b)."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    parties = [p.party for p in negotiation.participations.in_order()]
    chosen = [p for p in parties if p.slug == request.GET.get("party", "")] or parties
    errors = {}
    a = typed_day(request.GET.get("a"), errors, "a", end=True)
    b = typed_day(request.GET.get("b"), errors, "b", end=True)
    if not (errors or a or b):  # the page before a compare: an empty table
        return exports.download(fmt, f"{slug}-snapshot", exports.SNAPSHOT_COLUMNS, [])
    if errors or not (a and b):
        message = "; ".join(f"{k}: {v}" for k, v in errors.items()) or "Give both dates a and b."
        return _bad_request(message)
    mode = "recorded" if request.GET.get("mode") == "recorded" else "stated"
    lines = analysis.snapshot(negotiation, chosen, list(negotiation.issues.all()), mode, a, b)
    return exports.download(
        fmt,
        f"{slug}-snapshot-{a.isoformat()}-{b.isoformat()}",
        exports.SNAPSHOT_COLUMNS,
        exports.snapshot_rows(lines),
    )


def proposals_export(request, slug, fmt):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    proposals = (
        negotiation.proposals.select_related("author", "responds_to", "supersedes")
        .annotate(provision_count=Count("provisions"))
        .order_by("date", "date_end", "pk")
    )
    return exports.download(
        fmt, f"{slug}-proposals", exports.PROPOSAL_COLUMNS, exports.proposal_rows(proposals)
    )


def provisions_export(request, slug, proposal, fmt):
    proposal = get_object_or_404(Proposal, negotiation__slug=slug, slug=proposal)
    if proposal.is_described_only:
        # No article texts: what sources report it contains, and the notice.
        contents = proposal.reported_contents.select_related("issue")
        return exports.download(
            fmt,
            f"{slug}-{proposal.slug}",
            exports.REPORTED_COLUMNS,
            ((c.issue.slug, c.summary, Proposal.NOT_PUBLIC) for c in contents),
        )
    provisions = proposal.provisions.select_related("issue").order_by("order", "pk")
    return exports.download(
        fmt,
        f"{slug}-{proposal.slug}",
        exports.PROVISION_COLUMNS,
        exports.provision_rows(provisions),
    )


def compare_export(request, slug, fmt):
    """The aligned provisions of proposals ?a= and ?b= (an empty table without them)."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    a_slug, b_slug = request.GET.get("a", ""), request.GET.get("b", "")
    if not (a_slug or b_slug):
        return exports.download(fmt, f"{slug}-compare", exports.COMPARE_COLUMNS, [])
    found = {p.slug: p for p in negotiation.proposals.filter(slug__in=[a_slug, b_slug])}
    a, b = found.get(a_slug), found.get(b_slug)
    if a is None or b is None or a == b:
        return _bad_request("Give two different proposals of this negotiation as a and b.")
    if a.is_described_only or b.is_described_only:
        return exports.download(
            fmt,
            f"{slug}-compare-{a.slug}-{b.slug}",
            exports.ISSUE_COMPARE_COLUMNS,
            exports.issue_compare_rows(_issue_lines(negotiation, a, b), Proposal.NOT_PUBLIC),
        )
    provisions = list(
        Provision.objects.filter(proposal__in=[a, b])
        .select_related("issue")
        .order_by("order", "pk")
    )
    manual, apart = ProvisionPairing.objects.between(a, b)  # as the compare page has them
    comparison = comparing.build(
        [p for p in provisions if p.proposal_id == a.pk],
        [p for p in provisions if p.proposal_id == b.pk],
        negotiation.issues.all(),
        manual=manual,
        apart=apart,
    )
    return exports.download(
        fmt,
        f"{slug}-compare-{a.slug}-{b.slug}",
        exports.COMPARE_COLUMNS,
        exports.compare_rows(comparison.rows),
    )


def sources_export(request, fmt):
    return exports.download(fmt, "sources", exports.SOURCE_COLUMNS, exports.source_rows())


def negotiation_document(request, slug):
    """The whole negotiation as one redline/1 document (as `manage.py export_negotiation`)."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    text = json.dumps(export_negotiation(negotiation), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response
