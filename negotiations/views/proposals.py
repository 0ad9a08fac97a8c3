from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from negotiations.models import Citation, Proposal


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
