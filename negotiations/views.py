from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from negotiations.models import (
    Citation,
    Issue,
    Negotiation,
    Party,
    Position,
    Proposal,
    Source,
)


@login_not_required
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def home(request):
    negotiations = Negotiation.objects.all()
    return render(request, "negotiations/home.html", {"negotiations": negotiations})


def negotiation_detail(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    context = {
        "negotiation": negotiation,
        "participations": negotiation.participations.in_order(),
        "issues": negotiation.issues.select_related("parent"),
        "proposals": negotiation.proposals.select_related("author", "responds_to"),
        "positions": Position.objects.filter(issue__negotiation=negotiation)
        .current()
        .order_by("issue__order", "party__name"),
        "events": negotiation.events.prefetch_related("issues"),
    }
    return render(request, "negotiations/negotiation.html", context)


def issue_detail(request, slug, issue):
    issue = get_object_or_404(
        Issue.objects.select_related("negotiation"), negotiation__slug=slug, slug=issue
    )
    context = {
        "negotiation": issue.negotiation,
        "issue": issue,
        "positions": issue.positions.with_related().in_order(),
        "events": issue.events.all(),
    }
    return render(request, "negotiations/issue.html", context)


def thread(request, slug, issue, party):
    issue = get_object_or_404(
        Issue.objects.select_related("negotiation"), negotiation__slug=slug, slug=issue
    )
    party = get_object_or_404(Party, slug=party)
    context = {
        "negotiation": issue.negotiation,
        "issue": issue,
        "party": party,
        "positions": issue.positions.filter(party=party).with_related().in_order(),
    }
    return render(request, "negotiations/thread.html", context)


def proposal_detail(request, slug, proposal):
    proposal = get_object_or_404(
        Proposal.objects.select_related("negotiation", "author", "responds_to", "supersedes"),
        negotiation__slug=slug,
        slug=proposal,
    )
    context = {
        "negotiation": proposal.negotiation,
        "proposal": proposal,
        "provisions": proposal.provisions.select_related("issue").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source"))
        ),
        "citations": proposal.citations.select_related("source"),
    }
    return render(request, "negotiations/proposal.html", context)


def source_list(request):
    return render(request, "negotiations/sources.html", {"sources": Source.objects.all()})


def source_detail(request, uid):
    source = get_object_or_404(Source, uid=uid)
    citations = source.citations.select_related(
        "position__party",
        "position__issue__negotiation",
        "provision__proposal__negotiation",
        "proposal__negotiation",
        "event__negotiation",
    )
    return render(request, "negotiations/source.html", {"source": source, "citations": citations})
