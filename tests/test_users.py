"""Operators create users with a role; `make run` makes sure an editor exists; in the
admin, editors give roles and only superusers give more."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from negotiations.accounts.roles import ANALYSTS, EDITORS, READERS


def run(*args, **env):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "can_change", "is_staff"),
    [("reader", False, False), ("analyst", True, False), ("editor", True, True)],
)
def test_createuser_gives_each_role_its_rights(db, role, can_change, is_staff):
    output = run("createuser", "someone", "--role", role)
    user = get_user_model().objects.get(username="someone")
    assert user.has_perm("negotiations.view_position")
    assert user.has_perm("negotiations.change_position") is can_change
    assert user.is_staff is is_staff
    assert "Password (shown once):" in output
    password = output.rsplit(":", 1)[1].strip()
    assert user.check_password(password)


def test_analyst_may_not_delete_sources_or_positions(db):
    run("createuser", "ana2", "--role", "analyst", "--password", "x" * 12)
    user = get_user_model().objects.get(username="ana2")
    assert not user.has_perm("negotiations.delete_source")
    assert not user.has_perm("negotiations.delete_position")
    assert user.has_perm("negotiations.add_source")


def test_createuser_refuses_duplicate_name(db):
    run("createuser", "dup", "--role", "reader")
    with pytest.raises(CommandError, match="already exists"):
        run("createuser", "dup", "--role", "reader")


def test_ensure_editor_generates_a_password_once(db, monkeypatch):
    monkeypatch.delenv("REDLINE_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("REDLINE_ADMIN_USER", raising=False)
    first = run("ensure_editor")
    assert "shown only this once" in first
    password = first.rsplit(":", 1)[1].strip()
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and editor.check_password(password)
    second = run("ensure_editor")
    assert "exists" in second and password not in second
    assert get_user_model().objects.count() == 1


def test_ensure_editor_uses_the_given_password(db, monkeypatch):
    monkeypatch.setenv("REDLINE_ADMIN_PASSWORD", "a-long-chosen-secret")
    output = run("ensure_editor")
    assert "a-long-chosen-secret" not in output
    assert get_user_model().objects.get(username="editor").check_password("a-long-chosen-secret")


def test_permissions_come_in_one_query_and_match_djangos_backend(
    django_user_model, analyst, reader, editor, stranger, django_assert_num_queries
):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from negotiations.accounts.auth import OneQueryModelBackend

    root = django_user_model.objects.create_superuser("root", password="pw-root")
    direct = django_user_model.objects.create_user("direct", password="pw-direct")
    direct.user_permissions.add(Permission.objects.get(codename="view_source"))
    gone = django_user_model.objects.create_user("gone", password="pw", is_active=False)
    gone.groups.set(analyst.groups.all())
    for user in (analyst, reader, editor, stranger, root, direct, gone):
        expected = ModelBackend().get_all_permissions(django_user_model.objects.get(pk=user.pk))
        fresh = django_user_model.objects.get(pk=user.pk)
        with django_assert_num_queries(0 if not fresh.is_active else 1):
            assert OneQueryModelBackend().get_all_permissions(fresh) == expected
    assert "negotiations.change_position" in OneQueryModelBackend().get_all_permissions(analyst)
    assert "negotiations.change_position" not in OneQueryModelBackend().get_all_permissions(reader)


# --- the user and group admin: editors give roles, only superusers give more -------------


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-root")


def admin_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def user_form(user, **changes):
    """What the admin's change form for ``user`` posts, with ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def change_user(client, user, **changes):
    url = reverse("admin:auth_user_change", args=[user.pk])
    return client.post(url, user_form(user, **changes))


def every_permission():
    from django.contrib.auth.models import Permission

    return list(Permission.objects.values_list("pk", flat=True))


def test_an_editor_cannot_make_themselves_superuser_or_grant_permissions(editor):
    """A crafted POST with is_superuser=on and every permission changes neither.
    Fails on the old main, whose user admin let any editor do both."""
    response = change_user(
        admin_client(editor),
        editor,
        first_name="Edith",
        is_superuser="on",
        user_permissions=every_permission(),
    )
    assert response.status_code == 302
    editor = get_user_model().objects.get(pk=editor.pk)
    assert editor.first_name == "Edith"  # the rest of the form was saved
    assert not editor.is_superuser
    assert not editor.user_permissions.exists()
    assert not editor.has_perm("auth.change_permission")


def test_an_editor_sees_superuser_and_permissions_read_only(editor, reader):
    page = admin_client(editor).get(reverse("admin:auth_user_change", args=[reader.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="groups"' in html and 'name="is_staff"' in html
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html


def test_an_editor_gives_roles(editor, reader):
    analysts = Group.objects.get(name=ANALYSTS)
    editors = Group.objects.get(name=EDITORS)
    response = change_user(admin_client(editor), reader, is_superuser="on", groups=[analysts.pk])
    assert response.status_code == 302
    reader = get_user_model().objects.get(pk=reader.pk)
    assert list(reader.groups.all()) == [analysts] and not reader.is_superuser
    change_user(admin_client(editor), reader, is_staff="on", groups=[editors.pk])
    reader = get_user_model().objects.get(pk=reader.pk)
    assert reader.is_staff and list(reader.groups.all()) == [editors]


def test_an_editor_gives_no_group_but_the_roles_and_keeps_the_others(editor, reader, root):
    powerful = Group.objects.create(name="Auditors")
    powerful.permissions.set(every_permission())
    response = change_user(admin_client(editor), editor, groups=[powerful.pk])
    assert response.status_code == 200  # the form, with its error
    assert "Select a valid choice" in response.content.decode()
    assert not editor.groups.filter(pk=powerful.pk).exists()
    # A membership a superuser gave survives an editor's save of that user.
    reader.groups.add(powerful)
    analysts = Group.objects.get(name=ANALYSTS)
    assert change_user(admin_client(editor), reader, groups=[analysts.pk]).status_code == 302
    assert set(reader.groups.values_list("name", flat=True)) == {ANALYSTS, "Auditors"}


def test_an_editor_cannot_change_a_superuser(editor, root):
    client = admin_client(editor)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code == 200
    response = change_user(client, root, is_active="", first_name="Mallory")
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(password, {"password1": "taken-over-42!", "password2": "taken-over-42!"})
    assert response.status_code == 403
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    root = get_user_model().objects.get(pk=root.pk)
    assert root.is_active and root.first_name == "" and root.check_password("pw-root")


def test_an_editor_cannot_change_what_a_group_may_do(editor):
    client = admin_client(editor)
    readers = Group.objects.get(name=READERS)
    before = set(readers.permissions.all())
    url = reverse("admin:auth_group_change", args=[readers.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Everyone", "permissions": every_permission()})
    readers.refresh_from_db()
    assert readers.name == READERS and set(readers.permissions.all()) == before
    delete = reverse("admin:auth_group_delete", args=[readers.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # A group an editor adds grants nothing.
    client.post(
        reverse("admin:auth_group_add"), {"name": "Mine", "permissions": every_permission()}
    )
    assert not Group.objects.get(name="Mine").permissions.exists()


def test_a_superuser_grants_superuser_status_permissions_and_any_group(root, reader):
    client = admin_client(root)
    auditors = Group.objects.create(name="Auditors")
    view_source = Permission.objects.get(codename="view_source").pk
    response = change_user(
        client, reader, is_superuser="on", user_permissions=[view_source], groups=[auditors.pk]
    )
    assert response.status_code == 302
    reader = get_user_model().objects.get(pk=reader.pk)
    assert reader.is_superuser and list(reader.groups.all()) == [auditors]
    assert list(reader.user_permissions.values_list("pk", flat=True)) == [view_source]
    readers = Group.objects.get(name=READERS)
    url = reverse("admin:auth_group_change", args=[readers.pk])
    assert client.post(url, {"name": READERS, "permissions": [view_source]}).status_code == 302
    assert list(readers.permissions.values_list("pk", flat=True)) == [view_source]
