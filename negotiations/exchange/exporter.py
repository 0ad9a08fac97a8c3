"""Writing a negotiation out as an interchange document (plain dict, JSON-ready)."""

from django.db.models import Prefetch

from negotiations.aliases import split_aliases
from negotiations.exchange.document import FORMAT
from negotiations.models import (
    Citation,
    Party,
    Person,
    Position,
    Provision,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
)

# --- export ---------------------------------------------------------------------------


def _date_text(obj):
    return obj.partial_date.isoformat() if obj.date else None


def _dated(obj):
    """The canonical date (the value) and the words the source used, beside it."""
    return {"date": _date_text(obj), "date_as_written": obj.date_as_written}


def _day_text(day):
    return day.isoformat() if day else None


def _citations(citations):
    return [
        {"uid": str(c.uid), "source": str(c.source.uid), "locator": c.locator, "excerpt": c.excerpt}
        for c in citations
    ]


def export_negotiation(negotiation):
    """The whole negotiation as a `redline/2` document (plain dict, JSON-ready)."""
    cited = Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk"))
    participations = {p.party_id: p for p in negotiation.participations.order_by("order", "pk")}
    events = negotiation.events.prefetch_related(
        "issues",
        Prefetch("parties", queryset=Party.objects.order_by("slug")),
        Prefetch("persons", queryset=Person.objects.order_by("uid")),
        cited,
    ).order_by("date", "date_end", "pk")
    proposals = (
        negotiation.proposals.select_related("author", "responds_to", "supersedes")
        .prefetch_related(
            cited,
            Prefetch(
                "steps",
                queryset=TextStep.objects.prefetch_related(cited).order_by(
                    "date", "date_end", "pk"
                ),
            ),
            Prefetch(
                "text_parties",
                queryset=TextParty.objects.select_related("party").order_by("role", "party__slug"),
            ),
            Prefetch(
                "reported_contents",
                queryset=ReportedContent.objects.select_related("issue")
                .prefetch_related(cited)
                .order_by("issue__order", "issue__pk", "pk"),
            ),
            Prefetch(
                "provisions",
                queryset=Provision.objects.prefetch_related("issues", cited).order_by(
                    "order", "pk"
                ),
            ),
        )
        .order_by("date", "date_end", "pk")
    )
    events, proposals = list(events), list(proposals)
    # Parties that take part, in their order, then those only named (an event's actor,
    # a text's witness or guarantor, the party of a person who acted), by slug.
    named = {party.pk for e in events for party in e.parties.all()}
    named |= {person.party_id for e in events for person in e.persons.all()}
    named |= {tp.party_id for p in proposals for tp in p.text_parties.all()}
    parties = list(
        Party.objects.filter(pk__in=list(participations)).prefetch_related(
            Prefetch("persons", queryset=Person.objects.order_by("name", "pk"))
        )
    )
    parties.sort(key=lambda party: (participations[party.pk].order, participations[party.pk].pk))
    parties += list(
        Party.objects.filter(pk__in=named - set(participations))
        .prefetch_related(Prefetch("persons", queryset=Person.objects.order_by("name", "pk")))
        .order_by("slug")
    )
    issues = negotiation.issues.select_related("parent").order_by("order", "pk")
    positions = (
        Position.objects.filter(issue__negotiation=negotiation)
        .select_related("party", "issue", "speaker", "commitment_of")
        .prefetch_related(cited)
        .order_by("issue__order", "issue__pk", "party__slug", "date", "date_end", "pk")
    )
    sources = (
        Source.objects.filter(citations__in=Citation.objects.for_negotiation(negotiation))
        .distinct()
        .order_by("title", "uid")
    )
    return {
        "format": FORMAT,
        "negotiation": {
            "slug": negotiation.slug,
            "title": negotiation.title,
            "description": negotiation.description,
        },
        "parties": [_party(party, participations.get(party.pk)) for party in parties],
        "issues": [
            {
                "slug": i.slug,
                "title": i.title,
                "description": i.description,
                "parent": i.parent.slug if i.parent else None,
                "aliases": split_aliases(i.aliases),
            }
            for i in issues
        ],
        "sources": [
            {
                "uid": str(s.uid),
                "title": s.title,
                "author": s.author,
                "outlet": s.outlet,
                **_dated(s),
                "url": s.url,
                "kind": s.kind,
                "language": s.language,
                "reliability": s.reliability,
                "reliability_reason": s.reliability_reason,
                "notes": s.notes,
                "text": s.text,
            }
            for s in sources
        ],
        "events": [
            {
                "uid": str(e.uid),
                "title": e.title,
                "kind": e.kind,
                "description": e.description,
                **_dated(e),
                "issues": sorted(i.slug for i in e.issues.all()),
                "parties": [party.slug for party in e.parties.all()],
                "persons": [str(person.uid) for person in e.persons.all()],
                "citations": _citations(e.citations.all()),
            }
            for e in events
        ],
        "proposals": [_text(p) for p in proposals],
        "positions": [
            {
                "uid": str(p.uid),
                "party": p.party.slug,
                "issue": p.issue.slug,
                "stance": p.stance,
                "movement": p.movement,
                "summary": p.summary,
                "quote": p.quote,
                "speaker": str(p.speaker.uid) if p.speaker else None,
                "attribution": p.attribution,
                **_dated(p),
                "commitment": str(p.commitment_of.uid) if p.commitment_of else None,
                "citations": _citations(p.citations.all()),
            }
            for p in positions
        ],
    }


def _party(party, participation):
    return {
        "slug": party.slug,
        "name": party.name,
        "short_name": party.short_name,
        "kind": party.kind,
        "description": party.description,
        "aliases": split_aliases(party.aliases),
        "participation": None
        if participation is None
        else {
            "role": participation.role,
            "since": _day_text(participation.since),
            "until": _day_text(participation.until),
        },
        "persons": [
            {
                "uid": str(person.uid),
                "name": person.name,
                "title": person.title,
                "since": _day_text(person.since),
                "until": _day_text(person.until),
                "notes": person.notes,
            }
            for person in party.persons.all()
        ],
    }


def _text(p):
    """A proposal or agreement: its lifecycle, parties with a role, and what it says
    (provisions) or what sources report it says (reported contents, described only)."""
    return {
        "slug": p.slug,
        "title": p.title,
        "kind": p.kind,
        "author": p.author.slug if p.author else None,
        "availability": p.availability,
        **_dated(p),
        "responds_to": p.responds_to.slug if p.responds_to else None,
        "supersedes": p.supersedes.slug if p.supersedes else None,
        "summary": p.summary,
        "citations": _citations(p.citations.all()),
        "steps": [
            {
                "uid": str(step.uid),
                "kind": step.kind,
                **_dated(step),
                "note": step.note,
                "citations": _citations(step.citations.all()),
            }
            for step in p.steps.all()
        ],
        "text_parties": [{"party": tp.party.slug, "role": tp.role} for tp in p.text_parties.all()],
        "reported_contents": [
            {
                "uid": str(r.uid),
                "issue": r.issue.slug,
                "summary": r.summary,
                "citations": _citations(r.citations.all()),
            }
            for r in p.reported_contents.all()
        ],
        "provisions": [
            {
                "uid": str(v.uid),
                "label": v.label,
                "heading": v.heading,
                "issues": [issue.slug for issue in v.sorted_issues()],
                "text": v.text,
                "citations": _citations(v.citations.all()),
            }
            for v in p.provisions.all()
        ],
    }
