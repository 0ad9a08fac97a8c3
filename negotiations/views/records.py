"""The record history of one row, kept after the row is deleted.

Feed entries and other links about a deleted position, proposal, provision, event or
citation point here: the row's own page is gone (404), its history is not.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render

from negotiations.history import compare_records, entries_for
from negotiations.models import (
    Citation,
    Event,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    Source,
    TextStep,
)
from negotiations.views.common import read_page

MODELS = {
    m._meta.model_name: m
    for m in (Position, Proposal, Provision, Event, Citation, TextStep, ReportedContent, Source)
}
# The citation field that points at each kind of record: its citations' corrections
# and removals (with their reasons) are part of its history.
CITED_BY = {
    Position: "position",
    Proposal: "proposal",
    Provision: "provision",
    Event: "event",
    TextStep: "step",
    ReportedContent: "reported_content",
}


@read_page
def record_history(request, kind, pk):
    model = MODELS.get(kind)
    entries = entries_for(model, [pk])[pk] if model is not None else []
    if not entries:
        raise Http404("No history for this record.")
    newest = entries[0].record
    # The last values it had: the newest record that is not the deletion (a deletion
    # repeats them), shown as a creation would be, field by field.
    last = next((e.record for e in entries if e.record.history_type != "-"), newest)
    context = {
        "what": model._meta.verbose_name,
        "title": _title(model, last),
        "deleted": entries[0] if newest.history_type == "-" else None,
        "current_url": _url(model._base_manager.filter(pk=pk).first()),
        "values": compare_records(model, None, last),
        "entries": entries,
        "citation_entries": _citation_entries(model, pk),
    }
    return render(request, "negotiations/record_history.html", context)


def _url(row):
    """Where the row is shown now (a citation: with what it cites), or None."""
    if isinstance(row, Citation):
        row = row.position or row.provision or row.proposal or row.event
    return row.get_absolute_url() if row is not None else None


def _title(model, record):
    """str() of the row as it last was; its party, issue or proposal may be gone too."""
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"{model._meta.verbose_name} #{record.id}"


def _citation_entries(model, pk):
    """[(citation id, Entry)] newest first: every change to the record's citations,
    those removed since included (their history rows keep what they cited)."""
    field = CITED_BY.get(model)
    if field is None:
        return []
    ids = set(Citation.history.filter(**{f"{field}_id": pk}).values_list("id", flat=True))
    entries = [(cid, e) for cid, found in entries_for(Citation, ids).items() for e in found]
    return sorted(entries, key=lambda item: item[1].when, reverse=True)
