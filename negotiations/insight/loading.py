"""What the timeline pictures draw, read from the database: the latest events, proposals
and positions (negotiations/insight/timeline.py lays them out), and how many in all."""

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber

from negotiations.insight import timeline as layout
from negotiations.models import Provision


def latest(items, limit, per=None):
    """The latest `limit` of dated items (of each `per` value, e.g. "party_id"), in the
    queryset's order, and how many there are in all: {per value: n}, or {None: n}.

    One query for a QuerySet: window functions number the items from the latest and
    count them, and only the first `limit` come back. A list is kept whole.
    """
    if not isinstance(items, QuerySet):
        items = list(items)
        return items, {None: len(items)}
    partition = [F(per)] if per else None
    rows = list(
        items.annotate(
            timeline_nth=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("date").desc(), F("date_end").desc(), F("pk").desc()],
            ),
            timeline_total=Window(Count("*"), partition_by=partition),
        ).filter(timeline_nth__lte=limit)
    )
    return rows, {getattr(r, per) if per else None: r.timeline_total for r in rows}


def proposals_for(negotiation, issue=None):
    """The negotiation's proposals, flagged `on_issue` when a provision addresses `issue`."""
    proposals = negotiation.proposals.select_related("negotiation", "author")
    if issue is not None:
        on_issue = Provision.objects.filter(proposal=OuterRef("pk"), issues=issue)
        proposals = proposals.annotate(on_issue=Exists(on_issue))
    return proposals


def issue_items(issue):
    """(events, proposals, totals) for an issue's timeline: the latest of each."""
    events, event_total = latest(issue.events.select_related("negotiation"), layout.MOST_EVENTS)
    proposals, proposal_total = latest(
        proposals_for(issue.negotiation, issue), layout.MOST_PROPOSALS
    )
    totals = layout.Totals(event_total.get(None, 0), proposal_total.get(None, 0))
    return events, proposals, totals


def negotiation_items(negotiation, positions):
    """(positions, events, proposals, totals) for a negotiation's timeline: the latest
    events and proposals, and the latest positions of each party."""
    events, event_total = latest(
        negotiation.events.select_related("negotiation"), layout.MOST_EVENTS
    )
    proposals, proposal_total = latest(proposals_for(negotiation), layout.MOST_PROPOSALS)
    positions, position_totals = latest(positions, layout.MOST_POSITIONS, per="party_id")
    totals = layout.Totals(event_total.get(None, 0), proposal_total.get(None, 0), position_totals)
    return positions, events, proposals, totals
