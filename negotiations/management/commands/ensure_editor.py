import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from negotiations.management.commands.createuser import create_user


class Command(BaseCommand):
    help = (
        "Make sure the first editor account exists (REDLINE_ADMIN_USER, default 'editor'). "
        "Its password comes from REDLINE_ADMIN_PASSWORD, or is generated and printed once."
    )

    def handle(self, *args, **options):
        username = os.environ.get("REDLINE_ADMIN_USER", "editor")
        if get_user_model().objects.filter(username=username).exists():
            self.stdout.write(f"Editor account {username!r} exists.")
            return
        given = os.environ.get("REDLINE_ADMIN_PASSWORD") or None
        password = create_user(username, "editor", given)
        self.stdout.write(self.style.SUCCESS(f"Created editor account {username!r}."))
        if given is None:
            self.stdout.write(self.style.WARNING(f"Its password, shown only this once: {password}"))
