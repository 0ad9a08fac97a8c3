"""What the API answers with: one schema per kind of record, and a builder from a model
row to it. Records are named by their stable ids (slugs within a negotiation, uids),
never by database ids."""

import datetime
import uuid

from ninja import Schema
from pydantic import Field

from negotiations.aliases import split_aliases
from negotiations.exchange.exports import date_values


class DateOut(Schema):
    """A partial date as the source gave it (docs/dates.md)."""

    canonical: str = Field(description="Canonical form: EDTF where EDTF has one, e.g. 2024-Q1.")
    display: str = Field(description="As pages show it, e.g. “Q1 2024”.")
    start: datetime.date | None = Field(
        description="The earliest day it can mean; null when open (“before 1 Feb 2024”)."
    )
    end: datetime.date | None = Field(
        description="The latest day it can mean; null when open (“after 8 Aug 2025”)."
    )
    precision: str = Field(description="day, month, quarter or year.")
    qualifier: str = Field(
        description="'' (none), early, mid, late, before, after, by, between, as_of."
    )
    approximate: bool
    inferred: bool = Field(description="The analyst's reading, not the source's words.")
    as_written: str = Field(description="The source's own words for the date.")


DATE_KEYS = list(DateOut.model_fields)


def date_out(partial_date):
    if partial_date is None:
        return None
    return dict(zip(DATE_KEYS, date_values(partial_date), strict=True))


class CitationOut(Schema):
    uid: uuid.UUID
    source: uuid.UUID = Field(description="The cited source's uid (/api/v1/sources/{uid}).")
    source_title: str
    locator: str
    excerpt: str


def citations_out(citations):
    return [
        {
            "uid": c.uid,
            "source": c.source.uid,
            "source_title": c.source.title,
            "locator": c.locator,
            "excerpt": c.excerpt,
        }
        for c in citations
    ]


class PersonRef(Schema):
    uid: uuid.UUID
    name: str


def person_ref(person):
    return None if person is None else {"uid": person.uid, "name": person.name}


class NegotiationOut(Schema):
    slug: str
    title: str
    description: str
    created_at: datetime.datetime


def negotiation_out(n):
    return {
        "slug": n.slug,
        "title": n.title,
        "description": n.description,
        "created_at": n.created_at,
    }


class PartyOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    description: str
    aliases: list[str]
    role: str = Field(description="Its role in this negotiation.")
    since: datetime.date | None = Field(description="First day in this role, if known.")
    until: datetime.date | None = Field(description="Last day in this role, if known.")


def party_out(participation):
    p = participation.party
    return {
        "slug": p.slug,
        "name": p.name,
        "short_name": p.short_name,
        "kind": p.kind,
        "description": p.description,
        "aliases": split_aliases(p.aliases),
        "role": participation.role,
        "since": participation.since,
        "until": participation.until,
    }


class IssueOut(Schema):
    slug: str
    title: str
    description: str
    parent: str | None = Field(description="The parent issue's slug.")
    order: int
    aliases: list[str]


def issue_out(issue):
    return {
        "slug": issue.slug,
        "title": issue.title,
        "description": issue.description,
        "parent": issue.parent.slug if issue.parent_id else None,
        "order": issue.order,
        "aliases": split_aliases(issue.aliases),
    }


class StatementOut(Schema):
    uid: uuid.UUID
    issue: str = Field(description="The issue's slug.")
    party: str = Field(description="The party's slug.")
    stance: str = Field(description="See the codebook (/api/v1/codebook).")
    movement: str = Field(description="See the codebook (/api/v1/codebook).")
    summary: str
    quote: str
    speaker: PersonRef | None
    attribution: str = Field(description="own, reported or inferred.")
    date: DateOut
    committed_by_step: uuid.UUID | None = Field(
        description="The text step (initialling, signing, ratifying) that recorded it."
    )
    citations: list[CitationOut]


def statement_out(p):
    return {
        "uid": p.uid,
        "issue": p.issue.slug,
        "party": p.party.slug,
        "stance": p.stance,
        "movement": p.movement,
        "summary": p.summary,
        "quote": p.quote,
        "speaker": person_ref(p.speaker),
        "attribution": p.attribution,
        "date": date_out(p.partial_date),
        "committed_by_step": p.commitment_of.uid if p.commitment_of_id else None,
        "citations": citations_out(p.citations.all()),
    }


class StepOut(Schema):
    uid: uuid.UUID
    kind: str
    note: str
    date: DateOut
    citations: list[CitationOut]


class TextPartyOut(Schema):
    party: str
    role: str


class ReportedContentOut(Schema):
    uid: uuid.UUID
    issue: str
    summary: str
    citations: list[CitationOut]


class TextOut(Schema):
    slug: str
    title: str
    kind: str
    availability: str = Field(
        description="official, reported, or described (no text: see reported_contents)."
    )
    author: str | None = Field(description="The authoring party's slug.")
    responds_to: str | None
    supersedes: str | None
    summary: str
    date: DateOut
    steps: list[StepOut]
    parties: list[TextPartyOut]
    reported_contents: list[ReportedContentOut]
    citations: list[CitationOut]


def text_out(t):
    return {
        "slug": t.slug,
        "title": t.title,
        "kind": t.kind,
        "availability": t.availability,
        "author": t.author.slug if t.author_id else None,
        "responds_to": t.responds_to.slug if t.responds_to_id else None,
        "supersedes": t.supersedes.slug if t.supersedes_id else None,
        "summary": t.summary,
        "date": date_out(t.partial_date),
        "steps": [
            {
                "uid": s.uid,
                "kind": s.kind,
                "note": s.note,
                "date": date_out(s.partial_date),
                "citations": citations_out(s.citations.all()),
            }
            for s in t.steps.all()
        ],
        "parties": [{"party": tp.party.slug, "role": tp.role} for tp in t.text_parties.all()],
        "reported_contents": [
            {
                "uid": r.uid,
                "issue": r.issue.slug,
                "summary": r.summary,
                "citations": citations_out(r.citations.all()),
            }
            for r in t.reported_contents.all()
        ],
        "citations": citations_out(t.citations.all()),
    }


class ProvisionOut(Schema):
    uid: uuid.UUID
    label: str
    heading: str
    issue: str | None
    text: str
    order: int
    citations: list[CitationOut]


def provision_out(p):
    return {
        "uid": p.uid,
        "label": p.label,
        "heading": p.heading,
        "issue": p.issue.slug if p.issue_id else None,
        "text": p.text,
        "order": p.order,
        "citations": citations_out(p.citations.all()),
    }


class EventOut(Schema):
    uid: uuid.UUID
    title: str
    kind: str
    description: str
    date: DateOut
    issues: list[str]
    parties: list[str] = Field(description="The actors that are parties (slugs).")
    persons: list[PersonRef] = Field(description="The actors that are persons.")
    citations: list[CitationOut]


def event_out(e):
    return {
        "uid": e.uid,
        "title": e.title,
        "kind": e.kind,
        "description": e.description,
        "date": date_out(e.partial_date),
        "issues": [i.slug for i in e.issues.all()],
        "parties": [p.slug for p in e.parties.all()],
        "persons": [person_ref(p) for p in e.persons.all()],
        "citations": citations_out(e.citations.all()),
    }


class SourceOut(Schema):
    uid: uuid.UUID
    title: str
    author: str
    outlet: str
    date: DateOut | None = Field(description="null for an undated source.")
    url: str
    kind: str
    language: str
    reliability: str = Field(description="A (completely reliable) to F (cannot be judged).")


def source_out(s):
    return {
        "uid": s.uid,
        "title": s.title,
        "author": s.author,
        "outlet": s.outlet,
        "date": date_out(s.partial_date),
        "url": s.url,
        "kind": s.kind,
        "language": s.language,
        "reliability": s.reliability,
    }


class PersonOut(Schema):
    uid: uuid.UUID
    name: str
    title: str
    party: str
    since: datetime.date | None
    until: datetime.date | None
    notes: str


def person_out(p):
    return {
        "uid": p.uid,
        "name": p.name,
        "title": p.title,
        "party": p.party.slug,
        "since": p.since,
        "until": p.until,
        "notes": p.notes,
    }


class CodebookEntryOut(Schema):
    kind: str = Field(description="stance or movement.")
    key: str
    label: str
    definition: str
    example: str
    recorded_only: bool


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


def paged(name, item):
    """A page of `item`s: the schema class, named for the OpenAPI document."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next": str | None},
            "__doc__": f"One page of {item.__name__}; `next` is the next page's URL or null.",
        },
    )


NegotiationPage = paged("NegotiationPage", NegotiationOut)
PartyPage = paged("PartyPage", PartyOut)
IssuePage = paged("IssuePage", IssueOut)
StatementPage = paged("StatementPage", StatementOut)
TextPage = paged("TextPage", TextOut)
ProvisionPage = paged("ProvisionPage", ProvisionOut)
EventPage = paged("EventPage", EventOut)
SourcePage = paged("SourcePage", SourceOut)
PersonPage = paged("PersonPage", PersonOut)
