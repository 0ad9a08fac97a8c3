from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_role_groups(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from negotiations.roles import sync_groups

    sync_groups(Group.objects.db_manager(using), Permission.objects.db_manager(using))


class NegotiationsConfig(AppConfig):
    name = "negotiations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # After every migrate (and every test-database flush) the role groups exist
        # with exactly the permissions negotiations/roles.py lists.
        post_migrate.connect(sync_role_groups, sender=self)
