from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from negotiations.database import long_running
from negotiations.exchange.interchange import InvalidDocument, import_file


class Command(BaseCommand):
    help = (
        "Import a redline/2 (or redline/1) JSON document: validated and compared with what "
        "is stored first, then written all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace stored records that differ from the document (each change gets "
            "a history entry). Without it such a document is refused.",
        )

    def handle(self, file, update, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        try:
            with long_running():  # a large document may take longer than a web request
                result = import_file(raw, name=path.name, update=update)
        except InvalidDocument as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(f"Imported {path.name}: {result.summary()}")
