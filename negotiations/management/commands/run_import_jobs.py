from datetime import timedelta

from django.core.management.base import BaseCommand

from negotiations.exchange import importjobs


class Command(BaseCommand):
    help = (
        "Run the import jobs still queued (for instance after a restart), oldest first. "
        "With --stale MINUTES, also run again the jobs left running without a sign of "
        "life for that long (their transaction was rolled back when the server stopped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stale", type=int, metavar="MINUTES", default=None)

    def handle(self, stale, **options):
        def report(job):
            outcome = job.summary or "; ".join(job.errors[:3])
            self.stdout.write(f"Job {job.pk} ({job.filename}): {job.status}. {outcome}")

        after = timedelta(minutes=stale) if stale is not None else None
        ran = importjobs.run_queued(stale_after=after, out=report)
        if not ran:
            self.stdout.write("No import jobs queued.")
