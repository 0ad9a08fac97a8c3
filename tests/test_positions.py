"""The analyst workspace: record, correct, read positions; roles; no lost updates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Citation, Position, Source
from tests.factories import (
    add_url,
    edit_url,
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_source,
    new_position_data,
    page_queries,
)
from tests.factories import position_edit_data as edit_data


def snapshot(world):
    """Everything a refused write must leave untouched."""
    return (
        list(Position.objects.order_by("pk").values()),
        Position.history.count(),
        Citation.objects.count(),
        Source.objects.count(),
    )


# --- reading -------------------------------------------------------------------------


def test_dashboard_shows_matrix_with_stance_label_movement_and_shift_count(client, reader, world):
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "Demands a corridor without any border controls." in content
    assert 'class="stance stance-demand">Demand<' in content
    assert "hardened" in content
    assert "1 shift" in content
    assert "No position recorded" in content


def test_dashboard_principals_come_before_mediators(client, reader, world):
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    head = content[content.index("<thead>") : content.index("</thead>")]
    assert head.index("Alpha") < head.index("Beta") < head.index("Gamma")


def test_dashboard_filters_parties_and_issues(client, reader, world):
    client.force_login(reader)
    url = world["negotiation"].get_absolute_url()
    content = client.get(url, {"party": "beta", "issue": "maps"}).content.decode()
    table = content[content.index('class="matrix"') :]
    assert "Beta" in table and "Border maps" in table
    assert "Alpha" not in table.split("</table>")[0]
    assert "Transit corridor" not in table.split("</table>")[0]


def test_dashboard_can_hide_empty_rows_and_columns(client, reader, world):
    # Alpha has positions on the corridor only; Beta and Gamma none, the maps none.
    client.force_login(reader)
    url = world["negotiation"].get_absolute_url()
    response = client.get(url, {"empty": "hide"})
    assert [c.party.slug for c in response.context["columns"]] == ["alpha"]
    assert [r.issue.slug for r in response.context["rows"]] == ["corridor"]
    table = response.content.decode().split('class="matrix"')[1].split("</table>")[0]
    assert "No position recorded" not in table and "Border maps" not in table
    # Shown in full otherwise, and with chosen parties the emptiness is theirs.
    full = client.get(url).context
    assert len(full["columns"]) == 3 and len(full["rows"]) == 2
    chosen = client.get(url, {"empty": "hide", "party": ["beta", "gamma"]}).context
    assert chosen["columns"] == [] and chosen["rows"] == []


def test_reader_sees_no_edit_controls(client, reader, world):
    client.force_login(reader)
    for url in (
        world["negotiation"].get_absolute_url(),
        reverse("negotiations:thread", args=["talks", "corridor", "alpha"]),
        reverse("negotiations:issue", args=["talks", "corridor"]),
        reverse("negotiations:party", args=["talks", "alpha"]),
    ):
        content = client.get(url).content.decode()
        assert "Record a position" not in content and "Correct this statement" not in content
        assert "/positions/new/" not in content and "/edit/" not in content


def test_analyst_sees_record_links_in_empty_cells(client, analyst, world):
    client.force_login(analyst)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    assert "/positions/new/?party=beta&amp;issue=corridor" in content


def test_thread_shows_word_diff_between_statements_and_record_history(client, analyst, world):
    client.force_login(analyst)
    url = reverse("negotiations:thread", args=["talks", "corridor", "alpha"])
    content = client.get(url).content.decode()
    assert "Demands a corridor without <ins>any border </ins>controls." in content
    assert "Hardened" in content
    assert "Record history" in content


def test_thread_history_shows_labels_not_ids(client, analyst, world):
    client.force_login(analyst)
    position = world["second"]
    client.post(edit_url(position), edit_data(position, stance="red_line", party=world["alpha"].pk))
    content = client.get(
        reverse("negotiations:thread", args=["talks", "corridor", "alpha"])
    ).content.decode()
    assert "<td>Demand</td><td>Red line</td>" in content
    assert "red_line" not in content.replace("stance-red_line", "")


def test_party_page_lists_current_positions_by_issue(client, reader, world):
    client.force_login(reader)
    content = client.get(reverse("negotiations:party", args=["talks", "alpha"])).content.decode()
    assert "Demands a corridor without any border controls." in content
    assert "Border maps" in content and "No position recorded" in content


def test_issue_page_lists_each_partys_sequence(client, reader, world):
    client.force_login(reader)
    content = client.get(reverse("negotiations:issue", args=["talks", "corridor"])).content.decode()
    assert content.index("Demands a corridor without controls.") < content.index(
        "Demands a corridor without any border controls."
    )
    assert "(current)" in content


def test_party_outside_negotiation_has_no_thread(client, reader, world):
    client.force_login(reader)
    outsider = make_party()
    url = reverse("negotiations:thread", args=["talks", "corridor", outsider.slug])
    assert client.get(url).status_code == 404


# --- recording -----------------------------------------------------------------------


def test_analyst_records_position_with_existing_source(client, analyst, world):
    client.force_login(analyst)
    response = client.post(add_url(world), new_position_data(world))
    assert response.status_code == 302
    position = Position.objects.get(summary="Wants the 1975 Soviet maps.")
    # Read as written: the last third of December, not "about December" (issue #14).
    assert str(position.partial_date) == "late Dec 2023"
    assert (position.date, position.date_end) == (
        datetime.date(2023, 12, 21),
        datetime.date(2023, 12, 31),
    )
    assert position.movement == "new"  # suggested: nothing before
    citation = position.citations.get()
    assert (citation.source, citation.locator) == (world["source"], "para. 4")
    record = position.history.get()
    assert record.history_user == analyst


def test_analyst_records_position_with_new_source(client, analyst, world):
    client.force_login(analyst)
    data = new_position_data(
        world,
        **{
            "cite-0-source": "",
            "cite-0-new_source_title": "Press conference",
            "cite-0-new_source_kind": "official_statement",
            "cite-0-new_source_reliability": "B",
            "cite-0-new_source_language": "hy",
            "cite-0-new_source_date": "2024-01-19",
        },
    )
    response = client.post(add_url(world), data)
    assert response.status_code == 302
    source = Source.objects.get(title="Press conference")
    assert str(source.partial_date) == "19 Jan 2024"
    assert (source.reliability, source.language) == ("B", "hy")
    assert (
        Position.objects.get(summary="Wants the 1975 Soviet maps.").citations.get().source == source
    )
    assert source.history.get().history_user == analyst


def test_movement_is_suggested_from_previous_statement(client, analyst, world):
    client.force_login(analyst)
    data = new_position_data(
        world, party=world["alpha"].pk, issue=world["corridor"].pk, stance="red_line",
        when="2024-03",
    )  # fmt: skip
    client.post(add_url(world), data)
    assert Position.objects.get(summary="Wants the 1975 Soviet maps.").movement == "hardened"


def test_form_shows_previous_position_beside_it(client, analyst, world):
    client.force_login(analyst)
    response = client.get(add_url(world), {"party": "alpha", "issue": "corridor"})
    content = response.content.decode()
    assert "Previous statement" in content
    assert "Demands a corridor without any border controls." in content


def test_previous_statement_json_follows_party_and_issue(client, analyst, world):
    client.force_login(analyst)
    url = reverse("negotiations:previous_statement", args=["talks"])
    alpha, beta, corridor, maps = world["alpha"], world["beta"], world["corridor"], world["maps"]
    found = client.get(url, {"party": alpha.pk, "issue": corridor.pk}).json()
    assert found["found"] is True
    assert "Demands a corridor without any border controls." in found["html"]
    assert "Alpha on Transit corridor" in found["html"]
    none = client.get(url, {"party": beta.pk, "issue": maps.pk}).json()
    assert none["found"] is False and "Beta has no statement on Border maps yet" in none["html"]
    assert "Choose a party" in client.get(url, {"party": alpha.pk}).json()["html"]
    assert client.get(url, {"party": "x", "issue": corridor.pk}).status_code == 400
    # A party of another negotiation is no party here.
    other = make_party(make_negotiation(slug="other"), slug="delta")
    assert client.get(url, {"party": other.pk, "issue": corridor.pk}).json()["found"] is False


def test_previous_statement_json_escapes_what_users_typed(client, reader, world):
    position = world["second"]
    position.summary = "<img src=x onerror=alert(1)>"
    position.save()
    client.force_login(reader)
    url = reverse("negotiations:previous_statement", args=["talks"])
    html = client.get(url, {"party": world["alpha"].pk, "issue": world["corridor"].pk}).json()
    assert "<img" not in html["html"] and "&lt;img" in html["html"]


def test_record_form_loads_the_previous_statement_script(client, analyst, world):
    client.force_login(analyst)
    content = client.get(add_url(world)).content.decode()
    assert 'src="/static/previous_statement.js"' in content
    assert 'data-previous-url="/n/talks/positions/previous.json"' in content


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"cite-0-source": ""}, "Cite at least one source"),
        ({"cite-0-source": "999999"}, "No source matches “999999” (it may have been removed)"),
        ({"when": "sometime soon"}, "Cannot read “sometime soon” as a date"),
        (
            {"when": "late Smarch 2023"},
            "Stated on: Cannot read “late Smarch 2023” as a date. “smarch” is not a month.",
        ),
        (
            {"when": "31 Feb 2024"},
            "Stated on: Cannot read “31 Feb 2024” as a date. February 2024 has 29 days.",
        ),
        (
            {"when": "between 11 and 8 Aug 2025"},
            "Stated on: Cannot read “between 11 and 8 Aug "
            "2025” as a date. The range ends before it starts.",
        ),
        ({"when": ""}, "This field is required"),
        ({"summary": "   "}, "This field is required"),
        ({"party": "999999"}, "That party does not take part in this negotiation."),
        ({"cite-0-source": "", "cite-0-new_source_title": "A title"}, "Say what kind of source"),
        # A new source's reliability and language are chosen, never assumed.
        (
            {
                "cite-0-source": "",
                "cite-0-new_source_title": "A title",
                "cite-0-new_source_kind": "leak",
            },
            "reliability (F when it cannot be judged)",
        ),
        (
            {
                "cite-0-source": "",
                "cite-0-new_source_title": "A title",
                "cite-0-new_source_kind": "leak",
            },
            "language (“und” when not known)",
        ),
        (
            {
                "cite-0-source": "",
                "cite-0-new_source_title": "T",
                "cite-0-new_source_language": "English",
            },
            "Give a language code such as en",
        ),
    ],
)
def test_invalid_position_shows_message_and_saves_nothing(
    client, analyst, world, overrides, field_message
):
    client.force_login(analyst)
    before = snapshot(world)
    response = client.post(add_url(world), new_position_data(world, **overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert snapshot(world) == before


def test_a_date_is_kept_as_written_and_the_form_shows_how_it_was_read(client, analyst, world):
    client.force_login(analyst)
    data = new_position_data(world, when="8–11 August 2025", when_inferred="on")
    assert client.post(add_url(world), data).status_code == 302
    position = Position.objects.get(summary="Wants the 1975 Soviet maps.")
    assert str(position.partial_date) == "between 8 and 11 Aug 2025 (inferred)"
    assert (position.date_qualifier, position.date_inferred) == ("between", True)
    assert position.date_as_written == "8–11 August 2025"
    content = client.get(edit_url(position)).content.decode()
    assert 'value="8–11 August 2025"' in content  # the words typed, not a normal form
    assert "Read as “between 8 and 11 Aug 2025 (inferred)”: 8 Aug 2025 to 11 Aug 2025." in content
    assert 'name="when_inferred"' in content and "checked" in content


def test_a_question_mark_marks_the_date_inferred(client, analyst, world):
    client.force_login(analyst)
    assert (
        client.post(add_url(world), new_position_data(world, when="Jan 2024?")).status_code == 302
    )
    position = Position.objects.get(summary="Wants the 1975 Soviet maps.")
    assert position.date_inferred and str(position.partial_date) == "Jan 2024 (inferred)"


def test_party_not_in_negotiation_is_refused(client, analyst, world):
    client.force_login(analyst)
    outsider = make_party(name="Outsider")
    before = snapshot(world)
    response = client.post(add_url(world), new_position_data(world, party=outsider.pk))
    assert "That party does not take part in this negotiation." in response.content.decode()
    assert snapshot(world) == before


# --- correcting ----------------------------------------------------------------------


def test_correction_requires_a_reason(client, analyst, world):
    client.force_login(analyst)
    position = world["first"]
    before = snapshot(world)
    response = client.post(edit_url(position), edit_data(position, change_reason=""))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert snapshot(world) == before


def test_correction_is_stored_with_reason_and_user(client, analyst, world):
    client.force_login(analyst)
    position = world["first"]
    response = client.post(
        edit_url(position),
        edit_data(position, when="2024-01-11", change_reason="wrong date per the transcript"),
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.date == datetime.date(2024, 1, 11)
    assert position.version == 2
    record = position.history.first()
    assert (record.history_user, record.history_change_reason) == (
        analyst, "wrong date per the transcript",
    )  # fmt: skip


def test_second_save_from_same_version_gets_conflict_page(client, analyst, editor, world):
    position = world["first"]
    opened = edit_data(position)  # both open the form at version 1
    client.force_login(editor)
    first = client.post(
        edit_url(position),
        {**opened, "summary": "Editor's wording.", "change_reason": "editor fix"},
    )
    assert first.status_code == 302
    client.force_login(analyst)
    second = client.post(
        edit_url(position),
        {**opened, "summary": "Analyst's wording.", "change_reason": "analyst fix"},
    )
    content = second.content.decode()
    assert second.status_code == 409
    assert "Someone else saved this first" in content
    assert "Editor&#x27;s wording." in content or "Editor's wording." in content
    assert "Analyst" in content
    assert 'name="version" value="2"' in content
    position.refresh_from_db()
    assert position.summary == "Editor's wording."
    reasons = list(position.history.values_list("history_change_reason", flat=True))
    assert reasons == ["editor fix", "test"]
    # Re-applying on top of theirs works and is recorded.
    third = client.post(
        edit_url(position),
        {**opened, "version": 2, "summary": "Analyst's wording.", "change_reason": "analyst fix"},
    )
    assert third.status_code == 302
    position.refresh_from_db()
    assert position.summary == "Analyst's wording." and position.version == 3


def test_editor_deletes_position_with_reason_kept_in_history(client, editor, world):
    client.force_login(editor)
    position = world["second"]
    url = reverse("negotiations:position_delete", args=[position.pk])
    response = client.post(url, {"change_reason": "duplicate entry"})
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    record = Position.history.filter(id=position.pk).first()
    assert (record.history_type, record.history_change_reason) == ("-", "duplicate entry")


def test_delete_without_reason_keeps_the_position(client, editor, world):
    client.force_login(editor)
    position = world["second"]
    client.post(reverse("negotiations:position_delete", args=[position.pk]), {})
    assert Position.objects.filter(pk=position.pk).exists()


# --- permissions: every view × role × method ------------------------------------------


def write_urls(world):
    p = world["first"]
    return [
        (add_url(world), new_position_data(world)),
        (edit_url(p), edit_data(p, summary="changed")),
        (reverse("negotiations:position_delete", args=[p.pk]), {"change_reason": "x"}),
    ]


def read_urls(world):
    return [
        world["negotiation"].get_absolute_url(),
        reverse("negotiations:thread", args=["talks", "corridor", "alpha"]),
        reverse("negotiations:issue", args=["talks", "corridor"]),
        reverse("negotiations:party", args=["talks", "alpha"]),
        reverse("negotiations:snapshot", args=["talks"]) + "?a=2024-01&b=2024-02",
    ]


@pytest.mark.parametrize("role", ["reader", "analyst", "editor"])
def test_every_role_can_read_every_page(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in read_urls(world):
        assert client.get(url).status_code == 200, url


def test_stranger_can_read_nothing(client, world, stranger):
    client.force_login(stranger)
    for url in read_urls(world):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["reader", "stranger"])
def test_reader_and_stranger_cannot_write(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    before = snapshot(world)
    for url, data in write_urls(world):
        assert client.post(url, data).status_code == 403, url
        if not url.endswith("/delete/"):
            assert client.get(url).status_code == 403, url
    assert snapshot(world) == before


def test_anonymous_cannot_write(client, world):
    before = snapshot(world)
    for url, data in write_urls(world):
        response = client.post(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert snapshot(world) == before


def test_analyst_can_record_and_correct_but_not_delete(client, analyst, world):
    client.force_login(analyst)
    (add, add_data), (edit, data), (delete, delete_data) = write_urls(world)
    assert client.get(add).status_code == 200
    assert client.post(add, add_data).status_code == 302
    assert client.get(edit).status_code == 200
    assert client.post(edit, data).status_code == 302
    assert client.post(delete, delete_data).status_code == 403
    assert Position.objects.filter(pk=world["first"].pk).exists()


def test_editor_can_do_every_write(client, editor, world):
    client.force_login(editor)
    for url, data in write_urls(world):
        assert client.post(url, data).status_code == 302, url


def test_delete_needs_post(client, editor, world):
    client.force_login(editor)
    url = reverse("negotiations:position_delete", args=[world["first"].pk])
    assert client.get(url).status_code == 405


# --- query counts do not grow with data ------------------------------------------------


# (a correction's save, a new statement's save). PostgreSQL adds the advisory lock the
# kept state's refresh takes per issue (negotiations/current.py).
SAVE_QUERIES = {"sqlite": (20, 23), "postgresql": (21, 24)}


def grow(world, per_cell):
    parties = [world["alpha"], world["beta"], world["gamma"]]
    source = make_source()
    for issue in (world["corridor"], world["maps"]):
        for party in parties:
            for day in range(per_cell):
                make_position(issue, party, source, date=datetime.date(2022, 1, 1 + day))


PAGES = {
    "dashboard": lambda w: w["negotiation"].get_absolute_url(),
    "thread": lambda w: reverse("negotiations:thread", args=["talks", "corridor", "alpha"]),
    "party": lambda w: reverse("negotiations:party", args=["talks", "alpha"]),
    "issue": lambda w: reverse("negotiations:issue", args=["talks", "corridor"]),
    "snapshot": lambda w: (
        reverse("negotiations:snapshot", args=["talks"]) + "?a=2022-01-02&b=2024-12"
    ),
    "snapshot-recorded": lambda w: (
        reverse("negotiations:snapshot", args=["talks"])
        + f"?mode=recorded&a=2020&b={datetime.date.today().year + 1}"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_is_the_same_with_3_and_30_positions_per_cell(
    client, analyst, world, page
):
    client.force_login(analyst)
    url = PAGES[page](world)
    grow(world, 3)
    small = page_queries(client, url)
    grow(world, 27)
    assert page_queries(client, url) == small


def write_queries(client, world, n):
    """(queries of a correction's save, queries of a new statement's save), savepoints
    aside: the forms as an analyst posts them."""
    position = Position.objects.get(pk=world["first"].pk)
    counts = []
    writes = [
        (edit_url(position), edit_data(position, summary=f"Corrected, take {n}.")),
        (add_url(world), new_position_data(world, summary=f"Maps, take {n}.")),
    ]
    for url, data in writes:
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url, data).status_code == 302, url
        counts.append(sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]))
    return tuple(counts)


def test_saves_run_the_same_queries_with_3_and_30_positions_per_cell(client, analyst, world):
    """No write reads data in proportion to the negotiation (#18 item 5): the kept
    current state, revisions and citations are written for the thread saved only."""
    client.force_login(analyst)
    write_queries(client, world, 0)  # content types, the session: loaded once
    grow(world, 3)
    small = write_queries(client, world, 1)
    grow(world, 27)
    assert write_queries(client, world, 2) == small
    assert small == SAVE_QUERIES[connection.vendor]


def test_dashboard_matrix_handles_30_issues_by_12_parties(
    client, analyst, world, django_assert_max_num_queries
):
    client.force_login(analyst)
    negotiation = world["negotiation"]
    parties = [make_party(negotiation) for _ in range(9)]
    issues = [make_issue(negotiation) for _ in range(28)]
    source = make_source()
    for issue in issues[::3]:
        for party in parties[::2]:
            make_position(issue, party, source)
    with django_assert_max_num_queries(16):
        response = client.get(negotiation.get_absolute_url())
    assert response.content.decode().count('class="cell') == 30 * 12


def test_issue_page_shows_twenty_parties_at_a_time_speakers_first(client, reader, world):
    negotiation = world["negotiation"]
    late = [make_party(negotiation, name=f"Late party {n}") for n in range(25)]
    make_position(world["corridor"], late[-1], summary="The last party has spoken.")
    client.force_login(reader)
    url = reverse("negotiations:issue", args=["talks", "corridor"])
    first = client.get(url)
    names = [cell.party.name for cell, _, _ in first.context["sequences"]]
    assert len(names) == 20
    assert names[:2] == ["Alpha", "Late party 24"]  # those who have spoken come first
    assert "The last party has spoken." in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["sequences"]) == 8


def test_conflict_page_keeps_the_citation_you_were_adding(client, analyst, editor, world):
    position = world["first"]
    opened = edit_data(position)
    client.force_login(editor)
    client.post(edit_url(position), {**opened, "summary": "Editor's.", "change_reason": "fix"})
    client.force_login(analyst)
    response = client.post(
        edit_url(position),
        {**opened, "cite-0-source": world["source"].pk, "cite-0-locator": "para. 99"},
    )
    assert response.status_code == 409
    assert 'value="para. 99"' in response.content.decode()


# --- long threads (issue #12, item 7) ---------------------------------------------------


def long_thread(world, n):
    source = make_source()
    for day in range(n):
        make_position(
            world["corridor"],
            world["gamma"],
            source,
            summary=f"Statement number {day} on the corridor.",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=day),
        )
    return reverse("negotiations:thread", args=["talks", "corridor", "gamma"])


def test_a_long_thread_is_paginated_latest_statements_first(client, reader, world):
    """Fails on the old main: every statement of a thread was on one page (2,000 took
    15.6 s), however many there were."""
    url = long_thread(world, 120)
    client.force_login(reader)
    latest = client.get(url)
    steps = latest.context["steps"]
    assert len(steps) == 20 and latest.context["page"].number == 3
    assert steps[-1].position.summary == "Statement number 119 on the corridor."
    # The page's first statement is compared with the one before it, on another page.
    assert steps[0].previous.summary == "Statement number 99 on the corridor."
    assert "Earlier statements" in latest.content.decode()
    first = client.get(url, {"page": 1})
    assert [s.position.summary for s in first.context["steps"]][:1] == [
        "Statement number 0 on the corridor."
    ]
    assert first.context["steps"][0].previous is None
    assert len(first.context["steps"]) == 50


def test_a_thread_page_costs_the_same_queries_however_long_the_thread(client, reader, world):
    url = long_thread(world, 60)
    client.force_login(reader)
    small = page_queries(client, url)
    long_thread(world, 60)
    assert page_queries(client, url) == small


def test_the_issue_page_lists_each_partys_latest_statements_only(client, reader, world):
    """Fails on the old main: the issue page listed every statement of every party."""
    long_thread(world, 45)
    client.force_login(reader)
    response = client.get(reverse("negotiations:issue", args=["talks", "corridor"]))
    (gamma,) = [seq for cell, seq, _ in response.context["sequences"] if cell.party.slug == "gamma"]
    assert len(gamma) == 20
    assert gamma[-1].summary == "Statement number 44 on the corridor."
    assert "25 earlier ones in" in response.content.decode()
