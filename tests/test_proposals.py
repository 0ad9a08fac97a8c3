"""Proposals and provisions: reading, writing, pasting drafts, reordering, history, roles."""

import datetime

import pytest
from django.urls import reverse

from negotiations.models import Citation, Proposal, Provision, Source
from negotiations.proposal_forms import MAX_DRAFT_CHARS, issue_keywords
from negotiations.text.drafts import suggest_issues
from tests.factories import (
    make_citation,
    make_issue,
    make_negotiation,
    make_party,
    make_proposal,
    make_provision,
    page_queries,
    proposal_data,
    provision_data,
    reorder_data,
)
from tests.factories import proposal_edit_data as edit_data

FIVE_ARTICLES = """Preamble of the draft: the parties, desiring peace,

Article 1. Recognition
The parties recognise each other's territorial integrity.

Art. 2 - Borders
Border delimitation follows the agreed maps.

ARTICLE III
Transit through the corridor is open to all goods.

Article 4.
The parties exchange prisoners.

Article 5 Final provisions
This treaty enters into force on signature.
"""


@pytest.fixture
def drafts(world):
    """Two proposals of the world's negotiation, the second responding to the first."""
    first = make_proposal(world["negotiation"], world["alpha"], slug="first", title="First draft")
    make_citation(world["source"], proposal=first)
    make_provision(
        first,
        label="Art. 1",
        heading="Corridor",
        text="Open the corridor.",
        issue=world["corridor"],
        order=1,
    )
    make_provision(first, label="Art. 2", text="Maps later.", issue=world["maps"], order=2)
    second = make_proposal(
        world["negotiation"],
        world["beta"],
        slug="second",
        title="Counter-draft",
        responds_to=first,
        availability=Proposal.Availability.REPORTED,
    )
    make_citation(world["source"], proposal=second)
    make_provision(
        second,
        label="Art. 1",
        heading="Corridor",
        text="Close the corridor.",
        issue=world["corridor"],
        order=1,
    )
    return {**world, "first": first, "second": second}


def url(name, *args):
    return reverse(f"negotiations:{name}", args=args)


def snapshot():
    """Everything a refused write must leave untouched."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Provision.objects.order_by("pk").values()),
        Proposal.history.count(),
        Provision.history.count(),
        Citation.objects.count(),
        Source.objects.count(),
    )


# --- reading -------------------------------------------------------------------------


def test_list_shows_lineage_as_a_chain(client, reader, drafts):
    third = make_proposal(
        drafts["negotiation"], slug="third", title="Initialled text", supersedes=drafts["second"]
    )
    client.force_login(reader)
    response = client.get(url("proposals", "talks"))
    content = response.content.decode()
    assert response.status_code == 200
    # A chain reads in order at one indent: each draft right after the one it answers.
    rows = response.context["rows"]
    assert [(p.slug, p.lineage_depth) for p in rows] == [("first", 0), ("second", 0), ("third", 0)]
    assert "Responds to <a" in content and "Superseded by <a" in content
    assert "?a=first&amp;b=second" in content
    assert third.title in content
    assert "Leaked or reported text" in content  # availability as words


@pytest.mark.slow
def test_list_indents_forks_and_survives_a_thousand_long_chain(client, reader, drafts):
    fork = make_proposal(drafts["negotiation"], slug="fork", responds_to=drafts["first"])
    previous = drafts["second"]
    for n in range(1000):
        previous = make_proposal(drafts["negotiation"], slug=f"c{n}", responds_to=previous)
    client.force_login(reader)
    rows = client.get(url("proposals", "talks")).context["rows"]
    depth = {p.slug: p.lineage_depth for p in rows}
    assert depth["first"] == 0 and depth["second"] == depth["fork"] == 1
    assert depth["c999"] == 1 and len(rows) == 1003
    assert [p.slug for p in rows].index("c0") == [p.slug for p in rows].index("second") + 1
    assert fork in rows


def test_list_pages_the_lineage_with_counts_for_the_page(client, reader, drafts, monkeypatch):
    from negotiations.views import proposals as views

    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 2)
    third = make_proposal(
        drafts["negotiation"], slug="third", title="Initialled text", supersedes=drafts["second"]
    )
    make_provision(third)
    client.force_login(reader)
    response = client.get(url("proposals", "talks"))
    content = response.content.decode()
    assert [p.slug for p in response.context["page"]] == ["first", "second"]
    assert len(response.context["rows"]) == 3  # the whole lineage, in order
    assert "Proposals 1–2 of 3" in content and 'href="?page=2"' in content
    assert "2 provisions" in content and "1 provision<" in content
    assert "Initialled text</strong>" not in content  # on the next page
    later = client.get(url("proposals", "talks"), {"page": "2"}).content.decode()
    assert "Initialled text</strong>" in later and "Proposals 3–3 of 3" in later
    # The first entry of a page still links to the draft it follows, on the page before.
    assert f'Supersedes <a href="{drafts["second"].get_absolute_url()}">' in later
    assert "First draft</strong>" not in later


def test_list_is_in_lineage_order_oldest_first(client, reader, world):
    late = make_proposal(world["negotiation"], slug="late", date=datetime.date(2024, 5, 1))
    early = make_proposal(world["negotiation"], slug="early", date=datetime.date(2023, 1, 1))
    make_provision(late)
    client.force_login(reader)
    rows = client.get(url("proposals", "talks")).context["rows"]
    assert [p.slug for p in rows] == [early.slug, late.slug]


def test_detail_shows_metadata_citations_and_provisions_in_order(client, reader, drafts):
    first = drafts["first"]
    make_provision(first, label="Art. 0", text="Comes first.", order=0)
    client.force_login(reader)
    content = client.get(first.get_absolute_url()).content.decode()
    assert "Alpha" in content and "Draft treaty" in content and "Official full text" in content
    assert "Interview with the president" in content
    assert content.index("Art. 0") < content.index("Art. 1: Corridor") < content.index("Art. 2")
    assert "Transit corridor" in content and "Open the corridor." in content
    # Lineage both ways, and the compare link from the response.
    assert "Counter-draft" in content
    second = client.get(drafts["second"].get_absolute_url()).content.decode()
    assert f"{url('compare', 'talks')}?a=first&amp;b=second" in second


def test_hostile_text_is_escaped_on_the_detail_page(client, reader, world):
    proposal = make_proposal(world["negotiation"], title="<script>alert(1)</script>")
    make_provision(
        proposal,
        label='"onerror=x',
        heading="<b>h</b>",
        text='<script>alert(1)</script> "onerror=alert(2)',
    )
    client.force_login(reader)
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert '"onerror=' not in content
    assert "<b>h</b>" not in content


@pytest.mark.parametrize("name", ["list", "list-page-2", "detail", "history"])
def test_page_query_count_does_not_grow_with_provisions(
    client, reader, drafts, django_assert_max_num_queries, name
):
    proposal = drafts["first"]
    provision = proposal.provisions.first()
    target = {
        "list": url("proposals", "talks"),
        "list-page-2": url("proposals", "talks") + "?page=2",
        "detail": proposal.get_absolute_url(),
        "history": url("provision_history", provision.pk),
    }[name]
    client.force_login(reader)
    small = page_queries(client, target)
    for i in range(30):
        p = make_provision(proposal, issue=drafts["maps"])
        make_citation(drafts["source"], provision=p)
        p._change_reason = "edit"
        p.text += f" more {i}"
        p.save()
        make_proposal(drafts["negotiation"], responds_to=proposal) if i % 10 == 0 else None
    assert page_queries(client, target) <= small


def test_provision_history_shows_field_diffs(client, analyst, reader, drafts):
    provision = drafts["first"].provisions.get(label="Art. 1")
    client.force_login(analyst)
    response = client.post(
        url("provision_edit", provision.pk),
        provision_data(provision, text="Open the corridor at once.", change_reason="Wording"),
    )
    assert response.status_code == 302
    client.force_login(reader)
    content = client.get(url("provision_history", provision.pk)).content.decode()
    assert "Wording" in content
    assert "Open the <del>corridor.</del><ins>corridor at once.</ins>" in content
    assert "ana" in content


# --- roles ---------------------------------------------------------------------------


def write_urls(drafts):
    provision = drafts["first"].provisions.first()
    return [
        url("proposal_add", "talks"),
        url("proposal_paste", "talks"),
        url("proposal_edit", "talks", "first"),
        url("provision_add", "talks", "first"),
        url("provisions_reorder", "talks", "first"),
        url("provision_edit", provision.pk),
        url("provision_delete", provision.pk),
    ]


def test_reader_gets_403_on_every_write_url_and_nothing_changes(client, reader, drafts):
    client.force_login(reader)
    before = snapshot()
    provision = drafts["first"].provisions.first()
    posts = {
        url("proposal_add", "talks"): proposal_data(drafts),
        url("proposal_paste", "talks"): {
            **proposal_data(drafts),
            "step": "split",
            "draft": FIVE_ARTICLES,
        },
        url("proposal_edit", "talks", "first"): edit_data(drafts["first"], title="X"),
        url("provision_add", "talks", "first"): provision_data(),
        url("provisions_reorder", "talks", "first"): {"change_reason": "x"},
        url("provision_edit", provision.pk): provision_data(provision, text="X"),
        url("provision_delete", provision.pk): {"change_reason": "x"},
    }
    assert set(posts) == set(write_urls(drafts))
    for target, data in posts.items():
        assert client.get(target).status_code in (403, 405), target
        assert client.post(target, data).status_code == 403, target
    assert snapshot() == before


def test_analyst_can_open_every_write_form(client, analyst, drafts):
    client.force_login(analyst)
    for target in write_urls(drafts):
        expected = 405 if target.endswith("/delete/") else 200
        assert client.get(target).status_code == expected, target


def test_anonymous_is_sent_to_login(client, drafts):
    provision = drafts["first"].provisions.first()
    reads = [
        url("proposals", "talks"),
        drafts["first"].get_absolute_url(),
        url("compare", "talks") + "?a=first&b=second",
        url("provision_history", provision.pk),
    ]
    for target in reads + write_urls(drafts):
        for method in (client.get, client.post):
            response = method(target)
            assert response.status_code == 302, target
            assert response["Location"].startswith(reverse("login")), target


def test_reader_sees_no_edit_links(client, reader, analyst, drafts):
    client.force_login(reader)
    content = client.get(drafts["first"].get_absolute_url()).content.decode()
    assert url("proposal_edit", "talks", "first") not in content
    client.force_login(analyst)
    content = client.get(drafts["first"].get_absolute_url()).content.decode()
    assert url("proposal_edit", "talks", "first") in content


# --- recording proposals and provisions -----------------------------------------------


def test_analyst_records_a_proposal_with_citation_and_reason(client, analyst, world):
    client.force_login(analyst)
    response = client.post(url("proposal_add", "talks"), proposal_data(world))
    proposal = Proposal.objects.get(slug="framework-proposal")
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert str(proposal.partial_date) == "late Dec 2023"
    assert proposal.citations.get().locator == "para. 10"
    record = proposal.history.get()
    assert record.history_user == analyst
    assert record.history_change_reason == "Recorded a new proposal"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"cite-0-source": ""}, None, "Cite at least one source"),
        ({"when": "the 32nd of Smarch"}, "when", "Cannot read"),
        ({"when": ""}, "when", "required"),
        ({"title": "  "}, "title", ""),
        ({"kind": "poem"}, "kind", "valid choice"),
    ],
)
def test_bad_proposal_input_gets_a_message_and_saves_nothing(
    client, analyst, world, overrides, field, message
):
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("proposal_add", "talks"), proposal_data(world, **overrides))
    assert response.status_code == 200
    if field:
        assert message in str(response.context["form"].errors[field])
    else:
        assert message in response.content.decode()
    assert snapshot() == before


def test_author_must_take_part_in_the_negotiation(client, analyst, world):
    outsider = make_party(make_negotiation(), name="Outsider")
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("proposal_add", "talks"), proposal_data(world, author=outsider.pk))
    assert "does not take part" in str(response.context["form"].errors["author"])
    assert snapshot() == before


def test_responds_to_must_be_in_the_same_negotiation_and_not_loop(client, analyst, drafts):
    other = make_proposal(make_negotiation())
    client.force_login(analyst)
    response = client.post(
        url("proposal_add", "talks"), proposal_data(drafts, responds_to=other.pk)
    )
    assert "this negotiation" in str(response.context["form"].errors["responds_to"])
    # first responding to second, which responds to first, would loop.
    response = client.post(
        url("proposal_edit", "talks", "first"),
        edit_data(drafts["first"], responds_to=drafts["second"].pk),
    )
    assert "cannot loop" in str(response.context["form"].errors["responds_to"])


def test_slug_is_made_from_the_title_and_must_be_unique_and_not_reserved(client, analyst, drafts):
    client.force_login(analyst)
    response = client.post(url("proposal_add", "talks"), proposal_data(drafts, slug="first"))
    assert "already uses" in str(response.context["form"].errors["slug"])
    response = client.post(url("proposal_add", "talks"), proposal_data(drafts, slug="paste"))
    assert "reserved" in str(response.context["form"].errors["slug"])


def test_analyst_adds_a_provision_at_the_end(client, analyst, drafts):
    client.force_login(analyst)
    response = client.post(
        url("provision_add", "talks", "first"),
        provision_data(label="Art. 3", issue=drafts["maps"].pk, text="Maps now."),
    )
    provision = Provision.objects.get(label="Art. 3")
    assert response.status_code == 302
    assert provision.order == 3 and provision.issue == drafts["maps"]
    assert provision.history.get().history_change_reason == "Added a provision"
    assert provision.citations.count() == 0  # citations are optional for provisions


def test_provision_issue_from_another_negotiation_is_refused(client, analyst, drafts):
    foreign = make_issue(make_negotiation(), title="Foreign issue")
    provision = drafts["first"].provisions.first()
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("provision_add", "talks", "first"), provision_data(issue=foreign.pk))
    assert "not part of this negotiation" in str(response.context["form"].errors["issue"])
    response = client.post(
        url("provision_edit", provision.pk), provision_data(provision, issue=foreign.pk)
    )
    assert "not part of this negotiation" in str(response.context["form"].errors["issue"])
    assert snapshot() == before


def test_provision_edit_needs_a_reason(client, analyst, drafts):
    provision = drafts["first"].provisions.first()
    client.force_login(analyst)
    before = snapshot()
    response = client.post(
        url("provision_edit", provision.pk), provision_data(provision, change_reason="", text="Y")
    )
    assert "required" in str(response.context["form"].errors["change_reason"])
    assert snapshot() == before


def test_provision_delete_needs_a_reason_and_keeps_history(client, analyst, drafts):
    provision = drafts["first"].provisions.first()
    client.force_login(analyst)
    client.post(url("provision_delete", provision.pk), {"change_reason": ""})
    assert Provision.objects.filter(pk=provision.pk).exists()
    response = client.post(url("provision_delete", provision.pk), {"change_reason": "Duplicate"})
    assert response["Location"] == drafts["first"].get_absolute_url()
    assert not Provision.objects.filter(pk=provision.pk).exists()
    assert Provision.history.filter(
        id=provision.pk, history_type="-"
    ).get().history_change_reason == ("Duplicate")


# --- no lost updates -----------------------------------------------------------------


def test_second_save_of_a_proposal_from_the_same_version_is_a_conflict(
    client, analyst, editor, drafts
):
    proposal = drafts["first"]
    opened = edit_data(proposal)
    client.force_login(analyst)
    first = client.post(
        url("proposal_edit", "talks", "first"),
        {**opened, "title": "First draft (corrected)", "change_reason": "Title per source"},
    )
    assert first.status_code == 302
    client.force_login(editor)
    second = client.post(
        url("proposal_edit", "talks", "first"),
        {**opened, "summary": "Editor's summary", "change_reason": "Summary"},
    )
    assert second.status_code == 409
    content = second.content.decode()
    assert "First draft (corrected)" in content  # theirs
    assert "Editor&#x27;s summary" in content  # yours
    proposal.refresh_from_db()
    assert proposal.title == "First draft (corrected)" and proposal.summary == ""
    reasons = list(
        proposal.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[1:] == ["Title per source"]  # exactly the accepted edit after creation


def test_second_save_of_a_provision_from_the_same_version_is_a_conflict(
    client, analyst, editor, drafts
):
    provision = drafts["first"].provisions.get(label="Art. 1")
    opened = provision_data(provision)
    client.force_login(analyst)
    assert (
        client.post(
            url("provision_edit", provision.pk),
            {**opened, "text": "Open the corridor now.", "change_reason": "Per transcript"},
        ).status_code
        == 302
    )
    client.force_login(editor)
    second = client.post(
        url("provision_edit", provision.pk),
        {**opened, "text": "Open the corridor later.", "change_reason": "Other"},
    )
    assert second.status_code == 409
    content = second.content.decode()
    assert "Open the corridor now." in content
    assert "later." in content
    provision.refresh_from_db()
    assert provision.text == "Open the corridor now."
    reasons = list(
        provision.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[1:] == ["Per transcript"]
    # Re-applying on top of theirs from the conflict page works.
    retry = second.context["form"]
    data = {
        **opened,
        "text": "Open the corridor later.",
        "change_reason": "Other",
        "version": retry.initial.get("version", retry.data.get("version")),
    }
    assert client.post(url("provision_edit", provision.pk), data).status_code == 302
    provision.refresh_from_db()
    assert provision.text == "Open the corridor later."


# --- reordering ----------------------------------------------------------------------


def test_reorder_saves_each_moved_provision_with_history(client, analyst, drafts):
    proposal = drafts["first"]
    third = make_provision(proposal, label="Art. 3", order=3)
    provisions = list(proposal.provisions.all())
    client.force_login(analyst)
    response = client.post(
        url("provisions_reorder", "talks", "first"), reorder_data(provisions, [1, 3, 2.5])
    )
    assert response.status_code == 302
    assert [p.label for p in proposal.provisions.all()] == ["Art. 1", "Art. 3", "Art. 2"]
    assert third.history.latest().history_change_reason == "Order per the leaked text"
    assert third.history.latest().history_user == analyst
    art1 = proposal.provisions.get(label="Art. 1")
    assert art1.history.count() == 1  # did not move: no history row
    assert Provision.history.filter(history_change_reason="Order per the leaked text").count() == 2


def test_reorder_from_a_stale_page_is_a_conflict(client, analyst, drafts):
    proposal = drafts["first"]
    provisions = list(proposal.provisions.all())
    data = reorder_data(provisions, [2, 1])
    moved = provisions[0]
    moved.text = "Edited meanwhile."
    moved._change_reason = "edit"
    moved.save()
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("provisions_reorder", "talks", "first"), data)
    assert response.status_code == 409
    assert "Not saved" in response.content.decode()
    assert snapshot() == before


def test_reorder_with_a_bad_number_shows_a_message(client, analyst, drafts):
    provisions = list(drafts["first"].provisions.all())
    client.force_login(analyst)
    before = snapshot()
    response = client.post(
        url("provisions_reorder", "talks", "first"), reorder_data(provisions, ["x", 1])
    )
    assert response.status_code == 200
    assert "Give a number" in response.content.decode()
    assert snapshot() == before


# --- pasting a draft -----------------------------------------------------------------


def paste_data(world, draft=FIVE_ARTICLES, **overrides):
    return {
        **proposal_data(world, title="Pasted treaty"),
        "step": "split",
        "draft": draft,
        **overrides,
    }


def preview_data(response, **part_overrides):
    """The preview form as the browser would submit it, with some fields changed."""
    data = {k: v for k, v in response.context["form"].data.items()}
    parts = response.context["parts"]
    data.update(
        {
            "step": "save",
            "part-TOTAL_FORMS": str(parts.total_form_count()),
            "part-INITIAL_FORMS": "0",
            "part-MIN_NUM_FORMS": "0",
            "part-MAX_NUM_FORMS": "200",
        }
    )
    for i, form in enumerate(parts.forms):
        for name in ("label", "heading", "text"):
            data[f"part-{i}-{name}"] = form[name].value() or ""
        data[f"part-{i}-issue"] = form["issue"].value() or ""
    data.update(part_overrides)
    return data


def test_paste_previews_the_split_without_saving(client, analyst, world):
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("proposal_paste", "talks"), paste_data(world))
    assert response.status_code == 200
    parts = response.context["parts"]
    assert [f["label"].value() for f in parts.forms] == [
        "Preamble",
        "Article 1",
        "Art. 2",
        "ARTICLE III",
        "Article 4",
        "Article 5",
    ]
    assert parts.forms[1]["heading"].value() == "Recognition"
    content = response.content.decode()
    assert "Check the split: 6 parts" in content
    assert snapshot() == before


def test_suggested_issues_are_marked_but_never_selected(client, analyst, world):
    client.force_login(analyst)
    response = client.post(url("proposal_paste", "talks"), paste_data(world))
    parts = response.context["parts"]
    # "Transit corridor" matches "Transit through the corridor" (both words of its title);
    # "Border maps" matches "Border delimitation follows the agreed maps".
    art2, art3 = parts.forms[2], parts.forms[3]
    assert world["maps"] in art2.suggested
    assert world["corridor"] in art3.suggested
    content = response.content.decode()
    assert "Transit corridor (suggested)" in content
    assert all(not f["issue"].value() for f in parts.forms)
    assert "selected>Transit corridor" not in content
    # Saved without confirming: no issue anywhere.
    client.post(url("proposal_paste", "talks"), preview_data(response))
    proposal = Proposal.objects.get(title="Pasted treaty")
    assert not proposal.provisions.filter(issue__isnull=False).exists()


def test_paste_preview_save_with_fixed_label_and_issue(client, analyst, world):
    client.force_login(analyst)
    response = client.post(url("proposal_paste", "talks"), paste_data(world))
    data = preview_data(
        response,
        **{
            "part-3-label": "Art. 3",
            "part-1-issue": str(world["maps"].pk),
            "part-3-use_suggestion": "on",  # confirm the suggestion for Art. 3
            "part-0-DELETE": "on",  # leave the preamble out
        },
    )
    response = client.post(url("proposal_paste", "talks"), data)
    proposal = Proposal.objects.get(title="Pasted treaty")
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    provisions = list(proposal.provisions.all())
    assert [p.label for p in provisions] == [
        "Article 1",
        "Art. 2",
        "Art. 3",
        "Article 4",
        "Article 5",
    ]
    assert [p.order for p in provisions] == [1, 2, 3, 4, 5]
    assert provisions[0].issue == world["maps"]
    assert provisions[2].issue == world["corridor"]
    assert provisions[1].issue is None
    assert provisions[4].heading == "Final provisions"
    assert provisions[4].text == "This treaty enters into force on signature."
    assert proposal.citations.count() == 1
    assert proposal.history.get().history_change_reason == "Pasted draft"
    assert {p.history.get().history_change_reason for p in provisions} == {"Pasted draft"}
    assert all(p.history.get().history_user == analyst for p in provisions)


@pytest.mark.parametrize(
    "draft, message",
    [
        ("", "Paste the text of the draft."),
        ("   \n\n  ", "this one is empty"),
        ("x" * (MAX_DRAFT_CHARS + 1), "at most 500,000 characters"),
        ("word " * 220_000, "at most 500,000 characters"),  # 1.1 MB
    ],
)
def test_bad_paste_gets_a_message_next_to_the_text(client, analyst, world, draft, message):
    client.force_login(analyst)
    before = snapshot()
    response = client.post(url("proposal_paste", "talks"), paste_data(world, draft=draft))
    assert response.status_code == 200
    errors = str(response.context["paste"].errors["draft"])
    assert message.replace(",", "") in errors.replace(",", "")
    assert snapshot() == before


def test_paste_without_citation_is_refused_before_the_preview(client, analyst, world):
    client.force_login(analyst)
    response = client.post(
        url("proposal_paste", "talks"), paste_data(world, **{"cite-0-source": ""})
    )
    assert "parts" not in response.context
    assert "Cite at least one source" in response.content.decode()


def test_preview_with_an_emptied_label_or_tampered_issue_saves_nothing(client, analyst, world):
    foreign = make_issue(make_negotiation())
    client.force_login(analyst)
    response = client.post(url("proposal_paste", "talks"), paste_data(world))
    before = snapshot()
    data = preview_data(response, **{"part-1-label": " ", "part-2-issue": str(foreign.pk)})
    response = client.post(url("proposal_paste", "talks"), data)
    assert response.status_code == 200
    parts = response.context["parts"]
    assert "label" in parts.forms[1].errors
    assert "not part of this negotiation" in str(parts.forms[2].errors["issue"])
    assert snapshot() == before


def test_back_to_the_text_rebuilds_the_draft(client, analyst, world):
    client.force_login(analyst)
    response = client.post(url("proposal_paste", "talks"), paste_data(world))
    data = {**preview_data(response), "step": "back"}
    response = client.post(url("proposal_paste", "talks"), data)
    draft = response.context["paste"].initial["draft"]
    assert "Article 1 Recognition\nThe parties recognise" in draft
    assert not Proposal.objects.filter(title="Pasted treaty").exists()


def test_a_text_without_headings_is_one_provision(client, analyst, world):
    client.force_login(analyst)
    response = client.post(
        url("proposal_paste", "talks"), paste_data(world, draft="Just one paragraph.")
    )
    assert [f["label"].value() for f in response.context["parts"].forms] == ["Text"]


def test_paste_suggestions_need_a_real_match_not_one_loose_word(db):
    negotiation = make_negotiation(slug="aa", title="Armenia and Azerbaijan")
    claims = make_issue(negotiation, slug="western-azerbaijan", title="“Western Azerbaijan” claims")
    corridor = make_issue(
        negotiation,
        slug="corridor",
        title="Transit route to Nakhchivan",
        aliases="Zangezur corridor",
    )
    keywords = issue_keywords([claims, corridor], exclude=["Azerbaijan", "Armenia"])

    def suggested(text):
        return suggest_issues(text, keywords)

    assert suggested("The parties withdraw interstate claims.") == []
    assert suggested("Baku's claims on “Western Azerbaijan” are dropped.") == ["western-azerbaijan"]
    assert suggested("Opening of the Zangezur corridor") == ["corridor"]  # an alias
    assert suggested("The transit route to Nakhchivan") == ["corridor"]
    assert suggested("Transit of goods") == []
