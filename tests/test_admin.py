"""The editors' workbench: every admin page opens."""

from django.contrib import admin
from django.urls import reverse


def editors_models():
    # Login attempts (django-axes) are for superusers: tests/test_login.py.
    return [model for model in admin.site._registry if model._meta.app_label != "axes"]


def admin_pages():
    for model in editors_models():
        meta = model._meta
        yield f"admin:{meta.app_label}_{meta.model_name}_changelist", None
        yield f"admin:{meta.app_label}_{meta.model_name}_add", None
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            yield f"admin:{meta.app_label}_{meta.model_name}_change", obj.pk
            yield f"admin:{meta.app_label}_{meta.model_name}_history", obj.pk


def test_editor_sees_every_changelist_add_change_and_history_page(client, editor, seeded):
    client.force_login(editor)
    seen = 0
    for name, pk in admin_pages():
        url = reverse(name, args=[pk] if pk else [])
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        seen += 1
    assert seen >= 40


def test_editor_can_search_every_changelist(client, editor, seeded):
    client.force_login(editor)
    for model in editors_models():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url, {"q": "corridor"}).status_code == 200, meta.model_name


def test_analyst_cannot_open_the_admin(client, analyst, seeded):
    client.force_login(analyst)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_history_page_can_revert_with_reason(client, editor, seeded):
    from negotiations.models import Position

    client.force_login(editor)
    position = Position.objects.order_by("pk").first()
    record = position.history.earliest()
    url = reverse(
        "admin:negotiations_position_simple_history", args=[position.pk, record.history_id]
    )
    assert client.get(url).status_code == 200
