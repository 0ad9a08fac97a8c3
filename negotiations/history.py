"""Record history (django-simple-history) as readable, field-by-field changes.

Values are shown the way the app shows them: names for foreign keys, labels for
choices, one "Date" for the partial-date columns, word diffs for long text.
"""

import functools
from dataclasses import dataclass, field

from django.db import models
from django.utils.safestring import SafeString

from negotiations.models import DATE_COLUMNS, partial_date_of
from negotiations.text.diffs import cached_diff_html, cached_diffs_html

# Bookkeeping columns that say nothing an analyst would call a change.
HIDDEN = {"id", "uid", "version", "created_at"}
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: SafeString | None = None  # word diff for text fields
    changed: bool = True


@dataclass
class Entry:
    record: object
    kind: str
    user: object
    when: object
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def tracked_fields(model):
    """The model's own columns as the history stores them, in form order."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN and f.name not in DATE_COLUMNS
    ]


def _has_partial_date(model):
    return all(any(f.name == c for f in model._meta.concrete_fields) for c in DATE_COLUMNS)


def _partial_date(record):
    value = partial_date_of(record)
    return "" if value is None else str(value)


class Labeller:
    """Turns stored values into what people read; fetches related names in bulk."""

    def __init__(self, model, records):
        self.fields = tracked_fields(model)
        self.related = {}
        for f in self.fields:
            if f.is_relation:
                ids = {getattr(r, f.attname) for r in records} - {None}
                manager = f.related_model._base_manager
                self.related[f.name] = manager.in_bulk(ids) if ids else {}

    def display(self, f, value):
        if value is None or value == "":
            return "—"
        if f.is_relation:
            obj = self.related[f.name].get(value)
            return str(obj) if obj is not None else f"(deleted, #{value})"
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(f, models.BooleanField):
            return "yes" if value else "no"
        return str(value)


def compare_records(model, old, new, labeller=None, pending=None):
    """Field changes from history record `old` (None for a creation) to `new`.

    With a `pending` list, text diffs are left to the caller: (change, key, before,
    after) are appended for fill_diffs() to fetch all of a page's in one round trip."""
    labeller = labeller or Labeller(model, [r for r in (old, new) if r is not None])
    changes = []
    if _has_partial_date(model):
        before = _partial_date(old) if old is not None else ""
        after = _partial_date(new)
        if before != after:
            changes.append(FieldChange("Date", before or "—", after or "—"))
    for f in labeller.fields:
        before = getattr(old, f.attname) if old is not None else None
        after = getattr(new, f.attname)
        if before == after or (old is None and after in (None, "")):
            continue
        change = FieldChange(
            str(f.verbose_name).capitalize(),
            labeller.display(f, before),
            labeller.display(f, after),
        )
        if isinstance(f, models.TextField) and old is not None:
            key = f"{model._meta.model_name}:{f.name}:{old.history_id}:{new.history_id}"
            if pending is None:
                change.diff = cached_diff_html(key, before or "", after or "")
            else:
                pending.append((change, key, before, after))
        changes.append(change)
    return changes


@functools.cache
def _history_m2m_fields(model):
    # simple-history builds a new manager class on every `Model.history` access (~0.5 ms),
    # and a page compares every statement's records.
    return tuple(getattr(model.history.model, "_history_m2m_fields", []))


def linked_by_record(model, records):
    """{history_id: {field: names}}: what each history record's many-to-many fields
    linked (a provision's issues; an event's issues, parties and persons), one query a
    field whatever the number of records."""
    history_model = model.history.model
    found = {}
    for f in _history_m2m_fields(model):
        target = f.m2m_reverse_field_name()
        rows = (
            getattr(history_model, f.name)
            .model.objects.filter(history_id__in=[r.history_id for r in records])
            .select_related(target)
        )
        for row in rows:
            obj = getattr(row, target)
            name = str(obj) if obj is not None else f"(deleted, #{getattr(row, target + '_id')})"
            found.setdefault(row.history_id, {}).setdefault(f, set()).add(name)
    return found


def compare_links(model, old, new, linked):
    """Changes of the many-to-many fields from history record `old` to `new`."""
    changes = []
    for f in _history_m2m_fields(model):
        before = linked.get(old.history_id, {}).get(f, set()) if old is not None else set()
        after = linked.get(new.history_id, {}).get(f, set())
        if before != after:
            changes.append(
                FieldChange(
                    str(f.verbose_name).capitalize(),
                    ", ".join(sorted(before)) or "—",
                    ", ".join(sorted(after)) or "—",
                )
            )
    return changes


def fill_diffs(pending):
    """Set the diffs compare_records(pending=...) left, in one cache round trip."""
    htmls = cached_diffs_html([(key, before, after) for _, key, before, after in pending])
    for (change, *_), html in zip(pending, htmls, strict=True):
        change.diff = html


def entries_for(model, pks):
    """{pk: [Entry, …] newest first} for the given rows, in a constant number of queries."""
    records = list(
        model.history.filter(id__in=list(pks))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    labeller = Labeller(model, records)
    linked = linked_by_record(model, records)
    result = {pk: [] for pk in pks}
    previous, pending = {}, []
    for record in records:
        before = previous.get(record.id)
        result.setdefault(record.id, []).append(
            Entry(
                record=record,
                kind=KINDS.get(record.history_type, record.history_type),
                user=record.history_user,
                when=record.history_date,
                reason=record.history_change_reason or "",
                changes=compare_records(model, before, record, labeller, pending)
                + compare_links(model, before, record, linked)
                if record.history_type != "-"
                else [],
            )
        )
        previous[record.id] = record
    fill_diffs(pending)
    for entries in result.values():
        entries.reverse()
    return result
