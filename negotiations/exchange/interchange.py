"""One negotiation as one JSON document (format `redline/1`, see docs/interchange-format.md).

`parse_document()` reads the text, `validate()` checks a whole document and returns every
problem with its path, and `import_document()` writes nothing unless the document is
valid and agrees with what is stored; then it writes it in one transaction, in bulk,
each row with its history row (the caller's user and reason).

Records are matched by slug or uid. One that is stored already and identical is left
alone, so importing the same document twice adds nothing. One that differs is reported
and refused, or overwritten with a history entry when the caller asks for updates. A
uid that names a record of another negotiation is an error.
"""

import functools
import json
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from negotiations import revisions
from negotiations.models import (
    DATE_COLUMNS,
    PROVISION_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
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
    Versioned,
    date_columns,
)
from negotiations.text.dates import PartialDate, PartialDateError

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
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # matched whole (fullmatch): "a\n" is no slug
CANONICAL_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEEPEST = 100  # levels of nesting named in the message for a too deeply nested file
BATCH = 2000  # rows per INSERT or UPDATE (SQLite lowers it to fit its variable limit)
LOOKUP = 5000  # uids per "uid IN (…)" query


def _printable(text):
    """A message quotes the document; a lone surrogate in it could be neither sent in a
    page nor printed on a terminal, so it is shown escaped (\\ud800)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class InvalidDocument(Exception):
    def __init__(self, errors):
        self.errors = [_printable(e) for e in errors]
        super().__init__("; ".join(self.errors[:5]) + (" …" if len(errors) > 5 else ""))


class HugeNumber:
    """A JSON integer longer than Python reads (sys.get_int_max_str_digits(), 4,300
    digits): kept where it stands, so that validate() can say where that is."""

    __slots__ = ("digits",)

    def __init__(self, text):
        self.digits = len(text.lstrip("-"))

    def __str__(self):
        return f"a number of {self.digits:,} digits"

    __repr__ = __str__


def _read_int(text):
    try:
        return int(text)
    except ValueError:
        return HugeNumber(text)


def decode_document(raw):
    """UTF-8 bytes (a byte-order mark allowed) → text; anything else is InvalidDocument."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidDocument(
            [f"(document): not UTF-8 text (bad byte at position {exc.start})"]
        ) from exc


def parse_document(raw):
    """JSON text or UTF-8 bytes → data; unreadable input raises InvalidDocument.

    The message says where the text stops making sense (line and column), which is
    what a truncated or hand-edited file needs.
    """
    raw = decode_document(raw)
    if not raw.strip():
        raise InvalidDocument(["(document): the file is empty"])
    try:
        return json.loads(raw, parse_int=_read_int)
    except json.JSONDecodeError as exc:
        hint = " — the file looks truncated" if exc.pos >= len(raw.rstrip()) else ""
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InvalidDocument([f"(document): not valid JSON at {where}: {exc.msg}{hint}"]) from exc
    except RecursionError as exc:
        raise InvalidDocument(
            [f"(document): nested too deeply to be a redline/1 document{_too_deep_at(raw)}"]
        ) from exc


def _line_column(text, pos):
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def _too_deep_at(text):
    """Where the nesting passes DEEPEST levels (strings skipped), for the message."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > DEEPEST:
                line, column = _line_column(text, token.start())
                return f" (more than {DEEPEST} levels at line {line}, column {column})"
        elif bracket in "]}":
            depth -= 1
    return ""


def unreadable(data):
    """Values no database can store, each with its path: lone surrogates (JSON allows
    "\\ud800", UTF-8 does not) and numbers too long to read."""

    class Unreadable(Exception):
        pass

    def refuse(value):
        raise Unreadable

    try:  # the quick way: one pass in C over a document that is fine
        json.dumps(data, ensure_ascii=False, default=refuse).encode("utf-8")
        return []
    except (Unreadable, UnicodeEncodeError, RecursionError, ValueError, TypeError):
        pass
    errors, stack = [], [("(document)", data)]
    while stack:  # iterative, so that deep nesting cannot exhaust the stack
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                bad = value[exc.start].encode("unicode_escape").decode()
                errors.append(
                    f"{path}: contains a lone surrogate ({bad} at character {exc.start + 1}), "
                    "which is not text"
                )
        elif isinstance(value, HugeNumber):
            errors.append(f"{path}: {value} is too long to read")
        elif isinstance(value, dict):
            children = []
            for key, child in value.items():
                where = key if path == "(document)" else f"{path}.{key}"
                if isinstance(key, str) and _lone_surrogate(key):
                    errors.append(f"{where}: a field name contains a lone surrogate")
                children.append((where, child))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", child) for i, child in enumerate(value)]))
    return errors


def _lone_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def statement_count(data):
    """How many statements (positions) a parsed document holds, 0 if it cannot say."""
    if isinstance(data, dict) and isinstance(data.get("positions"), list):
        return len(data["positions"])
    return 0


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
        if not isinstance(value, str) or not SLUG.fullmatch(value) or len(value) > 80:
            return "must be a slug (letters, digits, hyphens, underscores; at most 80)"
        return None

    return check


def _choice(choices):
    keys = set(choices.values)

    def check(value):
        if not isinstance(value, str) or value not in keys:
            return f"must be one of {', '.join(choices.values)}"
        return None

    return check


class LegacyTextStatus(models.TextChoices):
    OFFICIAL = "official", "Official text"
    LEAKED = "leaked", "Leaked text"
    REPORTED = "reported", "Reported / paraphrased"


# Migration 0012 maps the stored values the same way.
LEGACY_AVAILABILITY = {"official": "official", "leaked": "reported", "reported": "reported"}


def _availability(item):
    if "availability" in item:
        return item["availability"]
    return LEGACY_AVAILABILITY.get(item.get("text_status"))


def _date(required=True):
    def check(value):
        if value is None and not required:
            return None
        if not isinstance(value, str):
            return "must be a partial date string such as 2024-01-10, 2024-01, 2024-Q1, 2024"
        try:
            _parse_date(value)
        except PartialDateError as exc:
            return str(exc)
        return None

    return check


def _uid(value):
    if isinstance(value, str) and CANONICAL_UID.fullmatch(value):
        return None  # the usual spelling, without parsing it
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
    "negotiation": {
        "slug": _slug(),
        "title": _text(True, 200),
        "description": _text(max_length=TEXT_MAX_LENGTH),
    },
    "parties": {
        "slug": _slug(),
        "name": _text(True, 200),
        "short_name": _text(max_length=40),
        "kind": _choice(Party.Kind),
        "description": _text(max_length=TEXT_MAX_LENGTH),
        "role": _choice(Participation.Role),
    },
    "issues": {
        "slug": _slug(),
        "title": _text(True, 200),
        "description": _text(max_length=TEXT_MAX_LENGTH),
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
        "notes": _text(max_length=TEXT_MAX_LENGTH),
    },
    "events": {
        "uid": _uid,
        "title": _text(True, 300),
        "kind": _choice(Event.Kind),
        "description": _text(max_length=TEXT_MAX_LENGTH),
        "date": _date(),
        "issues": _slug_list,
        "citations": _list,
    },
    "proposals": {
        "slug": _slug(),
        "title": _text(True, 300),
        "kind": _choice(Proposal.Kind),
        "author": _slug(required=False),
        # redline/1 files written before availability existed say text_status
        # (official / leaked / reported); either is accepted, availability wins.
        "availability": _choice(Proposal.Availability),
        "text_status": _choice(LegacyTextStatus),
        "date": _date(),
        "responds_to": _slug(required=False),
        "supersedes": _slug(required=False),
        "summary": _text(max_length=TEXT_MAX_LENGTH),
        "citations": _list,
        "provisions": _list,
    },
    "provisions": {
        "uid": _uid,
        "label": _text(True, 60),
        "heading": _text(max_length=300),
        "issue": _slug(required=False),
        "text": _text(True, PROVISION_TEXT_MAX_LENGTH),
        "citations": _list,
    },
    "positions": {
        "uid": _uid,
        "party": _slug(),
        "issue": _slug(),
        "stance": _choice(Position.Stance),
        "movement": _choice(Position.Movement),
        "summary": _text(True, SUMMARY_MAX_LENGTH),
        "quote": _text(max_length=TEXT_MAX_LENGTH),
        "date": _date(),
        "citations": _list,
    },
    "citations": {
        "uid": _uid,
        "source": _uid,
        "locator": _text(max_length=200),
        "excerpt": _text(max_length=TEXT_MAX_LENGTH),
    },
}
OPTIONAL = {"description", "short_name", "author", "outlet", "url", "notes", "parent", "quote",
            "summary", "heading", "locator", "excerpt", "responds_to", "supersedes", "issue",
            "citations", "provisions", "issues", "availability", "text_status"}  # fmt: skip


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
    errors = unreadable(data)
    return [_printable(e) for e in errors + _check_document(data)]


def _check_document(data):
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
    source_uids = {_key_or_none(uid) for uid in unique("sources", "uid")} - {None}
    proposal_slugs = unique("proposals", "slug")
    all_uids = {}

    def claim_uid(path, value):
        if not isinstance(value, str):
            return
        try:
            value = _key(value)  # the same uid written in capitals is the same uid
        except ValueError:
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
                source = citation.get("source")
                if isinstance(source, str) and _key_or_none(source) not in source_uids:
                    errors.append(f"{cpath}.source: unknown source “{source}”")

    for path, item in sections["issues"]:
        others = issue_slugs - {_hashable(item.get("slug"))}
        refer(path, "parent", item.get("parent"), others, "parent issue")
    for path, item in sections["events"]:
        claim_uid(path, item.get("uid"))
        for slug in _items(item.get("issues")):
            refer(path, "issues", slug, issue_slugs, "issue")
        citations(path, item)
    for path, item in sections["proposals"]:
        if "availability" not in item and "text_status" not in item:
            errors.append(f"{path}.availability: is required")
        elif _availability(item) == Proposal.Availability.DESCRIBED and item.get("provisions"):
            errors.append(
                f"{path}.provisions: a text described only has no article texts (its text "
                "is not public); leave provisions out"
            )
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
    errors.extend(_cycles(sections["issues"], ("parent",)))
    errors.extend(_cycles(sections["proposals"], ("responds_to", "supersedes")))
    return errors


VERBS = {"parent": "is under", "responds_to": "responds to", "supersedes": "supersedes"}


def _cycles(section, fields):
    """A message for each cycle through the links `fields` (issue parents; a proposal's
    responds_to and supersedes together): no order could write such records, and
    none means anything (a text cannot answer one that replaces it).

    The strongly connected components of the link graph (Tarjan's algorithm, without
    recursion) are the cycles; each is reported once, at its first item in the
    document, with the loop spelled out.
    """
    index_of = {}
    for k, (_path, item) in enumerate(section):
        index_of.setdefault(_hashable(item.get("slug")), k)
    index_of.pop(None, None)
    links = defaultdict(list)  # slug → [(field, target slug)]
    for _path, item in section:
        slug = _hashable(item.get("slug"))
        for name in fields:
            target = _hashable(item.get(name))
            if slug is not None and target in index_of and target != slug:
                links[slug].append((name, target))
    errors = []
    for component in _strongly_connected(list(index_of), links):
        if len(component) < 2:
            continue
        first = min(component, key=index_of.get)
        loop = _loop(first, set(component), links)
        steps = [f"{a} {VERBS[name]} {b}" for a, name, b in loop]
        text = ", which ".join([steps[0]] + [s.split(" ", 1)[1] for s in steps[1:6]]) + (
            "…" if len(steps) > 6 else ""
        )
        path = section[index_of[first]][0]
        errors.append(
            f"{path}.{loop[0][1]}: forms a cycle ({len(component)} linked in a loop): {text}"
        )
    return errors


def _strongly_connected(nodes, links):
    """Tarjan's algorithm, iterative: the strongly connected components of the graph."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = links.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i][1]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _loop(start, members, links):
    """The shortest loop from `start` back to itself within `members`, as (from, field, to)."""
    came_from, queue = {}, [start]
    for node in queue:
        for name, target in links.get(node, []):
            if target not in members:
                continue
            if target == start:
                steps, current = [(node, name, start)], node
                while current != start:
                    previous, via = came_from[current]
                    steps.append((previous, via, current))
                    current = previous
                return steps[::-1]
            if target not in came_from:
                came_from[target] = (node, name)
                queue.append(target)
    return []


# --- import ----------------------------------------------------------------------------


class ImportResult(Counter):
    """Rows created, by model name (a Counter, as callers expect), plus `updated`
    (rows overwritten, by model name) and the negotiation's slug."""

    def __init__(self, slug=""):
        super().__init__()
        self.updated = Counter()
        self.slug = slug

    def summary(self):
        parts = []
        if self:
            parts.append("created " + ", ".join(f"{n} {m}" for m, n in sorted(self.items())))
        if self.updated:
            parts.append(
                "updated " + ", ".join(f"{n} {m}" for m, n in sorted(self.updated.items()))
            )
        return "; ".join(parts) or "nothing new (already here)"


def import_document(data, *, reason, user=None, update=False, progress=None):
    """Validate, compare with what is stored, then write the document in one transaction.

    Records that are stored already and differ are refused, every one listed, unless
    `update` is true: then they are overwritten, each with a "~" history entry.
    `progress(stage, done, total)` is called as rows are written. Returns an
    ImportResult; raises InvalidDocument (nothing written) with every problem.
    """
    errors = validate(data)
    if errors:
        raise InvalidDocument(errors)
    with transaction.atomic():
        plan = _Plan(data)
        if plan.errors:
            raise InvalidDocument(plan.errors)
        differing = plan.differences()
        if differing and not update:
            raise InvalidDocument(_differences_message(differing))
        return plan.write(reason, user, progress or (lambda *args: None))


def _differences_message(differing):
    n = len(differing)
    records = "1 record differs" if n == 1 else f"{n:,} records differ"
    return [
        f"(document): {records} from the stored version; nothing was imported. To "
        "replace the stored version, each change with a history entry, import again with "
        "“Update records that differ” checked (--update on the command line)."
    ] + [
        f"{path}: differs from the stored version ({', '.join(names)})" for path, names in differing
    ]


# What each compared field is called in the document, where that is not its own name.
DOC_NAMES = {
    "partial_date": "date",
    "order": "place in the list",
    "position": "cited record",
    "provision": "cited record",
    "proposal": "cited record",
    "event": "cited record",
}
# Negotiation-owned records found by uid, and how a stored one finds its negotiation.
OWNER = {
    Event: F("negotiation_id"),
    Position: F("issue__negotiation_id"),
    Provision: F("proposal__negotiation_id"),
    Citation: Coalesce(
        "position__issue__negotiation_id",
        "provision__proposal__negotiation_id",
        "proposal__negotiation_id",
        "event__negotiation_id",
    ),
}
WHAT = {Event: "event", Position: "position", Provision: "provision", Citation: "citation"}


@dataclass
class _Row:
    """One record of the document: the stored one it matches, or a new one."""

    path: str
    obj: object
    new: bool
    wanted: dict  # field name → value the document gives (related records as objects)
    issues: list | None = None  # an event's issues
    changed: list = field(default_factory=list)  # names of fields that differ


def _key_or_none(text):
    try:
        return _key(text)
    except ValueError:
        return None


def _key(text):
    """A valid uid as the database gives it back (lowercase with hyphens): the key
    that matches document and database; parsed only when written another way."""
    return text if CANONICAL_UID.fullmatch(text) else str(uuid.UUID(text))


class _New:
    """A record to create: its model, the values the document gives (by field name;
    related records as objects, stored or _New) and, once reserved, its primary key.
    Lighter than a model instance, of which an import would build tens of thousands."""

    __slots__ = ("model", "pk", "values")

    def __init__(self, model, values):
        self.model, self.pk, self.values = model, None, values


def _text_of(item, name):
    return item.get(name) or ""


def _date_of(value):
    return _parse_date(value) if value is not None else None


@functools.lru_cache(maxsize=4096)
def _parse_date(text):
    """Dates repeat across a document (and are read twice): parsed once each.
    redline/1 carries the canonical form, not the words the source used."""
    return PartialDate.parse(text).replace(as_written="")


class _Plan:
    """The document matched against the database: what to create, what differs."""

    def __init__(self, data):
        self.data = data
        self.rows = defaultdict(list)  # model → [_Row] in document order
        self.errors = []
        n = data["negotiation"]
        self.negotiation = self.row(
            Negotiation,
            "negotiation",
            Negotiation.objects.filter(slug=n["slug"]).first(),
            {"slug": n["slug"], "title": n["title"], "description": _text_of(n, "description")},
        ).obj
        self.stored_negotiation = self.negotiation.pk
        self.slug, self.title = n["slug"], n["title"]
        self.parties()
        self.issues()
        self.sources()
        self.events()
        self.proposals()
        self.positions()
        self.citations()

    # --- matching ---------------------------------------------------------------------

    def row(self, model, path, stored, wanted, issues=None):
        if stored is None:  # the values are the wanted dict, completed later (links)
            row = _Row(path, _New(model, wanted), True, wanted, issues)
        else:
            row = _Row(path, stored, False, wanted, issues)
        self.rows[model].append(row)
        return row

    def stored(self, model, key, values, **filters):
        """{key value: stored instance} for the given key values, LOOKUP at a time."""
        found, values = {}, list(values)
        queryset = model.objects.filter(**filters)
        if model in OWNER:
            queryset = queryset.annotate(owner_id=OWNER[model])
        for i in range(0, len(values), LOOKUP):
            chunk = values[i : i + LOOKUP]
            for obj in queryset.filter(**{f"{key}__in": chunk}):
                found[str(getattr(obj, key))] = obj
        return found

    def owned(self, model, items, path_of):
        """Stored records of `model` for the document's uids; a uid of another
        negotiation's record is an error naming both negotiations."""
        stored = self.stored(model, "uid", [_key(item["uid"]) for item in items])
        foreign = {
            uid: obj
            for uid, obj in stored.items()
            if obj.owner_id is None or obj.owner_id != self.stored_negotiation
        }
        if foreign:
            names = Negotiation.objects.in_bulk({obj.owner_id for obj in foreign.values()})
            for k, item in enumerate(items):
                obj = foreign.get(_key(item["uid"]))
                if obj is None:
                    continue
                other = names.get(obj.owner_id)
                where = f"“{other.title}” ({other.slug})" if other else "no negotiation"
                self.errors.append(
                    f"{path_of(k)}.uid: {item['uid']} is already the uid of a {WHAT[model]} "
                    f"of {where}; this document is for “{self.title}” ({self.slug}). "
                    "A uid names one record: give this one a new uid."
                )
        return {uid: obj for uid, obj in stored.items() if uid not in foreign}

    def parties(self):
        items = self.data.get("parties", [])
        stored = self.stored(Party, "slug", [p["slug"] for p in items])
        taking_part = {}
        if self.stored_negotiation:
            taking_part = {
                p.party_id: p for p in Participation.objects.filter(negotiation=self.negotiation)
            }
        self.party = {}
        for order, p in enumerate(items):
            path = f"parties[{order}]"
            party = self.row(
                Party,
                path,
                stored.get(p["slug"]),
                {
                    "slug": p["slug"],
                    "name": p["name"],
                    "short_name": _text_of(p, "short_name"),
                    "kind": p["kind"],
                    "description": _text_of(p, "description"),
                },
            ).obj
            self.party[p["slug"]] = party
            self.row(
                Participation,
                path,
                taking_part.get(party.pk) if party.pk else None,
                {
                    "negotiation": self.negotiation,
                    "party": party,
                    "role": p["role"],
                    "order": order,
                },
            )
        self.keep_stored_order(self.rows[Participation])

    def issues(self):
        items = self.data.get("issues", [])
        stored = {}
        if self.stored_negotiation:
            stored = {i.slug: i for i in Issue.objects.filter(negotiation=self.negotiation)}
        self.issue = {}
        rows = []
        for order, i in enumerate(items):
            row = self.row(
                Issue,
                f"issues[{order}]",
                stored.get(i["slug"]),
                {
                    "negotiation": self.negotiation,
                    "slug": i["slug"],
                    "title": i["title"],
                    "description": _text_of(i, "description"),
                    "order": order,
                },
            )
            self.issue[i["slug"]] = row.obj
            rows.append((row, i.get("parent")))
        for row, parent in rows:  # parents may come later in the list
            row.wanted["parent"] = self.issue.get(parent)
        self.keep_stored_order(self.rows[Issue])

    def sources(self):
        items = self.data.get("sources", [])
        stored = self.stored(Source, "uid", [_key(s["uid"]) for s in items])
        self.source = {}
        for k, s in enumerate(items):
            uid = _key(s["uid"])
            self.source[uid] = self.row(
                Source,
                f"sources[{k}]",
                stored.get(uid),
                {
                    "uid": uid,
                    "title": s["title"],
                    "author": _text_of(s, "author"),
                    "outlet": _text_of(s, "outlet"),
                    "url": _text_of(s, "url"),
                    "kind": s["kind"],
                    "language": s["language"],
                    "reliability": s["reliability"],
                    "notes": _text_of(s, "notes"),
                    "partial_date": _date_of(s.get("date")),
                },
            ).obj

    def events(self):
        items = self.data.get("events", [])
        stored = self.owned(Event, items, lambda k: f"events[{k}]")
        self.stored_event_issues = defaultdict(dict)  # event pk → {issue pk: through row}
        if stored:
            through = Event.issues.through.objects.filter(
                event_id__in=[e.pk for e in stored.values()]
            )
            for link in through:
                self.stored_event_issues[link.event_id][link.issue_id] = link
        self.cited = []  # (path, citation item, target field, target)
        for k, e in enumerate(items):
            uid = _key(e["uid"])
            event = self.row(
                Event,
                f"events[{k}]",
                stored.get(uid),
                {
                    "uid": uid,
                    "negotiation": self.negotiation,
                    "title": e["title"],
                    "kind": e["kind"],
                    "description": _text_of(e, "description"),
                    "partial_date": _date_of(e["date"]),
                },
                issues=[self.issue[slug] for slug in dict.fromkeys(e.get("issues") or [])],
            ).obj
            self.cite(f"events[{k}]", e, "event", event)

    def cite(self, path, item, target_field, target):
        for j, c in enumerate(item.get("citations") or []):
            self.cited.append((f"{path}.citations[{j}]", c, target_field, target))

    def proposals(self):
        items = self.data.get("proposals", [])
        stored = {}
        if self.stored_negotiation:
            stored = {p.slug: p for p in Proposal.objects.filter(negotiation=self.negotiation)}
        self.proposal, rows = {}, []
        for k, p in enumerate(items):
            row = self.row(
                Proposal,
                f"proposals[{k}]",
                stored.get(p["slug"]),
                {
                    "negotiation": self.negotiation,
                    "slug": p["slug"],
                    "title": p["title"],
                    "kind": p["kind"],
                    "author": self.party.get(p.get("author")),
                    "availability": _availability(p),
                    "summary": _text_of(p, "summary"),
                    "partial_date": _date_of(p["date"]),
                },
            )
            self.proposal[p["slug"]] = row.obj
            rows.append((row, p))
        # Links may point forwards in the list: they are set once every proposal has
        # its object, and written in one INSERT with primary keys taken beforehand.
        for row, p in rows:
            for name in ("responds_to", "supersedes"):
                row.wanted[name] = self.proposal.get(p.get(name))
        provisions = [
            (f"proposals[{k}].provisions[{order}]", v, self.proposal[p["slug"]], order)
            for k, p in enumerate(items)
            for order, v in enumerate(p.get("provisions") or [])
        ]
        stored = self.owned(Provision, [v for _, v, _, _ in provisions], lambda k: provisions[k][0])
        by_proposal = defaultdict(list)
        for k, p in enumerate(items):
            self.cite(f"proposals[{k}]", p, "proposal", self.proposal[p["slug"]])
        for path, v, proposal, order in provisions:
            uid = _key(v["uid"])
            row = self.row(
                Provision,
                path,
                stored.get(uid),
                {
                    "uid": uid,
                    "proposal": proposal,
                    "label": v["label"],
                    "heading": _text_of(v, "heading"),
                    "issue": self.issue.get(v.get("issue")),
                    "text": v["text"],
                    "order": order,
                },
            )
            by_proposal[id(proposal)].append(row)
            self.cite(path, v, "provision", row.obj)
        for rows_of_one in by_proposal.values():
            self.keep_stored_order(rows_of_one)

    def positions(self):
        items = self.data.get("positions", [])
        stored = self.owned(Position, items, lambda k: f"positions[{k}]")
        for k, p in enumerate(items):
            uid = _key(p["uid"])
            position = self.row(
                Position,
                f"positions[{k}]",
                stored.get(uid),
                {
                    "uid": uid,
                    "party": self.party[p["party"]],
                    "issue": self.issue[p["issue"]],
                    "stance": p["stance"],
                    "movement": p["movement"],
                    "summary": p["summary"],
                    "quote": _text_of(p, "quote"),
                    "partial_date": _date_of(p["date"]),
                },
            ).obj
            self.cite(f"positions[{k}]", p, "position", position)

    def citations(self):
        stored = self.owned(Citation, [c for _, c, _, _ in self.cited], lambda k: self.cited[k][0])
        for path, c, target_field, target in self.cited:
            uid = _key(c["uid"])
            wanted = {
                "uid": uid,
                "source": self.source[_key(c["source"])],
                "locator": _text_of(c, "locator"),
                "excerpt": _text_of(c, "excerpt"),
            }
            wanted.update({name: None for name in Citation.TARGETS})
            wanted[target_field] = target
            self.row(Citation, path, stored.get(uid), wanted)

    def keep_stored_order(self, rows):
        """Orders count as they read: when the stored records of a list (issues,
        parties, a proposal's provisions) already stand in the document's order,
        their stored order numbers are kept, whatever their gaps."""
        stored = [row for row in rows if not row.new]
        by_number = sorted(stored, key=lambda row: (row.obj.order, row.obj.pk))
        if [row.obj.pk for row in by_number] == [row.obj.pk for row in stored]:
            for row in stored:
                row.wanted["order"] = row.obj.order

    # --- comparing --------------------------------------------------------------------

    def differences(self):
        """[(path, [document field names])] of stored records the document changes
        (each row's `changed`; write() applies them)."""
        by_path = {}
        for rows in self.rows.values():
            for row in rows:
                if row.new:
                    continue
                row.changed = [
                    name for name, value in row.wanted.items() if _differs(row, name, value)
                ]
                if row.issues is not None and self.event_issues_differ(row):
                    row.changed.append("issues")
                if row.changed:
                    names = by_path.setdefault(row.path, [])
                    names.extend(
                        DOC_NAMES.get(n, n) for n in row.changed if DOC_NAMES.get(n, n) not in names
                    )
        return list(by_path.items())

    def event_issues_differ(self, row):
        stored = set(self.stored_event_issues[row.obj.pk])
        return any(issue.pk is None for issue in row.issues) or stored != {
            issue.pk for issue in row.issues
        }

    # --- writing ----------------------------------------------------------------------

    def write(self, reason, user, progress):
        writer = _Writer(reason, user, progress)
        result = ImportResult(self.slug)
        new = {model: [row.obj for row in rows if row.new] for model, rows in self.rows.items()}
        changed = {model: [row for row in rows if row.changed] for model, rows in self.rows.items()}
        writer.total = sum(map(len, new.values())) + sum(map(len, changed.values()))
        for model in (Negotiation, Party, Participation, Issue, Source, Event, Proposal,
                      Provision, Position, Citation):  # fmt: skip
            objs = new.get(model, [])
            if not objs:
                continue
            links = None
            if model is Event:
                issues = {id(row.obj): row.issues for row in self.rows[Event] if row.new}
                links = {id(obj): issues[id(obj)] for obj in objs}
            # In parts, for the progress shown; issues and proposals whole, since
            # they refer to each other.
            size = len(objs) if model in (Issue, Proposal) else 5 * BATCH
            for i in range(0, len(objs), size):
                writer.insert(model, objs[i : i + size], links)
            result[model.__name__] += len(objs)
        for model, rows in changed.items():
            if rows:
                writer.update(model, rows, self.stored_event_issues)
                result.updated[model.__name__] += len(rows)
        if result or result.updated:
            # Bulk writes send no post_save: count the change here. The shared row,
            # because an import may add parties and sources every negotiation shows.
            revisions.bump(revisions.SHARED)
        return result


def _differs(row, name, value):
    obj = row.obj
    if name == "uid":  # the key it was found by (the document's may be written otherwise)
        return False
    if name == "partial_date":
        return obj.partial_date != value
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one:
        stored = getattr(obj, model_field.attname)
        if value is None:
            return stored is not None
        return value.pk is None or value.pk != stored
    return getattr(obj, name) != value


def _reserve_ids(table, n, column="id"):
    """Primary keys for n new rows of `table`, taken before the INSERT, so that rows
    can refer to each other (an issue's parent, a proposal's responds_to and
    supersedes, a history row's issues) whatever their order, and are numbered in
    document order (which breaks ties of date in exports). Both databases hand out
    each number once: PostgreSQL's sequence, and SQLite's AUTOINCREMENT counter under
    the write lock this transaction holds (BEGIN IMMEDIATE)."""
    if not n:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return [pk for (pk,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            counter = cursor.fetchone()
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
            start = max(counter[0] if counter else 0, cursor.fetchone()[0] or 0)
            return list(range(start + 1, start + n + 1))
    raise NotImplementedError(f"no way to reserve primary keys on {connection.vendor}")


def _copy_rows(table, fields, rows):
    """Write rows (lists of Python values, one per field) into `table`: COPY on
    PostgreSQL, one executemany() on SQLite (values adapted as Django would)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
            # psycopg's own cursor, so its errors are wrapped as Django's (a parallel
            # import of the same uids is an IntegrityError, as with execute()).
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # counted like the queries Django runs
                duration = time.monotonic() - started
                connection.queries_log.append({"sql": sql, "time": f"{duration:.3f}"})
        else:
            adapted = [
                [
                    f.get_db_prep_save(value, connection)
                    for f, value in zip(fields, row, strict=True)
                ]
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", adapted)


class _Writer:
    """Bulk INSERTs and UPDATEs, each row with its history row written in bulk too,
    with the user, the reason and one timestamp, and announced with
    post_create_historical_record as a save would have."""

    def __init__(self, reason, user, progress):
        self.reason, self.user, self.progress = reason, user, progress
        self.now = timezone.now()
        self.done = self.total = 0

    def insert(self, model, objs, links=None):
        """INSERT new rows with their history rows (and an event's issue links with
        the issues its history row records), with primary keys taken beforehand.

        Not bulk_create(): for an import it spent most of its time building SQL and a
        model instance per history row; rows of values go straight to COPY (see
        _copy_rows), which is where the speed of the import comes from.
        """
        history_model = model.history.model
        for obj, pk in zip(objs, _reserve_ids(model._meta.db_table, len(objs)), strict=True):
            obj.pk = pk
        fields = model._meta.concrete_fields
        history_fields = history_model._meta.concrete_fields
        events = model is Event
        history_ids = iter(
            _reserve_ids(history_model._meta.db_table, len(objs), "history_id") if events else []
        )
        extra = {
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": "+",
            "history_user_id": self.user.pk if self.user is not None else None,
        }
        rows, history_rows, record_of = [], [], {}
        read = _readers(model, self.now)
        for obj in objs:
            values = {attname: get(obj) for attname, get in read}
            rows.append(list(values.values()))
            values.update(extra)
            values["history_id"] = next(history_ids, None)
            record_of[obj.pk] = values
            history_rows.append(values)
        if not events:  # the database numbers them
            history_fields = [f for f in history_fields if f.attname != "history_id"]
        _copy_rows(model._meta.db_table, fields, rows)
        _copy_rows(
            history_model._meta.db_table,
            history_fields,
            [[values[f.attname] for f in history_fields] for values in history_rows],
        )
        if events:
            through = Event.issues.through
            pairs = [(obj.pk, issue.pk) for obj in objs for issue in links[id(obj)]]
            ids = _reserve_ids(through._meta.db_table, len(pairs))
            rows = [[pk, event, issue] for pk, (event, issue) in zip(ids, pairs, strict=True)]
            _copy_rows(through._meta.db_table, [through._meta.pk, *_through_fields()], rows)
            m2m = history_model.issues.model
            _copy_rows(
                m2m._meta.db_table,
                [m2m._meta.get_field(name) for name in ("id", "event", "issue", "history")],
                [[pk, event, issue, record_of[event]["history_id"]] for pk, event, issue in rows],
            )
        if post_create_historical_record.has_listeners(history_model):
            names = [f.attname for f in history_model._meta.concrete_fields]
            records = [history_model(**{n: values[n] for n in names}) for values in history_rows]
            self.announce(model, objs, records)
        self.step(model, len(objs))

    def update(self, model, rows, stored_issues):
        """UPDATE stored rows the document changes, each with a "~" history row."""
        fields = sorted({name for row in rows for name in row.changed} - {"issues", "partial_date"})
        if any("partial_date" in row.changed for row in rows):
            fields += list(DATE_COLUMNS)
        for row in rows:
            _apply(row)
        if issubclass(model, Versioned):  # as save() does: open forms learn they are stale
            for row in rows:
                row.obj.version += 1
            fields.append("version")
        through = Event.issues.through
        for i in range(0, len(rows), BATCH):
            chunk_rows = rows[i : i + BATCH]
            chunk = [row.obj for row in chunk_rows]
            model.objects.bulk_update(chunk, fields, batch_size=BATCH)
            records = self.history(model, chunk, "~")
            if model is Event:
                kept, gone, added = _relink(chunk_rows, stored_issues, through)
                through.objects.filter(pk__in=gone).delete()
                through.objects.bulk_create(added, batch_size=BATCH)
                snapshot = self.issue_snapshot(records, kept + added)
                snapshot[0].objects.bulk_create(snapshot[1], batch_size=BATCH)
            self.announce(model, chunk, records)
            self.step(model, len(chunk))

    def history(self, model, objs, kind):
        """One history row per object, with the user, the reason and one timestamp."""
        return model.history.bulk_history_create(
            objs,
            batch_size=BATCH,
            update=kind == "~",
            default_user=self.user,
            default_change_reason=self.reason,
            default_date=self.now,
        )

    @staticmethod
    def issue_snapshot(records, links):
        """(model, rows): the issues each event's history row records, as a save would."""
        m2m = Event.history.model.issues.model
        record_of = {record.id: record for record in records}
        return m2m, [
            m2m(id=link.pk, event_id=link.event_id, issue_id=link.issue_id,
                history=record_of[link.event_id])
            for link in links
        ]  # fmt: skip

    def announce(self, model, objs, records):
        """post_create_historical_record for each row, as save() sends it."""
        history_model = model.history.model  # (each .history builds a manager class)
        for obj, record in zip(objs, records, strict=True):
            post_create_historical_record.send(
                sender=history_model,
                instance=obj,
                history_instance=record,
                history_date=self.now,
                history_user=self.user,
                history_change_reason=self.reason,
                using=None,
            )

    def step(self, model, n):
        self.done += n
        self.progress(f"Writing {model._meta.verbose_name_plural}", self.done, self.total)


def _readers(model, now):
    """[(attname, function of a _New giving the column's value)] for model's columns."""

    def reader(f):
        if f.primary_key:
            return lambda obj: obj.pk
        if f.is_relation:
            name = f.name
            return lambda obj: getattr(obj.values.get(name), "pk", None)
        if f.name in DATE_COLUMNS and "date_precision" in {g.name for g in model._meta.fields}:
            name = f.name
            return lambda obj: date_columns(obj.values["partial_date"])[name]
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            return lambda obj: now
        name, default = f.name, f.get_default()
        return lambda obj: obj.values.get(name, default)

    return [(f.attname, reader(f)) for f in model._meta.concrete_fields]


def _apply(row):
    """Give a stored object the document's values for its changed fields; related
    records created by this import have their keys by now."""
    obj = row.obj
    for name in row.changed:
        if name == "issues":
            continue
        value = row.wanted[name]
        if isinstance(value, _New):
            setattr(obj, obj._meta.get_field(name).attname, value.pk)
        else:
            setattr(obj, name, value)


def _through_fields():
    through = Event.issues.through
    return [through._meta.get_field("event"), through._meta.get_field("issue")]


def _relink(rows, stored_issues, through):
    """(links kept, link ids to delete, links to add) giving events the document's issues."""
    kept, gone, added = [], [], []
    for row in rows:
        have = stored_issues[row.obj.pk]
        wanted = {issue.pk for issue in row.issues}
        gone += [link.pk for pk, link in have.items() if pk not in wanted]
        kept += [link for pk, link in have.items() if pk in wanted]
        added += [
            through(event_id=row.obj.pk, issue_id=i.pk) for i in row.issues if i.pk not in have
        ]
    return kept, gone, added


RACE = (
    "(document): someone imported the same records at the same moment, so nothing of "
    "this file was written. Import it again: what exists by then is left alone."
)


def import_file(raw, *, name, user=None, update=False, progress=None):
    """An uploaded or read file (bytes) → ImportResult, the same way for the upload
    page, the import jobs and the command, so that they say the same words; the
    history reason is "import from NAME". Raises InvalidDocument, nothing written."""
    data = parse_document(raw)
    try:
        return import_document(
            data, reason=f"import from {name}", user=user, update=update, progress=progress
        )
    except IntegrityError as exc:  # raw database text names tables: say what happened
        raise InvalidDocument([RACE]) from exc
    except DataError as exc:
        raise InvalidDocument(
            ["(document): the database refused a value of this file; nothing was written."]
        ) from exc


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
        .select_related("party", "issue")
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
                "date": _date_text(p),
                "citations": _citations(p.citations.all()),
            }
            for p in positions
        ],
    }
