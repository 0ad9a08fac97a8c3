"""One citation on its own small page: correct its source, locator or excerpt, or
remove it with a reason (the history row's reason, shown in the record's history)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from negotiations.forms import CitationEditForm, RemovalForm
from negotiations.models import Citation
from negotiations.views.common import locked
from negotiations.views.records import MODELS as RECORD_KINDS

# What these back is recorded with at least one source (their forms ask for one), so
# their last citation cannot be removed: cite the right source first, or correct it.
MUST_CITE = ("position", "step", "reported_content")


def _citation(request, pk):
    return get_object_or_404(locked(Citation.objects.select_related("source"), request), pk=pk)


def negotiation_of(target):
    """The negotiation of what a citation backs (for the breadcrumbs)."""
    owner = getattr(target, "issue", None) or getattr(target, "proposal", None) or target
    return owner.negotiation


def last_citation_problem(citation):
    """Why ``citation`` cannot be removed, or None."""
    field = next(name for name in Citation.TARGETS if getattr(citation, f"{name}_id"))
    if field not in MUST_CITE:
        return None
    others = Citation.objects.filter(**{f"{field}_id": getattr(citation, f"{field}_id")})
    if others.exclude(pk=citation.pk).exists():
        return None
    return (
        f"This is the only source of this {citation.target._meta.verbose_name}: add the "
        "right source to it first, or correct this citation instead of removing it."
    )


def _page(request, citation, form, removal, status=200):
    target = citation.target
    context = {
        "citation": citation,
        "target": target,
        "what": target._meta.verbose_name,
        "negotiation": negotiation_of(target),
        "form": form,
        "removal": removal,
        "history_url": reverse("negotiations:record_history", args=["citation", citation.pk]),
        "target_history_url": reverse(
            "negotiations:record_history", args=[target._meta.model_name, target.pk]
        )
        if target._meta.model_name in RECORD_KINDS
        else None,
    }
    return render(request, "negotiations/citation_form.html", context, status=status)


@permission_required("negotiations.change_citation", raise_exception=True)
def citation_edit(request, pk):
    citation = _citation(request, pk)
    form = CitationEditForm(request.POST or None, instance=citation)
    if request.method == "POST" and form.is_valid():
        citation = form.save()
        messages.success(request, "Citation corrected.")
        return redirect(citation.target)
    return _page(request, citation, form, RemovalForm(prefix="remove"))


@require_POST
@permission_required("negotiations.delete_citation", raise_exception=True)
def citation_delete(request, pk):
    citation = _citation(request, pk)
    removal = RemovalForm(request.POST, prefix="remove")
    if removal.is_valid():
        if problem := last_citation_problem(citation):
            removal.add_error(None, problem)
        else:
            target = citation.target
            citation._change_reason = removal.cleaned_data["change_reason"]
            citation.delete()
            messages.success(request, "Citation removed. Its history keeps it, with your reason.")
            return redirect(target)
    form = CitationEditForm(instance=citation)
    return _page(request, citation, form, removal)
