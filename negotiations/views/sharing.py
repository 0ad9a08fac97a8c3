"""Seeing and sharing: CSV/JSON exports, the negotiation document, import, feeds."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.views.decorators.http import require_POST

from negotiations import analysis, exports
from negotiations import compare as comparing
from negotiations.interchange import (
    InvalidDocument,
    export_negotiation,
    import_document,
    parse_document,
)
from negotiations.models import (
    FeedToken,
    Issue,
    Negotiation,
    Party,
    Position,
    Proposal,
    Provision,
)
from negotiations.views.common import typed_day

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
        .order_by("date", "date_precision", "pk")
    )
    return exports.download(
        fmt, f"{slug}-proposals", exports.PROPOSAL_COLUMNS, exports.proposal_rows(proposals)
    )


def provisions_export(request, slug, proposal, fmt):
    proposal = get_object_or_404(Proposal, negotiation__slug=slug, slug=proposal)
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
    provisions = list(
        Provision.objects.filter(proposal__in=[a, b])
        .select_related("issue")
        .order_by("order", "pk")
    )
    comparison = comparing.build(
        [p for p in provisions if p.proposal_id == a.pk],
        [p for p in provisions if p.proposal_id == b.pk],
        negotiation.issues.all(),
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


# --- import ----------------------------------------------------------------------------


def _editors_only(user):
    if not (user.is_staff and user.has_perm("negotiations.add_negotiation")):
        raise PermissionDenied("Only editors can import documents.")


def _limit():
    return settings.FILE_UPLOAD_MAX_MEMORY_SIZE


def _megabytes(size):
    return filesizeformat(size)


def import_upload(request):
    """Editors upload a redline/1 document: validated whole, then written all or nothing."""
    _editors_only(request.user)
    context = {"errors": [], "limit": _megabytes(_limit()), "created": None}
    if request.method != "POST":
        return render(request, "negotiations/import.html", context)
    errors = context["errors"]
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    upload = None
    if length > _limit() + 64 * 1024:  # the form fields around the file are small
        errors.append(
            f"The file is too large ({_megabytes(length)}); the limit is {_megabytes(_limit())}."
        )
    else:
        upload = request.FILES.get("document")
        if upload is None:
            errors.append("Choose a redline/1 JSON file to import.")
        elif upload.size > _limit():
            errors.append(
                f"The file is too large ({_megabytes(upload.size)}); "
                f"the limit is {_megabytes(_limit())}."
            )
    if not errors:
        context["filename"] = upload.name
        try:
            data = parse_document(upload.read())
            created = import_document(data, reason=f"import from {upload.name}", user=request.user)
        except InvalidDocument as exc:
            errors.extend(exc.errors)
        except IntegrityError:
            # Raw database text names tables and constraints; say what happened instead.
            errors.append(
                "(document): someone imported the same records at the same moment, so "
                "nothing of this file was written. Upload it again: what exists by then "
                "is left alone."
            )
        else:
            summary = ", ".join(f"{n} {name}" for name, n in sorted(created.items()))
            messages.success(
                request, f"Imported {upload.name}: " + (summary or "nothing new (already here)")
            )
            return redirect("negotiations:negotiation", data["negotiation"]["slug"])
    return render(request, "negotiations/import.html", context, status=400)


# --- feed tokens -----------------------------------------------------------------------


def feed_tokens(request):
    """My secret feed URLs, to paste into a feed reader; revoke or regenerate them."""
    token = request.user.feed_tokens.active().first()
    negotiations, threads = [], []
    if token is not None:
        negotiations = list(Negotiation.objects.all())
        threads = (
            Position.objects.order_by(
                "issue__negotiation__title", "issue__order", "issue__title", "party__name"
            )
            .values_list(
                "issue__negotiation__slug",
                "issue__negotiation__title",
                "issue__slug",
                "issue__title",
                "party__slug",
                "party__name",
            )
            .distinct()
        )
    context = {"token": token, "negotiations": negotiations, "threads": threads}
    return render(request, "negotiations/feed_tokens.html", context)


@require_POST
def feed_token_change(request):
    """Revoke every active token of mine; with action=regenerate, make a new one."""
    regenerate = request.POST.get("action") == "regenerate"
    for token in request.user.feed_tokens.active():
        token.revoked_at = timezone.now()
        token.save()
    if regenerate:
        FeedToken.objects.create(user=request.user)
        messages.success(request, "Your new feed address is below. Old addresses no longer work.")
    else:
        messages.success(request, "Your feed addresses are revoked. Feed readers get nothing.")
    return redirect("negotiations:feed_tokens")
