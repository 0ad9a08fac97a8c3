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
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, reverse

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
from negotiations.text.dates import Precision

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
        "availability": Proposal.Availability.OFFICIAL,
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


def load_seeds():
    """The seeds, loaded by the command itself (`manage.py load_seeds`)."""
    call_command("load_seeds", stdout=io.StringIO())


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


def source_data(source=None, **overrides):
    """The source form as the page posts it: a new source, or `source` as it is."""
    data = {
        "title": "Briefing by the foreign ministry",
        "kind": "official_statement",
        "reliability": "B",
        "reliability_reason": "Official transcript",
        "language": "en",
        "when": "19 Jan 2024",
        "author": "",
        "outlet": "MFA",
        "url": "",
        "notes": "",
        "text": "",
    }
    if source is not None:
        data |= {
            "title": source.title,
            "kind": source.kind,
            "reliability": source.reliability,
            "reliability_reason": source.reliability_reason,
            "language": source.language,
            "when": source.partial_date.isoformat() if source.partial_date else "",
            "author": source.author,
            "outlet": source.outlet,
            "url": source.url,
            "notes": source.notes,
            "text": source.text,
            "version": source.version,
            "change_reason": "correction",
        }
    return data | overrides


def proposal_data(world, **overrides):
    data = {
        "title": "Framework proposal",
        "slug": "",
        "kind": "framework",
        "author": world["alpha"].pk,
        "when": "late December 2023",
        "availability": "reported",
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
        "availability": proposal.availability,
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
        "attribution": position.attribution,
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


def pairing_body(a, action="pair", **fields):
    """A valid POST body for ``compare_pairing``: pair proposal ``a``'s first provision
    with the one provision of a second proposal (``<a>-two``, made the first time)."""
    slug = f"{a.slug}-two"
    b = Proposal.objects.filter(negotiation=a.negotiation, slug=slug).first()
    if b is None:
        b = make_proposal(a.negotiation, slug=slug, title="Second draft")
        make_provision(b, label="Art. 1", text="Something else entirely, about fishing.")
    return {
        "a": a.slug,
        "b": b.slug,
        "action": action,
        "provision_a": a.provisions.order_by("order", "pk").first().pk,
        "provision_b": b.provisions.get().pk,
        **fields,
    }


def step_data(world, **overrides):
    return {
        "kind": "initialled",
        "when": "8 August 2025",
        "note": "",
        **CITE,
        "cite-0-source": world["source"].pk,
        "cite-0-locator": "para. 2",
        "cite-0-excerpt": "initialled the text",
        **overrides,
    }


def event_data(world, **overrides):
    """A valid POST body of the event form (add; pass version and change_reason to edit)."""
    return {
        "title": "Foreign ministers meet in Almaty",
        "kind": "talks",
        "when": "10 May 2024",
        "description": "",
        "parties": [world["alpha"].pk, world["beta"].pk],
        "issues": [world["corridor"].pk],
        **CITE,
        "cite-0-source": world["source"].pk,
        "cite-0-locator": "para. 1",
        **overrides,
    }


def reported_data(world, **overrides):
    return {
        "issue": world["corridor"].pk,
        "summary": "Reportedly opens the corridor.",
        **CITE,
        "cite-0-source": world["source"].pk,
        **overrides,
    }


# --- logging in (tests/test_login.py, tests/test_accounts.py) ---

LIMIT = 5
LOGIN, ADMIN_LOGIN = "login", "admin:login"


def login(client, username, password, form=LOGIN, address="10.0.0.1", **headers):
    return client.post(
        reverse(form), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def assert_locked_out(response):
    body = response.content.decode()
    assert response.status_code == 429, response.status_code
    assert "Too many failed logins" in body and "Wait 15 minutes" in body
    assert "ask an editor" in body


def add_url(world):
    return reverse("negotiations:position_add", args=[world["negotiation"].slug])


_unique = itertools.count(1)


def base_document():
    """A small valid redline/1 document whose slugs and uids are new each time."""
    n = next(_unique)
    source, uid = str(uuid.uuid4()), lambda: str(uuid.uuid4())
    return {
        "format": "redline/1",
        "negotiation": {"slug": f"fuzz-{n}", "title": "Fuzzed talks", "description": ""},
        "parties": [
            {"slug": f"fa-{n}", "name": "Alpha", "short_name": "", "kind": "state",
             "description": "", "role": "principal"},
            {"slug": f"fb-{n}", "name": "Beta", "short_name": "", "kind": "state",
             "description": "", "role": "principal"},
        ],
        "issues": [
            {"slug": "corridor", "title": "Corridor", "description": "", "parent": None},
            {"slug": "maps", "title": "Maps", "description": "", "parent": "corridor"},
        ],
        "sources": [
            {"uid": source, "title": "Interview", "author": "", "outlet": "", "date": "2024-01",
             "url": "", "kind": "interview", "language": "en", "reliability": "B", "notes": ""},
        ],
        "events": [
            {"uid": uid(), "title": "Summit", "kind": "summit", "description": "",
             "date": "2023-09", "issues": ["corridor"],
             "citations": [{"uid": uid(), "source": source, "locator": "", "excerpt": ""}]},
        ],
        "proposals": [
            {"slug": "first", "title": "First", "kind": "draft_treaty", "author": f"fa-{n}",
             "text_status": "official", "date": "2024-01-04", "responds_to": None,
             "supersedes": None, "summary": "",
             "citations": [{"uid": uid(), "source": source, "locator": "p. 1", "excerpt": ""}],
             "provisions": [
                 {"uid": uid(), "label": "Art. 1", "heading": "", "issue": "corridor",
                  "text": "Open.", "citations": []},
             ]},
        ],
        "positions": [
            {"uid": uid(), "party": f"fa-{n}", "issue": "corridor", "stance": "demand",
             "movement": "new", "summary": "Wants it.", "quote": "", "date": "2024",
             "citations": [{"uid": uid(), "source": source, "locator": "", "excerpt": ""}]},
        ],
    }  # fmt: skip


def edit_url(position):
    return reverse("negotiations:position_edit", args=[position.pk])


# --- source files, as analysts upload them -----------------------------------------------


def docx_bytes(paragraphs):
    """A Word document with these paragraphs, written by python-docx."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines):
    """A one-page PDF showing `lines` (ASCII) in Helvetica, its objects written by hand
    with a correct cross-reference table."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -20 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
