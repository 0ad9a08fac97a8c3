"""The Armenia–Azerbaijan seeds: load, load again without changes, contents."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from negotiations.models import (
    Citation,
    Event,
    Issue,
    Negotiation,
    Party,
    Position,
    Proposal,
    Provision,
    Source,
)
from negotiations.text.dates import PartialDate, Precision

ARTICLE = (
    Path(settings.BASE_DIR).parent
    / "shared/sources/poghosyan-is-azerbaijan-interested-in-peace.txt"
)
TRACKED = [Negotiation, Party, Issue, Source, Position, Proposal, Provision, Event, Citation]


def counts():
    return {m.__name__: (m.objects.count(), m.history.count()) for m in TRACKED}


def test_loading_twice_changes_nothing_and_writes_no_history(seeded):
    before = counts()
    call_command("load_seeds", stdout=io.StringIO())
    assert counts() == before


def test_seed_history_rows_say_they_came_from_the_seeds(seeded):
    reasons = set(Position.history.values_list("history_change_reason", flat=True))
    assert reasons == {"Loaded from seeds/armenia-azerbaijan.json"}


def test_seeds_have_the_parties_and_roles(seeded):
    roles = dict(seeded.participations.values_list("party__slug", "role"))
    assert roles["armenia"] == roles["azerbaijan"] == "principal"
    assert {"eu", "us", "russia", "turkiye", "iran"} <= set(roles)


def test_seeds_have_the_issues_the_article_names(seeded):
    slugs = set(seeded.issues.values_list("slug", flat=True))
    assert len(slugs) >= 12
    assert {
        "transit-corridor",
        "corridor-border-controls",
        "border-delimitation",
        "delimitation-maps",
        "alma-ata-basis",
        "armenian-constitution",
        "troop-withdrawal",
        "right-of-return",
        "nagorno-karabakh-status",
        "guarantors",
        "negotiation-platform",
        "framework-vs-full",
        "non-use-of-territory",
        "western-azerbaijan",
    } <= slugs


def test_dated_items_keep_the_articles_precision(seeded):
    interview = Position.objects.filter(
        party__slug="azerbaijan", issue__slug="guarantors", date="2024-01-10"
    ).get()
    assert interview.partial_date == PartialDate.parse("2024-01-10")
    december = Proposal.objects.get(slug="az-proposal-2023-12")
    assert str(december.partial_date) == "c. Dec 2023"
    assert december.date_precision == Precision.MONTH
    armenian = Proposal.objects.get(slug="am-proposal-2024-01-04")
    assert str(armenian.partial_date) == "4 Jan 2024"
    assert armenian.responds_to == december
    assert Event.objects.filter(title__icontains="joint statement", date="2023-12-07").exists()


def test_framework_concept_says_what_it_contains(seeded):
    framework = Proposal.objects.get(slug="az-framework-concept")
    issues = set(framework.provisions.values_list("issue__slug", flat=True))
    assert "non-use-of-territory" in issues
    assert "map" in framework.summary.lower()


def test_every_position_provision_and_event_is_cited(seeded):
    assert Position.objects.count() >= 20
    for model in (Position, Provision, Event):
        uncited = model.objects.filter(citations__isnull=True)
        assert not uncited.exists(), list(uncited)


@pytest.mark.skipif(not ARTICLE.exists(), reason="the shared article is not beside the repo")
def test_citation_excerpts_are_verbatim_from_the_article(seeded):
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    for excerpt in Citation.objects.exclude(excerpt="").values_list("excerpt", flat=True):
        assert " ".join(excerpt.split()) in text, excerpt
        assert len(excerpt.split()) <= 30


def test_seed_file_dates_are_canonical():
    data = json.loads((Path(settings.BASE_DIR) / "seeds/armenia-azerbaijan.json").read_text())
    for position in data["positions"]:
        assert re.fullmatch(r"\d{4}(-Q\d|-\d\d(-\d\d)?)?~?", position["date"])
        assert PartialDate.parse(position["date"]).isoformat() == position["date"]
