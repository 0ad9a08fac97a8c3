"""The cast (an analyst, a reader, an editor, a stranger) and make_* helpers."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group

from negotiations.accounts.roles import ANALYSTS, EDITORS, READERS
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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttles and cached diffs must not leak between tests."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


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
