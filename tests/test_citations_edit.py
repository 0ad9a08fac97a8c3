"""Citations kept right in the app: correct one on its own page, remove one with a
reason that the record's history shows (#17 item 3)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Citation, Position, ReportedContent, TextStep
from tests.factories import make_citation, make_event, make_source, with_reason

# GET of the correction page, as an analyst: session, user, permissions; the citation
# (with its source), the picker's sources, what it backs (a statement: it, its issue,
# the negotiation for the breadcrumbs, its party for its name). More sources: no more.
EDIT_PAGE_QUERIES = 9


def edit_url(citation):
    return reverse("negotiations:citation_edit", args=[citation.pk])


def delete_url(citation):
    return reverse("negotiations:citation_delete", args=[citation.pk])


def history_url(kind, pk):
    return reverse("negotiations:record_history", args=[kind, pk])


def correction(citation, **changes):
    return {
        "source": citation.source_id,
        "locator": citation.locator,
        "excerpt": citation.excerpt,
        "change_reason": "wrong paragraph",
        **changes,
    }


@pytest.fixture
def cited(world):
    """A statement cited twice, so that one citation can go."""
    position = world["first"]
    extra = make_citation(make_source(title="Second interview"), position=position)
    return position, position.citations.exclude(pk=extra.pk).get(), extra


def test_an_analyst_corrects_a_citations_locator_and_excerpt(client, analyst, cited):
    position, citation, _ = cited
    client.force_login(analyst)
    data = correction(citation, locator="para. 7", excerpt="without any controls")
    response = client.post(edit_url(citation), data)
    assert response.status_code == 302
    assert response["Location"] == position.get_absolute_url()
    citation.refresh_from_db()
    assert (citation.locator, citation.excerpt) == ("para. 7", "without any controls")
    latest = citation.history.first()
    assert latest.history_change_reason == "wrong paragraph"
    assert latest.history_user == analyst


def test_a_correction_is_checked_against_the_sources_text(client, analyst, cited):
    """Where the source holds its text, a corrected excerpt must be found in it, as on
    every citation form; a whitespace difference is no difference."""
    _, citation, _ = cited
    source = citation.source
    source.text = "First paragraph.\n\nNo border,   passport or customs controls."
    with_reason(source, "its text")
    client.force_login(analyst)
    response = client.post(edit_url(citation), correction(citation, excerpt="open borders"))
    assert response.status_code == 200
    assert "excerpt" in response.context["form"].errors
    citation.refresh_from_db()
    assert citation.excerpt != "open borders"
    data = correction(citation, excerpt="No border, passport or customs controls.")
    assert client.post(edit_url(citation), data).status_code == 302


def test_an_analyst_moves_a_citation_to_another_source(client, analyst, cited):
    _, citation, _ = cited
    other = make_source(title="Communiqué")
    client.force_login(analyst)
    client.post(edit_url(citation), correction(citation, source=other.pk))
    citation.refresh_from_db()
    assert citation.source == other


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"source": "999999"}, "source"),
        ({"source": ""}, "source"),
        ({"change_reason": ""}, "change_reason"),
        ({"locator": "x" * 201}, "locator"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    client, analyst, cited, changes, field
):
    _, citation, _ = cited
    before = list(Citation.history.values_list("history_id", flat=True))
    client.force_login(analyst)
    response = client.post(
        edit_url(citation), correction(citation, **{"locator": "p. 9", **changes})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    citation.refresh_from_db()
    assert citation.locator == "p. 1"
    assert list(Citation.history.values_list("history_id", flat=True)) == before


def test_removing_a_citation_keeps_its_reason_in_the_statements_history(client, analyst, cited):
    position, _, extra = cited
    client.force_login(analyst)
    response = client.post(delete_url(extra), {"remove-change_reason": "not about the corridor"})
    assert response.status_code == 302
    assert not Citation.objects.filter(pk=extra.pk).exists()
    gone = Citation.history.filter(id=extra.pk).first()
    assert (gone.history_type, gone.history_change_reason) == ("-", "not about the corridor")
    page = client.get(history_url("position", position.pk)).content.decode()
    assert 'id="citation-history"' in page
    assert "Citation deleted" in page and "not about the corridor" in page


def test_removing_without_a_reason_is_refused_at_the_field(client, analyst, cited):
    _, _, extra = cited
    client.force_login(analyst)
    response = client.post(delete_url(extra), {"remove-change_reason": "  "})
    assert response.status_code == 200
    assert "change_reason" in response.context["removal"].errors
    assert "Say why this is being removed." in response.content.decode()
    assert Citation.objects.filter(pk=extra.pk).exists()


def test_a_statements_only_citation_cannot_be_removed(client, analyst, world):
    citation = world["second"].citations.get()
    client.force_login(analyst)
    response = client.post(delete_url(citation), {"remove-change_reason": "wrong source"})
    assert response.status_code == 200
    assert "only source of this position" in response.content.decode()
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_an_events_only_citation_can_be_removed(client, analyst, world):
    event = make_event(world["negotiation"])
    citation = make_citation(world["source"], event=event)
    client.force_login(analyst)
    response = client.post(delete_url(citation), {"remove-change_reason": "wrong event"})
    assert response.status_code == 302
    assert not event.citations.exists()
    page = client.get(history_url("event", event.pk)).content.decode()
    assert "wrong event" in page


def _targets(cast):
    draft = cast["draft"]
    step = with_reason(TextStep(proposal=draft, kind="drafted", date="2024-01-05"))
    content = ReportedContent.objects.get(proposal=draft)
    return {
        "position": cast["first"],
        "proposal": draft,
        "provision": cast["provision"],
        "event": cast["event"],
        "step": step,
        "reported_content": content,
    }


@pytest.mark.parametrize(
    "target", ["position", "proposal", "provision", "event", "step", "reported_content"]
)
def test_every_kind_of_citation_has_its_page_and_the_change_follows(client, analyst, cast, target):
    record = _targets(cast)[target]
    citation = make_citation(cast["source"], **{target: record})
    client.force_login(analyst)
    page = client.get(edit_url(citation))
    assert page.status_code == 200
    assert str(record) in page.content.decode()
    response = client.post(edit_url(citation), correction(citation, locator="p. 12"))
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    citation.refresh_from_db()
    assert citation.locator == "p. 12"


def test_the_pages_that_show_citations_link_analysts_to_correct_them(client, analyst, reader, cast):
    step = with_reason(TextStep(proposal=cast["draft"], kind="drafted", date="2024-01-05"))
    on_step = make_citation(cast["source"], step=step)
    on_position = cast["first"].citations.get()
    pages = {
        on_position: cast["first"].get_absolute_url().split("#")[0],
        on_step: cast["draft"].get_absolute_url(),
        cast["citation"]: cast["draft"].get_absolute_url(),
    }
    for user, shown in ((analyst, True), (reader, False)):
        client.force_login(user)
        for citation, url in pages.items():
            page = client.get(url).content.decode()
            assert (f'href="{edit_url(citation)}"' in page) is shown, (user, url)


def test_the_issue_and_thread_pages_list_citations_escaped_in_the_sources_language(
    client, analyst, reader, world
):
    citation = world["first"].citations.get()
    citation.locator, citation.excerpt = "para. <2>", 'a "corridor" <script>x</script>'
    with_reason(citation)
    citation.source.language = "hy"
    with_reason(citation.source)
    pages = [world["corridor"].get_absolute_url(), world["first"].get_absolute_url()]
    link = f'href="{edit_url(citation)}"'
    for user, shown in ((analyst, True), (reader, False)):
        client.force_login(user)
        for url in pages:
            page = client.get(url.split("#")[0]).content.decode()
            assert ', para. &lt;2&gt;: <q lang="hy">a &quot;corridor&quot; &lt;script&gt;' in page
            assert "<script>x" not in page
            assert (link in page) is shown, (user, url)


def test_readers_can_neither_correct_nor_remove(client, reader, cited):
    _, citation, extra = cited
    client.force_login(reader)
    assert client.get(edit_url(citation)).status_code == 403
    assert client.post(edit_url(citation), correction(citation, locator="p. 3")).status_code == 403
    assert client.post(delete_url(extra), {"remove-change_reason": "x"}).status_code == 403
    citation.refresh_from_db()
    assert citation.locator == "p. 1"
    assert Citation.objects.filter(pk=extra.pk).exists()


def test_removing_needs_a_post(client, analyst, cited):
    _, _, extra = cited
    client.force_login(analyst)
    assert client.get(delete_url(extra)).status_code == 405
    assert Citation.objects.filter(pk=extra.pk).exists()


def test_excerpts_and_reasons_are_escaped(client, analyst, cited):
    position, _, extra = cited
    client.force_login(analyst)
    client.post(edit_url(extra), correction(extra, excerpt="<script>x()</script>"))
    client.post(delete_url(extra), {"remove-change_reason": "<b>bold</b>"})
    page = client.get(history_url("position", position.pk)).content.decode()
    assert "<script>x()" not in page and "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_correction_page_runs_a_fixed_number_of_queries(client, analyst, cited):
    _, citation, _ = cited
    client.force_login(analyst)
    client.get(edit_url(citation))
    for n in range(5):
        make_source(title=f"More {n}")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(edit_url(citation)).status_code == 200
    queries = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == EDIT_PAGE_QUERIES, "\n".join(q["sql"] for q in queries)


def test_correcting_a_citation_does_not_touch_the_statement(client, analyst, cited):
    """The statement keeps its version: a form opened on it is not made stale."""
    position, citation, _ = cited
    versions = dict(Position.objects.values_list("pk", "version"))
    client.force_login(analyst)
    client.post(edit_url(citation), correction(citation, locator="p. 2"))
    assert dict(Position.objects.values_list("pk", "version")) == versions
    assert position.history.count() == 1
