"""Deterministic synthetic negotiations for measuring Redline at scale.

Everything is written through the real models with django-simple-history's bulk
helpers, so every row has its history, like data entered by people.
"""

import datetime
import random
import time
import uuid
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from negotiations import current, revisions
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
from negotiations.text.dates import PartialDate, Precision


@dataclass(frozen=True)
class Scale:
    negotiations: int
    parties: int  # per negotiation
    issues: int  # per negotiation
    positions: int  # in all
    proposals: int  # in all
    provisions: int  # per proposal
    sources: int
    citations: int  # in all (one per position first, the rest on provisions)
    events: int  # per negotiation


SCALES = {
    "M": Scale(10, 12, 30, 10_000, 200, 50, 2_000, 15_000, 40),
    "L": Scale(1, 200, 100, 100_000, 1_000, 100, 20_000, 150_000, 200),
}
REASON = "synthesized (scale {scale}, seed {seed})"
BATCH = 2_000

WORDS_TEXT = (
    "border corridor transit customs control sovereignty territory troops withdrawal "
    "maps delimitation demarcation commission guarantee mediator framework agreement "
    "treaty recognition integrity return refugees status autonomy enclave village "
    "road railway passport inspection observer mission ceasefire security zone "
    "demand offer condition parties shall undertake ensure respect principle basis "
    "declaration protocol annex article clause joint statement summit ministers "
    "negotiation platform communications trade energy water resources boundary line "
    "coordinates survey archive soviet period "
)
WORDS = tuple(WORDS_TEXT.split())


def sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def reword(rng, text, share):
    """Replace about `share` of the words, keeping the text's length."""
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < share:
            words[i] = rng.choice(WORDS)
    return " ".join(words)


def random_date(rng, start=datetime.date(2019, 1, 1), days=2_000):
    day = start + datetime.timedelta(days=rng.randrange(days))
    precision = rng.choices(
        [Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR], [70, 20, 6, 4]
    )[0]
    starts = {
        Precision.DAY: day,
        Precision.MONTH: day.replace(day=1),
        Precision.QUARTER: datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1),
        Precision.YEAR: datetime.date(day.year, 1, 1),
    }
    return PartialDate(starts[precision], precision, rng.random() < 0.1)


def _uid(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Synthesizer:
    def __init__(self, scale_name, seed=1, out=print):
        self.scale = SCALES[scale_name]
        self.name = scale_name
        self.seed = seed
        self.rng = random.Random(seed)
        self.reason = REASON.format(scale=scale_name, seed=seed)
        self.out = out
        self.rows = 0
        self.started = time.monotonic()

    def create(self, model, objs):
        """Bulk-create objs with one history row each; returns them with primary keys."""
        created = []
        for i in range(0, len(objs), BATCH):
            created += bulk_create_with_history(
                objs[i : i + BATCH], model, batch_size=BATCH, default_change_reason=self.reason
            )
        self.rows += 2 * len(created)
        self.progress(f"{len(created):>7} {model._meta.verbose_name_plural}")
        return created

    def progress(self, what):
        elapsed = time.monotonic() - self.started
        self.out(f"[{elapsed:7.1f} s] {what} (rows so far {self.rows:,})")

    def dated(self, obj):
        obj.partial_date = random_date(self.rng)
        return obj

    def run(self):
        rng, s = self.rng, self.scale
        tag = f"{self.name.lower()}{self.seed}"
        with transaction.atomic():
            sources = self.create(
                Source,
                [
                    self.dated(
                        Source(
                            uid=_uid(rng),
                            title=f"Source {n}: " + sentence(rng, 5),
                            author=f"Author {rng.randrange(500)}",
                            outlet=f"Outlet {rng.randrange(60)}",
                            kind=rng.choice(Source.Kind.values),
                            reliability=rng.choice(Source.Reliability.values),
                        )
                    )
                    for n in range(s.sources)
                ],
            )
            negotiations = self.create(
                Negotiation,
                [
                    Negotiation(
                        slug=f"synthetic-{tag}-{n}",
                        title=f"Synthetic negotiation {n} ({self.name}, seed {self.seed})",
                        description=sentence(rng, 30),
                    )
                    for n in range(s.negotiations)
                ],
            )
            parties = self.create(
                Party,
                [
                    Party(slug=f"party-{tag}-{n}", name=f"Party {n}", short_name=f"P{n}")
                    for n in range(s.negotiations * s.parties)
                ],
            )
            roles = [Participation.Role.PRINCIPAL] * 2 + [Participation.Role.MEDIATOR] * 3
            self.create(
                Participation,
                [
                    Participation(
                        negotiation=neg,
                        party=parties[i * s.parties + j],
                        role=roles[j] if j < len(roles) else Participation.Role.OBSERVER,
                        order=j,
                    )
                    for i, neg in enumerate(negotiations)
                    for j in range(s.parties)
                ],
            )
            issues = self.create(
                Issue,
                [
                    Issue(
                        negotiation=neg,
                        slug=f"issue-{j}",
                        title=f"Issue {j}: " + sentence(rng, 4),
                        order=j,
                    )
                    for neg in negotiations
                    for j in range(s.issues)
                ],
            )
            positions = self.positions(negotiations, parties, issues)
            proposals, provisions = self.proposals(negotiations, parties, issues)
            self.events(negotiations)
            self.citations(sources, positions, provisions)
            # Bulk creation calls no save(): the kept current state is computed here.
            current.refresh_negotiations([n.pk for n in negotiations])
            self.progress("current state of every thread")
            # Bulk creation sends no model signals: count the change ourselves.
            revisions.bump(revisions.SHARED)
        return negotiations

    def positions(self, negotiations, parties, issues):
        rng, s = self.rng, self.scale
        per_negotiation = s.positions // s.negotiations
        objs = []
        for i, _neg in enumerate(negotiations):
            neg_parties = parties[i * s.parties : (i + 1) * s.parties]
            neg_issues = issues[i * s.issues : (i + 1) * s.issues]
            for _ in range(per_negotiation):
                objs.append(
                    self.dated(
                        Position(
                            uid=_uid(rng),
                            issue=rng.choice(neg_issues),
                            party=rng.choice(neg_parties),
                            stance=rng.choice(Position.Stance.values),
                            movement=rng.choice(Position.Movement.values),
                            summary=sentence(rng, rng.randrange(12, 30)),
                        )
                    )
                )
        created = self.create(Position, objs)
        # 1–3 record versions each: a third are corrected once, a third twice.
        for round_ in (1, 2):
            edited = [p for n, p in enumerate(created) if n % 3 >= 3 - round_]
            for p in edited:
                p.summary = reword(rng, p.summary, 0.1)
                p.version += 1
            for i in range(0, len(edited), BATCH):
                bulk_update_with_history(
                    edited[i : i + BATCH],
                    Position,
                    ["summary", "version"],
                    batch_size=BATCH,
                    default_change_reason=self.reason + f", correction {round_}",
                )
            self.rows += 2 * len(edited)
            self.progress(f"{len(edited):>7} position corrections (round {round_})")
        return created

    def proposals(self, negotiations, parties, issues):
        rng, s = self.rng, self.scale
        per_negotiation = s.proposals // s.negotiations
        objs = []
        for i, neg in enumerate(negotiations):
            neg_parties = parties[i * s.parties : (i + 1) * s.parties]
            for n in range(per_negotiation):
                objs.append(
                    self.dated(
                        Proposal(
                            negotiation=neg,
                            slug=f"draft-{n}",
                            title=f"Draft {n}: " + sentence(rng, 5),
                            kind=rng.choice(Proposal.Kind.values),
                            author=rng.choice(neg_parties),
                            availability=rng.choice(Proposal.Availability.values[:2]),
                        )
                    )
                )
        proposals = self.create(Proposal, objs)
        # Each draft answers the one before it, so lineage chains exist.
        for previous, proposal in zip(proposals, proposals[1:], strict=False):
            if previous.negotiation_id == proposal.negotiation_id:
                proposal.responds_to = previous
        chained = [p for p in proposals if p.responds_to_id]
        bulk_update_with_history(
            chained, Proposal, ["responds_to"], batch_size=BATCH, default_change_reason=self.reason
        )
        self.rows += 2 * len(chained)
        issues_of = {}
        for issue in issues:
            issues_of.setdefault(issue.negotiation_id, []).append(issue)
        provisions = []
        for proposal in proposals:
            neg_issues = issues_of[proposal.negotiation_id]
            base = [sentence(rng, 150) for _ in range(s.provisions)]
            for j in range(s.provisions):
                provisions.append(
                    Provision(
                        uid=_uid(rng),
                        proposal=proposal,
                        label=f"Article {j + 1}",
                        heading=sentence(rng, 3),
                        issue=neg_issues[j % len(neg_issues)] if neg_issues else None,
                        text=reword(rng, base[j], 0.3) if rng.random() < 0.3 else base[j],
                        order=j,
                    )
                )
        return proposals, self.create(Provision, provisions)

    def events(self, negotiations):
        rng = self.rng
        self.create(
            Event,
            [
                self.dated(
                    Event(
                        uid=_uid(rng),
                        negotiation=neg,
                        title=f"Event {n}: " + sentence(rng, 4),
                        kind=rng.choice(Event.Kind.values),
                    )
                )
                for neg in negotiations
                for n in range(self.scale.events)
            ],
        )

    def citations(self, sources, positions, provisions):
        rng = self.rng
        objs = [
            Citation(uid=_uid(rng), source=rng.choice(sources), position=p, locator="p. 1")
            for p in positions
        ]
        for provision in provisions[: max(0, self.scale.citations - len(objs))]:
            objs.append(Citation(uid=_uid(rng), source=rng.choice(sources), provision=provision))
        self.create(Citation, objs)
