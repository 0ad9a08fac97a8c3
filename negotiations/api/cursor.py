"""Cursor pagination by keyset: a page is "the first `limit` rows after this one".

A cursor holds the sort key of the last row a page gave (for statements: date, latest
day, id), base64-encoded so that clients treat it as opaque. The next page asks for rows
whose key is greater, so rows inserted or deleted elsewhere never shift a page: no row
is skipped or given twice, unlike an offset. Every ordering ends with the primary key,
which makes the key unique. Rows inserted before the cursor's position are not seen by
a walk already past them, which is what "stable" means here.
"""

import base64
import binascii
import json

from django.db.models import Q

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class BadCursor(ValueError):
    pass


def encode(values):
    text = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor, model, keys):
    """The key values a cursor holds, typed as the model's fields; BadCursor if it is
    not one this ordering gave."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise BadCursor(cursor)
    fields = [model._meta.pk if key == "pk" else model._meta.get_field(key) for key in keys]
    try:
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except Exception as exc:  # ValidationError, TypeError: a forged or foreign cursor
        raise BadCursor(cursor) from exc


def after(keys, values):
    """Q for rows whose key tuple is greater than `values` (a row-value comparison
    written out, so every database runs it: a > x or (a = x and b > y) or …)."""
    condition = Q()
    for n, key in enumerate(keys):
        step = Q(**{f"{key}__gt": values[n]})
        for earlier, value in zip(keys[:n], values[:n], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def page(queryset, keys, cursor=None, limit=DEFAULT_LIMIT):
    """(the rows of one page, the cursor of the next or None), ordered by `keys`."""
    queryset = queryset.order_by(*keys)
    if cursor:
        queryset = queryset.filter(after(keys, decode(cursor, queryset.model, keys)))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode([getattr(rows[-1], key) for key in keys])
