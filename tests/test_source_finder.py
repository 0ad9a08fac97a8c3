"""The source finder: a JSON endpoint over every source, and the citation box that
reads a uid, an id or words of a title (so it works without script)."""

import uuid

import pytest
from django.urls import reverse

from negotiations.models import Citation, Position, Source
from tests.factories import make_source, new_position_data, page_queries

FIND = "negotiations:source_find"


def find(client, q):
    response = client.get(reverse(FIND), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.fixture
def many(world):
    """400 sources: more than the old picker's 300; the oldest one is still found."""
    oldest = make_source(title="Ministry note on the enclaves")
    Source.objects.bulk_create(
        Source(title=f"Bulletin {n}", kind="news_report", date=None) for n in range(400)
    )
    return oldest


def test_the_finder_finds_any_source_by_words_of_its_title_author_or_outlet(client, reader, many):
    client.force_login(reader)
    results = find(client, "enclaves ministry")
    assert [r["title"] for r in results] == ["Ministry note on the enclaves"]
    assert results[0]["uid"] == str(many.uid)
    assert results[0]["label"].endswith(f" · {many.uid}")
    assert len(find(client, "bulletin")) == 20
    assert find(client, "no such words") == []
    assert find(client, "   ") == []


def test_the_finder_finds_a_source_by_its_uid_and_escapes_nothing_into_html(client, reader, world):
    source = make_source(title="<b>Bold</b> & co")
    client.force_login(reader)
    assert [r["title"] for r in find(client, f"x · {source.uid}")] == ["<b>Bold</b> & co"]
    assert find(client, str(uuid.uuid4())) == []


def test_the_finder_runs_the_same_queries_for_ten_or_four_hundred_sources(client, reader, world):
    client.force_login(reader)
    url = reverse(FIND) + "?q=bulletin"
    Source.objects.bulk_create(Source(title=f"Bulletin {n}", kind="news_report") for n in range(10))
    few = page_queries(client, url)
    Source.objects.bulk_create(
        Source(title=f"Bulletin {n}", kind="news_report") for n in range(400)
    )
    assert page_queries(client, url) == few == 4  # session, user, permissions, sources


def test_the_finder_needs_a_role(client, stranger, world):
    client.force_login(stranger)
    assert client.get(reverse(FIND), {"q": "Interview"}).status_code == 403
    client.logout()
    assert client.get(reverse(FIND), {"q": "Interview"}).status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        "Ministry note on the enclaves",
        "enclaves",
        "ministry ENCLAVES",
        "Ministry note on the enclaves (Jan 2024) · {uid}",
        "{uid}",
        "{pk}",
    ],
)
def test_the_citation_box_reads_a_uid_an_id_or_title_words(client, analyst, world, many, typed):
    client.force_login(analyst)
    typed = typed.format(uid=many.uid, pk=many.pk)
    data = new_position_data(world, **{"cite-0-source": typed, "cite-0-excerpt": ""})
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 302
    position = Position.objects.get(summary=data["summary"])
    assert position.citations.get().source == many


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("bulletin", "Several sources match “bulletin”: Bulletin"),
        ("nothing like it", "No source matches “nothing like it”"),
        ("999999", "No source matches “999999”"),
        (str(uuid.UUID(int=1)), "No source matches"),
    ],
)
def test_a_citation_box_matching_none_or_several_says_so_and_saves_nothing(
    client, analyst, world, many, typed, message
):
    client.force_login(analyst)
    before = (Position.objects.count(), Citation.objects.count())
    data = new_position_data(world, **{"cite-0-source": typed})
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Position.objects.count(), Citation.objects.count()) == before


def test_the_record_form_offers_a_finder_box_not_a_capped_list(client, analyst, many):
    client.force_login(analyst)
    page = client.get(reverse("negotiations:position_add", args=["talks"])).content.decode()
    assert 'class="source-finder"' in page
    assert f'data-find="{reverse(FIND)}"' in page
    assert "Bulletin 1" not in page
