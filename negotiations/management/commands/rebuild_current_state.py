from django.core.management.base import BaseCommand
from django.db import transaction

from negotiations import current


class Command(BaseCommand):
    help = (
        "Recompute the kept current state (the latest statement of each party on each "
        "issue) from the statements, in one transaction; report rows that were wrong."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            was = current.kept()
            before, after = current.rebuild()
            now = current.kept()
        wrong = sum(1 for key in set(was) | set(now) if was.get(key) != now.get(key))
        self.stdout.write(
            self.style.SUCCESS(
                f"Current state rebuilt: {after} threads ({before} before, {wrong} corrected)."
            )
        )
