"""Writing a negotiation out as an interchange document (plain dict, JSON-ready)."""

from django.db.models import Prefetch

from negotiations.aliases import split_aliases
from negotiations.exchange.document import FORMAT
from negotiations.models import (
    Citation,
    Person,
    Position,
    Provision,
    Source,
)

# --- export ---------------------------------------------------------------------------


def _date_text(obj):
    return obj.partial_date.isoformat() if obj.date else None


def _day_text(day):
    return day.isoformat() if day else None


def _citations(citations):
    return [
        {"uid": str(c.uid), "source": str(c.source.uid), "locator": c.locator, "excerpt": c.excerpt}
        for c in citations
    ]


def export_negotiation(negotiation):
    """The whole negotiation as a `redline/1` document (plain dict, JSON-ready)."""
    cited = Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk"))
    participations = (
        negotiation.participations.select_related("party")
        .prefetch_related(
            Prefetch("party__persons", queryset=Person.objects.order_by("name", "pk"))
        )
        .order_by("order", "pk")
    )
    issues = negotiation.issues.select_related("parent").order_by("order", "pk")
    events = negotiation.events.prefetch_related("issues", cited).order_by("date", "date_end", "pk")
    proposals = (
        negotiation.proposals.select_related("author", "responds_to", "supersedes")
        .prefetch_related(
            cited,
            Prefetch(
                "provisions",
                queryset=Provision.objects.select_related("issue")
                .prefetch_related(cited)
                .order_by("order", "pk"),
            ),
        )
        .order_by("date", "date_end", "pk")
    )
    positions = (
        Position.objects.filter(issue__negotiation=negotiation)
        .select_related("party", "issue", "speaker")
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
        "parties": [
            {
                "slug": p.party.slug,
                "name": p.party.name,
                "short_name": p.party.short_name,
                "kind": p.party.kind,
                "description": p.party.description,
                "role": p.role,
                "aliases": split_aliases(p.party.aliases),
                "since": _day_text(p.since),
                "until": _day_text(p.until),
                "persons": [
                    {
                        "uid": str(person.uid),
                        "name": person.name,
                        "title": person.title,
                        "since": _day_text(person.since),
                        "until": _day_text(person.until),
                        "notes": person.notes,
                    }
                    for person in p.party.persons.all()
                ],
            }
            for p in participations
        ],
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
                "date": _date_text(s),
                "url": s.url,
                "kind": s.kind,
                "language": s.language,
                "reliability": s.reliability,
                "notes": s.notes,
            }
            for s in sources
        ],
        "events": [
            {
                "uid": str(e.uid),
                "title": e.title,
                "kind": e.kind,
                "description": e.description,
                "date": _date_text(e),
                "issues": sorted(i.slug for i in e.issues.all()),
                "citations": _citations(e.citations.all()),
            }
            for e in events
        ],
        "proposals": [
            {
                "slug": p.slug,
                "title": p.title,
                "kind": p.kind,
                "author": p.author.slug if p.author else None,
                "availability": p.availability,
                "date": _date_text(p),
                "responds_to": p.responds_to.slug if p.responds_to else None,
                "supersedes": p.supersedes.slug if p.supersedes else None,
                "summary": p.summary,
                "citations": _citations(p.citations.all()),
                "provisions": [
                    {
                        "uid": str(v.uid),
                        "label": v.label,
                        "heading": v.heading,
                        "issue": v.issue.slug if v.issue else None,
                        "text": v.text,
                        "citations": _citations(v.citations.all()),
                    }
                    for v in p.provisions.all()
                ],
            }
            for p in proposals
        ],
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
                "date": _date_text(p),
                "citations": _citations(p.citations.all()),
            }
            for p in positions
        ],
    }
