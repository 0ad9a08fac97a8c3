import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from negotiations.devtools import seeds_2025

BASE = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = (
        "Write seeds/armenia-azerbaijan.json: the article's seeds "
        "(negotiations/devtools/article-seeds.json) plus the public record 2020–2025 "
        "(negotiations/devtools/seeds_2025.py), built in a throwaway SQLite database and "
        "written by the app's exporter."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article", default=str(BASE / "negotiations/devtools/article-seeds.json")
        )
        parser.add_argument("--output", default=str(BASE / "seeds/armenia-azerbaijan.json"))
        parser.add_argument(
            "--here",
            action="store_true",
            help="build in the configured database (rolled back afterwards) instead of a "
            "fresh SQLite file",
        )

    def handle(self, *args, article, output, here, **options):
        if not here:
            return self.in_throwaway_database(article, output)
        document = json.loads(Path(article).read_text(encoding="utf-8"))
        built = seeds_2025.build(document)
        Path(output).write_text(
            json.dumps(built, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        counts = ", ".join(
            f"{len(built[k])} {k}" for k in ("sources", "events", "proposals", "positions")
        )
        self.stdout.write(f"Wrote {output}: {counts}")

    def in_throwaway_database(self, article, output):
        # A fresh database so that nothing stored (the dev data, earlier seeds) can
        # clash with or leak into the file.
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/seeds.sqlite3"}
            manage = [sys.executable, str(BASE / "manage.py")]
            for command in (
                ["migrate", "--no-input", "-v0"],
                ["build_seeds", "--here", "--article", article, "--output", output],
            ):
                done = subprocess.run(manage + command, env=env, capture_output=True, text=True)
                if done.returncode:
                    raise CommandError(f"{' '.join(command)} failed:\n{done.stderr}")
                self.stdout.write(done.stdout, ending="")
