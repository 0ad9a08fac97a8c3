"""Operators create users with a role; `make run` makes sure an editor exists."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


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

    from negotiations.auth import OneQueryModelBackend

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
