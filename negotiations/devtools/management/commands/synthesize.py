import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from negotiations.database import long_running
from negotiations.devtools.synthetic import SCALES, Synthesizer


class Command(BaseCommand):
    help = (
        "Add deterministic synthetic data through the real models, history included. "
        "S: the seeds only; M: 10 negotiations, ~10,000 positions; L: one negotiation with "
        "200 parties, 100 issues and 100,000 positions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["S", *SCALES], required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, scale, seed, **options):
        started = time.monotonic()
        call_command("load_seeds", stdout=self.stdout)
        if scale == "S":
            return
        synthesizer = Synthesizer(scale, seed, out=self.stdout.write)
        with long_running():  # minutes of bulk writes: above the statement timeout
            negotiations = synthesizer.run()
        if connection.vendor == "postgresql":
            # Fresh planner statistics and visibility maps (index-only scans need them):
            # autovacuum would get there, but not before the benchmark that usually
            # follows a bulk load.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale {scale} (seed {seed}): {synthesizer.rows:,} rows (history included) "
                f"in {elapsed:.1f} s, {synthesizer.rows / elapsed:,.0f} rows/s. "
                f"Negotiations: {', '.join(n.slug for n in negotiations[:3])}"
                + (" …" if len(negotiations) > 3 else "")
            )
        )
