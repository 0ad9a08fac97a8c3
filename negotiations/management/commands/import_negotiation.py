import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from negotiations.database import long_running
from negotiations.interchange import InvalidDocument, import_document


class Command(BaseCommand):
    help = "Import a redline/1 JSON document: validated first, then all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            with long_running():  # a large document may take longer than a web request
                created = import_document(data, reason=f"import from {path.name}")
        except InvalidDocument as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.errors)) from exc
        except IntegrityError as exc:
            # Another import wrote the same rows meanwhile; ours was rolled back whole.
            raise CommandError(
                f"Nothing was imported: the database refused it ({exc}). "
                "Run the command again; rows that exist by then are left alone."
            ) from exc
        summary = ", ".join(f"{n} {name}" for name, n in sorted(created.items()))
        self.stdout.write(f"Imported {path.name}: " + (summary or "nothing new"))
