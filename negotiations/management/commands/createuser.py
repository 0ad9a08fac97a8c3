import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from negotiations.accounts.roles import ANALYSTS, EDITORS, READERS

ROLE_GROUPS = {"reader": READERS, "analyst": ANALYSTS, "editor": EDITORS}


def create_user(username, role, password=None, email=""):
    """Create a user in one role; returns the password (generated when none is given)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise CommandError(f"A user named {username!r} already exists.")
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_user(username, email=email, password=password)
    user.is_staff = role == "editor"
    user.save()
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return password


class Command(BaseCommand):
    help = "Create a user with a role: reader (view only), analyst (records data), editor (admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLE_GROUPS), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Generated and printed when omitted.")

    def handle(self, username, role, email, password, **options):
        generated = password is None
        password = create_user(username, role, password, email)
        self.stdout.write(f"Created {role} {username!r}.")
        if generated:
            self.stdout.write(f"Password (shown once): {password}")
