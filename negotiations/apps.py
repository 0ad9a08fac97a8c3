from django.apps import AppConfig
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete


def sync_role_groups(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from negotiations.accounts.roles import sync_groups

    sync_groups(Group.objects.db_manager(using), Permission.objects.db_manager(using))


def bump_after_migrate(sender, using="default", **kwargs):
    """A deploy runs migrate; its templates may show the same data differently."""
    from negotiations import revisions

    revisions.bump(revisions.SHARED, using)


def create_cache_table(sender, using="default", **kwargs):
    """The database cache's table, whichever cache is configured now: a site that
    turns Redis off (REDIS_URL unset) falls back to a table that is already there."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("createcachetable", settings.CACHE_TABLE, database=using, verbosity=0)


def record_delete_effects(sender, instance, origin=None, **kwargs):
    """Give every change a delete causes its history row and reason.

    Rows deleted along with another (on_delete=CASCADE) get a reason naming it, and
    rows that referred to the deleted one (on_delete=SET_NULL, many-to-many) are
    saved here, each with a history row, before Django would clear the reference with
    a QuerySet.update() or a raw delete of the link, which write no history.
    """
    if sender._meta.app_label != "negotiations":
        return
    cascade = isinstance(origin, models.Model) and origin is not instance
    reason = getattr(origin, "_change_reason", "") if isinstance(origin, models.Model) else ""
    if cascade and not getattr(instance, "_change_reason", ""):
        what = f"{origin._meta.verbose_name} “{origin}”"
        instance._change_reason = f"Deleted with {what}" + (f": {reason}" if reason else "")
    own = getattr(instance, "_change_reason", "") or reason
    why = f"{sender._meta.verbose_name.capitalize()} “{instance}” was deleted" + (
        f": {own}" if own else ""
    )
    for relation in sender._meta.related_objects:
        model = relation.related_model
        if not hasattr(model, "history"):
            continue
        if relation.many_to_many:
            for row in model._base_manager.filter(**{relation.field.name: instance}):
                row._change_reason = why
                getattr(row, relation.field.name).remove(instance)
        elif relation.on_delete is models.SET_NULL:
            for row in model._base_manager.filter(**{relation.field.name: instance}):
                setattr(row, relation.field.name, None)
                row._change_reason = why
                row.save()


def refresh_current_after_delete(sender, instance, **kwargs):
    """A deleted statement's thread gets its new current one (models.CurrentPosition),
    also when the statement goes with its text step (a cascade calls no delete())."""
    from negotiations import current

    current.refresh_threads({(instance.issue_id, instance.party_id)})


def follow_moved_issue(sender, instance, created=False, **kwargs):
    """An issue moved to another negotiation takes its kept current state along."""
    from negotiations.models import CurrentPosition

    if not created:
        CurrentPosition.objects.filter(issue=instance).exclude(
            negotiation_id=instance.negotiation_id
        ).update(negotiation_id=instance.negotiation_id)


class NegotiationsConfig(AppConfig):
    name = "negotiations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # After every migrate (and every test-database flush) the role groups exist
        # with exactly the permissions negotiations/accounts/roles.py lists.
        post_migrate.connect(sync_role_groups, sender=self)
        post_migrate.connect(create_cache_table, sender=self)
        pre_delete.connect(record_delete_effects, dispatch_uid="redline-delete-effects")
        self.connect_current_state()
        self.connect_revisions()

    def connect_current_state(self):
        from negotiations.models import Issue, Position

        post_delete.connect(refresh_current_after_delete, sender=Position)
        post_save.connect(follow_moved_issue, sender=Issue)

    def connect_revisions(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from negotiations import revisions
        from negotiations.models import UNTRACKED_MODELS

        # Connected per model, not for all senders: a receiver for every sender would
        # stop Django's fast deletes everywhere (sessions, cache culling...).
        for model in self.get_models():
            # A history row is written with the record it describes, which counts.
            if model.__name__ in UNTRACKED_MODELS or hasattr(model, "instance_type"):
                continue
            post_save.connect(revisions.record_changed, sender=model)
            post_delete.connect(revisions.record_changed, sender=model)
            for field in model._meta.many_to_many:
                m2m_changed.connect(revisions.record_changed, sender=field.remote_field.through)
        user = get_user_model()
        post_save.connect(revisions.user_changed, sender=user)
        post_delete.connect(revisions.record_changed, sender=user)
        # Roles decide what a page shows (edit controls): a change to who may do what
        # makes every page fresh.
        for model in (Group, Permission):
            post_save.connect(revisions.record_changed, sender=model)
            post_delete.connect(revisions.record_changed, sender=model)
        for through in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(revisions.record_changed, sender=through)
        post_migrate.connect(bump_after_migrate, sender=self)
