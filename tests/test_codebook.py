"""The codebook: every stance and movement defined with an example, shown on a page,
linked from the forms that ask for them, and downloadable."""

import csv
import io
import json

import pytest
from django.urls import reverse

from negotiations import codebook
from negotiations.models import Position
from tests.factories import add_url, new_position_data


def _body(response):
    return b"".join(response.streaming_content).decode()


def test_every_stance_and_movement_has_a_definition_and_an_example():
    keys = {(e.kind, e.key) for e in codebook.ENTRIES}
    assert keys == {("stance", s) for s in Position.Stance.values} | {
        ("movement", m) for m in Position.Movement.values
    }
    for entry in codebook.ENTRIES:
        assert len(entry.definition) > 40, entry.key
        assert entry.example.startswith("Constructed"), entry.key


def test_the_stances_real_coding_needs_exist_and_old_keys_are_kept():
    """Fails on the old main: commits, concern, opposes, denies, threatens were missing."""
    for key in ("commits", "concern", "opposes", "denies", "threatens"):
        assert key in Position.Stance.values
    for key in ("demand", "red_line", "condition", "offer", "proposes", "accepts"):
        assert key in Position.Stance.values
    assert "clarified" in Position.Movement.values
    assert Position.Movement.CLARIFIED not in Position.SHIFTS
    assert set(Position.FIRMNESS) == set(Position.Stance)


def test_codebook_page_shows_definitions_examples_and_downloads(client, reader, db):
    client.force_login(reader)
    response = client.get(reverse("negotiations:codebook"))
    assert response.status_code == 200
    html = response.content.decode()
    for entry in codebook.ENTRIES:
        assert f'id="{entry.anchor}"' in html
    assert "non-negotiable" in html  # red line's definition
    assert reverse("negotiations:codebook_export", kwargs={"fmt": "csv"}) in html
    assert reverse("negotiations:codebook_export", kwargs={"fmt": "json"}) in html


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_codebook_downloads(client, reader, db, fmt):
    client.force_login(reader)
    response = client.get(reverse("negotiations:codebook_export", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="codebook.{fmt}"'
    body = _body(response)
    rows = list(csv.DictReader(io.StringIO(body))) if fmt == "csv" else json.loads(body)
    assert len(rows) == len(codebook.ENTRIES)
    red_line = next(r for r in rows if r["key"] == "red_line")
    assert red_line["kind"] == "stance" and "non-negotiable" in red_line["definition"]


def test_codebook_needs_a_login(client, db):
    response = client.get(reverse("negotiations:codebook"))
    assert response.status_code == 302


def test_position_form_links_stance_and_movement_to_the_codebook(client, analyst, world):
    client.force_login(analyst)
    html = client.get(add_url(world)).content.decode()
    url = reverse("negotiations:codebook")
    assert f'href="{url}#stance"' in html
    assert f'href="{url}#movement"' in html


def test_position_form_does_not_offer_committed(client, analyst, world):
    """Fails on the old main: "committed" (recorded by texts) was offered and accepted."""
    client.force_login(analyst)
    html = client.get(add_url(world)).content.decode()
    assert 'value="committed"' not in html
    response = client.post(add_url(world), new_position_data(world, stance="committed"))
    assert response.status_code == 200
    assert "stance" in response.context["form"].errors
    assert not Position.objects.filter(stance="committed").exists()


def test_a_new_stance_can_be_recorded(client, analyst, world):
    client.force_login(analyst)
    response = client.post(add_url(world), new_position_data(world, stance="threatens"))
    assert response.status_code == 302
    assert Position.objects.filter(stance="threatens", party=world["beta"]).exists()
