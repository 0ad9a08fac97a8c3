"""One negotiation as a documented dataset: a zip a data user can cite and load.

It holds every table of the negotiation as CSV: those the exports give (the same
columns and formula neutralising as the downloads, negotiations/exchange/exports.py),
and events, persons, citations, text steps, parties to texts, reported contents and
participations in the same conventions. Beside them: the interchange document, its JSON
Schema when the repository has one, the codebook (CSV and JSON), a Frictionless
`datapackage.json` describing every column, and CITATION.txt with the export's time
and the data revision.

The zip is built in memory, then sent (a zip's directory comes last, so it cannot be
streamed as simply as one CSV): it is deflated as it is written and weighs about a
fifth of the files it holds — 131 KB for the seeded negotiation, whose files are
609 KB (measured 3 Dec 2026). Memory therefore grows with the negotiation: some tens
of MB for one of 100,000 statements, for the length of one request.
"""

import io
import json
import zipfile
from pathlib import Path

from django.db.models import Count, Q

from negotiations import codebook, revisions
from negotiations.exchange import exports
from negotiations.exchange.exporter import export_negotiation
from negotiations.insight import analysis
from negotiations.models import (
    DATE_COLUMNS,
    Citation,
    Person,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "redline-2.schema.json"

# --- what every column means ----------------------------------------------------------

DATE_DOCS = {
    "": ("string", "the partial date in its canonical form (docs/dates.md): 2024-01-10, "
         "2024-01, 2024-Q1, 2024, with ~ for approximate and ? for inferred"),
    "_display": ("string", "the partial date as the pages show it"),
    "_start": ("date", "the first day the date can mean (ISO); empty when it is open "
               "on that side (\"before 1 Feb 2024\")"),
    "_end": ("date", "the last day the date can mean (ISO); empty when it is open on "
             "that side (\"after 8 Aug 2025\")"),
    "_precision": ("string", "what the date names: day, month, quarter or year"),
    "_qualifier": ("string", "early, mid, late, before, after or by; empty for none"),
    "_approximate": ("boolean", "the source gives the date as approximate (c., ~)"),
    "_inferred": ("boolean", "the date is the analyst's inference, not stated by a source"),
    "_as_written": ("string", "the date in the source's own words, when recorded"),
}  # fmt: skip

ISSUE = {
    "issue_slug": ("string", "the issue's stable identifier within the negotiation"),
    "issue_title": ("string", "the issue's title"),
}
PARTY = {
    "party_slug": ("string", "the party's stable identifier"),
    "party_name": ("string", "the party's name"),
}
STANCE = ("string", "how the party stands on the issue; see codebook.csv (kind stance)")
MOVEMENT = ("string", "how the statement moved from the party's previous one on the "
            "issue; see codebook.csv (kind movement); empty when not recorded")  # fmt: skip


def _dated(prefix, what):
    return {prefix + part: (kind, f"{what}: {text}") for part, (kind, text) in DATE_DOCS.items()}


COLUMN_DOCS = {
    "positions": {
        "uid": ("string", "the statement's stable identifier (UUID)"),
        **ISSUE,
        **PARTY,
        "stance": STANCE,
        "movement": MOVEMENT,
        "summary": ("string", "the analyst's summary of what the party stated"),
        "quote": ("string", "the party's own words, when a source gives them"),
        "speaker": ("string", "the person who spoke for the party, when known"),
        "attribution": ("string", "how the source attributes the statement"),
        **_dated("date", "when the statement was made"),
        "first_source": ("string", "the title of the first source cited for it"),
        "citations": ("integer", "how many citations support the statement"),
    },
    "current_positions": {
        **ISSUE,
        **PARTY,
        "stance": ("string", "the stance of the party's latest statement on the issue; "
                   "empty when it made none; see codebook.csv"),
        "movement": ("string", "the movement of that statement; see codebook.csv"),
        "summary": ("string", "the summary of that statement"),
        **_dated("date", "when that statement was made"),
        "shifts": ("integer", "how many times the party's stance on the issue shifted "
                   "(hardened, softened, dropped or conceded)"),
        "last_shift": ("string", "the movement of the latest shift; empty without one"),
        "last_shift_date": ("string", "the partial date of the latest shift (canonical form)"),
        "position_uid": ("string", "the uid of the latest statement (positions.csv)"),
    },
    "proposals": {
        "slug": ("string", "the proposal's stable identifier within the negotiation"),
        "title": ("string", "the proposal's title"),
        "kind": ("string", "draft_treaty, counter_draft, framework, joint_statement, "
                 "initialled or other"),
        "author": ("string", "the slug of the party that put it forward; empty if unknown"),
        "availability": ("string", "official (full text), reported (leaked or reported "
                         "text) or described (no text: what sources say it contains)"),
        "text_note": ("string", "for a proposal known only by description: that its text "
                      "is not public"),
        **_dated("date", "when the proposal was put forward"),
        "responds_to": ("string", "the slug of the proposal it answers"),
        "supersedes": ("string", "the slug of the proposal it replaces"),
        "provisions": ("integer", "how many provisions (articles) of it are recorded"),
        "summary": ("string", "the analyst's summary of the proposal"),
    },
    "provisions": {
        "proposal": ("string", "the slug of the proposal the provision belongs to"),
        "uid": ("string", "the provision's stable identifier (UUID)"),
        "order": ("integer", "its place in the proposal"),
        "label": ("string", "its label in the text (\"Article 3\")"),
        "heading": ("string", "its heading in the text"),
        "issues": (
            "string",
            "the slugs of the issues it addresses, separated by \"; \"; empty if none",
        ),
        "text": ("string", "its text as the source gives it"),
    },
    "sources": {
        "uid": ("string", "the source's stable identifier (UUID)"),
        "title": ("string", "the source's title"),
        "author": ("string", "its author, when known"),
        "outlet": ("string", "where it was published"),
        **_dated("date", "when it was published"),
        "url": ("string", "where it can be read"),
        "kind": ("string", "treaty_text, official_statement, interview, news_report, "
                 "analysis or leak"),
        "language": ("string", "its language (ISO 639-1)"),
        "reliability": ("string", "the analyst's rating: A (completely reliable) to E "
                        "(unreliable), F (cannot be judged); empty if not rated"),
        "notes": ("string", "the analyst's notes on the source"),
        "citations": ("integer", "how many citations (in every negotiation) cite it"),
    },
    "events": {
        "uid": ("string", "the event's stable identifier (UUID)"),
        "title": ("string", "the event's title"),
        "kind": ("string", "military, summit, talks, election, interview, statement, "
                 "agreement or other"),
        **_dated("date", "when the event took place"),
        "description": ("string", "the analyst's description of the event"),
        "issues": ("string", "the slugs of the issues it concerns, separated by \"; \"; "
                   "empty if none"),
        "parties": ("string", "the slugs of the parties that did or said it (its actors), "
                    "separated by \"; \"; empty if none recorded"),
        "persons": ("string", "the uids of the persons who did or said it (persons.csv), "
                    "separated by \"; \"; empty if none recorded"),
    },
    "persons": {
        "uid": ("string", "the person's stable identifier (UUID)"),
        "name": ("string", "the person's name"),
        "title": ("string", "the office the person holds, as recorded"),
        **PARTY,
        "since": ("date", "the first day in this office (ISO); empty when not recorded"),
        "until": ("date", "the last day in this office (ISO); empty when still in it or "
                  "not recorded"),
        "notes": ("string", "the analyst's notes on the person"),
    },
    "citations": {
        "uid": ("string", "the citation's stable identifier (UUID)"),
        "source_uid": ("string", "the uid of the source cited (sources.csv)"),
        "supports_kind": ("string", "what the citation supports: position, provision, "
                          "proposal, event, step or reported_content"),
        "supports": ("string", "the identifier of what it supports: the uid of a position "
                     "(positions.csv), provision, event, step (text_steps.csv) or reported "
                     "content (reported_contents.csv), the slug of a proposal"),
        "locator": ("string", "the page, paragraph or timestamp in the source"),
        "excerpt": ("string", "the source's words, verbatim, when recorded"),
    },
    "text_steps": {
        "uid": ("string", "the step's stable identifier (UUID)"),
        "text": ("string", "the slug of the text (proposals.csv) the step belongs to"),
        "kind": ("string", "described, drafted, sent, leaked, initialled, signed, ratified, "
                 "in_force, superseded or abandoned"),
        **_dated("date", "when the step happened"),
        "note": ("string", "the analyst's note on the step"),
    },
    "text_parties": {
        "text": ("string", "the slug of the text (proposals.csv)"),
        **PARTY,
        "role": ("string", "the party's role on the text: signatory, witness or guarantor"),
    },
    "reported_contents": {
        "uid": ("string", "the reported content's stable identifier (UUID)"),
        "text": ("string", "the slug of the text (proposals.csv) sources describe"),
        **ISSUE,
        "summary": ("string", "what sources say the text contains on the issue, in the "
                    "analyst's words (the text itself is not public)"),
    },
    "participations": {
        **PARTY,
        "role": ("string", "the party's role in the negotiation: principal, mediator, "
                 "facilitator or observer"),
        "since": ("date", "the first day in this role (ISO); empty for from the start"),
        "until": ("date", "the last day in this role (ISO); empty for still"),
    },
    "codebook": {
        "kind": ("string", "stance or movement: the column the entry is a value of"),
        "key": ("string", "the value as the tables carry it"),
        "label": ("string", "the value as the pages show it"),
        "definition": ("string", "what the value means"),
        "example": ("string", "a constructed example (Party A, Party B), not a fact"),
        "recorded_only": ("boolean", "the app sets the value itself (a text initialled, "
                          "signed or ratified; an uncertain order); analysts never type it"),
    },
}  # fmt: skip


# --- the tables -------------------------------------------------------------------------


def _positions(negotiation):
    return Position.objects.filter(issue__negotiation=negotiation)


def _current(negotiation):
    parties = [p.party for p in negotiation.participations.in_order()]
    rows = analysis.matrix(_positions(negotiation), list(negotiation.issues.all()), parties)
    return exports.matrix_rows(rows)


def _proposals(negotiation):
    proposals = (
        negotiation.proposals.select_related("author", "responds_to", "supersedes")
        .annotate(provision_count=Count("provisions"))
        .order_by("date", "date_end", "pk")
    )
    return exports.proposal_rows(proposals)


def _provisions(negotiation):
    provisions = (
        Provision.objects.filter(proposal__negotiation=negotiation)
        .select_related("proposal")
        .prefetch_related("issues")
        .order_by("proposal__date", "proposal__date_end", "proposal__pk", "order", "pk")
    )
    for v in provisions.iterator(chunk_size=exports.ITERATOR_CHUNK):
        issues = exports.issue_slugs(v)
        yield (v.proposal.slug, str(v.uid), v.order, v.label, v.heading, issues, v.text)


def _sources(negotiation):
    cited = Citation.objects.for_negotiation(negotiation)
    return exports.source_rows(Source.objects.filter(citations__in=cited).distinct())


def _joined(values):
    return "; ".join(str(v) for v in values)


def _dates(row):
    return exports.date_columns(*(getattr(row, name) for name in DATE_COLUMNS))


def _events(negotiation):
    events = negotiation.events.prefetch_related("issues", "parties", "persons").order_by(
        "date", "date_end", "pk"
    )
    for e in events.iterator(chunk_size=exports.ITERATOR_CHUNK):
        yield (
            str(e.uid),
            e.title,
            e.kind,
            *_dates(e),
            e.description,
            _joined(sorted(i.slug for i in e.issues.all())),
            _joined(sorted(p.slug for p in e.parties.all())),
            _joined(sorted(str(p.uid) for p in e.persons.all())),
        )


def _persons(negotiation):
    # The persons of the parties taking part, and anyone named as a speaker or an
    # event's actor (an outsider named only there is still someone the data mentions).
    persons = (
        Person.objects.filter(
            Q(party__participations__negotiation=negotiation)
            | Q(events__negotiation=negotiation)
            | Q(statements__issue__negotiation=negotiation)
        )
        .distinct()
        .select_related("party")
        .order_by("party__name", "name", "pk")
    )
    for p in persons:
        yield (str(p.uid), p.name, p.title, p.party.slug, p.party.name, p.since, p.until, p.notes)


def _cited(citation):
    for kind in Citation.TARGETS:
        target = getattr(citation, kind)
        if target is not None:
            return kind, target.slug if kind == "proposal" else str(target.uid)
    return "", ""


def _citations(negotiation):
    citations = Citation.objects.for_negotiation(negotiation).with_targets().order_by("pk")
    for c in citations.iterator(chunk_size=exports.ITERATOR_CHUNK):
        yield (str(c.uid), str(c.source.uid), *_cited(c), c.locator, c.excerpt)


def _text_steps(negotiation):
    steps = (
        TextStep.objects.filter(proposal__negotiation=negotiation)
        .select_related("proposal")
        .order_by("date", "date_end", "pk")
    )
    for s in steps.iterator(chunk_size=exports.ITERATOR_CHUNK):
        yield (str(s.uid), s.proposal.slug, s.kind, *_dates(s), s.note)


def _text_parties(negotiation):
    rows = (
        TextParty.objects.filter(proposal__negotiation=negotiation)
        .order_by("proposal__slug", "role", "party__name", "pk")
        .values_list("proposal__slug", "party__slug", "party__name", "role")
    )
    return rows.iterator(chunk_size=exports.ITERATOR_CHUNK)


def _reported_contents(negotiation):
    rows = (
        ReportedContent.objects.filter(proposal__negotiation=negotiation)
        .order_by("proposal__slug", "issue__order", "issue__slug", "pk")
        .values_list("uid", "proposal__slug", "issue__slug", "issue__title", "summary")
    )
    for uid, *rest in rows.iterator(chunk_size=exports.ITERATOR_CHUNK):
        yield (str(uid), *rest)


def _participations(negotiation):
    for p in negotiation.participations.in_order().select_related("party"):
        yield (p.party.slug, p.party.name, p.role, p.since, p.until)


def _columns(table):
    return list(COLUMN_DOCS[table])


# (name, title, columns, rows of a negotiation)
TABLES = [
    ("positions", "Statements", exports.POSITION_COLUMNS,
     lambda n: exports.position_rows(_positions(n))),
    ("current_positions", "Current positions (each party's latest statement per issue)",
     exports.MATRIX_COLUMNS, _current),
    ("proposals", "Proposals", exports.PROPOSAL_COLUMNS, _proposals),
    ("provisions", "Provisions of the proposals", list(COLUMN_DOCS["provisions"]),
     _provisions),
    ("sources", "Sources cited in the negotiation", exports.SOURCE_COLUMNS, _sources),
    ("events", "Events (with their actors and issues)", _columns("events"), _events),
    ("persons", "Persons: speakers, event actors and the people of the parties",
     _columns("persons"), _persons),
    ("citations", "Citations: one row per citation of a source", _columns("citations"),
     _citations),
    ("text_steps", "Steps in the texts' lives (drafted, sent, signed…)",
     _columns("text_steps"), _text_steps),
    ("text_parties", "Parties to the texts (signatories, witnesses, guarantors)",
     _columns("text_parties"), _text_parties),
    ("reported_contents", "Reported contents of texts whose words are not public",
     _columns("reported_contents"), _reported_contents),
    ("participations", "Parties taking part in the negotiation, with role and span",
     _columns("participations"), _participations),
    ("codebook", "Codebook: what each stance and movement means", codebook.COLUMNS,
     lambda n: codebook.rows()),
]  # fmt: skip


def schema_fields(table, columns):
    """Frictionless field descriptors of `columns`; every column must be documented."""
    docs = COLUMN_DOCS[table]
    missing = [c for c in columns if c not in docs]
    if missing:
        raise ValueError(f"undocumented columns of {table}: {missing}")
    return [
        {"name": c, "type": docs[c][0], "description": docs[c][1], **_constraints(table, c)}
        for c in columns
    ]


def _constraints(table, column):
    if column == "stance" and table == "positions":
        return {"constraints": {"enum": list(Position.Stance.values)}}
    if column == "availability":
        return {"constraints": {"enum": list(Proposal.Availability.values)}}
    return {}


def data_revision(negotiation):
    """The negotiation's change counter and the site-wide one (negotiations/revisions.py):
    the same pair means the same data."""
    numbers = dict(revisions.numbers(negotiation.slug))
    return f"{numbers.get(negotiation.pk, 0)}.{numbers.get(revisions.SHARED, 0)}"


def _write_text(archive, name, chunks):
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, "utf-8", newline="") as out:
        for chunk in chunks:
            out.write(chunk)


def build(negotiation, exported_at, url=""):
    """The dataset zip's bytes. `exported_at`: an aware datetime; `url`: where it came from."""
    revision = data_revision(negotiation)
    slug = negotiation.slug
    buffer = io.BytesIO()
    files = []
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, title, columns, rows in TABLES:
            path = f"{name}.csv"
            _write_text(archive, path, exports.csv_lines(columns, rows(negotiation)))
            files.append(path)
            resources.append(
                {
                    "name": name,
                    "path": path,
                    "title": title,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {"fields": schema_fields(name, columns)},
                }
            )
        _write_text(archive, "codebook.json", exports.json_lines(codebook.COLUMNS, codebook.rows()))
        files.append("codebook.json")
        document = export_negotiation(negotiation)
        document_name = f"{slug}.json"
        _write_text(archive, document_name, [json.dumps(document, ensure_ascii=False, indent=2)])
        files.append(document_name)
        if SCHEMA_PATH.exists():
            archive.write(SCHEMA_PATH, SCHEMA_PATH.name)
            files.append(SCHEMA_PATH.name)
        package = {
            "profile": "tabular-data-package",
            "name": slug,
            "title": negotiation.title,
            "description": (
                f"Redline dataset of “{negotiation.title}”: every table as CSV (UTF-8, a "
                "header row; a text cell starting with = + - @ has a leading ' against "
                f"spreadsheet formulas), the whole negotiation as {document_name} "
                f"(format {document['format']}), and the codebook. See CITATION.txt."
            ),
            "created": exported_at.isoformat(),
            "version": revision,
            "resources": resources,
        }
        _write_text(
            archive, "datapackage.json", [json.dumps(package, ensure_ascii=False, indent=2)]
        )
        files.append("datapackage.json")
        citation = citation_text(negotiation, exported_at, revision, url, files)
        _write_text(archive, "CITATION.txt", [citation])
    return buffer.getvalue()


def citation_text(negotiation, exported_at, revision, url, files):
    from django.conf import settings

    day = exported_at.date().isoformat()
    lines = [
        f"{negotiation.title} — a dataset exported from {settings.SITE_NAME}",
        "",
        f"Exported: {exported_at.isoformat(timespec='seconds')}",
        f"Data revision: {revision} (the negotiation's change counter, then the site's: "
        "a download with the same revision holds the same data)",
        *([f"From: {url}"] if url else []),
        "",
        "Cite as:",
        f"  {settings.SITE_NAME}. “{negotiation.title}” (dataset), data revision "
        f"{revision}, exported {day}." + (f" {url}" if url else ""),
        "",
        "Files:",
        *(f"  {name}" for name in [*files, "CITATION.txt"]),
        "",
        "Each statement, provision, text, step, event and reported content cites its "
        "sources: citations.csv has one row per citation (source, what it supports, "
        "locator, excerpt). datapackage.json describes every column.",
        "",
    ]
    return "\n".join(lines)
