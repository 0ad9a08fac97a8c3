"""Audit: every change, made anywhere, has a history row with who (or which command) and why.

* Static: no code in negotiations/ changes tracked rows behind django-simple-history's
  back (QuerySet.update()/delete(), bulk_update()/bulk_create(), SQL writes), and no
  foreign key between tracked models lets a delete rewrite other rows silently.
* Runtime: a scripted session through the app's views and the admin, and the import
  commands, with django-simple-history's post_create_historical_record signal
  recorded: every record has a reason (and a user, for web requests), and every row
  that changed in the database has a record of it.
"""

import ast
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from simple_history.signals import post_create_historical_record

from negotiations.models import (
    UNTRACKED_MODELS,
    Citation,
    Event,
    FeedToken,
    Issue,
    Position,
    Proposal,
    Provision,
    Source,
)
from tests.factories import (
    edit_position_in_admin,
    make_citation,
    make_event,
    make_proposal,
    make_provision,
    new_position_data,
    paste_save_data,
    position_edit_data,
    proposal_data,
    proposal_edit_data,
    provision_data,
    reorder_data,
)

APP = Path(__file__).resolve().parent.parent / "negotiations"


def content_models():
    return [
        m
        for m in apps.get_app_config("negotiations").get_models()
        if not m._meta.abstract and not m.__name__.startswith("Historical")
    ]


def tracked_models():
    return [m for m in content_models() if m.__name__ not in UNTRACKED_MODELS]


def test_every_model_of_the_app_has_history_unless_declared_untracked():
    missing = [m.__name__ for m in content_models() if m.__name__ not in UNTRACKED_MODELS]
    missing = [
        name for name in missing if not hasattr(apps.get_model("negotiations", name), "history")
    ]
    assert missing == []
    assert {m.__name__ for m in content_models()} >= set(UNTRACKED_MODELS)
    assert not hasattr(FeedToken, "history")  # the declared exception is real


# --- static check: no write that bypasses history -------------------------------------------

QUERYSET_METHODS = {
    "all", "filter", "exclude", "select_for_update", "order_by", "annotate", "alias",
    "select_related", "prefetch_related", "only", "defer", "distinct", "none", "active",
    "in_order", "current", "stated_by", "shifts", "with_related", "for_negotiation", "using",
}  # fmt: skip
MANAGERS = {"objects", "_base_manager", "_default_manager"}
SQL_WRITES = ("update ", "insert ", "delete ")

# Writes that may skip history, each with why. Empty today; keep it short.
ALLOWED = {
    # ("negotiations/file.py", "function name"): "justification",
    ("negotiations/exchange/importer.py", "_copy_rows"): (
        "import: bulk INSERT; insert() writes history"
    ),
    ("negotiations/exchange/importer.py", "update"): ("import: bulk UPDATE with its history rows"),
    ("negotiations/exchange/importer.py", "actor_snapshot"): (
        "import: the actors an updated event's history row records (history rows themselves)"
    ),
}


def _accessors():
    """{attribute name: model} for managers reachable from an instance (reverse FKs, m2m)."""
    found = {}
    for model in content_models():
        for relation in model._meta.related_objects:
            found.setdefault(relation.get_accessor_name(), set()).add(relation.related_model)
        for field in model._meta.many_to_many:
            found.setdefault(field.name, set()).add(field.related_model)
    found["feed_tokens"] = {FeedToken}  # user.feed_tokens
    return found


def _queryset_model(node, names, accessors):
    """The models a receiver expression is a queryset of: None if it is not one,
    {"?"} if it looks like a queryset of an unknown model."""
    looks_like_queryset = False
    while True:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                looks_like_queryset = True
                node = func.value
                continue
            return {"?"} if looks_like_queryset else None
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                base = node.value
                name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "?")
                return {names.get(name, "?")}
            if node.attr in accessors:
                return {m.__name__ for m in accessors[node.attr]}
            return {"?"} if looks_like_queryset else None
        return {"?"} if looks_like_queryset else None


def unsafe_writes(source, filename="<string>"):
    """[(line, function, what)] for writes in `source` that would skip history."""
    tree = ast.parse(source, filename)
    names = {m.__name__: m.__name__ for m in content_models()}
    accessors = _accessors()
    untracked = set(UNTRACKED_MODELS)
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            scope = child.name if isinstance(child, ast.FunctionDef) else function
            if isinstance(child, ast.Call):
                func = child.func
                attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if attr in ("bulk_update", "bulk_create"):
                    models_ = (
                        _queryset_model(func.value, names, accessors)
                        if isinstance(func, ast.Attribute)
                        else {"?"}
                    )
                    if not (models_ and models_ <= untracked):
                        found.append((child.lineno, scope, f"{attr}() skips history"))
                elif attr in ("update", "delete") and isinstance(func, ast.Attribute):
                    models_ = _queryset_model(func.value, names, accessors)
                    if models_ and not models_ <= untracked:
                        found.append(
                            (child.lineno, scope, f"QuerySet.{attr}() on {sorted(models_)}")
                        )
                elif attr == "execute" and child.args:
                    sql = child.args[0]
                    text = sql.value if isinstance(sql, ast.Constant) else None
                    if isinstance(text, str) and text.strip().lower().startswith(SQL_WRITES):
                        found.append((child.lineno, scope, "SQL write skips history"))
            visit(child, scope)

    visit(tree, "<module>")
    return found


def app_files():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_no_code_in_the_app_changes_tracked_rows_without_history():
    problems = []
    for path in app_files():
        relative = str(path.relative_to(APP.parent))
        for line, function, what in unsafe_writes(path.read_text(encoding="utf-8"), relative):
            if (relative, function) not in ALLOWED:
                problems.append(f"{relative}:{line} in {function}(): {what}")
    assert problems == []
    assert len(list(app_files())) > 20


@pytest.mark.parametrize(
    "code",
    [
        "Position.objects.filter(pk=1).update(summary='x')",
        "Provision.objects.update(order=1)",
        "negotiation.positions.all().update(stance='demand')",
        "proposal.provisions.filter(order=3).delete()",
        "Citation.objects.all().delete()",
        "Position.objects.bulk_update(rows, ['summary'])",
        "Position.objects.bulk_create(rows)",
        "cursor.execute('UPDATE negotiations_position SET summary = %s', ['x'])",
        "Issue._base_manager.filter(slug='x').update(title='y')",
        "qs.filter(x=1).delete()",
    ],
)
def test_the_static_check_catches_each_way_round_history(db, code):
    assert unsafe_writes(f"def f():\n    {code}\n") != []


@pytest.mark.parametrize(
    "code",
    [
        "ids.setdefault('party_id', set()).update(x)",
        "digest.update(b'x')",
        "objects.update({1: 2})",
        "position.delete()",
        "request.user.feed_tokens.active().update(revoked_at=now)",
        "FeedToken.objects.filter(user=u).delete()",
        "bulk_update_with_history(rows, Position, ['summary'])",
        "cursor.execute('SELECT 1')",
    ],
)
def test_the_static_check_leaves_safe_calls_alone(db, code):
    assert unsafe_writes(f"def f():\n    {code}\n") == []


def test_every_foreign_key_between_tracked_models_is_one_whose_delete_is_recorded():
    """Django carries out on_delete=SET_NULL with QuerySet.update() and removes
    many-to-many links with a raw delete: neither writes history. negotiations/apps.py
    (record_delete_effects) saves those rows first, with a reason; it knows CASCADE,
    PROTECT, SET_NULL and many-to-many — any other on_delete would change rows silently."""
    recorded = {models.CASCADE, models.PROTECT, models.SET_NULL}
    for model in tracked_models():
        for field in model._meta.concrete_fields:
            if field.many_to_one and hasattr(field.related_model, "history"):
                assert field.remote_field.on_delete in recorded, f"{model.__name__}.{field.name}"


# --- runtime: a scripted session through the app, the admin and the commands -----------------


class Recorder:
    """Collects every historical record created while connected."""

    def __init__(self):
        self.records = []

    def __call__(self, sender, history_instance, **kwargs):
        self.records.append(history_instance)

    def __enter__(self):
        post_create_historical_record.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        post_create_historical_record.disconnect(self)

    def touched(self):
        """{(model name, pk)} that got a history record."""
        return {(r.instance_type.__name__, r.id) for r in self.records}


def state():
    """{(model name, pk): row values} of every tracked row, with each event's issues."""
    rows = {}
    for model in tracked_models():
        for row in model._base_manager.order_by("pk").values():
            rows[(model.__name__, row["id"])] = row
    for event in Event.objects.prefetch_related("issues"):
        rows[("Event", event.pk)]["issues"] = sorted(i.pk for i in event.issues.all())
    return rows


def changed_rows(before, after):
    keys = set(before) | set(after)
    return {key for key in keys if before.get(key) != after.get(key)}


def web(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def expect(response, status=302):
    assert response.status_code == status, (response.status_code, response.content[:3000])
    return response


def app_session(world, analyst, editor):
    """Create, edit and delete through the app's own views."""
    a, e = web(analyst), web(editor)
    n = world["negotiation"]
    new = new_position_data(world, **{"cite-0-source": ""})
    new.update(
        {
            "cite-0-new_source_title": "Новый источник",
            "cite-0-new_source_kind": "leak",
            "cite-0-new_source_reliability": "C",
            "cite-0-new_source_language": "ru",
        }
    )
    expect(a.post(reverse("negotiations:position_add", args=[n.slug]), new))
    position = Position.objects.order_by("-pk").first()
    edit = position_edit_data(position, summary="Corrected.", change_reason="typo in summary")
    edit.update({"cite-0-source": world["source"].pk, "cite-0-locator": "p. 9"})
    expect(a.post(reverse("negotiations:position_edit", args=[position.pk]), edit))
    expect(
        e.post(
            reverse("negotiations:position_delete", args=[position.pk]),
            {"change_reason": "duplicate"},
        )
    )
    expect(a.post(reverse("negotiations:proposal_add", args=[n.slug]), proposal_data(world)))
    proposal = Proposal.objects.order_by("-pk").first()
    expect(
        a.post(
            reverse("negotiations:proposal_edit", args=[n.slug, proposal.slug]),
            proposal_edit_data(proposal, title="Framework proposal (rev.)"),
        )
    )
    add = reverse("negotiations:provision_add", args=[n.slug, proposal.slug])
    expect(a.post(add, provision_data(label="Art. 1", issue=world["corridor"].pk)))
    expect(a.post(add, provision_data(label="Art. 2")))
    first, second = proposal.provisions.order_by("order")
    expect(
        a.post(
            reverse("negotiations:provision_edit", args=[first.pk]),
            provision_data(first, text="Changed.", change_reason="per the leak"),
        )
    )
    first.refresh_from_db()
    expect(
        a.post(
            reverse("negotiations:provisions_reorder", args=[n.slug, proposal.slug]),
            reorder_data([first, second], [2, 1]),
        )
    )
    expect(
        a.post(
            reverse("negotiations:provision_delete", args=[second.pk]), {"change_reason": "gone"}
        )
    )
    paste = paste_save_data(world, [("Article 1", "", world["maps"].pk, "Maps.")], title="Pasted")
    expect(a.post(reverse("negotiations:proposal_paste", args=[n.slug]), paste))
    document = json.dumps(
        {
            "format": "redline/1",
            "negotiation": {"slug": "uploaded", "title": "Uploaded"},
            "issues": [{"slug": "one", "title": "One"}],
            "events": [
                {
                    "uid": "6f1c0cb4-8a61-4b8a-9d2e-0a3f6d5f1d11",
                    "title": "Summit",
                    "kind": "summit",
                    "date": "2024-05",
                    "issues": ["one"],
                }
            ],
        }
    ).encode()
    upload = SimpleUploadedFile("upload.json", document, "application/json")
    expect(e.post(reverse("negotiations:import"), {"document": upload}))
    expect(e.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"}))


def admin_session(world, editor, event):
    """Create, edit, revert and delete in the admin."""
    e = web(editor)
    position = world["first"]
    expect(edit_position_in_admin(e, position, summary="Admin wording.", change_reason="admin fix"))
    source = {
        "title": "Transcript",
        "author": "",
        "outlet": "",
        "when": "2024-02",
        "url": "",
        "kind": "interview",
        "language": "hy",
        "reliability": "B",
        "notes": "",
        "change_reason": "new source",
    }
    expect(e.post(reverse("admin:negotiations_source_add"), source))
    # Its citation on the citation's own page (the source page lists citations, #17).
    citation = {
        "source": Source.objects.get(title="Transcript").pk,
        "position": world["second"].pk,
        "locator": "min. 12",
        "excerpt": "",
        "change_reason": "its citation",
    }
    expect(e.post(reverse("admin:negotiations_citation_add"), citation))
    record = position.history.earliest()
    revert = reverse("admin:negotiations_position_simple_history", args=[position.pk, record.pk])
    expect(
        e.post(
            revert,
            {
                "issue": record.issue_id,
                "party": record.party_id,
                "stance": record.stance,
                "movement": record.movement,
                "summary": record.summary,
                "quote": record.quote,
                "attribution": record.attribution,
                "when": "2024-01-10",
                "change_reason": "reverted to the first wording",
                "citations-TOTAL_FORMS": "0",
                "citations-INITIAL_FORMS": "0",
            },
        )
    )
    expect(e.post(reverse("admin:negotiations_event_delete", args=[event.pk]), {"post": "yes"}))
    citations = list(Citation.objects.filter(position=world["second"]).values_list("pk", flat=True))
    expect(
        e.post(
            reverse("admin:negotiations_citation_changelist"),
            {"action": "delete_selected", "_selected_action": citations, "post": "yes"},
        )
    )


def test_every_change_in_the_app_and_admin_has_a_history_row_with_user_and_reason(
    world, analyst, editor
):
    event = make_event(world["negotiation"], title="Talks round")
    make_citation(world["source"], event=event)
    before = state()
    with Recorder() as recorder:
        app_session(world, analyst, editor)
        admin_session(world, editor, event)
    after = state()
    assert len(recorder.records) > 30
    for record in recorder.records:
        label = f"{record.instance_type.__name__} #{record.id} ({record.history_type})"
        assert (record.history_change_reason or "").strip(), f"{label}: no reason"
        assert record.history_user in (analyst, editor), f"{label}: no user"
    silent = changed_rows(before, after) - recorder.touched()
    assert silent == set(), f"changed without a history row: {sorted(silent)}"
    kinds = {(r.instance_type.__name__, r.history_type) for r in recorder.records}
    for model in ("Position", "Proposal", "Provision", "Citation", "Source"):
        assert {(model, "+"), (model, "~")} & kinds, model
    assert ("Position", "-") in kinds and ("Provision", "-") in kinds
    assert ("Event", "-") in kinds and ("Citation", "-") in kinds
    cascaded = [r for r in recorder.records if r.history_change_reason.startswith("Deleted with")]
    assert {r.instance_type.__name__ for r in cascaded} == {"Citation"}  # of position and event
    assert FeedToken.objects.filter(user=editor).exists()  # untracked, by declaration


@pytest.mark.parametrize(
    "delete",
    [
        "issue with a provision, a sub-issue and an event",
        "proposal that others respond to and supersede",
    ],
)
def test_a_delete_never_changes_referring_rows_without_history(world, editor, delete):
    """on_delete=SET_NULL: the rows that referred to the deleted one change too."""
    proposal = make_proposal(world["negotiation"], slug="first")
    if delete.startswith("issue"):
        target = world["maps"]
        make_provision(proposal, label="Art. 1", issue=target)
        sub = Issue(negotiation=world["negotiation"], slug="sub", title="Sub", parent=target)
        sub._change_reason = "test"
        sub.save()
        event = make_event(world["negotiation"])
        event._change_reason = "test"
        event.issues.add(target)
        url = reverse("admin:negotiations_issue_delete", args=[target.pk])
    else:
        target = proposal
        for slug in ("second", "third"):
            make_proposal(world["negotiation"], slug=slug, responds_to=target, supersedes=target)
        url = reverse("admin:negotiations_proposal_delete", args=[target.pk])
    before = state()
    with Recorder() as recorder:
        expect(web(editor).post(url, {"post": "yes"}))
    silent = changed_rows(before, state()) - recorder.touched()
    assert silent == set(), f"changed without a history row: {sorted(silent)}"
    for record in recorder.records:
        assert record.history_user == editor and record.history_change_reason


def test_commands_write_history_naming_the_command_or_file(db, tmp_path):
    before = {m: m.history.count() for m in tracked_models()}
    with Recorder() as recorder:
        call_command("load_seeds", stdout=io.StringIO())
        from negotiations.exchange.interchange import export_negotiation
        from negotiations.models import Negotiation

        document = export_negotiation(Negotiation.objects.get())
        document["negotiation"]["slug"] = "copy"
        text = json.dumps(document)
        for uid in set(
            re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
        ):
            text = text.replace(uid, str(uuid.uuid4()))  # a copy's records need uids of their own
        path = tmp_path / "copy.json"
        path.write_text(text, encoding="utf-8")
        call_command("import_negotiation", str(path), stdout=io.StringIO())
    reasons = {r.history_change_reason for r in recorder.records}
    assert reasons == {"Loaded from seeds/armenia-azerbaijan.json", "import from copy.json"}
    assert all(r.history_user is None for r in recorder.records)  # a command, named in the reason
    created = sum(m.history.count() - n for m, n in before.items())
    assert created == len(recorder.records) > 100  # no history row escaped the signal


def test_the_synthesizer_gives_every_row_a_history_row_with_its_reason(db, monkeypatch):
    from negotiations.devtools import synthetic

    tiny = synthetic.Scale(1, 3, 3, 12, 2, 3, 4, 16, 2)
    monkeypatch.setitem(synthetic.SCALES, "T", tiny)
    before = {m: (m.objects.count(), m.history.count()) for m in tracked_models()}
    synthetic.Synthesizer("T", seed=3, out=lambda *_: None).run()
    for model, (rows, _records) in before.items():
        new_rows = model.objects.count() - rows
        new_records = model.history.filter(history_type="+").count() - 0
        assert new_records >= new_rows, model
        reasons = set(
            model.history.order_by("-history_id")[: max(new_rows, 1)].values_list(
                "history_change_reason", flat=True
            )
        )
        if new_rows:
            assert all(r and r.startswith("synthesized (scale T, seed 3)") for r in reasons), model
    corrected = Position.history.filter(history_type="~")
    assert corrected.exists()
    assert all("correction" in r for r in corrected.values_list("history_change_reason", flat=True))
    assert Source.objects.count() == 4 and Provision.objects.count() == 6
