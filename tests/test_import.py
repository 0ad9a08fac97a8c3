"""Import of redline/1 documents: the command and the editors' upload page.

Validated completely before anything is written, every problem with its path, all or
nothing; export → import into an empty database → export is identical.
"""

import copy
import io
import json
import uuid
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from negotiations.accounts.roles import EDITORS
from negotiations.exchange import importjobs
from negotiations.exchange.interchange import export_negotiation, import_document
from negotiations.models import (
    Citation,
    Event,
    ImportJob,
    Issue,
    Negotiation,
    Participation,
    Party,
    Person,
    Position,
    Proposal,
    Provision,
    Source,
)
from tests.factories import make_user

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
        Person,
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


@override_settings(IMPORT_MAX_UPLOAD_SIZE=1000)
def test_oversized_upload_is_refused_with_a_clear_message(client, editor, document):
    client.force_login(editor)
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 400
    content = response.content.decode()
    assert "The file is too large" in content and "the limit is 1000\xa0bytes" in content
    assert every_count() == before


@override_settings(IMPORT_MAX_UPLOAD_SIZE=100)
def test_huge_request_is_refused_before_reading_the_file(client, editor, db):
    client.force_login(editor)
    response = upload(client, b" " * 200_000)
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1000, IMPORT_JOBS_IN_THREAD=False)
def test_an_upload_over_the_in_memory_size_is_still_imported(client, editor, document):
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE Django keeps the upload in a temporary file;
    the import limit is IMPORT_MAX_UPLOAD_SIZE (50 MB), so that the export of a large
    negotiation can be imported here too."""
    wipe()
    client.force_login(editor)
    assert upload(client, dump(document)).status_code == 302
    assert Negotiation.objects.filter(slug=SLUG).exists()


def test_missing_file_is_a_message(client, editor, db):
    client.force_login(editor)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choose a redline JSON file" in response.content.decode()


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


# --- documents made for a test ----------------------------------------------------------


def fresh_document(slug="fresh", statements=1, proposals=()):
    """A small valid document for a new negotiation `slug`, with `statements` cited
    positions and the given proposals ({"slug", "responds_to", "supersedes"})."""
    source = str(uuid.uuid4())

    def cited():
        return [{"uid": str(uuid.uuid4()), "source": source, "locator": "p. 1", "excerpt": ""}]

    return {
        "format": "redline/1",
        "negotiation": {"slug": slug, "title": f"Talks {slug}", "description": ""},
        "parties": [
            {"slug": f"{slug}-a", "name": "Alpha", "short_name": "", "kind": "state",
             "description": "", "role": "principal"},
        ],
        "issues": [{"slug": "corridor", "title": "Corridor", "description": "", "parent": None}],
        "sources": [
            {"uid": source, "title": "Interview", "author": "", "outlet": "", "date": "2024-01",
             "url": "", "kind": "interview", "language": "en", "reliability": "B", "notes": ""},
        ],
        "events": [],
        "proposals": [
            {"slug": p["slug"], "title": p["slug"].title(), "kind": "draft_treaty",
             "author": None, "text_status": "official", "date": p.get("date", "2024-01-04"),
             "responds_to": p.get("responds_to"), "supersedes": p.get("supersedes"),
             "summary": "", "citations": [], "provisions": []}
            for p in proposals
        ],
        "positions": [
            {"uid": str(uuid.uuid4()), "party": f"{slug}-a", "issue": "corridor",
             "stance": "demand", "movement": "new", "summary": f"Statement {k}.", "quote": "",
             "date": "2024-02-01", "citations": cited()}
            for k in range(statements)
        ],
    }  # fmt: skip


def command(tmp_path, document, *args, name="doc.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else dump(document), encoding="utf-8")
    out = io.StringIO()
    call_command("import_negotiation", str(path), *args, stdout=out)
    return out.getvalue()


def links(slug):
    return {
        p.slug: (
            p.responds_to.slug if p.responds_to else None,
            p.supersedes.slug if p.supersedes else None,
        )
        for p in Proposal.objects.filter(negotiation__slug=slug).select_related(
            "responds_to", "supersedes"
        )
    }


# --- #12 item 2: proposal lineages ------------------------------------------------------


def test_a_response_to_a_proposal_that_supersedes_a_later_listed_one_keeps_its_link(db, tmp_path):
    """Regression (#12, item 2): fails on the old main. Its two passes (by responds_to,
    then by supersedes) wrote "first" before "second", dropped first.responds_to
    without a word, and reported success."""
    lineage = [
        {"slug": "first", "responds_to": "second"},
        {"slug": "second", "supersedes": "third"},
        {"slug": "third"},
    ]
    document = fresh_document("lineage", proposals=lineage)
    command(tmp_path, document)
    assert links("lineage") == {
        "first": ("second", None),
        "second": (None, "third"),
        "third": (None, None),
    }
    exported = export_negotiation(Negotiation.objects.get(slug="lineage"))
    assert {p["slug"]: (p["responds_to"], p["supersedes"]) for p in exported["proposals"]} == (
        links("lineage")
    )


def test_a_cycle_through_responds_to_and_supersedes_is_refused_with_the_loop(db, tmp_path):
    lineage = [
        {"slug": "a", "responds_to": "b"},
        {"slug": "b", "supersedes": "c"},
        {"slug": "c", "responds_to": "a"},
        {"slug": "d", "responds_to": "a"},  # leads into the loop: not part of it
    ]
    before = every_count()
    with pytest.raises(CommandError) as error:
        command(tmp_path, fresh_document("loop", proposals=lineage))
    message = str(error.value)
    assert (
        "proposals[0].responds_to: forms a cycle (3 linked in a loop): "
        "a responds to b, which supersedes c, which responds to a"
    ) in message
    assert "proposals[3]" not in message
    assert every_count() == before


# --- #12 item 3: uids that are taken, records that differ --------------------------------


def test_a_new_negotiation_cannot_take_over_another_negotiations_uids(world, tmp_path):
    """Regression (#12, item 3): fails on the old main, which found the position of
    “Peace talks” by its uid, hung the document's new citation on it and reported
    success."""
    document = fresh_document("newcomer")
    taken = str(world["first"].uid)
    document["positions"][0]["uid"] = taken
    before = every_count()
    with pytest.raises(CommandError) as error:
        command(tmp_path, document)
    message = str(error.value)
    assert f"positions[0].uid: {taken} is already the uid of a position of “Peace talks" in message
    assert "(talks); this document is for “Talks newcomer” (newcomer)" in message
    assert every_count() == before
    assert world["first"].citations.count() == 1


def test_the_upload_page_names_both_negotiations_for_a_taken_uid(client, editor, world):
    document = fresh_document("newcomer")
    taken = str(world["first"].citations.get().uid)
    document["positions"][0]["citations"][0]["uid"] = taken
    client.force_login(editor)
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 400
    content = response.content.decode()
    assert escape(f"positions[0].citations[0].uid: {taken} is already the uid of a citation") in (
        content
    )
    assert escape("“Peace talks” (talks); this document is for “Talks newcomer”") in content
    assert every_count() == before


def changed_export(world):
    """The world's negotiation exported, with one position's summary changed."""
    document = export_negotiation(world["negotiation"])
    k = next(i for i, p in enumerate(document["positions"]) if p["uid"] == str(world["first"].uid))
    document["positions"][k]["summary"] = "Demands the corridor, now with conditions."
    return document, k


def test_a_record_that_differs_is_reported_and_kept_without_update(world, tmp_path):
    """Regression (#12, item 3): fails on the old main, which kept the stored summary
    and said nothing."""
    document, k = changed_export(world)
    before = every_count()
    with pytest.raises(CommandError) as error:
        command(tmp_path, document)
    message = str(error.value)
    assert "(document): 1 record differs from the stored version; nothing was imported" in message
    assert f"positions[{k}]: differs from the stored version (summary)" in message
    assert "--update" in message
    assert every_count() == before
    world["first"].refresh_from_db()
    assert world["first"].summary == "Demands a corridor without controls."


def test_with_update_the_record_is_replaced_with_a_history_entry(world, tmp_path):
    document, _ = changed_export(world)
    version = world["first"].version
    out = command(tmp_path, document, "--update", name="fix.json")
    assert "updated 1 Position" in out
    world["first"].refresh_from_db()
    assert world["first"].summary == "Demands the corridor, now with conditions."
    assert world["first"].version == version + 1  # an open edit form learns it is stale
    record = world["first"].history.latest("history_id")
    assert (record.history_type, record.history_change_reason) == ("~", "import from fix.json")
    assert record.summary == world["first"].summary
    before = every_count()
    assert "nothing new" in command(tmp_path, document, "--update")
    assert every_count() == before


def test_the_upload_page_refuses_a_difference_and_updates_when_asked(client, editor, world):
    document, k = changed_export(world)
    client.force_login(editor)
    before = every_count()
    response = upload(client, dump(document))
    assert response.status_code == 400
    content = response.content.decode()
    assert "1 record differs from the stored version" in content
    assert f"positions[{k}]: differs from the stored version (summary)" in content
    assert every_count() == before
    update = SimpleUploadedFile("fix.json", dump(document).encode(), "application/json")
    response = client.post(URL, {"document": update, "update": "on"})
    assert response.status_code == 302
    record = world["first"].history.latest("history_id")
    assert (record.history_type, record.history_user) == ("~", editor)
    assert record.history_change_reason == "import from fix.json"
    assert "updated 1 Position" in client.get(response["Location"]).content.decode()


def test_an_update_changes_an_events_issues_and_moves_a_citation(world, tmp_path):
    event = Event(negotiation=world["negotiation"], title="Summit", date=world["first"].date)
    event._change_reason = "test"
    event.save()
    event.issues.add(world["corridor"])
    document = export_negotiation(world["negotiation"])
    document["events"][0]["issues"] = ["maps"]
    first, second = (
        next(p for p in document["positions"] if p["uid"] == str(world[name].uid))
        for name in ("first", "second")
    )
    second["citations"].append(first["citations"].pop())
    with pytest.raises(CommandError) as error:
        command(tmp_path, document)
    assert "2 records differ" in str(error.value)
    assert "(issues)" in str(error.value) and "(cited record)" in str(error.value)
    command(tmp_path, document, "--update")
    assert list(event.issues.values_list("slug", flat=True)) == ["maps"]
    record = event.history.latest("history_id")
    assert [i.issue.slug for i in record.issues.all()] == ["maps"]
    assert world["second"].citations.count() == 2 and not world["first"].citations.exists()


# --- #12 item 5: values no database can store, nesting no parser can follow -------------

HUGE = "7" * 4301


def hostile(case):
    """(document text, the message it must get)."""
    text = dump(fresh_document("hostile"))
    if case == "huge integer":
        text = text.replace('"Statement 0."', HUGE)
        return text, "positions[0].summary: a number of 4,301 digits is too long to read"
    if case == "lone surrogate":
        text = text.replace('"Statement 0."', '"Statement \\ud800."')
        return text, "positions[0].summary: contains a lone surrogate (\\ud800 at character 11)"
    if case == "deep nesting":
        text = '{"format": "redline/1", "negotiation": ' + "[" * 50_000 + "]" * 50_000 + "}"
        return text, "(document): nested too deeply to be a redline document (more than 100 "
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["huge integer", "lone surrogate", "deep nesting"])
def test_the_upload_page_names_where_the_unreadable_value_is(editor, db, case):
    """Regression (#12, item 5): fails on the old main, which answered 500 to the huge
    integer (int() refuses 4,300 digits) and to the lone surrogate (no database stores
    one)."""
    text, message = hostile(case)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before = every_count()
    response = client.post(
        URL, {"document": SimpleUploadedFile("x.json", text.encode(), "application/json")}
    )
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert every_count() == before


@pytest.mark.parametrize("case", ["huge integer", "lone surrogate", "deep nesting"])
def test_the_command_names_where_the_unreadable_value_is(db, tmp_path, case):
    """Regression (#12, item 5): fails on the old main, whose command printed a
    traceback (ValueError, RecursionError, a database encoding error) instead."""
    text, message = hostile(case)
    before = every_count()
    with pytest.raises(CommandError) as error:
        command(tmp_path, text)
    assert message in str(error.value)
    assert str(error.value).encode("utf-8")  # printable: the surrogate is shown escaped
    assert every_count() == before


# --- #12 item 6: speed, and large imports outside the request ---------------------------


def import_queries(statements, slug):
    document = fresh_document(slug, statements)
    document["events"] = [
        {"uid": str(uuid.uuid4()), "title": "Summit", "kind": "summit", "description": "",
         "date": "2024", "issues": ["corridor"], "citations": []}
    ]  # fmt: skip
    document["proposals"] = fresh_document(slug, proposals=[{"slug": "a"}])["proposals"]
    with CaptureQueriesContext(connection) as ctx:
        created = import_document(document, reason="count")
    assert created["Position"] == statements
    return len(ctx.captured_queries)


def test_the_number_of_queries_of_an_import_does_not_grow_with_its_size(db):
    """Regression (#12, item 6): fails on the old main, which ran several queries per
    record (about 12 per cited statement), so 300 statements took minutes on the web."""
    small, large = import_queries(10, "small"), import_queries(300, "large")
    assert small <= 60 and large <= 60, (small, large)
    assert large == small


def test_every_created_row_has_its_history_row_with_user_and_reason(editor, document):
    wipe()
    client = Client()
    client.force_login(editor)
    assert upload(client, dump(document), name="all.json").status_code == 302
    for model in (Negotiation, Party, Participation, Issue, Source, Event, Proposal, Provision,
                  Position, Citation):  # fmt: skip
        rows = model.objects.count()
        records = model.history.filter(
            history_type="+", history_change_reason="import from all.json", history_user=editor
        )
        assert records.count() == rows > 0, model
        assert set(records.values_list("id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
    event = Event.objects.filter(issues__isnull=False).first()
    record = event.history.get()
    assert {i.issue_id for i in record.issues.all()} == set(
        event.issues.values_list("pk", flat=True)
    )


# --- large imports as jobs ------------------------------------------------------------------

JOBS = {"IMPORT_INLINE_MAX_STATEMENTS": 5, "IMPORT_JOBS_IN_THREAD": False}


def job_of(response):
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("negotiations:import_job", args=[job.pk])
    return job


@override_settings(**JOBS)
def test_a_large_upload_becomes_a_job_that_imports_it(client, editor, db):
    """Regression (#12, item 6): fails on the old main, which imported every document
    inside the request (a 25,000-statement one until the worker was killed)."""
    client.force_login(editor)
    document = fresh_document("large", statements=6)
    response = upload(client, dump(document), name="large.json")
    job = job_of(response)
    assert (job.status, job.user, job.filename) == ("queued", editor, "large.json")
    assert not Negotiation.objects.filter(slug="large").exists()
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "Waiting to start" in page

    assert importjobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.negotiation_slug, job.document) == ("done", "large", b"")
    assert Position.objects.filter(issue__negotiation__slug="large").count() == 6
    records = Position.history.filter(history_change_reason="import from large.json")
    assert {r.history_user for r in records} == {editor} and records.count() == 6
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Imported large.json: created" in page
    assert reverse("negotiations:negotiation", args=["large"]) in page
    assert not importjobs.run(job.pk)  # done: nobody runs it twice


@override_settings(IMPORT_INLINE_MAX_BYTES=100, IMPORT_JOBS_IN_THREAD=False)
def test_a_file_over_the_inline_size_becomes_a_job_even_with_few_statements(client, editor, db):
    client.force_login(editor)
    job = job_of(upload(client, dump(fresh_document("bytes")), name="b.json"))
    assert job.size > 100 and job.status == "queued"


@override_settings(**JOBS)
def test_a_jobs_problems_are_listed_in_the_same_words_as_in_the_request(client, editor, db):
    client.force_login(editor)
    document = fresh_document("broken", statements=6)
    document["positions"][3]["party"] = "atlantis"
    inline = fresh_document("broken", statements=1)
    inline["positions"][0]["party"] = "atlantis"
    shown = upload(client, dump(inline), name="b.json").content.decode()
    assert "positions[0].party: unknown party “atlantis”" in shown
    job = job_of(upload(client, dump(document), name="b.json"))
    before = every_count()
    importjobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == ["positions[3].party: unknown party “atlantis”"]
    page = client.get(job.get_absolute_url()).content.decode()
    heading = "Nothing was imported from b.json: 1 problem"
    assert heading in page and heading in shown
    assert escape("positions[3].party: unknown party “atlantis”") in page
    assert every_count() == before


@override_settings(**JOBS)
def test_a_job_reports_an_unexpected_error_and_writes_nothing(client, editor, db, monkeypatch):
    client.force_login(editor)
    job = job_of(upload(client, dump(fresh_document("boom", statements=6))))

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importjobs, "import_file", explode)
    importjobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "unexpected error" in job.errors[0]
    assert "disk on fire" not in client.get(job.get_absolute_url()).content.decode()


@override_settings(IMPORT_INLINE_MAX_STATEMENTS=5)
def test_the_job_is_started_in_a_daemon_thread_once_the_upload_commits(
    client, editor, db, monkeypatch, django_capture_on_commit_callbacks
):
    started = []

    class Thread:
        def __init__(self, target, args, name, daemon):
            started.append((target, args, daemon))

        def start(self):
            started.append("started")

    monkeypatch.setattr(importjobs.threading, "Thread", Thread)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_of(upload(client, dump(fresh_document("threaded", statements=6))))
    assert started == []  # not before the job is committed
    for callback in callbacks:
        callback()
    assert started == [(importjobs._in_thread, (job.pk,), True), "started"]


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_INLINE_MAX_STATEMENTS=5)
def test_a_real_thread_runs_the_job_with_its_own_connection(editor):
    client = Client()
    client.force_login(editor)
    threads = []
    start = importjobs.start_thread
    with patch.object(importjobs, "start_thread", lambda pk: threads.append(start(pk))):
        job = job_of(upload(client, dump(fresh_document("thread", statements=6))))
    assert len(threads) == 1
    threads[0].join(60)
    job.refresh_from_db()
    assert (job.status, job.negotiation_slug) == ("done", "thread"), job.errors
    assert Position.objects.filter(issue__negotiation__slug="thread").count() == 6
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Open the negotiation" in page


@override_settings(**JOBS)
def test_run_import_jobs_runs_queued_and_interrupted_jobs(client, editor, db):
    client.force_login(editor)
    first = job_of(upload(client, dump(fresh_document("queued", statements=6)), name="q.json"))
    out = io.StringIO()
    call_command("run_import_jobs", stdout=out)
    assert f"Job {first.pk} (q.json): done. Imported q.json: created" in out.getvalue()
    second = ImportJob.objects.create(
        user=editor, filename="r.json", document=dump(fresh_document("restarted")).encode(),
        status="running", heartbeat_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    call_command("run_import_jobs", stdout=io.StringIO())
    second.refresh_from_db()
    assert second.status == "running"  # not stale unless asked
    call_command("run_import_jobs", "--stale", "60", stdout=io.StringIO())
    second.refresh_from_db()
    assert second.status == "done" and Negotiation.objects.filter(slug="restarted").exists()
    out = io.StringIO()
    call_command("run_import_jobs", stdout=out)
    assert "No import jobs queued." in out.getvalue()


def test_a_running_job_shows_its_progress(client, editor, db):
    job = ImportJob.objects.create(
        user=editor, filename="p.json", status="running", stage="Writing positions",
        progress_done=5000, progress_total=20000,
    )  # fmt: skip
    client.force_login(editor)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Writing positions: 5000 of 20000 records" in page
    assert '<progress max="100" value="25">' in page
    assert 'http-equiv="refresh"' in page


@pytest.mark.parametrize("role", ["reader", "analyst", "stranger"])
def test_a_job_page_is_not_shown_to_other_roles(client, editor, role, request):
    job = ImportJob.objects.create(user=editor, filename="secret-name.json")
    client.force_login(request.getfixturevalue(role))
    for pk in (job.pk, job.pk + 1):  # the same answer whether the job exists or not
        response = client.get(reverse("negotiations:import_job", args=[pk]))
        assert response.status_code == 403
        assert "secret-name" not in response.content.decode()


def test_a_job_page_is_shown_to_its_owner_and_to_other_editors(client, editor, db):
    other = make_user(get_user_model(), "edi2", EDITORS, staff=True)
    job = ImportJob.objects.create(user=editor, filename="mine.json")
    for user in (editor, other):
        client.force_login(user)
        response = client.get(job.get_absolute_url())
        assert response.status_code == 200 and "mine.json" in response.content.decode()
    assert client.get(reverse("negotiations:import_job", args=[job.pk + 1])).status_code == 404
    assert client.post(job.get_absolute_url()).status_code == 405


def test_anonymous_cannot_see_a_job(client, editor, db):
    job = ImportJob.objects.create(user=editor, filename="mine.json")
    response = client.get(job.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/login/")
