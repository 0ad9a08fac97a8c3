"""Reading an interchange document (format `redline/1`, docs/interchange-format.md):
bytes to data with path-bearing errors, and the values validation and import share."""

import functools
import json
import re
import uuid

from negotiations.text.dates import PartialDate

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
    """Dates repeat across a document (and are read twice): parsed once each.
    redline/1 carries the canonical form, not the words the source used."""
    return PartialDate.parse(text).replace(as_written="")
