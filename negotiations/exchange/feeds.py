"""Atom feeds of changes: per negotiation and per party × issue thread.

An entry is one history record (a position, proposal, provision, event or citation
was created, changed or deleted): who did it, what changed field by field, why, and a
link to the page that shows the diff. Feed readers cannot log in, so a feed URL
carries the user's secret token (`FeedToken`); the feed is served only while that
token is active and its user still may view negotiations, otherwise 404 — the same
answer as for a token that never existed, so a URL reveals nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache

from negotiations.history import Labeller, compare_records
from negotiations.models import (
    Citation,
    Event,
    FeedToken,
    Issue,
    Negotiation,
    Party,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
)

LIMIT = 50
VALUE_LENGTH = 300
VERBS = {"+": "created", "~": "changed", "-": "deleted"}


def feed_user(token):
    """The user behind an active token who may still read negotiations, else 404."""
    found = FeedToken.objects.active().select_related("user").filter(token=token).first()
    if found is None:
        raise Http404("No such feed.")
    user = found.user
    if not user.is_active or not user.has_perm("negotiations.view_negotiation"):
        raise Http404("No such feed.")
    return user


@dataclass
class Change:
    model: type
    record: object
    verb: str
    user: object
    when: object
    reason: str
    subject: str = ""
    link: str = ""
    changes: list = field(default_factory=list)

    @property
    def what(self):
        return self.model._meta.verbose_name


def _records(scopes, limit):
    """The newest `limit` history records across the scoped models, newest first."""
    records = []
    for model, condition in scopes:
        records += [
            (model, r)
            for r in model.history.filter(condition)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        ]
    records.sort(key=lambda mr: (mr[1].history_date, mr[1].history_id), reverse=True)
    return records[:limit]


def _provision_link(provision_id, proposal, negotiation):
    try:
        return reverse("negotiations:provision_history", args=[provision_id])
    except NoReverseMatch:
        if proposal is None:
            return negotiation.get_absolute_url()
        return (
            reverse("negotiations:proposal", args=[negotiation.slug, proposal.slug])
            + f"#provision-{provision_id}"
        )


class _Names:
    """Names and slugs of what the records point to, fetched in bulk (deleted rows
    are looked up in their history, so a deleted position still has a subject)."""

    def __init__(self, records):
        ids = {}
        for model, r in records:
            for attname in ("party_id", "issue_id", "proposal_id", "source_id", "position_id"):
                if hasattr(r, attname) and getattr(r, attname) is not None:
                    ids.setdefault(attname, set()).add(getattr(r, attname))
            if model is Citation:
                for attname in ("provision_id", "event_id"):
                    if getattr(r, attname) is not None:
                        ids.setdefault(attname, set()).add(getattr(r, attname))
        positions = self._latest(Position, ids.get("position_id"))
        provisions = self._latest(Provision, ids.get("provision_id"))
        ids.setdefault("party_id", set()).update(p.party_id for p in positions.values())
        ids.setdefault("issue_id", set()).update(p.issue_id for p in positions.values())
        ids.setdefault("proposal_id", set()).update(p.proposal_id for p in provisions.values())
        self.positions, self.provisions = positions, provisions
        self.parties = Party._base_manager.in_bulk(ids["party_id"])
        self.issues = Issue._base_manager.in_bulk(ids["issue_id"])
        self.proposals = self._latest(Proposal, ids["proposal_id"])
        self.sources = Source._base_manager.in_bulk(ids.get("source_id", set()))
        self.events = self._latest(Event, ids.get("event_id"))

    @staticmethod
    def _latest(model, pks):
        """{pk: the newest history record} — works for rows deleted since."""
        if not pks:
            return {}
        latest = {}
        for r in model.history.filter(id__in=pks).order_by("history_date", "history_id"):
            latest[r.id] = r
        return latest

    def name(self, mapping, pk, attribute, fallback):
        obj = mapping.get(pk)
        return getattr(obj, attribute) if obj is not None else f"({fallback} #{pk})"

    def thread(self, negotiation, position_id):
        p = self.positions.get(position_id)
        if p is None or p.issue_id not in self.issues or p.party_id not in self.parties:
            return f"(position #{position_id})", negotiation.get_absolute_url()
        issue, party = self.issues[p.issue_id], self.parties[p.party_id]
        link = reverse("negotiations:thread", args=[negotiation.slug, issue.slug, party.slug])
        return f"{party.name} on {issue.title}", f"{link}#position-{position_id}"

    def provision(self, negotiation, provision_id):
        v = self.provisions.get(provision_id)
        proposal = self.proposals.get(v.proposal_id) if v is not None else None
        label = v.label if v is not None else f"(provision #{provision_id})"
        where = f" of {proposal.title}" if proposal is not None else ""
        return label + where, _provision_link(provision_id, proposal, negotiation)

    def proposal(self, negotiation, proposal_id):
        p = self.proposals.get(proposal_id)
        if p is None:
            return f"(proposal #{proposal_id})", negotiation.get_absolute_url()
        return p.title, reverse("negotiations:proposal", args=[negotiation.slug, p.slug])

    def event(self, negotiation, event_id):
        e = self.events.get(event_id)
        title = e.title if e is not None else f"(event #{event_id})"
        return title, negotiation.get_absolute_url() + f"#event-{event_id}"


def _subject(negotiation, names, model, r):
    """(what the record is about, link to the page showing its diff)"""
    if model is Position:
        names.positions.setdefault(r.id, r)
        return names.thread(negotiation, r.id)
    if model is Provision:
        names.provisions.setdefault(r.id, r)
        return names.provision(negotiation, r.id)
    if model is Proposal:
        names.proposals.setdefault(r.id, r)
        return names.proposal(negotiation, r.id)
    if model is Event:
        names.events.setdefault(r.id, r)
        return names.event(negotiation, r.id)
    if model in (TextStep, TextParty, ReportedContent):
        title, link = names.proposal(negotiation, r.proposal_id)
        return f"{model._meta.verbose_name.capitalize()} of {title}", link
    source = names.name(names.sources, r.source_id, "title", "source")
    if r.position_id:
        target, link = names.thread(negotiation, r.position_id)
    elif r.provision_id:
        target, link = names.provision(negotiation, r.provision_id)
    elif r.proposal_id:
        target, link = names.proposal(negotiation, r.proposal_id)
    else:
        target, link = names.event(negotiation, r.event_id)
    return f"{source} for {target}", link


# What str() of a related row reads, fetched with it (str(position) names its party and
# issue), so labelling the history of citations takes no query per entry.
_STR_NEEDS = {Position: ("party", "issue"), Provision: ("proposal",)}


def _field_changes(model, wanted):
    """{history_id: [FieldChange]} for the wanted records, each against the record
    before it, in a fixed number of queries."""
    pks = {r.id for r in wanted}
    records = list(model.history.filter(id__in=pks).order_by("id", "history_date", "history_id"))
    labeller = Labeller(model, records)
    for f in labeller.fields:
        related = f.related_model if f.is_relation else None
        if related in _STR_NEEDS and labeller.related[f.name]:
            ids = list(labeller.related[f.name])
            manager = related._base_manager.select_related(*_STR_NEEDS[related])
            labeller.related[f.name] = manager.in_bulk(ids)
    ids = {r.history_id for r in wanted}
    result, previous = {}, {}
    for record in records:
        if record.history_id in ids and record.history_type != "-":
            result[record.history_id] = compare_records(
                model, previous.get(record.id), record, labeller
            )
        previous[record.id] = record
    return result


def _deleted(by_model):
    """{model: ids of the rows among `by_model`'s records that no longer exist}."""
    gone = {}
    for model, records in by_model.items():
        ids = {r.id for r in records}
        gone[model] = ids - set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return gone


def changes(negotiation, scopes, limit=LIMIT):
    """The newest changes within `scopes` as Change objects, newest first.

    A fixed number of queries: one per scoped model for the records, then per model
    a few for their field-by-field changes, the names they refer to and which rows are
    gone. Every entry about a row deleted since links to that row's record history: its
    own page would answer 404."""
    records = _records(scopes, limit)
    by_model = {}
    for model, r in records:
        by_model.setdefault(model, []).append(r)
    field_changes = {model: _field_changes(model, rs) for model, rs in by_model.items()}
    names = _Names(records)
    deleted = _deleted(by_model)
    result = []
    for model, r in records:
        subject, link = _subject(negotiation, names, model, r)
        if r.id in deleted[model]:
            link = reverse("negotiations:record_history", args=[model._meta.model_name, r.id])
        result.append(
            Change(
                model=model,
                record=r,
                verb=VERBS.get(r.history_type, "changed"),
                user=r.history_user,
                when=r.history_date,
                reason=r.history_change_reason or "",
                subject=subject,
                link=link,
                changes=field_changes[model].get(r.history_id, []),
            )
        )
    return result


def _value(text):
    return Truncator(text).chars(VALUE_LENGTH)


def describe(change):
    """HTML for an entry: why, then what changed. Every value is escaped here."""
    reason = change.reason or "no reason given"
    rows = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (c.label, c.diff if c.diff else format_html("{} → {}", _value(c.old), _value(c.new)))
            for c in change.changes
        ),
    )
    who = change.user.get_username() if change.user else "Someone"
    head = format_html(
        "<p>{} {} this {} on {}.</p><p><strong>Why:</strong> {}</p>",
        who,
        change.verb,
        change.what,
        change.when.strftime("%d %b %Y %H:%M UTC"),
        reason,
    )
    if change.model is Proposal and change.record.availability == Proposal.Availability.DESCRIBED:
        head += format_html("<p><em>{}</em></p>", Proposal.NOT_PUBLIC)
    return head + (format_html("<ul>{}</ul>", rows) if rows else "")


class _ChangesFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        who = item.user.get_username() if item.user else "Someone"
        return f"{who} {item.verb} {item.what} “{item.subject}”"

    def item_description(self, item):
        return describe(item)

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return f"urn:redline:history:{item.model._meta.model_name}:{item.record.history_id}"

    item_guid_is_permalink = False

    def author_name(self):
        # RFC 4287 requires an author for the feed (or every entry): the app itself.
        return settings.SITE_NAME

    def item_author_name(self, item):
        # Changes made by no user (imports, seeds, scripts) are the app's own.
        return item.user.get_username() if item.user else settings.SITE_NAME

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when


class NegotiationFeed(_ChangesFeed):
    def get_object(self, request, token, slug):
        feed_user(token)
        return get_object_or_404(Negotiation, slug=slug)

    def title(self, obj):
        return f"Changes in {obj.title} · Redline"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return "Positions, proposals, provisions, events and citations: who changed what, why."

    def items(self, obj):
        n = obj
        scopes = [
            (Position, Q(issue__negotiation=n)),
            (Proposal, Q(negotiation=n)),
            (Provision, Q(proposal__negotiation=n)),
            (TextStep, Q(proposal__negotiation=n)),
            (TextParty, Q(proposal__negotiation=n)),
            (ReportedContent, Q(proposal__negotiation=n)),
            (Event, Q(negotiation=n)),
            (
                Citation,
                Q(position__issue__negotiation=n)
                | Q(provision__proposal__negotiation=n)
                | Q(proposal__negotiation=n)
                | Q(event__negotiation=n),
            ),
        ]
        return changes(n, scopes)


@dataclass
class Thread:
    negotiation: Negotiation
    issue: Issue
    party: Party


class ThreadFeed(_ChangesFeed):
    def get_object(self, request, token, slug, issue, party):
        feed_user(token)
        issue = get_object_or_404(
            Issue.objects.select_related("negotiation"), negotiation__slug=slug, slug=issue
        )
        party = get_object_or_404(Party, slug=party, participations__negotiation=issue.negotiation)
        return Thread(issue.negotiation, issue, party)

    def title(self, obj):
        return f"{obj.party.name} on {obj.issue.title} — changes · Redline"

    def link(self, obj):
        return reverse(
            "negotiations:thread", args=[obj.negotiation.slug, obj.issue.slug, obj.party.slug]
        )

    def subtitle(self, obj):
        return f"Statements and their citations in {obj.negotiation.title}: who changed what, why."

    def items(self, obj):
        scopes = [
            (Position, Q(issue=obj.issue, party=obj.party)),
            (Citation, Q(position__issue=obj.issue, position__party=obj.party)),
        ]
        return changes(obj.negotiation, scopes)


# Reachable without a session: the token in the URL is the credential.
negotiation_feed = login_not_required(never_cache(NegotiationFeed()))
thread_feed = login_not_required(never_cache(ThreadFeed()))
