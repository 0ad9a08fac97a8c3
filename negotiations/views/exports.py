"""Downloads: every list as CSV/JSON, and the negotiation document."""

import json

from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from negotiations.database import one_snapshot
from negotiations.exchange import dataset as datasets
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
from negotiations.views.common import issue_lines, typed_day

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
    provisions = proposal.provisions.prefetch_related("issues").order_by("order", "pk")
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
            exports.issue_compare_rows(issue_lines(negotiation, a, b), Proposal.NOT_PUBLIC),
        )
    provisions = list(
        Provision.objects.filter(proposal__in=[a, b])
        .prefetch_related("issues")
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
    """The whole negotiation as one redline/2 document (as `manage.py export_negotiation`)."""
    negotiation = get_object_or_404(Negotiation, slug=slug)
    text = json.dumps(export_negotiation(negotiation), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response


def dataset(request, slug):
    """The negotiation as one documented zip (negotiations/exchange/dataset.py), every
    table read from one snapshot, so the zip matches the revision it names."""
    one_snapshot()
    negotiation = get_object_or_404(Negotiation, slug=slug)
    data = datasets.build(negotiation, timezone.now(), request.build_absolute_uri())
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slug}-dataset.zip"'
    return response
