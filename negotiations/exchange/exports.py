"""CSV and JSON downloads of what a page shows, streamed row by row.

A download is a header (column names) and an iterable of rows (tuples in column
order). Both formats are written as the rows arrive, a batch of rows per chunk, so an
export of a million positions needs no more memory than one of ten: feed them from
`queryset.values_list(...).iterator(chunk_size=2000)`, never from a list.

CSV is UTF-8 without a byte-order mark, one header line, RFC 4180 quoting, and text
that a spreadsheet would run as a formula neutralised (`csv_cell`). JSON is an array of
objects keyed by the same column names, every value exactly as stored
(`pandas.read_json(url)`, `jsonlite::fromJSON(url)` read it as a table).
"""

import csv
import datetime
import json
import uuid

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, StreamingHttpResponse

from negotiations.models import DATE_COLUMNS, Citation, Proposal, Source
from negotiations.text.dates import PartialDate

FORMATS = ("csv", "json")
ROWS_PER_CHUNK = 100
ITERATOR_CHUNK = 2000


class Echo:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value):
        return value


def _batched(lines, size=ROWS_PER_CHUNK):
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(…) can send data away, =cmd|… run a program): OWASP's "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as written to a CSV cell.

    Text starting with = + - @, a tab or a carriage return gets a leading apostrophe, so
    spreadsheets show it as text instead of running it — every such text, "-5 km" too,
    as OWASP advises: telling a harmless one apart is what attackers exploit. Numbers,
    dates and empty values are written as they are. Every CSV writer calls this.
    """
    if value is None:
        return ""
    value = _json_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header, rows):
    writer = csv.writer(Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def json_lines(header, rows):
    yield "["
    first = True
    for row in rows:
        item = {name: _json_value(value) for name, value in zip(header, row, strict=True)}
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]\n"


def download(fmt, filename, header, rows):
    """A streamed CSV or JSON attachment of `rows` under `header`."""
    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    lines = csv_lines(header, rows) if fmt == "csv" else json_lines(header, rows)
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(_batched(lines), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- shared row shapes -----------------------------------------------------------------


# A partial date comes as its canonical form (docs/dates.md), as displayed, and as the
# columns a data user can compute with: the first and last day it can mean (ISO days,
# empty on an open side: "before 1 Feb 2024" has no first day), its precision, qualifier,
# flags and the words as written. `pandas.to_datetime(df.date_start)` reads every row.
DATE_PARTS = [
    "",
    "_display",
    "_start",
    "_end",
    "_precision",
    "_qualifier",
    "_approximate",
    "_inferred",
    "_as_written",
]


def date_header(prefix="date"):
    return [prefix + part for part in DATE_PARTS]


def date_values(value: PartialDate | None):
    """The DATE_PARTS values of a partial date (all empty for None: an undated source)."""
    if value is None:
        return (None, "", None, None, "", "", None, None, "")
    return (
        value.isoformat(),
        str(value),
        value.start,
        value.end,
        value.precision.value,
        value.qualifier.value,
        value.approximate,
        value.inferred,
        value.as_written,
    )


def date_columns(*columns):
    """date_values() from the stored columns (models.DATE_COLUMNS, in that order)."""
    if columns[0] is None:
        return date_values(None)
    return date_values(PartialDate.from_columns(*columns))


POSITION_COLUMNS = [
    "uid",
    "issue_slug",
    "issue_title",
    "party_slug",
    "party_name",
    "stance",
    "movement",
    "summary",
    "quote",
    "speaker",
    "attribution",
    *date_header(),
    "first_source",
    "citations",
]


def position_rows(positions):
    """Rows of POSITION_COLUMNS from a Position queryset, in stated order.

    Counts and the first source come from subqueries, so there is no query per row
    and no prefetch that would hold every citation in memory.
    """
    cited = Citation.objects.filter(position=OuterRef("pk")).order_by()
    rows = (
        positions.annotate(
            first_source=Subquery(cited.order_by("pk").values("source__title")[:1]),
            n_citations=Coalesce(
                Subquery(
                    cited.values("position").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("issue__order", "issue__pk", "party__slug", "date", "date_end", "pk")
        .values_list(
            "uid",
            "issue__slug",
            "issue__title",
            "party__slug",
            "party__name",
            "stance",
            "movement",
            "summary",
            "quote",
            "speaker__name",
            "attribution",
            *DATE_COLUMNS,
            "first_source",
            "n_citations",
        )
    )
    dated, before = len(DATE_COLUMNS), 11  # the columns before the date's
    for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
        head, date, (first_source, n) = (
            row[: before - 2],
            row[before : before + dated],
            row[before + dated :],
        )
        speaker, attribution = row[before - 2 : before]
        yield (*head, speaker or "", attribution, *date_columns(*date), first_source or "", n)


def positions_download(fmt, filename, positions):
    return download(fmt, filename, POSITION_COLUMNS, position_rows(positions))


MATRIX_COLUMNS = [
    "issue_slug",
    "issue_title",
    "party_slug",
    "party_name",
    "stance",
    "movement",
    "summary",
    *date_header(),
    "shifts",
    "last_shift",
    "last_shift_date",
    "position_uid",
]


def matrix_rows(rows):
    """Rows of MATRIX_COLUMNS from analysis.matrix() rows (one line per cell)."""
    for row in rows:
        for cell in row.cells:
            p, last = cell.position, cell.last_shift
            date = date_values(p.partial_date if p else None)
            yield (
                cell.issue.slug,
                cell.issue.title,
                cell.party.slug,
                cell.party.name,
                p.stance if p else "",
                p.movement if p else "",
                p.summary if p else "",
                *date,
                cell.shifts,
                last.movement if last else "",
                last.partial_date.isoformat() if last else None,
                str(p.uid) if p else "",
            )


SNAPSHOT_COLUMNS = [
    "issue_slug",
    "issue_title",
    "party_slug",
    "party_name",
    "status",
    "a_stance",
    "a_summary",
    *date_header("a_date"),
    "b_stance",
    "b_summary",
    *date_header("b_date"),
]


def snapshot_rows(lines):
    for line in lines:
        a, b = line.before, line.after
        yield (
            line.issue.slug,
            line.issue.title,
            line.party.slug,
            line.party.name,
            line.status,
            a.stance if a else "",
            a.summary if a else "",
            *date_values(a.partial_date if a else None),
            b.stance if b else "",
            b.summary if b else "",
            *date_values(b.partial_date if b else None),
        )


SOURCE_COLUMNS = [
    "uid",
    "title",
    "author",
    "outlet",
    *date_header(),
    "url",
    "kind",
    "language",
    "reliability",
    "notes",
    "citations",
]


def source_rows(sources=None):
    sources = Source.objects.all() if sources is None else sources
    counted = Citation.objects.filter(source=OuterRef("pk")).order_by()
    rows = (
        sources.annotate(
            n_citations=Coalesce(
                Subquery(
                    counted.values("source").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .order_by("-date", "title", "pk")
        .values_list(
            "uid",
            "title",
            "author",
            "outlet",
            *DATE_COLUMNS,
            "url",
            "kind",
            "language",
            "reliability",
            "notes",
            "n_citations",
        )
    )
    for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
        head, date, rest = row[:4], row[4 : 4 + len(DATE_COLUMNS)], row[4 + len(DATE_COLUMNS) :]
        yield (*head, *date_columns(*date), *rest)


PROPOSAL_COLUMNS = [
    "slug",
    "title",
    "kind",
    "author",
    "availability",
    "text_note",
    *date_header(),
    "responds_to",
    "supersedes",
    "provisions",
    "summary",
]


def proposal_rows(proposals):
    """Rows of PROPOSAL_COLUMNS; `proposals` annotated with provision_count."""
    for p in proposals.iterator(chunk_size=ITERATOR_CHUNK):
        yield (
            p.slug,
            p.title,
            p.kind,
            p.author.slug if p.author else "",
            p.availability,
            # Said on every row: a reader of the CSV alone must know there is no text.
            Proposal.NOT_PUBLIC if p.is_described_only else "",
            *date_values(p.partial_date),
            p.responds_to.slug if p.responds_to else "",
            p.supersedes.slug if p.supersedes else "",
            p.provision_count,
            p.summary,
        )


PROVISION_COLUMNS = ["uid", "order", "label", "heading", "issues", "text"]


def issue_slugs(provision):
    """A provision's issues as one cell: their slugs, in the negotiation's order,
    separated by "; " (empty for none)."""
    return "; ".join(issue.slug for issue in provision.sorted_issues())


def provision_rows(provisions):
    for v in provisions.iterator(chunk_size=ITERATOR_CHUNK):
        yield (str(v.uid), v.order, v.label, v.heading, issue_slugs(v), v.text)


COMPARE_COLUMNS = [
    "status",
    "matched_by",
    "similarity",
    "a_label",
    "a_heading",
    "a_issues",
    "a_text",
    "b_label",
    "b_heading",
    "b_issues",
    "b_text",
]


def compare_rows(rows):
    """Rows of COMPARE_COLUMNS from a compare's aligned rows (negotiations.text.compare.Row)."""
    for row in rows:
        sides = []
        for provision in (row.a, row.b):
            if provision is None:
                sides += ["", "", "", ""]
            else:
                sides += [
                    provision.label,
                    provision.heading,
                    issue_slugs(provision),
                    provision.text,
                ]
        yield (row.status, row.matched_by, round(row.similarity, 3), *sides)


# A comparison with a text described only is by issue: what each side is reported to
# contain, or which provisions address the issue, never article texts.
ISSUE_COMPARE_COLUMNS = ["issue", "a_contains", "b_contains", "text_note"]
REPORTED_COLUMNS = ["issue", "reported_contents", "text_note"]


def _contains(reported, provisions):
    if reported is not None:
        return f"Reported: {reported.summary}"
    return ", ".join(p.label for p in provisions)


def issue_compare_rows(lines, note):
    for line in lines:
        yield (
            line.issue.slug,
            _contains(line.reported_a, line.in_a),
            _contains(line.reported_b, line.in_b),
            note,
        )
