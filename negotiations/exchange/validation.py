"""Checking a whole interchange document: every problem with its path, nothing written."""

import datetime
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from negotiations.aliases import AliasesField
from negotiations.exchange.document import (
    CANONICAL_UID,
    FORMAT,
    LEGACY_AVAILABILITY,
    LEGACY_FORMAT,
    SLUG,
    TOP_LEVEL,
    key,
    key_or_none,
    parse_date,
    printable,
    unreadable,
    upgrade,
)
from negotiations.models import (
    PROVISION_TEXT_MAX_LENGTH,
    SOURCE_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Event,
    PartialDateModel,
    Participation,
    Party,
    Position,
    Proposal,
    Source,
    TextParty,
    TextStep,
)
from negotiations.text.dates import PartialDateError

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


def availability_of(item):
    if "availability" in item:
        return item["availability"]
    status = item.get("text_status")
    # Any JSON value may stand here (a list is unhashable): only a known string maps.
    return LEGACY_AVAILABILITY.get(status) if isinstance(status, str) else None


def _date(required=True):
    def check(value):
        if value is None and not required:
            return None
        if not isinstance(value, str):
            return "must be a partial date string such as 2024-01-10, 2024-01, 2024-Q1, 2024"
        try:
            parse_date(value)
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


def _uid_or_null(value):
    return None if value is None else _uid(value)


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


def _uid_list(value):
    if not isinstance(value, list) or any(_uid(v) for v in value):
        return "must be a list of uids"
    return None


def _object_or_null(value):
    return None if value is None or isinstance(value, dict) else "must be an object or null"


_as_written = _text(max_length=PartialDateModel.AS_WRITTEN_LENGTH)


def _aliases(value):
    """Other names: a list of strings, checked as the model field checks them."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of names"
    try:
        AliasesField().validate("\n".join(value), None)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _day(value):
    """An optional plain day (a participation's or a person's first or last day)."""
    if value is None:
        return None
    try:
        datetime.date.fromisoformat(value if isinstance(value, str) else "")
    except ValueError:
        return "must be a day such as 2024-01-10, or null"
    return None


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
        "aliases": _aliases,
        # null: the party is only named (an event's actor, a text's witness), it does
        # not take part in the negotiation.
        "participation": _object_or_null,
        "persons": _list,
    },
    "participation": {
        "role": _choice(Participation.Role),
        "since": _day,
        "until": _day,
    },
    "persons": {
        "uid": _uid,
        "name": _text(True, 200),
        "title": _text(max_length=200),
        "since": _day,
        "until": _day,
        "notes": _text(max_length=TEXT_MAX_LENGTH),
    },
    "issues": {
        "slug": _slug(),
        "title": _text(True, 200),
        "description": _text(max_length=TEXT_MAX_LENGTH),
        "parent": _slug(required=False),
        "aliases": _aliases,
    },
    "sources": {
        "uid": _uid,
        "title": _text(True, 300),
        "author": _text(max_length=200),
        "outlet": _text(max_length=200),
        "date": _date(required=False),
        "date_as_written": _as_written,
        "url": _url,
        "kind": _choice(Source.Kind),
        "language": _text(True, 12),
        "reliability": _choice(Source.Reliability),
        "reliability_reason": _text(max_length=300),
        "notes": _text(max_length=TEXT_MAX_LENGTH),
        "text": _text(max_length=SOURCE_TEXT_MAX_LENGTH),
    },
    "events": {
        "uid": _uid,
        "title": _text(True, 300),
        "kind": _choice(Event.Kind),
        "description": _text(max_length=TEXT_MAX_LENGTH),
        "date": _date(),
        "date_as_written": _as_written,
        "issues": _slug_list,
        "parties": _slug_list,
        "persons": _uid_list,
        "citations": _list,
    },
    "proposals": {
        "slug": _slug(),
        "title": _text(True, 300),
        "kind": _choice(Proposal.Kind),
        "author": _slug(required=False),
        "availability": _choice(Proposal.Availability),
        # redline/1 files written before availability existed say text_status
        # (official / leaked / reported); upgrade() maps the known values.
        "text_status": _choice(LegacyTextStatus),
        "date": _date(),
        "date_as_written": _as_written,
        "responds_to": _slug(required=False),
        "supersedes": _slug(required=False),
        "summary": _text(max_length=TEXT_MAX_LENGTH),
        "citations": _list,
        "steps": _list,
        "text_parties": _list,
        "reported_contents": _list,
        "provisions": _list,
    },
    "steps": {
        "uid": _uid,
        "kind": _choice(TextStep.Kind),
        "date": _date(),
        "date_as_written": _as_written,
        "note": _text(max_length=SUMMARY_MAX_LENGTH),
        "citations": _list,
    },
    "text_parties": {
        "party": _slug(),
        "role": _choice(TextParty.Role),
    },
    "reported_contents": {
        "uid": _uid,
        "issue": _slug(),
        "summary": _text(True, TEXT_MAX_LENGTH),
        "citations": _list,
    },
    "provisions": {
        "uid": _uid,
        "label": _text(True, 60),
        "heading": _text(max_length=300),
        "issues": _slug_list,
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
        "speaker": _uid_or_null,
        "attribution": _choice(Position.Attribution),
        "date": _date(),
        "date_as_written": _as_written,
        # The committing step of a text (initialled, signed, ratified) that recorded it.
        "commitment": _uid_or_null,
        "citations": _list,
    },
    "citations": {
        "uid": _uid,
        "source": _uid,
        "locator": _text(max_length=200),
        "excerpt": _text(max_length=TEXT_MAX_LENGTH),
    },
}
OPTIONAL = {"aliases", "description", "short_name", "author", "outlet", "url", "notes",
            "parent", "quote", "summary", "heading", "locator", "excerpt", "responds_to",
            "supersedes", "note", "date_as_written", "commitment", "steps", "text_parties",
            "reported_contents", "parties", "participation",
            "citations", "provisions", "issues", "availability", "text_status",
            # Added to redline/1 later (persons, speakers, spans): older files lack them.
            "since", "until", "persons", "speaker", "attribution",
            "reliability_reason"}  # fmt: skip
# Optional for one kind only (a provision's text is required, a source's is not).
OPTIONAL_FOR = {"sources": {"date", "text"}}


def _check_item(item, kind, path, errors):
    if not isinstance(item, dict):
        errors.append(f"{path}: must be an object")
        return False
    for name in sorted(set(item) - set(FIELDS[kind])):
        errors.append(f"{path}.{name}: unknown field")
    for name, check in FIELDS[kind].items():
        if name not in item:
            if name not in OPTIONAL and name not in OPTIONAL_FOR.get(kind, ()):
                errors.append(f"{path}.{name}: is required")
            continue
        if message := check(item[name]):
            errors.append(f"{path}.{name}: {message}")
    return True


def validate(data):
    """Return a list of problems, each prefixed with the path of the offending item.
    A redline/1 document is judged as the redline/2 document it upgrades to."""
    errors = unreadable(data)
    return [printable(e) for e in errors + _check_document(upgrade(data))]


def _check_document(data):
    if not isinstance(data, dict):
        return ["(document): must be a JSON object"]
    errors = []
    if data.get("format") != FORMAT:
        errors.append(f'format: must be "{FORMAT}" (or "{LEGACY_FORMAT}", read as {FORMAT})')
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
    source_uids = {key_or_none(uid) for uid in unique("sources", "uid")} - {None}
    proposal_slugs = unique("proposals", "slug")
    all_uids = {}

    def claim_uid(path, value):
        if not isinstance(value, str):
            return
        try:
            value = key(value)  # the same uid written in capitals is the same uid
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
                if isinstance(source, str) and key_or_none(source) not in source_uids:
                    errors.append(f"{cpath}.source: unknown source “{source}”")

    party_of_person = {}  # person uid → the slug of the party they speak for
    participants = set()  # slugs of the parties that take part (have a participation)
    for path, item in sections["parties"]:
        span = item.get("participation")
        if isinstance(span, dict) and _check_item(
            span, "participation", f"{path}.participation", errors
        ):
            participants.add(_hashable(item.get("slug")))
            since, until = span.get("since"), span.get("until")
            if (
                isinstance(since, str)
                and isinstance(until, str)
                and not _day(since)
                and until < since
            ):
                errors.append(f"{path}.participation.until: is before since ({since})")
        for j, person in enumerate(_items(item.get("persons"))):
            ppath = f"{path}.persons[{j}]"
            if _check_item(person, "persons", ppath, errors):
                claim_uid(ppath, person.get("uid"))
                uid = _hashable(person.get("uid")) and key_or_none(person["uid"]) or None
                if uid is not None:
                    party_of_person[uid] = _hashable(item.get("slug"))
    for path, item in sections["issues"]:
        others = issue_slugs - {_hashable(item.get("slug"))}
        refer(path, "parent", item.get("parent"), others, "parent issue")
    for path, item in sections["events"]:
        claim_uid(path, item.get("uid"))
        for slug in _items(item.get("issues")):
            refer(path, "issues", slug, issue_slugs, "issue")
        for slug in _items(item.get("parties")):
            refer(path, "parties", slug, party_slugs, "party")
        for uid in _items(item.get("persons")):
            if isinstance(uid, str) and key_or_none(uid) not in party_of_person:
                errors.append(f"{path}.persons: unknown person “{uid}”")
        citations(path, item)
    steps = {}  # step uid → path, for the commitments statements name
    for path, item in sections["proposals"]:
        if "availability" not in item and "text_status" not in item:
            errors.append(f"{path}.availability: is required")
        elif availability_of(item) == Proposal.Availability.DESCRIBED and item.get("provisions"):
            errors.append(
                f"{path}.provisions: a text described only has no article texts (its text "
                "is not public); leave provisions out"
            )
        refer(path, "author", item.get("author"), party_slugs, "party")
        others = proposal_slugs - {_hashable(item.get("slug"))}
        refer(path, "responds_to", item.get("responds_to"), others, "proposal")
        refer(path, "supersedes", item.get("supersedes"), others, "proposal")
        citations(path, item)
        for j, step in enumerate(_items(item.get("steps"))):
            spath = f"{path}.steps[{j}]"
            if _check_item(step, "steps", spath, errors):
                claim_uid(spath, step.get("uid"))
                if uid := _hashable(step.get("uid")) and key_or_none(step["uid"]):
                    steps[uid] = spath
                citations(spath, step)
        seen_roles = {}
        for j, text_party in enumerate(_items(item.get("text_parties"))):
            tpath = f"{path}.text_parties[{j}]"
            if not _check_item(text_party, "text_parties", tpath, errors):
                continue
            slug, role = _hashable(text_party.get("party")), _hashable(text_party.get("role"))
            refer(tpath, "party", slug, party_slugs, "party")
            if (slug, role) in seen_roles:
                errors.append(f"{tpath}: duplicate of {seen_roles[slug, role]}")
            seen_roles.setdefault((slug, role), tpath)
            if role == TextParty.Role.SIGNATORY and slug in party_slugs - participants:
                errors.append(
                    f"{tpath}.party: {slug} does not take part in this negotiation (no "
                    "participation): it cannot sign one of its texts"
                )
        seen_issues = {}
        for j, content in enumerate(_items(item.get("reported_contents"))):
            rpath = f"{path}.reported_contents[{j}]"
            if _check_item(content, "reported_contents", rpath, errors):
                claim_uid(rpath, content.get("uid"))
                issue = _hashable(content.get("issue"))
                refer(rpath, "issue", issue, issue_slugs, "issue")
                if issue in seen_issues:
                    errors.append(
                        f"{rpath}.issue: {seen_issues[issue]} already reports on {issue} "
                        "(one reported content per issue)"
                    )
                seen_issues.setdefault(issue, rpath)
                citations(rpath, content)
        for j, provision in enumerate(_items(item.get("provisions"))):
            ppath = f"{path}.provisions[{j}]"
            if _check_item(provision, "provisions", ppath, errors):
                claim_uid(ppath, provision.get("uid"))
                for slug in _items(provision.get("issues")):
                    refer(ppath, "issues", slug, issue_slugs, "issue")
                citations(ppath, provision)
    for path, item in sections["positions"]:
        claim_uid(path, item.get("uid"))
        refer(path, "party", item.get("party"), party_slugs, "party")
        if _hashable(item.get("party")) in party_slugs - participants:
            errors.append(
                f"{path}.party: {item['party']} does not take part in this negotiation "
                "(no participation): it can make no statement in it"
            )
        refer(path, "issue", item.get("issue"), issue_slugs, "issue")
        commitment = _hashable(item.get("commitment")) and key_or_none(item["commitment"])
        if commitment and commitment not in steps:
            errors.append(
                f"{path}.commitment: unknown step “{item['commitment']}” (list it in its "
                "text's steps)"
            )
        speaker = _hashable(item.get("speaker")) and key_or_none(item["speaker"]) or None
        if speaker is not None and speaker not in party_of_person:
            errors.append(
                f"{path}.speaker: unknown person “{item['speaker']}” (list them under "
                "their party's persons)"
            )
        elif speaker is not None and party_of_person[speaker] != item.get("party"):
            errors.append(
                f"{path}.speaker: {item['speaker']} speaks for {party_of_person[speaker]}, "
                f"not for {item.get('party')}"
            )
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
