"""Fixtures only: the cast (an analyst, a reader, an editor, a stranger), ``world`` and
``seeded``. Helpers (make_* and form data) live in tests/factories.py."""

import datetime

import pytest

from negotiations.accounts.roles import ANALYSTS, EDITORS, READERS
from negotiations.models import (
    FeedToken,
    Negotiation,
    Participation,
    Person,
    Position,
    ReportedContent,
    TextParty,
    TextStep,
)
from negotiations.text.dates import Precision
from tests.factories import (
    load_seeds,
    make_citation,
    make_event,
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_proposal,
    make_provision,
    make_source,
    make_user,
    with_reason,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttles and cached diffs must not leak between tests."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


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


@pytest.fixture
def seeded(db):
    """The Armenia–Azerbaijan seeds, as `load_seeds` writes them; their negotiation."""
    load_seeds()
    return Negotiation.objects.get(slug="armenia-azerbaijan")


@pytest.fixture
def seeded_client(seeded, client, reader):
    """A client logged in as the reader, on the seeds."""
    client.force_login(reader)
    return client


@pytest.fixture
def cast(world, reader, analyst, editor, stranger, django_user_model):
    """The world, a proposal "draft" with two provisions, and a feed token of a reader
    who never logs in here (so no role's own token changes can revoke it)."""
    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    first = make_provision(draft, label="Art. 1", text="Open the corridor.", order=1)
    make_provision(draft, label="Art. 2", text="Maps later.", order=2)
    feeder = make_user(django_user_model, "feeder", READERS)
    person = with_reason(Person(name="A. Envoy", title="Envoy", party=world["alpha"]))
    # Sub-records with their own edit pages: an event, a citation that is not its
    # record's only one, a step, a party to the text and reported contents.
    event = make_event(world["negotiation"], title="Summit in Prague")
    citation = make_citation(world["source"], provision=first)
    step = with_reason(TextStep(proposal=draft, kind="sent", date=datetime.date(2024, 3, 1)))
    text_party = with_reason(TextParty(proposal=draft, party=world["beta"], role="witness"))
    reported = with_reason(
        ReportedContent(proposal=draft, issue=world["maps"], summary="Reportedly defers maps.")
    )
    users = {
        "anonymous": None,
        "stranger": stranger,
        "reader": reader,
        "analyst": analyst,
        "editor": editor,
    }
    return {
        **world,
        "draft": draft,
        "provision": first,
        "person": person,
        "event": event,
        "citation": citation,
        "step": step,
        "text_party": text_party,
        "reported": reported,
        "token": FeedToken.objects.create(user=feeder),
        "users": users,
    }
