"""Events recorded and corrected in the app: what happened, when, who acted, on what,
with the sources that report it."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from negotiations.forms import EventEditForm, EventForm, citation_formset
from negotiations.models import Event, Negotiation
from negotiations.views.common import conflict_if_stale, locked
from negotiations.views.positions import (
    back_to_source,
    chosen_in_query,
    coded_from_text,
    date_links,
    suggestion_links,
)


def _page(request, context):
    return render(request, "negotiations/event_form.html", context)


@permission_required("negotiations.add_event", raise_exception=True)
def event_add(request, slug):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    # Opened from a source's text: the citation is filled in, the description is the
    # analyst's own words, and actors and issues are only suggested.
    cite, suggested_parties, suggested_issues, suggested_dates = coded_from_text(
        request, negotiation
    )
    # ?party=<slug>&issue=<slug> (repeatable) tick actors and issues: a suggestion used.
    parties, issues = chosen_in_query(request, negotiation)
    form = EventForm(
        request.POST or None,
        negotiation=negotiation,
        # ?when=<words> fills the date: a date suggestion used without script.
        initial={"parties": parties, "issues": issues, "when": request.GET.get("when", "")},
    )
    citations = citation_formset(request.POST or None, initial=cite)
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        reason = "Recorded a new event"
        form.instance._change_reason = reason
        event = form.save()
        citations.save_for("event", event, reason)
        messages.success(request, f"Event “{event.title}” recorded.")
        return redirect(back_to_source(request, event.citations.all()) or event)
    suggested_parties, suggested_issues = suggestion_links(
        request, suggested_parties, suggested_issues, many=True
    )
    context = {
        "negotiation": negotiation,
        "form": form,
        "citations": citations,
        "suggested_parties": suggested_parties,
        "suggested_issues": suggested_issues,
        "suggested_dates": date_links(request, suggested_dates),
    }
    return _page(request, context)


@permission_required("negotiations.change_event", raise_exception=True)
def event_edit(request, slug, pk):
    negotiation = get_object_or_404(Negotiation, slug=slug)
    event = get_object_or_404(locked(negotiation.events, request), pk=pk)
    form = EventEditForm(request.POST or None, instance=event, negotiation=negotiation)
    citations = citation_formset(request.POST or None, optional=True)
    context = {"negotiation": negotiation, "event": event, "citations": citations}
    if request.method == "POST" and all([form.is_valid(), citations.is_valid()]):
        conflict = conflict_if_stale(
            request, form, event, Event.objects, context, negotiation=negotiation
        )
        if conflict:
            return conflict
        event = form.save()
        citations.save_for("event", event, form.cleaned_data["change_reason"])
        messages.success(request, "Correction saved.")
        return redirect(event)
    context["form"] = form
    context["existing_citations"] = event.citations.select_related("source")
    return _page(request, context)
