"""Import of redline/1 documents: the command and the editors' upload page.

Validated completely before anything is written, every problem with its path, all or
nothing; export → import into an empty database → export is identical.
"""

import copy
import io
import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from negotiations.interchange import export_negotiation
from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Participation,
    Party,
    Position,
    Proposal,
    Provision,
    Source,
)

SLUG = "armenia-azerbaijan"
URL = reverse("negotiations:import")


def dump(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def every_count():
    """Rows of every model of the app, history tables included."""
    return {m.__name__: m.objects.count() for m in apps.get_app_config("negotiations").get_models()}


def wipe():
    """Delete every content row, leaving an empty database (history is kept)."""
    for model in (
        Citation,
        Position,
        Provision,
        Proposal,
        Event,
        Issue,
        Participation,
        Negotiation,
        Source,
        Party,
    ):
        model.objects.all().delete()


@pytest.fixture
def document(seeded):
    return export_negotiation(seeded)


def upload(client, text, name="doc.json"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"document": SimpleUploadedFile(name, data, "application/json")})


# --- round trip ------------------------------------------------------------------------


def test_export_import_export_is_identical(document, tmp_path):
    out = io.StringIO()
    call_command("export_negotiation", SLUG, stdout=out)
    text = out.getvalue()
    assert json.loads(text) == document
    path = tmp_path / "talks.json"
    path.write_text(text, encoding="utf-8")

    wipe()
    assert Position.objects.count() == Negotiation.objects.count() == Source.objects.count() == 0
    call_command("import_negotiation", str(path), stdout=io.StringIO())

    again = io.StringIO()
    call_command("export_negotiation", SLUG, stdout=again)
    assert json.loads(again.getvalue()) == document
    assert again.getvalue() == text
    assert len(document["positions"]) > 12 and document["proposals"] and document["events"]


def test_round_trip_through_the_upload_page(client, editor, document):
    text = dump(document)
    wipe()
    client.force_login(editor)
    response = upload(client, text, name="talks-2024.json")
    assert response.status_code == 302
    assert response["Location"] == reverse("negotiations:negotiation", args=[SLUG])
    assert dump(export_negotiation(Negotiation.objects.get(slug=SLUG))) == text
    records = Position.history.filter(history_change_reason="import from talks-2024.json")
    assert records.count() == Position.objects.count() > 0
    assert {r.history_user for r in records} == {editor}
    assert Citation.history.filter(history_change_reason="import from talks-2024.json").exists()


def test_command_history_rows_say_import_from_file(document, tmp_path):
    wipe()
    path = tmp_path / "exchange.json"
    path.write_text(dump(document), encoding="utf-8")
    call_command("import_negotiation", str(path), stdout=io.StringIO())
    for model in (Negotiation, Party, Issue, Source, Position, Proposal, Provision, Event):
        reasons = set(model.history.filter(history_type="+").values_list(
            "history_change_reason", flat=True
        ).distinct()) - {f"Loaded from seeds/{SLUG}.json"}  # fmt: skip
        assert reasons == {"import from exchange.json"}, model


def test_importing_again_adds_nothing(client, editor, document):
    client.force_login(editor)
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 302
    assert every_count() == before
    follow = client.get(response["Location"])
    assert "nothing new" in follow.content.decode()


# --- malformed documents -----------------------------------------------------------------


def broken(document, case):
    doc = copy.deepcopy(document)
    if case == "wrong type":
        doc["positions"][12]["summary"] = 5
        return dump(doc), "positions[12].summary: must be a string"
    if case == "unknown party":
        doc["positions"][12]["party"] = "atlantis"
        return dump(doc), "positions[12].party: unknown party “atlantis”"
    if case == "bad date":
        doc["positions"][12]["date"] = "2024-13-45"
        return dump(doc), "positions[12].date: "
    if case == "duplicate slug":
        doc["parties"][1]["slug"] = doc["parties"][0]["slug"]
        return dump(doc), "parties[1].slug: duplicate of parties[0].slug"
    if case == "duplicate uid":
        doc["positions"][3]["uid"] = doc["positions"][2]["uid"]
        return dump(doc), "positions[3].uid: duplicate of positions[2].uid"
    if case == "unhashable slug":
        doc["issues"][0]["slug"] = ["a", "list"]
        doc["events"][0]["issues"] = 7
        doc["positions"][0]["citations"] = "none"
        return dump(doc), "issues[0].slug: must be a slug"
    if case == "bad url":
        doc["sources"][0]["url"] = "javascript:alert(1)"
        return dump(doc), "sources[0].url: must be a URL"
    if case == "not an object":
        return "[1, 2, 3]", "(document): must be a JSON object"
    if case == "truncated":
        text = dump(doc)
        return text[: len(text) // 2], "not valid JSON at line"
    raise AssertionError(case)


CASES = [
    "wrong type",
    "unknown party",
    "bad date",
    "duplicate slug",
    "duplicate uid",
    "unhashable slug",
    "bad url",
    "not an object",
    "truncated",
]


@pytest.mark.parametrize("case", CASES)
def test_command_rejects_malformed_file_and_writes_nothing(document, tmp_path, case):
    wipe()
    text, message = broken(document, case)
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = every_count()
    with pytest.raises(CommandError) as error:
        call_command("import_negotiation", str(path), stdout=io.StringIO())
    if case == "truncated":  # the command reports the JSON error with its line and column
        assert "line" in str(error.value) and "column" in str(error.value)
    else:
        assert message in str(error.value)
    assert every_count() == before


@pytest.mark.parametrize("case", CASES)
def test_upload_rejects_malformed_file_and_writes_nothing(client, editor, document, case):
    wipe()
    text, message = broken(document, case)
    client.force_login(editor)
    before = every_count()
    response = upload(client, text)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert escape(message) in content
    assert every_count() == before


def test_upload_lists_every_problem(client, editor, document):
    doc = copy.deepcopy(document)
    doc["positions"][1]["stance"] = "maybe"
    doc["positions"][2]["date"] = "soon"
    doc["issues"][0]["title"] = ""
    client.force_login(editor)
    content = upload(client, dump(doc)).content.decode()
    assert "positions[1].stance: must be one of" in content
    assert "positions[2].date:" in content
    assert "issues[0].title: must not be empty" in content
    assert "3 problems" in content


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"format": "redline/1", "negotiation": {"slug": "x", "title": "X"', "truncated"),
    ],
)
def test_upload_survives_hostile_files(client, editor, db, data, message):
    client.force_login(editor)
    before = every_count()
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert every_count() == before


def test_truncated_json_message_has_line_and_column(client, editor, db):
    client.force_login(editor)
    content = upload(client, '{\n  "format": "redline/1",\n  "parties": [\n').content.decode()
    assert "not valid JSON at line 4, column 1" in content


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_upload_is_refused_with_a_clear_message(client, editor, document):
    client.force_login(editor)
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 400
    content = response.content.decode()
    assert "The file is too large" in content and "the limit is 1000\xa0bytes" in content
    assert every_count() == before


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=100)
def test_huge_request_is_refused_before_reading_the_file(client, editor, db):
    client.force_login(editor)
    response = upload(client, b" " * 200_000)
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()


def test_missing_file_is_a_message(client, editor, db):
    client.force_login(editor)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choose a redline/1 JSON file" in response.content.decode()


# --- who may import --------------------------------------------------------------------


def test_editor_sees_the_upload_form(client, editor, db):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.parametrize("role", ["reader", "analyst", "stranger"])
def test_only_editors_import(client, document, role, request):
    wipe()
    client.force_login(request.getfixturevalue(role))
    before = every_count()
    assert client.get(URL).status_code == 403
    assert upload(client, dump(document)).status_code == 403
    assert every_count() == before


def test_anonymous_is_sent_to_login(client, document):
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert every_count() == before
