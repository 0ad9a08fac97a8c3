"""The cast (an analyst, a reader, an editor, a stranger) and make_* helpers."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group

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
    Source,
)
from negotiations.roles import ANALYSTS, EDITORS, READERS

_counter = itertools.count(1)


def _n():
    return next(_counter)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttles, cached diffs and cached pages must not leak between tests."""
    from django.core.cache import caches

    for alias in ("default", "pages", "responses"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages", "responses"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _bump_revision_at_once(request, monkeypatch):
    """A test runs in one transaction that never commits, so a bump queued for after
    the commit would never come: bump at once instead, as a commit would have.
    Transactional tests keep the real behaviour (tests/test_pagecache.py checks it)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from negotiations import pagecache

    monkeypatch.setattr(pagecache, "after_commit", lambda callback, using: callback())


def page_queries(client, url, warm=None):
    """The queries one GET of ``url`` runs, savepoints aside (they belong to the test's
    transaction), after earlier GETs have loaded content types and the session.

    ``warm`` says what is cached when it is counted:

    - None (cold): nothing, so the page does all its work;
    - "body": the page's body, as after another reader with the same role opened it;
    - "reload": the whole response, as when the same session opens the page again.
    """
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    if warm == "reload":
        client.get(url)  # the first may have set the CSRF cookie: not a replayable one
    if warm != "reload":
        caches["responses"].clear()
    if warm is None:
        caches["pages"].clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def make_user(django_user_model, username, group=None, staff=False):
    user = django_user_model.objects.create_user(username, password="pw-" + username)
    user.is_staff = staff
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def analyst(django_user_model):
    return make_user(django_user_model, "ana", ANALYSTS)


@pytest.fixture
def reader(django_user_model):
    return make_user(django_user_model, "rea", READERS)


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "edi", EDITORS, staff=True)


@pytest.fixture
def stranger(django_user_model):
    return make_user(django_user_model, "str")


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


@pytest.fixture
def world(db):
    """A small negotiation: two principals, a mediator, two issues, cited positions."""
    negotiation = make_negotiation(slug="talks", title="Peace talks")
    alpha = make_party(negotiation, slug="alpha", name="Alpha")
    beta = make_party(negotiation, slug="beta", name="Beta")
    gamma = make_party(negotiation, Participation.Role.MEDIATOR, slug="gamma", name="Gamma")
    corridor = make_issue(negotiation, slug="corridor", title="Transit corridor")
    maps = make_issue(negotiation, slug="maps", title="Border maps")
    source = make_source(title="Interview with the president")
    first = make_position(corridor, alpha, source, summary="Demands a corridor without controls.")
    second = make_position(
        corridor,
        alpha,
        source,
        summary="Demands a corridor without any border controls.",
        movement=Position.Movement.HARDENED,
        date=datetime.date(2024, 2, 1),
        date_precision=Precision.MONTH,
    )
    return {
        "negotiation": negotiation,
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "corridor": corridor,
        "maps": maps,
        "source": source,
        "first": first,
        "second": second,
    }
