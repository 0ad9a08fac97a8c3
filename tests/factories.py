"""Helpers every test module may import: make_* rows, form data as posted, query counting.

Test modules import helpers from here, never from each other or from conftest.py (which
holds only fixtures: the cast, ``world``, ``seeded``); tests/test_suite.py checks it.
"""

import datetime
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.models import F
from django.urls import URLPattern, URLResolver, reverse

from negotiations.dates import Precision
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
    Revision,
    Source,
)

_counter = itertools.count(1)


def _n():
    return next(_counter)


# --- rows ------------------------------------------------------------------------------


def make_user(django_user_model, username, group=None, staff=False):
    user = django_user_model.objects.create_user(username, password="pw-" + username)
    user.is_staff = staff
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def with_reason(obj, reason="test"):
    obj._change_reason = reason
    obj.save()
    return obj


def make_negotiation(**fields):
    n = _n()
    fields = {"slug": f"talks-{n}", "title": f"Talks {n}", **fields}
    return with_reason(Negotiation(**fields))


def make_party(negotiation=None, role=Participation.Role.PRINCIPAL, **fields):
    n = _n()
    party = with_reason(Party(**{"slug": f"party-{n}", "name": f"Party {n}", **fields}))
    if negotiation is not None:
        with_reason(Participation(negotiation=negotiation, party=party, role=role, order=n))
    return party


def make_issue(negotiation, **fields):
    n = _n()
    fields = {"slug": f"issue-{n}", "title": f"Issue {n}", "order": n, **fields}
    return with_reason(Issue(negotiation=negotiation, **fields))


def make_source(**fields):
    fields = {
        "title": f"Source {_n()}",
        "kind": Source.Kind.NEWS_REPORT,
        "date": datetime.date(2024, 1, 1),
        "date_precision": Precision.MONTH,
        **fields,
    }
    return with_reason(Source(**fields))


def make_position(issue, party, source=None, **fields):
    fields = {
        "stance": Position.Stance.DEMAND,
        "movement": Position.Movement.NEW,
        "summary": f"Summary {_n()}",
        "date": datetime.date(2024, 1, 10),
        **fields,
    }
    position = with_reason(Position(issue=issue, party=party, **fields))
    make_citation(source or make_source(), position=position)
    return position


def make_proposal(negotiation, author=None, **fields):
    n = _n()
    fields = {
        "slug": f"draft-{n}",
        "title": f"Draft {n}",
        "kind": Proposal.Kind.DRAFT_TREATY,
        "text_status": Proposal.TextStatus.OFFICIAL,
        "date": datetime.date(2024, 1, 4),
        **fields,
    }
    return with_reason(Proposal(negotiation=negotiation, author=author, **fields))


def make_provision(proposal, **fields):
    n = _n()
    fields = {"label": f"Art. {n}", "text": f"Text of article {n}.", "order": n, **fields}
    return with_reason(Provision(proposal=proposal, **fields))


def make_event(negotiation, **fields):
    fields = {"title": f"Event {_n()}", "date": datetime.date(2023, 9, 19), **fields}
    return with_reason(Event(negotiation=negotiation, **fields))


def make_citation(source, **target):
    return with_reason(Citation(source=source, locator="p. 1", **target))


# --- the seeds --------------------------------------------------------------------------

# What the first `load_seeds` of the session wrote: the rows it inserted, per model, how
# far it moved the counters of revision rows that were there before, and which those
# were. None until a load into tables it found empty; False if a load changed rows in
# another way.
_seed_rows = None


def _tables():
    """Every row of every table, by model and primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields]
        pk = model._meta.pk.attname
        tables[model] = {row[pk]: row for row in model._base_manager.order_by().values(*fields)}
    return tables


def _record_seed_load():
    """Run `load_seeds` and note what it wrote, for load_seeds() to write it again."""
    global _seed_rows
    before = _tables()
    call_command("load_seeds", stdout=io.StringIO())
    after = _tables()
    inserted, moved = {}, {}
    for model, rows in after.items():
        old = before[model]
        new = [row for pk, row in rows.items() if pk not in old]
        changed = [pk for pk in old if rows.get(pk) != old[pk]]
        if new and old and model is not Revision:
            return  # not into empty tables: another test's rows are in the way
        if changed and (model is not Revision or not set(changed) <= set(rows)):
            _seed_rows = False  # the command updated or deleted rows: replay cannot
            return
        if new:
            inserted[model] = new
        for pk in changed:
            moved[rows[pk]["negotiation_id"]] = rows[pk]["number"] - old[pk]["number"]
    _seed_rows = (inserted, moved, {row["negotiation_id"] for row in before[Revision].values()})


def load_seeds():
    """What `manage.py load_seeds` writes, the same rows and history; the command runs
    once per session and later calls insert the rows it wrote (a tenth of its time).

    The copy is only used where the command would write the same: its tables are empty
    (Revision aside, whose counters move by as much as the command moved them). Anything
    else runs the command. The times of writing are those of the first load.
    """
    if _seed_rows is None:
        return _record_seed_load()
    inserted, moved, counters = _seed_rows or ({}, {}, set())
    revisions = {r.negotiation_id: r.pk for r in Revision.objects.all()}
    new_revisions = inserted.get(Revision, [])
    if (
        not _seed_rows
        or any(m._base_manager.exists() for m in inserted if m is not Revision)
        or any(r["id"] in revisions.values() for r in new_revisions)
        or set(revisions) != counters
    ):
        call_command("load_seeds", stdout=io.StringIO())
        return
    for model, rows in inserted.items():
        # Raw, as loaddata inserts: the times of writing are kept, not set to now.
        fields = model._meta.concrete_fields
        objs = [model(**row) for row in rows]
        size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
        for start in range(0, len(objs), size):
            model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
    for negotiation_id, by in moved.items():
        Revision.objects.filter(pk=revisions[negotiation_id]).update(number=F("number") + by)
    with connection.cursor() as cursor:  # explicit keys leave PostgreSQL's sequences behind
        for sql in connection.ops.sequence_reset_sql(no_style(), list(inserted)):
            cursor.execute(sql)


# --- form data, as the pages post it ---------------------------------------------------


def new_position_data(world, **overrides):
    data = {
        "party": world["beta"].pk,
        "issue": world["maps"].pk,
        "stance": "demand",
        "movement": "",
        "summary": "Wants the 1975 Soviet maps.",
        "quote": "",
        "when": "late December 2023",
        "cite-TOTAL_FORMS": "2",
        "cite-INITIAL_FORMS": "0",
        "cite-MIN_NUM_FORMS": "0",
        "cite-MAX_NUM_FORMS": "10",
        "cite-0-source": world["source"].pk,
        "cite-0-locator": "para. 4",
        "cite-0-excerpt": "which maps",
    }
    data.update(overrides)
    return data


def position_edit_data(position, **overrides):
    data = {
        "party": position.party_id,
        "issue": position.issue_id,
        "stance": position.stance,
        "movement": position.movement,
        "summary": position.summary,
        "quote": position.quote,
        "when": position.partial_date.isoformat(),
        "version": position.version,
        "change_reason": "typo",
        "cite-TOTAL_FORMS": "2",
        "cite-INITIAL_FORMS": "0",
        "cite-MIN_NUM_FORMS": "0",
        "cite-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


CITE = {
    "cite-TOTAL_FORMS": "2",
    "cite-INITIAL_FORMS": "0",
    "cite-MIN_NUM_FORMS": "0",
    "cite-MAX_NUM_FORMS": "10",
}


def proposal_data(world, **overrides):
    data = {
        "title": "Framework proposal",
        "slug": "",
        "kind": "framework",
        "author": world["alpha"].pk,
        "when": "late December 2023",
        "text_status": "reported",
        "responds_to": "",
        "supersedes": "",
        "summary": "A short text.",
        **CITE,
        "cite-0-source": world["source"].pk,
        "cite-0-locator": "para. 10",
    }
    data.update(overrides)
    return data


def proposal_edit_data(proposal, **overrides):
    data = {
        "title": proposal.title,
        "slug": proposal.slug,
        "kind": proposal.kind,
        "author": proposal.author_id or "",
        "when": proposal.partial_date.isoformat(),
        "text_status": proposal.text_status,
        "responds_to": proposal.responds_to_id or "",
        "supersedes": proposal.supersedes_id or "",
        "summary": proposal.summary,
        "version": proposal.version,
        "change_reason": "typo",
        **CITE,
    }
    data.update(overrides)
    return data


def provision_data(provision=None, **overrides):
    data = {"label": "Art. 9", "heading": "", "issue": "", "text": "New text.", **CITE}
    if provision is not None:
        data.update(
            label=provision.label,
            heading=provision.heading,
            issue=provision.issue_id or "",
            text=provision.text,
            version=provision.version,
            change_reason="typo",
        )
    data.update(overrides)
    return data


def reorder_data(provisions, places, reason="Order per the leaked text"):
    data = {"change_reason": reason}
    for provision, place in zip(provisions, places, strict=True):
        data[f"order-{provision.pk}"] = str(place)
        data[f"version-{provision.pk}"] = str(provision.version)
    return data


def paste_save_data(world, parts, **fields):
    """The paste form's save step, as posted: ``parts`` are (label, heading, issue, text)."""
    data = {
        **proposal_data(world, **fields),
        "step": "save",
        "part-TOTAL_FORMS": str(len(parts)),
        "part-INITIAL_FORMS": "0",
        "part-MIN_NUM_FORMS": "0",
        "part-MAX_NUM_FORMS": "200",
    }
    for i, (label, heading, issue, text) in enumerate(parts):
        data |= {
            f"part-{i}-label": label,
            f"part-{i}-heading": heading,
            f"part-{i}-issue": issue,
            f"part-{i}-text": text,
        }
    return data


def edit_position_in_admin(client, position, **changes):
    data = {
        "issue": position.issue_id,
        "party": position.party_id,
        "stance": position.stance,
        "movement": position.movement,
        "summary": position.summary,
        "quote": position.quote,
        "when": position.partial_date.isoformat(),
        "change_reason": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:negotiations_position_change", args=[position.pk]), data)


# --- pages -----------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if p.namespace and namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p


def page_queries(client, url, reload=False):
    """The queries one GET of ``url`` runs, savepoints aside (they belong to the test's
    transaction), after an earlier GET has loaded content types and the session.

    With ``reload``, the GET sends the ETag of the earlier one, as a browser reloading
    the page does, and must be answered 304.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    if reload and first.cookies:
        first = client.get(url)  # the first set the CSRF cookie, which the ETag covers
    headers = {"if_none_match": first["ETag"]} if reload else {}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == (304 if reload else 200), url
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


# --- production settings, in a fresh process --------------------------------------------

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-tests-0123456789",
    "ALLOWED_HOSTS": "redline.example.org",
    "DATABASE_URL": "sqlite:////tmp/redline-security-test.sqlite3",
    "REDLINE_TESTING": "0",
}


def run_production(code, **extra_env):
    # The browser tests allow async-unsafe ORM calls in this process; production doesn't.
    skip = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings", **extra_env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
