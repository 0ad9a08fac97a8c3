"""The dataset zip (issue 19, item 4): every table as CSV, the interchange document, the
codebook, a Frictionless datapackage.json describing every column, and a citation."""

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from frictionless import Package

from negotiations.accounts import tokens
from negotiations.exchange import dataset
from negotiations.exchange.exporter import export_negotiation
from negotiations.models import Citation, Participation, Position
from tests.factories import (
    make_citation,
    make_event,
    make_negotiation,
    make_position,
    with_reason,
)

# The tables beside the exports' own: every table of the negotiation as CSV.
NEW_TABLES = [
    "events",
    "persons",
    "citations",
    "text_steps",
    "text_parties",
    "reported_contents",
    "participations",
]


def url(slug):
    return reverse("negotiations:dataset", kwargs={"slug": slug})


def download(client, slug):
    response = client.get(url(slug))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-dataset.zip"'
    return zipfile.ZipFile(io.BytesIO(response.content))


def validate(archive, tmp_path):
    """The extracted package, validated by frictionless; its report."""
    archive.extractall(tmp_path)
    package = Package(str(tmp_path / "datapackage.json"))
    return package, package.validate()


def assert_every_column_described(archive):
    package = json.loads(archive.read("datapackage.json"))
    csv_files = {name for name in archive.namelist() if name.endswith(".csv")}
    assert {r["path"] for r in package["resources"]} == csv_files
    for resource in package["resources"]:
        header = next(csv.reader(io.StringIO(archive.read(resource["path"]).decode())))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header, resource["path"]
        for field in fields:
            assert field["type"] in {"string", "integer", "date", "boolean"}
            assert len(field["description"]) > 10, (resource["path"], field["name"])


def test_the_seeded_dataset_validates_with_frictionless(seeded_client, seeded, tmp_path):
    archive = download(seeded_client, seeded.slug)
    names = set(archive.namelist())
    assert {
        "positions.csv",
        "current_positions.csv",
        "proposals.csv",
        "provisions.csv",
        "sources.csv",
        "codebook.csv",
        "codebook.json",
        *(f"{name}.csv" for name in NEW_TABLES),
        f"{seeded.slug}.json",
        "datapackage.json",
        "CITATION.txt",
    } <= names
    assert ("redline-2.schema.json" in names) == dataset.SCHEMA_PATH.exists()
    _, report = validate(archive, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert_every_column_described(archive)
    # The tables hold the data, not just headers.
    rows = list(csv.DictReader(io.StringIO(archive.read("positions.csv").decode())))
    assert len(rows) == Position.objects.filter(issue__negotiation=seeded).count() > 0
    assert all(row["uid"] and row["stance"] for row in rows)
    provisions = archive.read("provisions.csv").decode().splitlines()
    assert len(provisions) > 1


def table(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))


def test_every_table_of_the_seeds_is_in_the_zip_with_rows(seeded_client, seeded):
    archive = download(seeded_client, seeded.slug)
    for name in NEW_TABLES:
        assert table(archive, name), name
    # The rows are the negotiation's own and point at the other tables by stable ids.
    citations = table(archive, "citations")
    assert len(citations) == Citation.objects.for_negotiation(seeded).count()
    sources = {row["uid"] for row in table(archive, "sources")}
    assert {row["source_uid"] for row in citations} <= sources
    positions = {row["uid"] for row in table(archive, "positions")}
    backed = {row["supports"] for row in citations if row["supports_kind"] == "position"}
    assert backed and backed <= positions
    assert all(row["supports_kind"] in Citation.TARGETS and row["supports"] for row in citations)
    events = table(archive, "events")
    assert len(events) == seeded.events.count()
    assert all(row["date_start"] or row["date_end"] for row in events)
    assert any(row["parties"] for row in events) and any(row["persons"] for row in events)
    persons = {row["uid"] for row in table(archive, "persons")}
    actors = {uid for row in events for uid in row["persons"].split("; ") if uid}
    assert actors <= persons
    texts = {row["slug"] for row in table(archive, "proposals")}
    for name in ("text_steps", "text_parties", "reported_contents"):
        assert {row["text"] for row in table(archive, name)} <= texts, name
    participations = table(archive, "participations")
    assert len(participations) == seeded.participations.count()
    assert {row["role"] for row in participations} <= set(Participation.Role.values)


def test_the_document_and_codebook_in_the_zip_are_the_apps_own(seeded_client, seeded):
    archive = download(seeded_client, seeded.slug)
    assert json.loads(archive.read(f"{seeded.slug}.json")) == export_negotiation(seeded)
    entries = json.loads(archive.read("codebook.json"))
    assert {e["key"] for e in entries if e["kind"] == "stance"} >= {"demand", "red_line"}
    codebook_csv = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode())))
    assert [r["key"] for r in codebook_csv] == [e["key"] for e in entries]


def test_the_citation_names_the_export_time_and_a_revision_that_follows_the_data(
    client, reader, world
):
    client.force_login(reader)
    first = download(client, "talks")
    citation = first.read("CITATION.txt").decode()
    package = json.loads(first.read("datapackage.json"))
    revision = package["version"]
    assert f"Data revision: {revision} " in citation
    assert f"Exported: {package['created'][:19]}" in citation
    assert "http://testserver/n/talks/dataset.zip" in citation
    # A new statement makes a new revision; the same data keeps it.
    assert json.loads(download(client, "talks").read("datapackage.json"))["version"] == revision
    make_position(world["maps"], world["beta"], world["source"], summary="Wants new maps.")
    later = json.loads(download(client, "talks").read("datapackage.json"))["version"]
    assert later != revision
    assert "Wants new maps." in download(client, "talks").read("positions.csv").decode()


def test_an_empty_negotiation_gives_a_valid_package_of_headers(client, reader, tmp_path):
    make_negotiation(slug="empty", title="Nothing yet")
    client.force_login(reader)
    archive = download(client, "empty")
    _, report = validate(archive, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert_every_column_described(archive)
    assert archive.read("positions.csv").decode().count("\n") == 1


def test_formula_text_is_neutralised_in_the_zip_too(client, reader, world):
    make_position(world["maps"], world["beta"], world["source"], summary="=HYPERLINK(1)")
    client.force_login(reader)
    text = download(client, "talks").read("positions.csv").decode()
    assert "'=HYPERLINK(1)" in text


def test_the_new_tables_neutralise_formulas_and_name_what_a_citation_supports(
    client, reader, world
):
    event = make_event(world["negotiation"], title="=HYPERLINK(2)")
    event.parties.add(world["alpha"])
    citation = make_citation(world["source"], event=event)
    citation.excerpt = "@SUM(1)"
    with_reason(citation)
    client.force_login(reader)
    archive = download(client, "talks")
    (row,) = table(archive, "events")
    assert (row["uid"], row["title"], row["parties"]) == (str(event.uid), "'=HYPERLINK(2)", "alpha")
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (
        "2023-09-19",
        "2023-09-19",
        "day",
    )
    (cited,) = [r for r in table(archive, "citations") if r["uid"] == str(citation.uid)]
    assert cited["supports_kind"] == "event"
    assert cited["supports"] == str(event.uid)
    assert cited["source_uid"] == str(world["source"].uid)
    assert cited["excerpt"] == "'@SUM(1)"


def test_the_new_tables_take_the_same_queries_however_many_rows(client, reader, world):
    client.force_login(reader)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            download(client, "talks")
        return len(captured)

    def add_event():
        event = make_event(world["negotiation"])
        event.parties.add(world["alpha"], world["beta"])
        event.issues.add(world["maps"])
        with_reason(make_citation(world["source"], event=event))

    add_event()
    one = queries()
    for _ in range(3):
        add_event()
    assert queries() == one


def test_a_token_downloads_the_dataset_and_a_stranger_does_not(reader, stranger, world):
    _, secret = tokens.generate(reader, "script", None)
    script = Client()
    archive = download_with(script, secret)
    assert "positions.csv" in archive.namelist()
    assert script.get(url("talks")).status_code == 302  # no token: the login page
    strangers = Client()
    strangers.force_login(stranger)
    assert strangers.get(url("talks")).status_code == 403


def download_with(client, secret):
    response = client.get(url("talks"), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_negotiation_page_links_to_the_dataset(client, reader, world):
    client.force_login(reader)
    page = client.get(reverse("negotiations:negotiation", kwargs={"slug": "talks"}))
    assert f'href="{url("talks")}"' in page.content.decode()
    assert "Download the dataset" in page.content.decode()


def test_an_undocumented_column_is_refused():
    with pytest.raises(ValueError, match="undocumented columns of positions"):
        dataset.schema_fields("positions", ["uid", "no_such_column"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_every_table_is_read_from_one_snapshot(client, reader, world, monkeypatch):
    """REPEATABLE READ for the whole build: a save landing half-way through cannot make
    positions.csv and the document disagree, or either disagree with the revision."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's isolation levels (DATABASE_URL)")
    seen = []
    build = dataset.build

    def spying(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append(cursor.fetchone()[0])
        return build(*args, **kwargs)

    monkeypatch.setattr(dataset, "build", spying)
    client.force_login(reader)
    assert "positions.csv" in download(client, "talks").namelist()
    assert seen == ["repeatable read"]
    # Any other request keeps PostgreSQL's default.
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"


def test_the_json_schema_is_included_as_the_repository_has_it(
    client, reader, world, tmp_path, monkeypatch
):
    schema = tmp_path / "redline-2.schema.json"
    schema.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}\n')
    monkeypatch.setattr(dataset, "SCHEMA_PATH", schema)
    client.force_login(reader)
    archive = download(client, "talks")
    assert archive.read("redline-2.schema.json") == schema.read_bytes()
    assert "redline-2.schema.json" in archive.read("CITATION.txt").decode()
    monkeypatch.setattr(dataset, "SCHEMA_PATH", tmp_path / "missing.json")
    assert "redline-2.schema.json" not in download(client, "talks").namelist()
