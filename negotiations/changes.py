"""Recent changes: who changed which record, when and why, across the history tables.

One UNION over the django-simple-history tables of the records analysts edit, newest
first, so a page of changes is one query (and one to count) whatever the mix of kinds.
Each branch is filtered before the union (negotiation, issue, user), since a union
cannot be filtered afterwards; the rows carry only what the list shows.
"""

from dataclasses import dataclass

from django.db.models import CharField, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce, Left, NullIf

from negotiations.models import Citation, Event, Issue, Position, Proposal, Provision, Source

# What a row is called in the list: its title, summary, label or excerpt, shortened.
LABEL_LENGTH = 160


@dataclass(frozen=True)
class Kind:
    name: str  # the model name, as /history/<kind>/<pk>/ takes it
    label: str
    model: type
    title: object  # an expression over the historical row


KINDS = {
    k.name: k
    for k in (
        Kind("position", "Statement", Position, "summary"),
        Kind("proposal", "Text", Proposal, "title"),
        Kind("provision", "Provision", Provision, "label"),
        Kind("event", "Event", Event, "title"),
        Kind("citation", "Citation", Citation, Coalesce(NullIf("excerpt", Value("")), "locator")),
        Kind("source", "Source", Source, "title"),
    )
}
# Sources belong to no negotiation: they are listed site-wide only.
SITE_WIDE_ONLY = {"source"}
TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _in_negotiation(kind, negotiation):
    """Q over kind's historical rows: those of `negotiation` (also once deleted)."""
    issues = Issue.objects.filter(negotiation=negotiation).values("pk")
    proposals = Proposal.history.filter(negotiation_id=negotiation.pk).values("id")
    if kind == "position":
        return Q(issue_id__in=issues)
    if kind in ("proposal", "event"):
        return Q(negotiation_id=negotiation.pk)
    if kind == "provision":
        return Q(proposal_id__in=proposals)
    if kind == "citation":
        return (
            Q(position_id__in=Position.history.filter(issue_id__in=issues).values("id"))
            | Q(provision_id__in=Provision.history.filter(proposal_id__in=proposals).values("id"))
            | Q(proposal_id__in=proposals)
            | Q(event_id__in=Event.history.filter(negotiation_id=negotiation.pk).values("id"))
        )
    return Q(pk__in=[])


def _on_issue(kind, issue):
    """Q over kind's historical rows: those about `issue`. Texts are about an issue
    through their provisions; kinds with no issue (sources) match nothing."""
    if kind in ("position", "provision"):
        return Q(issue_id=issue.pk)
    if kind == "proposal":
        return Q(id__in=Provision.objects.filter(issue=issue).values("proposal_id"))
    if kind == "event":
        return Q(id__in=Event.issues.through.objects.filter(issue=issue).values("event_id"))
    if kind == "citation":
        return Q(position_id__in=Position.objects.filter(issue=issue).values("pk")) | Q(
            provision_id__in=Provision.objects.filter(issue=issue).values("pk")
        )
    return Q(pk__in=[])


def recent(negotiation=None, kinds=None, user=None, issue=None):
    """The changes, newest first, as a queryset of dicts (id, history_id, history_date,
    history_user_id, history_type, history_change_reason, record_kind, record_title): one UNION."""
    names = [
        name
        for name in kinds or KINDS
        if name in KINDS and (negotiation is None or name not in SITE_WIDE_ONLY)
    ]
    branches = []
    for name in names:
        kind = KINDS[name]
        rows = kind.model.history.all()
        if negotiation is not None:
            rows = rows.filter(_in_negotiation(name, negotiation))
        if issue is not None:
            rows = rows.filter(_on_issue(name, issue))
        if user is not None:
            rows = rows.filter(history_user_id=user.pk)
        branches.append(
            rows.values(
                "id",
                "history_id",
                "history_date",
                "history_user_id",
                "history_type",
                "history_change_reason",
                record_kind=Value(name, output_field=CharField()),
                record_title=Left(Cast(kind.title, TextField()), LABEL_LENGTH),
            ).order_by()
        )
    if not branches:
        return Position.history.none().values("id")
    first, *rest = branches
    return first.union(*rest, all=True).order_by("-history_date", "-history_id", "record_kind")
