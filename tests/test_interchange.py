"""The interchange format redline/2 (issue #14 item 8): the shipped JSON Schema matches
the model's choices, every export validates against it, redline/1 documents upgrade on
the way in, and export → import → export is stable."""

import copy
import datetime
import itertools
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiations import commitments
from negotiations.exchange import interchange
from negotiations.exchange.document import upgrade
from negotiations.models import (
    Citation,
    Event,
    Negotiation,
    Participation,
    Party,
    Person,
    Position,
    Proposal,
    Provision,
    ReportedContent,
    Source,
    TextParty,
    TextStep,
)
from negotiations.text.dates import PartialDate
from tests.factories import (
    make_citation,
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_proposal,
    make_provision,
    make_source,
    with_reason,
)

SCHEMA_PATH = Path(django_settings.BASE_DIR) / "negotiations/exchange/schema/redline-2.schema.json"
REDLINE_1_SEEDS = (
    Path(django_settings.BASE_DIR) / "tests/fixtures/armenia-azerbaijan-redline-1.json"
)
SEEDS = Path(django_settings.BASE_DIR) / "seeds/armenia-azerbaijan.json"

# Every enum of the schema, and the model choices it must equal.
ENUMS = {
    "partyKind": Party.Kind,
    "role": Participation.Role,
    "sourceKind": Source.Kind,
    "reliability": Source.Reliability,
    "eventKind": Event.Kind,
    "textKind": Proposal.Kind,
    "availability": Proposal.Availability,
    "stepKind": TextStep.Kind,
    "textPartyRole": TextParty.Role,
    "stance": Position.Stance,
    "movement": Position.Movement,
    "attribution": Position.Attribution,
}


def schema():
    return json.loads(SCHEMA_PATH.read_text())


def assert_valid(document):
    validator = jsonschema.Draft202012Validator(schema())
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert problems == []


def enums_in(node, found):
    if isinstance(node, dict):
        if "enum" in node:
            found.append(node["enum"])
        for child in node.values():
            enums_in(child, found)
    elif isinstance(node, list):
        for child in node:
            enums_in(child, found)
    return found


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_enum_in_the_schema_equals_the_models_choices():
    defs = schema()["$defs"]
    for name, choices in ENUMS.items():
        assert defs[name]["enum"] == list(choices.values), name
    # No enum elsewhere that this test would not see drift in.
    assert sorted(map(tuple, enums_in(schema(), []))) == sorted(
        tuple(c.values) for c in ENUMS.values()
    )


# --- a negotiation using every feature ----------------------------------------------------


def full_negotiation():
    """Participation spans, a party only named (witness, actor), persons, issue parents
    and aliases, dates as written (late, as of, inferred), event actors, a text with steps,
    signatories, a witness and provisions, its initialling's commitments, and a text
    described only with reported contents."""
    n = make_negotiation(slug="full", title="Full talks")
    alpha = make_party(n, slug="full-alpha", name="Alpha", aliases="Alfa\nA-land")
    beta = make_party(n, slug="full-beta", name="Beta")
    mediator = make_party(n, Participation.Role.MEDIATOR, slug="full-med", name="Mediator")
    span = mediator.participations.get()
    span.since, span.until = datetime.date(2020, 1, 1), datetime.date(2023, 6, 30)
    with_reason(span)
    witness = make_party(None, slug="full-witness", name="Witness state")
    envoy = with_reason(
        Person(name="W. Envoy", title="Envoy", party=witness, since=datetime.date(2025, 1, 1))
    )
    minister = with_reason(Person(name="A. Minister", title="Foreign minister", party=alpha))
    corridor = make_issue(n, slug="corridor", title="Corridor", aliases="Crossroads of Peace")
    maps = make_issue(n, slug="maps", title="Maps", parent=corridor)
    source = make_source(title="Report")
    source.partial_date = PartialDate.parse("late December 2023")
    with_reason(source)
    event = Event(negotiation=n, title="Summit", kind=Event.Kind.SUMMIT)
    event.partial_date = PartialDate.parse("between 8 and 11 Aug 2025")
    with_reason(event)
    event.issues.set([corridor])
    event.parties.set([alpha, witness])
    event.persons.set([envoy])
    make_citation(source, event=event)
    position = make_position(
        corridor,
        alpha,
        source,
        speaker=minister,
        attribution=Position.Attribution.REPORTED,
        quote="Never.",
        stance=Position.Stance.RED_LINE,
    )
    position.partial_date = PartialDate.parse("mid Jan 2024?")
    with_reason(position)
    undated = make_position(maps, beta, source, attribution=Position.Attribution.INFERRED)
    undated.partial_date = PartialDate.parse("as of 12 Feb 2024")
    with_reason(undated)
    treaty = make_proposal(n, None, slug="treaty", title="Treaty", summary="Peace.")
    make_provision(
        treaty, label="Art. 1", heading="Recognition", text="Both.", issues=[maps, corridor]
    )
    untagged = make_provision(treaty, label="Art. 2", text="Maps.")
    make_citation(source, provision=untagged)
    make_citation(source, proposal=treaty)
    for party, role in ((alpha, "signatory"), (beta, "signatory"), (witness, "witness")):
        with_reason(TextParty(proposal=treaty, party=party, role=role))
    step = TextStep(proposal=treaty, kind=TextStep.Kind.INITIALLED, note="In Washington.")
    step.partial_date = PartialDate.parse("8 August 2025")
    with_reason(step)
    cite = make_citation(source, step=step)
    commitments.record(step, [cite], "test")
    described = make_proposal(
        n,
        beta,
        slug="described",
        title="Described",
        availability=Proposal.Availability.DESCRIBED,
        responds_to=treaty,
    )
    content = with_reason(ReportedContent(proposal=described, issue=maps, summary="Maps later."))
    make_citation(source, reported_content=content)
    return n


def test_export_of_a_negotiation_using_every_feature_carries_it_and_validates(db):
    document = interchange.export_negotiation(full_negotiation())
    assert_valid(document)
    assert document["format"] == "redline/2"
    parties = {p["slug"]: p for p in document["parties"]}
    assert parties["full-witness"]["participation"] is None
    assert [p["name"] for p in parties["full-witness"]["persons"]] == ["W. Envoy"]
    assert parties["full-med"]["participation"] == {
        "role": "mediator",
        "since": "2020-01-01",
        "until": "2023-06-30",
    }
    assert parties["full-alpha"]["aliases"] == ["Alfa", "A-land"]
    [event] = document["events"]
    assert event["date"] == "2025-08-08/2025-08-11"
    assert event["date_as_written"] == "between 8 and 11 Aug 2025"
    assert event["parties"] == ["full-alpha", "full-witness"]
    assert len(event["persons"]) == 1
    texts = {p["slug"]: p for p in document["proposals"]}
    treaty = texts["treaty"]
    assert {(t["party"], t["role"]) for t in treaty["text_parties"]} == {
        ("full-alpha", "signatory"),
        ("full-beta", "signatory"),
        ("full-witness", "witness"),
    }
    [step] = treaty["steps"]
    assert (step["kind"], step["date"], step["date_as_written"]) == (
        "initialled",
        "2025-08-08",
        "8 August 2025",
    )
    # A provision on two issues, in the negotiation's issue order; one on none.
    assert [v["issues"] for v in treaty["provisions"]] == [["corridor", "maps"], []]
    assert texts["described"]["provisions"] == []
    assert [r["issue"] for r in texts["described"]["reported_contents"]] == ["maps"]
    committed = [p for p in document["positions"] if p["stance"] == "committed"]
    assert {p["party"] for p in committed} == {"full-alpha", "full-beta"}
    assert {p["commitment"] for p in committed} == {step["uid"]}
    by_date = {p["date"]: p for p in document["positions"]}
    assert by_date["mid 2024-01?"]["date_as_written"] == "mid Jan 2024?"
    assert by_date["mid 2024-01?"]["speaker"] is not None
    assert by_date["as of 2024-02-12"]["attribution"] == "inferred"


def negotiation_owned_uids(document):
    """The uids of the records a negotiation owns (not sources, not persons: those are
    shared and found again by their uid)."""
    uids = []

    def cited(item):
        uids.extend(c["uid"] for c in item.get("citations", []))

    for event in document["events"]:
        uids.append(event["uid"])
        cited(event)
    for text in document["proposals"]:
        cited(text)
        for part in ("steps", "reported_contents", "provisions"):
            for item in text[part]:
                uids.append(item["uid"])
                cited(item)
    for statement in document["positions"]:
        uids.append(statement["uid"])
        cited(statement)
    return uids


def as_new_negotiation(document, slug):
    """The same document for another negotiation: its own slug and new uids."""
    text = json.dumps(document)
    for old in negotiation_owned_uids(document):
        text = text.replace(old, str(uuid.uuid4()))
    copied = json.loads(text)
    copied["negotiation"]["slug"] = slug
    return copied


def test_every_feature_survives_import_into_a_new_negotiation_and_back(db):
    document = interchange.export_negotiation(full_negotiation())
    copied = as_new_negotiation(document, "full-copy")
    result = interchange.import_document(copied, reason="test")
    assert result["Position"] == len(document["positions"])
    assert result["TextStep"] == 1 and result["TextParty"] == 3 and result["ReportedContent"] == 1
    again = interchange.export_negotiation(Negotiation.objects.get(slug="full-copy"))
    assert again == copied
    # The witness was only named: it still takes part in neither negotiation.
    assert not Participation.objects.filter(party__slug="full-witness").exists()
    # The imported commitments point at the imported step, and history has the actors.
    step = TextStep.objects.get(proposal__negotiation__slug="full-copy")
    assert step.commitments.count() == 4  # two signatories × the two issues of Art. 1
    event = Event.objects.get(negotiation__slug="full-copy")
    [record] = event.history.all()
    assert {p.party.slug for p in record.parties.all()} == {"full-alpha", "full-witness"}
    assert record.persons.count() == 1
    provision = Provision.objects.get(proposal__negotiation__slug="full-copy", label="Art. 1")
    [record] = provision.history.all()
    assert sorted(link.issue.slug for link in record.issues.all()) == ["corridor", "maps"]


def test_importing_an_export_again_writes_nothing(db):
    negotiation = full_negotiation()
    document = interchange.export_negotiation(negotiation)
    history = Position.history.count(), Citation.history.count(), TextStep.history.count()
    assert interchange.import_document(document, reason="again").summary() == (
        "nothing new (already here)"
    )
    assert (Position.history.count(), Citation.history.count(), TextStep.history.count()) == (
        history
    )


def test_changed_actors_and_words_are_differences_then_updates(db):
    negotiation = full_negotiation()
    document = interchange.export_negotiation(negotiation)
    document["events"][0]["parties"] = ["full-alpha"]
    document["events"][0]["date_as_written"] = "8–11 August 2025"
    with pytest.raises(interchange.InvalidDocument) as refused:
        interchange.import_document(document, reason="test")
    assert "events[0]: differs from the stored version (date_as_written, parties)" in (
        refused.value.errors
    )
    result = interchange.import_document(document, reason="test", update=True)
    assert result.updated["Event"] == 1
    event = Event.objects.get(negotiation=negotiation)
    assert [p.slug for p in event.parties.all()] == ["full-alpha"]
    assert event.date_as_written == "8–11 August 2025"
    latest = event.history.first()
    assert [p.party.slug for p in latest.parties.all()] == ["full-alpha"]
    assert latest.persons.count() == 1 and latest.issues.count() == 1


def test_a_provisions_changed_issues_are_a_difference_then_an_update_with_history(db):
    negotiation = full_negotiation()
    document = interchange.export_negotiation(negotiation)
    k = next(k for k, t in enumerate(document["proposals"]) if t["slug"] == "treaty")
    document["proposals"][k]["provisions"][0]["issues"] = ["maps"]
    with pytest.raises(interchange.InvalidDocument) as refused:
        interchange.import_document(document, reason="test")
    assert f"proposals[{k}].provisions[0]: differs from the stored version (issues)" in (
        refused.value.errors
    )
    interchange.import_document(document, reason="fewer issues", update=True)
    provision = Provision.objects.get(proposal__slug="treaty", label="Art. 1")
    assert [i.slug for i in provision.issues.all()] == ["maps"]
    latest = provision.history.first()
    assert latest.history_change_reason == "fewer issues"
    assert [link.issue.slug for link in latest.issues.all()] == ["maps"]
    assert interchange.export_negotiation(negotiation) == document


# --- refusals -----------------------------------------------------------------------------


def seeds_document():
    return json.loads(SEEDS.read_text())


def test_an_unknown_stance_is_refused_by_the_schema_and_by_the_importer(db):
    document = seeds_document()
    document["positions"][2]["stance"] = "grumbles"
    with pytest.raises(jsonschema.ValidationError) as by_schema:
        jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)
    assert list(by_schema.value.absolute_path) == ["positions", 2, "stance"]
    with pytest.raises(interchange.InvalidDocument) as by_importer:
        interchange.import_document(document, reason="test")
    [error] = by_importer.value.errors
    assert error.startswith("positions[2].stance: must be one of demand, red_line")
    assert not Negotiation.objects.exists()


def test_a_described_only_text_with_provisions_is_refused_by_both(db):
    document = seeds_document()
    k, text = next(
        (k, t) for k, t in enumerate(document["proposals"]) if t["availability"] == "described"
    )
    text["provisions"] = [
        {"uid": "0b7f0d3e-8b1e-4c59-9d43-2d6f4b8d2a11", "label": "Art. 1", "heading": "",
         "issues": [], "text": "Invented.", "citations": []}
    ]  # fmt: skip
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)
    with pytest.raises(interchange.InvalidDocument) as refused:
        interchange.import_document(document, reason="test")
    assert refused.value.errors == [
        f"proposals[{k}].provisions: a text described only has no article texts (its text "
        "is not public); leave provisions out"
    ]
    assert not Negotiation.objects.exists()


def test_a_party_only_named_can_neither_state_nor_sign(db):
    document = interchange.export_negotiation(full_negotiation())
    copied = as_new_negotiation(document, "other")
    k = next(k for k, p in enumerate(copied["positions"]) if p["stance"] != "committed")
    copied["positions"][k]["party"] = "full-witness"
    copied["positions"][k]["speaker"] = None
    j, treaty = next((j, t) for j, t in enumerate(copied["proposals"]) if t["slug"] == "treaty")
    treaty["text_parties"].append({"party": "full-witness", "role": "signatory"})
    copied["positions"][0]["commitment"] = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(interchange.InvalidDocument) as refused:
        interchange.import_document(copied, reason="test")
    errors = refused.value.errors
    assert (
        f"positions[{k}].party: full-witness does not take part in this negotiation (no "
        "participation): it can make no statement in it"
    ) in errors
    assert any(e.startswith(f"proposals[{j}].text_parties[3].party: full-witness") for e in errors)
    assert any(e.startswith("positions[0].commitment: unknown step") for e in errors)
    assert not Negotiation.objects.filter(slug="other").exists()


# --- redline/1 ----------------------------------------------------------------------------


def test_the_redline_1_seeds_upgrade_import_and_round_trip(db):
    legacy = json.loads(REDLINE_1_SEEDS.read_text())
    assert legacy["format"] == "redline/1"
    upgraded = upgrade(copy.deepcopy(legacy))
    assert_valid(upgraded)
    interchange.import_document(legacy, reason="redline/1")
    negotiation = Negotiation.objects.get(slug=legacy["negotiation"]["slug"])
    first = interchange.export_negotiation(negotiation)
    assert_valid(first)
    assert first["format"] == "redline/2"
    assert len(first["positions"]) == len(legacy["positions"])
    assert interchange.import_document(first, reason="again").summary() == (
        "nothing new (already here)"
    )
    assert interchange.export_negotiation(negotiation) == first


def test_upgrade_moves_role_and_span_into_participation_and_issue_into_issues():
    legacy = {
        "format": "redline/1",
        "parties": [{"slug": "a", "role": "mediator", "since": "2020-01-01"}],
        "proposals": [
            {"slug": "p", "text_status": "leaked", "provisions": [{"issue": "x"}, {"issue": None}]}
        ],
    }
    span = {"role": "mediator", "since": "2020-01-01", "until": None}
    provisions = [{"issues": ["x"]}, {"issues": []}]
    assert upgrade(legacy) == {
        "format": "redline/2",
        "parties": [{"slug": "a", "participation": span}],
        "proposals": [{"slug": "p", "availability": "reported", "provisions": provisions}],
    }
    assert legacy["format"] == "redline/1"  # the caller's data is left as it was


def test_the_seed_file_is_redline_2_and_valid():
    assert_valid(seeds_document())


def test_the_seeds_export_validates_and_equals_the_seed_file(seeded):
    document = interchange.export_negotiation(seeded)
    assert_valid(document)
    assert document == seeds_document()


# --- property: redline/1 → import → export → import → export ------------------------------

_documents = itertools.count(1)
TYPED = [s for s in Position.Stance.values if s != "committed"]  # "committed": by a step
DATES = ["2024-01-10", "2023-12~", "late 2023-12", "2024-Q1", "2025-08-08/2025-08-11", "2024?"]


@st.composite
def small_redline_1(draw):
    """A small valid redline/1 negotiation: principals, issues (a parent), a source, an
    event, a proposal with provisions on an issue or none, and cited statements."""
    n = next(_documents)
    source = str(uuid.uuid4())
    parties = [f"p{n}-{k}" for k in range(draw(st.integers(1, 3)))]
    issues = [f"i{k}" for k in range(draw(st.integers(1, 3)))]
    cite = lambda: [{"uid": str(uuid.uuid4()), "source": source, "locator": "", "excerpt": ""}]  # noqa: E731
    return {
        "format": "redline/1",
        "negotiation": {"slug": f"prop-{n}", "title": f"Talks {n}", "description": ""},
        "parties": [
            {"slug": p, "name": p.upper(), "short_name": "", "kind": "state", "description": "",
             "role": draw(st.sampled_from(Participation.Role.values))}
            for p in parties
        ],
        "issues": [
            {"slug": i, "title": f"Issue {i}", "description": "",
             "parent": issues[0] if k and draw(st.booleans()) else None}
            for k, i in enumerate(issues)
        ],
        "sources": [
            {"uid": source, "title": "Report", "author": "", "outlet": "",
             "date": draw(st.sampled_from([None, *DATES])), "url": "", "kind": "analysis",
             "language": "en", "reliability": "B", "notes": ""}
        ],
        "events": [
            {"uid": str(uuid.uuid4()), "title": "Summit", "kind": "summit", "description": "",
             "date": draw(st.sampled_from(DATES)),
             "issues": sorted(draw(st.sets(st.sampled_from(issues), max_size=2))),
             "citations": cite()}
        ],
        "proposals": [
            {"slug": "draft", "title": "Draft", "kind": "draft_treaty",
             "author": draw(st.sampled_from([None, *parties])),
             "text_status": draw(st.sampled_from(["official", "leaked", "reported"])),
             "date": draw(st.sampled_from(DATES)), "responds_to": None, "supersedes": None,
             "summary": "", "citations": cite(),
             "provisions": [
                 {"uid": str(uuid.uuid4()), "label": f"Art. {j}", "heading": "",
                  "issue": draw(st.sampled_from([None, *issues])), "text": f"Text {j}.",
                  "citations": []}
                 for j in range(draw(st.integers(0, 3)))
             ]}
        ],
        "positions": [
            {"uid": str(uuid.uuid4()), "party": draw(st.sampled_from(parties)),
             "issue": draw(st.sampled_from(issues)),
             "stance": draw(st.sampled_from(TYPED)),
             "movement": draw(st.sampled_from(Position.Movement.values)),
             "summary": "Said so.", "quote": "", "date": draw(st.sampled_from(DATES)),
             "citations": cite()}
            for _ in range(draw(st.integers(0, 4)))
        ],
    }  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legacy=small_redline_1())
def test_property_redline_1_upgrades_and_round_trips_stably(legacy):
    interchange.import_document(copy.deepcopy(legacy), reason="redline/1")
    negotiation = Negotiation.objects.get(slug=legacy["negotiation"]["slug"])
    first = interchange.export_negotiation(negotiation)
    assert_valid(first)
    assert len(first["positions"]) == len(legacy["positions"])
    assert [v["issues"] for v in first["proposals"][0]["provisions"]] == [
        [v["issue"]] if v["issue"] else [] for v in legacy["proposals"][0]["provisions"]
    ]
    assert interchange.import_document(first, reason="again").summary() == (
        "nothing new (already here)"
    )
    assert interchange.export_negotiation(negotiation) == first
