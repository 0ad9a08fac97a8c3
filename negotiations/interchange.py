"""One negotiation as one JSON document (format `redline/1`, see docs/interchange-format.md).

`validate()` checks a whole document and returns every problem with its path;
`import_document()` writes nothing unless the document is valid, and then writes it
in one transaction, each row with its history row and the caller's reason.
Rows that already exist (same slug or uid) are left as they are, so importing the
same document twice adds nothing.
"""

import json
import re
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch

from negotiations.dates import PartialDate, PartialDateError
from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Position,
    Proposal,
    Provision,
    Source,
    date_columns,
)

FORMAT = "redline/1"
TOP_LEVEL = {
    "format",
    "negotiation",
    "parties",
    "issues",
    "sources",
    "events",
    "proposals",
    "positions",
}
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class InvalidDocument(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(errors[:5]) + (" …" if len(errors) > 5 else ""))


def parse_document(raw):
    """JSON text or UTF-8 bytes → data; unreadable input raises InvalidDocument.

    The message says where the text stops making sense (line and column), which is
    what a truncated or hand-edited file needs.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidDocument(
                [f"(document): not UTF-8 text (bad byte at position {exc.start})"]
            ) from exc
    if not raw.strip():
        raise InvalidDocument(["(document): the file is empty"])
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        hint = " — the file looks truncated" if exc.pos >= len(raw.rstrip()) else ""
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InvalidDocument([f"(document): not valid JSON at {where}: {exc.msg}{hint}"]) from exc
    except RecursionError as exc:
        raise InvalidDocument(["(document): nested too deeply to be a redline/1 document"]) from exc


# --- field checks: each returns an error message or None -------------------------------


def _text(required=False, max_length=None):
    def check(value):
        if value is None and not required:
            return None
        if not isinstance(value, str):
            return "must be a string"
        if required and not value.strip():
            return "must not be empty"
        if max_length and len(value) > max_length:
            return f"must be at most {max_length} characters"
        if "\x00" in value:
            return "must not contain NUL characters"
        return None

    return check


def _slug(required=True):
    def check(value):
        if value is None and not required:
            return None
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > 80:
            return "must be a slug (letters, digits, hyphens, underscores; at most 80)"
        return None

    return check


def _choice(choices):
    def check(value):
        if value not in choices.values:
            return f"must be one of {', '.join(choices.values)}"
        return None

    return check


def _date(required=True):
    def check(value):
        if value is None and not required:
            return None
        if not isinstance(value, str):
            return "must be a partial date string such as 2024-01-10, 2024-01, 2024-Q1, 2024"
        try:
            PartialDate.parse(value)
        except PartialDateError as exc:
            return str(exc)
        return None

    return check


def _uid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return "must be a UUID"
    return None if isinstance(value, str) else "must be a UUID string"


def _url(value):
    if value is None or value == "":
        return None
    if message := _text(max_length=500)(value):
        return message
    try:
        URLValidator()(value)
    except ValidationError:
        return "must be a URL such as https://example.org/page"
    return None


def _hashable(value):
    """Only strings can be slugs or uids; anything else was already reported."""
    return value if isinstance(value, str) else None


def _items(value):
    """A nested list (citations, provisions, issues), or nothing when it is not a list."""
    return value if isinstance(value, list) else []


def _slug_list(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of slugs"
    return None


def _list(value):
    return None if isinstance(value, list) else "must be a list"


FIELDS = {
    "negotiation": {"slug": _slug(), "title": _text(True, 200), "description": _text()},
    "parties": {
        "slug": _slug(),
        "name": _text(True, 200),
        "short_name": _text(max_length=40),
        "kind": _choice(Party.Kind),
        "description": _text(),
        "role": _choice(Participation.Role),
    },
    "issues": {
        "slug": _slug(),
        "title": _text(True, 200),
        "description": _text(),
        "parent": _slug(required=False),
    },
    "sources": {
        "uid": _uid,
        "title": _text(True, 300),
        "author": _text(max_length=200),
        "outlet": _text(max_length=200),
        "date": _date(required=False),
        "url": _url,
        "kind": _choice(Source.Kind),
        "language": _text(True, 12),
        "reliability": _choice(Source.Reliability),
        "notes": _text(),
    },
    "events": {
        "uid": _uid,
        "title": _text(True, 300),
        "kind": _choice(Event.Kind),
        "description": _text(),
        "date": _date(),
        "issues": _slug_list,
        "citations": _list,
    },
    "proposals": {
        "slug": _slug(),
        "title": _text(True, 300),
        "kind": _choice(Proposal.Kind),
        "author": _slug(required=False),
        "text_status": _choice(Proposal.TextStatus),
        "date": _date(),
        "responds_to": _slug(required=False),
        "supersedes": _slug(required=False),
        "summary": _text(),
        "citations": _list,
        "provisions": _list,
    },
    "provisions": {
        "uid": _uid,
        "label": _text(True, 60),
        "heading": _text(max_length=300),
        "issue": _slug(required=False),
        "text": _text(True),
        "citations": _list,
    },
    "positions": {
        "uid": _uid,
        "party": _slug(),
        "issue": _slug(),
        "stance": _choice(Position.Stance),
        "movement": _choice(Position.Movement),
        "summary": _text(True),
        "quote": _text(),
        "date": _date(),
        "citations": _list,
    },
    "citations": {
        "uid": _uid,
        "source": _uid,
        "locator": _text(max_length=200),
        "excerpt": _text(),
    },
}
OPTIONAL = {"description", "short_name", "author", "outlet", "url", "notes", "parent", "quote",
            "summary", "heading", "locator", "excerpt", "responds_to", "supersedes", "issue",
            "citations", "provisions", "issues"}  # fmt: skip


def _check_item(item, kind, path, errors):
    if not isinstance(item, dict):
        errors.append(f"{path}: must be an object")
        return False
    for name in sorted(set(item) - set(FIELDS[kind])):
        errors.append(f"{path}.{name}: unknown field")
    for name, check in FIELDS[kind].items():
        if name not in item:
            if name not in OPTIONAL and not (kind == "sources" and name == "date"):
                errors.append(f"{path}.{name}: is required")
            continue
        if message := check(item[name]):
            errors.append(f"{path}.{name}: {message}")
    return True


def validate(data):
    """Return a list of problems, each prefixed with the path of the offending item."""
    if not isinstance(data, dict):
        return ["(document): must be a JSON object"]
    errors = []
    if data.get("format") != FORMAT:
        errors.append(f'format: must be "{FORMAT}"')
    for name in sorted(set(data) - TOP_LEVEL):
        errors.append(f"{name}: unknown top-level field")
    if "negotiation" not in data:
        errors.append("negotiation: is required")
    else:
        _check_item(data["negotiation"], "negotiation", "negotiation", errors)

    sections = {}
    for kind in ("parties", "issues", "sources", "events", "proposals", "positions"):
        items = data.get(kind, [])
        if not isinstance(items, list):
            errors.append(f"{kind}: must be a list")
            items = []
        sections[kind] = [
            (f"{kind}[{i}]", item)
            for i, item in enumerate(items)
            if _check_item(item, kind, f"{kind}[{i}]", errors)
        ]

    def unique(kind, key):
        seen = {}
        for path, item in sections[kind]:
            value = _hashable(item.get(key))
            if value in seen:
                errors.append(f"{path}.{key}: duplicate of {seen[value]}.{key} ({value})")
            elif value is not None:
                seen[value] = path
        return set(seen)

    party_slugs = unique("parties", "slug")
    issue_slugs = unique("issues", "slug")
    source_uids = unique("sources", "uid")
    proposal_slugs = unique("proposals", "slug")
    all_uids = {}

    def claim_uid(path, value):
        if not isinstance(value, str):
            return
        if value in all_uids:
            errors.append(f"{path}.uid: duplicate of {all_uids[value]}.uid ({value})")
        else:
            all_uids[value] = path

    for path, item in sections["sources"]:
        claim_uid(path, item.get("uid"))

    def refer(path, field, value, known, what):
        if value is not None and isinstance(value, str) and value not in known:
            errors.append(f"{path}.{field}: unknown {what} “{value}”")

    def citations(path, item):
        for j, citation in enumerate(_items(item.get("citations"))):
            cpath = f"{path}.citations[{j}]"
            if _check_item(citation, "citations", cpath, errors):
                claim_uid(cpath, citation.get("uid"))
                refer(cpath, "source", citation.get("source"), source_uids, "source")

    for path, item in sections["issues"]:
        others = issue_slugs - {_hashable(item.get("slug"))}
        refer(path, "parent", item.get("parent"), others, "parent issue")
    for path, item in sections["events"]:
        claim_uid(path, item.get("uid"))
        for slug in _items(item.get("issues")):
            refer(path, "issues", slug, issue_slugs, "issue")
        citations(path, item)
    for path, item in sections["proposals"]:
        refer(path, "author", item.get("author"), party_slugs, "party")
        others = proposal_slugs - {_hashable(item.get("slug"))}
        refer(path, "responds_to", item.get("responds_to"), others, "proposal")
        refer(path, "supersedes", item.get("supersedes"), others, "proposal")
        citations(path, item)
        for j, provision in enumerate(_items(item.get("provisions"))):
            ppath = f"{path}.provisions[{j}]"
            if _check_item(provision, "provisions", ppath, errors):
                claim_uid(ppath, provision.get("uid"))
                refer(ppath, "issue", provision.get("issue"), issue_slugs, "issue")
                citations(ppath, provision)
    for path, item in sections["positions"]:
        claim_uid(path, item.get("uid"))
        refer(path, "party", item.get("party"), party_slugs, "party")
        refer(path, "issue", item.get("issue"), issue_slugs, "issue")
        citations(path, item)
    errors.extend(_cycles(sections["issues"], "parent"))
    errors.extend(_cycles(sections["proposals"], "responds_to"))
    errors.extend(_cycles(sections["proposals"], "supersedes"))
    return errors


def _cycles(section, field):
    parent_of = {_hashable(item.get("slug")): _hashable(item.get(field)) for _, item in section}
    errors = []
    for path, item in section:
        seen, slug = set(), _hashable(item.get("slug"))
        while slug is not None and slug not in seen:
            seen.add(slug)
            slug = parent_of.get(slug)
        if slug is not None and slug == _hashable(item.get("slug")):
            errors.append(f"{path}.{field}: forms a cycle")
    return errors


def _parents_first(items, field):
    """Order items so that whatever an item refers to through `field` comes before it."""
    done, ordered, pending = set(), [], list(items)
    while pending:
        rest = [i for i in pending if i.get(field) and i[field] not in done]
        for item in pending:
            if item not in rest:
                ordered.append(item)
                done.add(item["slug"])
        if len(rest) == len(pending):  # only a cycle is left; validate() reports it
            break
        pending = rest
    return ordered


class _Writer:
    def __init__(self, reason, user):
        self.reason, self.user, self.created = reason, user, Counter()
        self.where = "(document)"  # the path of the item being written, for messages

    def save(self, obj):
        obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            # validate() checks the format; the models may still refuse (a party that
            # does not take part, an issue from another negotiation already stored…).
            raise InvalidDocument(_messages(self.where, exc)) from exc
        obj.save()
        self.created[type(obj).__name__] += 1
        return obj

    def get_or_create(self, model, lookup, **fields):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = self.save(model(**lookup, **fields))
        return obj


def _messages(path, exc):
    if hasattr(exc, "message_dict"):
        return [
            f"{path}{'' if name == '__all__' else '.' + name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [f"{path}: {message}" for message in exc.messages]


def _dated(value):
    if value is None:
        return {"date": None}
    # redline/1 carries the canonical form, not the words the source used.
    return date_columns(PartialDate.parse(value).replace(as_written=""))


def import_document(data, *, reason, user=None):
    """Validate, then write the document in one transaction. Returns counts of created rows."""
    errors = validate(data)
    if errors:
        raise InvalidDocument(errors)
    w = _Writer(reason, user)
    with transaction.atomic():
        n = data["negotiation"]
        w.where = "negotiation"
        negotiation = w.get_or_create(
            Negotiation,
            {"slug": n["slug"]},
            title=n["title"],
            description=n.get("description") or "",
        )
        parties = {}
        for order, p in enumerate(data.get("parties", [])):
            w.where = f"parties[{order}]"
            party = w.get_or_create(
                Party,
                {"slug": p["slug"]},
                name=p["name"],
                short_name=p.get("short_name") or "",
                kind=p["kind"],
                description=p.get("description") or "",
            )
            w.get_or_create(
                Participation,
                {"negotiation": negotiation, "party": party},
                role=p["role"],
                order=order,
            )
            parties[p["slug"]] = party
        issues = {}
        order_of = {i["slug"]: order for order, i in enumerate(data.get("issues", []))}
        for i in _parents_first(data.get("issues", []), "parent"):
            w.where = f"issues[{order_of[i['slug']]}]"
            issues[i["slug"]] = w.get_or_create(
                Issue,
                {"negotiation": negotiation, "slug": i["slug"]},
                title=i["title"],
                description=i.get("description") or "",
                parent=issues.get(i.get("parent")),
                order=order_of[i["slug"]],
            )
        sources = {}
        for k, s in enumerate(data.get("sources", [])):
            w.where = f"sources[{k}]"
            sources[s["uid"]] = w.get_or_create(
                Source,
                {"uid": s["uid"]},
                title=s["title"],
                author=s.get("author") or "",
                outlet=s.get("outlet") or "",
                url=s.get("url") or "",
                kind=s["kind"],
                language=s["language"],
                reliability=s["reliability"],
                notes=s.get("notes") or "",
                **_dated(s.get("date")),
            )

        def cite(target_field, target, items, path):
            for j, c in enumerate(items or []):
                w.where = f"{path}.citations[{j}]"
                w.get_or_create(
                    Citation,
                    {"uid": c["uid"]},
                    source=sources[c["source"]],
                    locator=c.get("locator") or "",
                    excerpt=c.get("excerpt") or "",
                    **{target_field: target},
                )

        for k, e in enumerate(data.get("events", [])):
            w.where = f"events[{k}]"
            exists = Event.objects.filter(uid=e["uid"]).exists()
            event = w.get_or_create(
                Event,
                {"uid": e["uid"]},
                negotiation=negotiation,
                title=e["title"],
                kind=e["kind"],
                description=e.get("description") or "",
                **_dated(e["date"]),
            )
            if not exists and e.get("issues"):
                event._change_reason = reason
                event.issues.set([issues[slug] for slug in e["issues"]])
            cite("event", event, e.get("citations"), f"events[{k}]")
        proposals = {}
        proposal_index = {p["slug"]: k for k, p in enumerate(data.get("proposals", []))}
        for p in _parents_first(
            _parents_first(data.get("proposals", []), "responds_to"), "supersedes"
        ):
            ppath = f"proposals[{proposal_index[p['slug']]}]"
            w.where = ppath
            proposal = w.get_or_create(
                Proposal,
                {"negotiation": negotiation, "slug": p["slug"]},
                title=p["title"],
                kind=p["kind"],
                author=parties.get(p.get("author")),
                text_status=p["text_status"],
                responds_to=proposals.get(p.get("responds_to")),
                supersedes=proposals.get(p.get("supersedes")),
                summary=p.get("summary") or "",
                **_dated(p["date"]),
            )
            proposals[p["slug"]] = proposal
            cite("proposal", proposal, p.get("citations"), ppath)
            for order, v in enumerate(p.get("provisions") or []):
                w.where = f"{ppath}.provisions[{order}]"
                provision = w.get_or_create(
                    Provision,
                    {"uid": v["uid"]},
                    proposal=proposal,
                    label=v["label"],
                    heading=v.get("heading") or "",
                    issue=issues.get(v.get("issue")),
                    text=v["text"],
                    order=order,
                )
                cite("provision", provision, v.get("citations"), f"{ppath}.provisions[{order}]")
        for k, p in enumerate(data.get("positions", [])):
            w.where = f"positions[{k}]"
            position = w.get_or_create(
                Position,
                {"uid": p["uid"]},
                party=parties[p["party"]],
                issue=issues[p["issue"]],
                stance=p["stance"],
                movement=p["movement"],
                summary=p["summary"],
                quote=p.get("quote") or "",
                **_dated(p["date"]),
            )
            cite("position", position, p.get("citations"), f"positions[{k}]")
    return w.created


# --- export ---------------------------------------------------------------------------


def _date_text(obj):
    return obj.partial_date.isoformat() if obj.date else None


def _citations(citations):
    return [
        {"uid": str(c.uid), "source": str(c.source.uid), "locator": c.locator, "excerpt": c.excerpt}
        for c in citations
    ]


def export_negotiation(negotiation):
    """The whole negotiation as a `redline/1` document (plain dict, JSON-ready)."""
    cited = Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk"))
    participations = negotiation.participations.select_related("party").order_by("order", "pk")
    issues = negotiation.issues.select_related("parent").order_by("order", "pk")
    events = negotiation.events.prefetch_related("issues", cited).order_by(
        "date", "date_precision", "pk"
    )
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
        .order_by("date", "date_precision", "pk")
    )
    positions = (
        Position.objects.filter(issue__negotiation=negotiation)
        .select_related("party", "issue")
        .prefetch_related(cited)
        .order_by("issue__order", "issue__pk", "party__slug", "date", "date_precision", "pk")
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
            }
            for p in participations
        ],
        "issues": [
            {
                "slug": i.slug,
                "title": i.title,
                "description": i.description,
                "parent": i.parent.slug if i.parent else None,
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
                "text_status": p.text_status,
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
                "date": _date_text(p),
                "citations": _citations(p.citations.all()),
            }
            for p in positions
        ],
    }
