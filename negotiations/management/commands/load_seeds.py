import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from negotiations.database import long_running
from negotiations.exchange.interchange import InvalidDocument, import_document


class Command(BaseCommand):
    help = (
        "Load the seed data sets in seeds/*.json. Rows that exist unchanged are left "
        "alone; rows that differ are refused unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "seeds"))
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite stored seed records that differ (each with a history entry)",
        )

    def handle(self, *args, dir, update, **options):
        files = sorted(Path(dir).glob("*.json"))
        if not files:
            raise CommandError(f"No seed files in {dir}")
        for path in files:
            try:
                with long_running():  # a large data set may take longer than a web request
                    created = import_document(
                        json.loads(path.read_text(encoding="utf-8")),
                        reason=f"Loaded from seeds/{path.name}",
                        update=update,
                    )
            except InvalidDocument as exc:
                raise CommandError(
                    f"{path.name} was not loaded:\n"
                    + "\n".join(exc.errors)
                    + "\n(If the seed file changed since it was loaded, run load_seeds --update.)"
                ) from exc
            except IntegrityError as exc:
                # Another import wrote the same rows meanwhile; this file was rolled back.
                raise CommandError(
                    f"{path.name} was not loaded: the database refused it ({exc}). "
                    "Run the command again; rows that exist by then are left alone."
                ) from exc
            summary = ", ".join(f"{n} {name}" for name, n in sorted(created.items()))
            self.stdout.write(
                f"{path.name}: " + (f"created {summary}" if created else "up to date")
            )
