"""Writing an interchange document: matched against what is stored by slug or uid,
then written in one transaction, in bulk, each row with its history row.

A record stored already and identical is left alone, so importing the same document
twice adds nothing. One that differs is reported and refused, or overwritten with a
history entry when the caller asks for updates. A uid that names a record of another
negotiation is an error."""

import datetime
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from negotiations import current, revisions
from negotiations.exchange.document import (
    InvalidDocument,
    key,
    parse_date,
    parse_document,
)
from negotiations.exchange.validation import availability_of, validate
from negotiations.models import (
    DATE_COLUMNS,
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Person,
    Position,
    Proposal,
    Provision,
    Source,
    Versioned,
    date_columns,
)

BATCH = 2000  # rows per INSERT or UPDATE (SQLite lowers it to fit its variable limit)
LOOKUP = 5000  # uids per "uid IN (…)" query


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
    return parse_date(value) if value is not None else None


def _day_of(value):
    return datetime.date.fromisoformat(value) if value else None


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
        stored = self.stored(model, "uid", [key(item["uid"]) for item in items])
        foreign = {
            uid: obj
            for uid, obj in stored.items()
            if obj.owner_id is None or obj.owner_id != self.stored_negotiation
        }
        if foreign:
            names = Negotiation.objects.in_bulk({obj.owner_id for obj in foreign.values()})
            for k, item in enumerate(items):
                obj = foreign.get(key(item["uid"]))
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
                    "aliases": "\n".join(p.get("aliases") or []),
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
                    "since": _day_of(p.get("since")),
                    "until": _day_of(p.get("until")),
                },
            )
        self.keep_stored_order(self.rows[Participation])
        self.persons(items)

    def persons(self, parties):
        """Persons are listed under the party they speak for; found by uid."""
        listed = [
            (f"parties[{k}].persons[{j}]", self.party[p["slug"]], person)
            for k, p in enumerate(parties)
            for j, person in enumerate(p.get("persons") or [])
        ]
        stored = self.stored(Person, "uid", [key(person["uid"]) for _, _, person in listed])
        self.person = {}
        for path, party, person in listed:
            uid = key(person["uid"])
            self.person[uid] = self.row(
                Person,
                path,
                stored.get(uid),
                {
                    "uid": uid,
                    "name": person["name"],
                    "title": person["title"],
                    "party": party,
                    "since": _day_of(person.get("since")),
                    "until": _day_of(person.get("until")),
                    "notes": _text_of(person, "notes"),
                },
            ).obj

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
                    "aliases": "\n".join(i.get("aliases") or []),
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
        stored = self.stored(Source, "uid", [key(s["uid"]) for s in items])
        self.source = {}
        for k, s in enumerate(items):
            uid = key(s["uid"])
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
            uid = key(e["uid"])
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
                    "availability": availability_of(p),
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
            uid = key(v["uid"])
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
            uid = key(p["uid"])
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
                    "speaker": self.person[key(p["speaker"])] if p.get("speaker") else None,
                    "attribution": p.get("attribution") or Position.Attribution.OWN,
                    "partial_date": _date_of(p["date"]),
                },
            ).obj
            self.cite(f"positions[{k}]", p, "position", position)

    def citations(self):
        stored = self.owned(Citation, [c for _, c, _, _ in self.cited], lambda k: self.cited[k][0])
        for path, c, target_field, target in self.cited:
            uid = key(c["uid"])
            wanted = {
                "uid": uid,
                "source": self.source[key(c["source"])],
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
        for model in (Negotiation, Party, Participation, Person, Issue, Source, Event,
                      Proposal, Provision, Position, Citation):  # fmt: skip
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
        updated = [row.obj for row in changed.get(Position, [])]
        if new.get(Position) or updated:
            # Bulk writes call no save(): the kept current state of every thread the
            # import wrote to (or moved a statement from) is refreshed here.
            threads = current.threads_of([p.pk for p in updated])
            threads |= {(p.issue_id, p.party_id) for p in updated}
            threads |= {(p.values["issue"].pk, p.values["party"].pk) for p in new[Position]}
            current.refresh_threads(threads)
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
                self.actor_snapshot(records)
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

    @staticmethod
    def actor_snapshot(records):
        """The actors each updated event's history row records: the document does not
        carry them (yet), so they are the stored ones, unchanged."""
        for name in ("parties", "persons"):
            through = getattr(Event, name).through
            target = getattr(Event, name).field.m2m_reverse_field_name()
            m2m = getattr(Event.history.model, name).model
            record_of = {record.id: record for record in records}
            links = through.objects.filter(event_id__in=list(record_of))
            m2m.objects.bulk_create(
                [
                    m2m(
                        id=link.pk,  # as issue_snapshot: simple-history keeps the link's id
                        event_id=link.event_id,
                        history=record_of[link.event_id],
                        **{f"{target}_id": getattr(link, f"{target}_id")},
                    )
                    for link in links
                ],
                batch_size=BATCH,
            )

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
