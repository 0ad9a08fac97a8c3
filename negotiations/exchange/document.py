"""Reading an interchange document (format `redline/2`, docs/interchange-format.md):
bytes to data with path-bearing errors, the upgrade of a `redline/1` document, and the
values validation and import share."""

import functools
import json
import re
import uuid

from negotiations.text.dates import PartialDate

FORMAT = "redline/2"
LEGACY_FORMAT = "redline/1"  # still read: upgrade() turns it into redline/2 in memory
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


def printable(text):
    """A message quotes the document; a lone surrogate in it could be neither sent in a
    page nor printed on a terminal, so it is shown escaped (\\ud800)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class InvalidDocument(Exception):
    def __init__(self, errors):
        self.errors = [printable(e) for e in errors]
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
            [f"(document): nested too deeply to be a redline document{_too_deep_at(raw)}"]
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


# --- values read the same way by validation and import ---------------------------------


def key_or_none(text):
    try:
        return key(text)
    except ValueError:
        return None


def key(text):
    """A valid uid as the database gives it back (lowercase with hyphens): the key
    that matches document and database; parsed only when written another way."""
    return text if CANONICAL_UID.fullmatch(text) else str(uuid.UUID(text))


@functools.lru_cache(maxsize=4096)
def parse_date(text):
    """Dates repeat across a document (and are read twice): parsed once each. The
    canonical form is the value; the words the source used travel beside it
    (`date_as_written`, see with_words)."""
    return PartialDate.parse(text).replace(as_written="")


def with_words(value, as_written):
    """A parsed date with the words as written the document gives beside it."""
    if value is None or not isinstance(as_written, str):
        return value
    return value.replace(as_written=as_written)


# --- redline/1 → redline/2 ---------------------------------------------------------------


def upgrade(data):
    """A redline/1 document as the redline/2 document that says the same, in memory
    (anything else is returned as it is, for validation to judge). redline/1 put a
    participation's role and span on the party itself and a provision's one issue in
    `issue`; it had no words as written, no steps, parties to texts, reported contents
    or event actors, so those are empty. Paths of the items stay the same, so that
    a message about an upgraded file still points into that file."""
    if not isinstance(data, dict) or data.get("format") != LEGACY_FORMAT:
        return data
    data = dict(data, format=FORMAT)
    parties = data.get("parties")
    if isinstance(parties, list):
        data["parties"] = [_upgrade_party(p) for p in parties]
    proposals = data.get("proposals")
    if isinstance(proposals, list):
        data["proposals"] = [_upgrade_proposal(p) for p in proposals]
    return data


def _upgrade_party(party):
    if not isinstance(party, dict):
        return party
    party = dict(party)
    span = {name: party.pop(name) for name in ("role", "since", "until") if name in party}
    # In redline/1 every listed party took part (role was required).
    party["participation"] = {"since": None, "until": None, **span}
    return party


def _upgrade_proposal(proposal):
    if not isinstance(proposal, dict):
        return proposal
    proposal = dict(proposal)
    status = proposal.get("text_status")
    if "availability" not in proposal and isinstance(status, str) and status in LEGACY_AVAILABILITY:
        proposal["availability"] = LEGACY_AVAILABILITY[proposal.pop("text_status")]
    provisions = proposal.get("provisions")
    if isinstance(provisions, list):
        proposal["provisions"] = [_upgrade_provision(v) for v in provisions]
    return proposal


def _upgrade_provision(provision):
    if not isinstance(provision, dict) or "issue" not in provision:
        return provision
    provision = dict(provision)
    issue = provision.pop("issue")
    provision["issues"] = [] if issue is None else [issue]
    return provision


# redline/1 files written before availability existed say text_status (official /
# leaked / reported); migration 0012 mapped the stored values the same way.
LEGACY_AVAILABILITY = {"official": "official", "leaked": "reported", "reported": "reported"}
