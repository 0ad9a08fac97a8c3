"""How fast a redline/1 document is imported: `manage.py benchmark_import [-n 25000]`.

Builds a document of N statements in memory (each with a citation, plus sources,
events and proposals with provisions in proportion), imports it into a fresh
negotiation through interchange.import_file() (read, check, compare, write, as the
upload page and the command do) and prints statements per second. Run it on the
database to measure (DATABASE_URL), migrated first.
"""

import json
import os
import random
import time
import uuid
from contextlib import nullcontext

from django.core.management.base import BaseCommand
from django.db import transaction

from negotiations.exchange.interchange import import_file
from negotiations.models import Participation, Position, Source

STANCES = Position.Stance.values
MOVEMENTS = Position.Movement.values


def build_document(statements, slug, seed=None, cited=1):
    """A valid redline/1 document with `statements` positions, each with `cited`
    citations, as a dict."""
    rng = random.Random(seed)

    def uid():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def date():
        year, month = rng.randrange(2018, 2026), rng.randrange(1, 13)
        return rng.choice([f"{year}-{month:02}-{rng.randrange(1, 29):02}", f"{year}-{month:02}"])

    parties = [
        {"slug": f"{slug}-party-{k}", "name": f"Party {k}", "short_name": f"P{k}",
         "kind": "state", "description": "", "role": Participation.Role.PRINCIPAL}
        for k in range(8)
    ]  # fmt: skip
    issues = [
        {"slug": f"issue-{k}", "title": f"Issue {k}", "description": "",
         "parent": f"issue-{k // 5 * 5}" if k % 5 else None}
        for k in range(40)
    ]  # fmt: skip
    sources = [
        {"uid": uid(), "title": f"Source {k}", "author": "", "outlet": "Outlet", "date": date(),
         "url": f"https://example.org/{k}", "kind": rng.choice(Source.Kind.values),
         "language": "en", "reliability": "B", "notes": ""}
        for k in range(max(1, statements // 50))
    ]  # fmt: skip

    def citations(n=1):
        return [
            {"uid": uid(), "source": rng.choice(sources)["uid"], "locator": "p. 1", "excerpt": ""}
            for _ in range(n)
        ]

    proposals = []
    for k in range(max(1, statements // 500)):
        proposals.append(
            {"slug": f"draft-{k}", "title": f"Draft {k}", "kind": "draft_treaty",
             "author": rng.choice(parties)["slug"], "availability": "official", "date": date(),
             "responds_to": f"draft-{k - 1}" if k else None,
             "supersedes": f"draft-{k - 2}" if k > 1 else None, "summary": "",
             "citations": citations(),
             "provisions": [
                 {"uid": uid(), "label": f"Art. {j}", "heading": "",
                  "issue": rng.choice(issues)["slug"], "text": f"Text of article {j}.",
                  "citations": []}
                 for j in range(10)
             ]}
        )  # fmt: skip
    events = [
        {"uid": uid(), "title": f"Event {k}", "kind": "talks", "description": "", "date": date(),
         "issues": sorted({rng.choice(issues)["slug"] for _ in range(2)}),
         "citations": citations()}
        for k in range(max(1, statements // 250))
    ]  # fmt: skip
    positions = [
        {"uid": uid(), "party": rng.choice(parties)["slug"], "issue": rng.choice(issues)["slug"],
         "stance": rng.choice(STANCES), "movement": rng.choice(MOVEMENTS),
         "summary": f"Statement {k}: wants the corridor open on its own terms.", "quote": "",
         "date": date(), "citations": citations(cited)}
        for k in range(statements)
    ]  # fmt: skip
    return {
        "format": "redline/1",
        "negotiation": {"slug": slug, "title": f"Benchmark {slug}", "description": ""},
        "parties": parties,
        "issues": issues,
        "sources": sources,
        "events": events,
        "proposals": proposals,
        "positions": positions,
    }


class Command(BaseCommand):
    help = "Import a generated document of N statements and print statements per second."

    def add_arguments(self, parser):
        parser.add_argument("-n", "--statements", type=int, default=25_000)
        parser.add_argument("--seed", type=int, default=None, help="For the same uids again.")
        parser.add_argument("--citations", type=int, default=1, help="Per statement (1).")
        parser.add_argument(
            "--rollback", action="store_true", help="Discard the import after timing it."
        )
        parser.add_argument(
            "--write", metavar="FILE", help="Only write the document to FILE (to time the command)."
        )

    def handle(self, statements, seed, citations, rollback, write, **options):
        slug = f"benchmark-{uuid.uuid4().hex[:8]}"
        raw = json.dumps(
            build_document(statements, slug, seed, citations), ensure_ascii=False, indent=2
        ).encode()
        megabytes = len(raw) / 1e6
        if write:
            with open(write, "wb") as f:
                f.write(raw)
            self.stdout.write(f"Wrote {write}: {statements:,} statements, {megabytes:.1f} MB")
            return
        # Timed with its commit, unless it is to be rolled back.
        with transaction.atomic() if rollback else nullcontext():
            started, cpu = time.perf_counter(), time.process_time()
            result = import_file(raw, name=f"{slug}.json")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if rollback:
                transaction.set_rollback(True)
        rows = sum(result.values())
        self.stdout.write(
            f"Imported {statements:,} statements ({megabytes:.1f} MB, {rows:,} rows and as many "
            f"history rows) into {slug} in {elapsed:.2f} s: "
            f"{statements / elapsed:,.0f} statements/s ({cpu:.1f} s of it on this process's "
            f"CPU; load average {os.getloadavg()[0]:.1f})" + (" (rolled back)" if rollback else "")
        )
