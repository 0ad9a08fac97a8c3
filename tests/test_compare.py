"""Comparing two proposals: alignment, word diffs, summary counts, issue coverage."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiations.models import Issue, Negotiation, Proposal, Provision, ProvisionPairing
from negotiations.text import compare as comparing
from negotiations.text.drafts import CONTENT_FLOOR, LABEL_FLOOR, normalise_label
from tests.factories import (
    make_issue,
    make_negotiation,
    make_proposal,
    make_provision,
    page_queries,
)

LONG = "The parties shall open all transport links across their common border for goods"


def compare_url(slug="talks", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("negotiations:compare", args=[slug]) + (f"?{query}" if query else "")


@pytest.fixture
def pair(world):
    a = make_proposal(world["negotiation"], world["alpha"], slug="a", title="Draft A")
    b = make_proposal(world["negotiation"], world["beta"], slug="b", title="Draft B", responds_to=a)
    return {**world, "a": a, "b": b}


# --- the seeded drafts ----------------------------------------------------------------


def test_seeded_december_and_january_drafts_are_described_only_and_compare_by_issue(
    client, reader, seeded
):
    """Issue #15: the old seeds gave the two drafts seven invented articles, which this page
    diffed. The article only reports that they were sent: no words, so no word diff."""
    client.force_login(reader)
    response = client.get(compare_url("armenia-azerbaijan", b="am-proposal-2024-01-04"))
    assert response.status_code == 200
    assert response.context["a"].slug == "az-proposal-2023-12"  # default: what B responds to
    assert response.context["comparison"] is None
    lines = response.context["issue_lines"]
    assert len(lines) == Issue.objects.filter(negotiation__slug="armenia-azerbaijan").count()
    assert not any(line.addressed_a or line.addressed_b for line in lines)
    assert "Art. 1" not in response.content.decode()


def seeded_texts():
    """Two texts in the seeded negotiation, B answering A, shaped as the seeds' drafts once
    were (their articles were invented, #15): Art. 1-3 reworded, Art. 4 added in B."""
    negotiation = Negotiation.objects.get(slug="armenia-azerbaijan")
    issue = {i.slug: i for i in negotiation.issues.all()}
    a = make_proposal(negotiation, slug="text-a", title="Text A")
    b = make_proposal(negotiation, slug="text-b", title="Text B", responds_to=a)
    articles = [
        ("Territorial integrity", "alma-ata-basis",
         "The Parties recognise each other's territorial integrity in general terms.",
         "The Parties recognise each other's territorial integrity in accordance with the "
         "1991 Alma-Ata Declaration."),
        ("Border delimitation", "delimitation-maps",
         "Border delimitation and demarcation are left to later talks, with no maps named.",
         "Border delimitation and demarcation follow agreed principles and named maps."),
        ("Transit to Nakhchivan", "corridor-border-controls",
         "Goods crossing between mainland Azerbaijan and Nakhchivan pass without controls.",
         "Goods crossing between mainland Azerbaijan and Nakhchivan pass the controls of "
         "the state whose territory they cross."),
    ]  # fmt: skip
    for n, (heading, slug, text_a, text_b) in enumerate(articles, start=1):
        for proposal, text in ((a, text_a), (b, text_b)):
            make_provision(
                proposal, label=f"Art. {n}", heading=heading, issue=issue[slug], text=text, order=n
            )
    make_provision(
        b,
        label="Art. 4",
        heading="Troop withdrawal",
        issue=issue["troop-withdrawal"],
        text="Troops withdraw from the areas of the other Party they hold.",
        order=4,
    )
    return a, b


def test_seeded_negotiation_texts_compare_with_the_right_counts(client, reader, seeded):
    # text-a has Art. 1-3, text-b has Art. 1-4 (it responds to the former). Every text of
    # Art. 1-3 differs (reworded), Art. 4 is new; nothing is identical, removed or moved.
    seeded_texts()
    client.force_login(reader)
    response = client.get(compare_url("armenia-azerbaijan", b="text-b"))
    assert response.status_code == 200
    assert response.context["a"].slug == "text-a"  # default: what B responds to
    comparison = response.context["comparison"]
    assert comparison.counts == {
        "unchanged": 0,
        "reworded": 3,
        "added": 1,
        "removed": 0,
        "moved": 0,
    }
    assert [(r.status, r.b.label if r.b else None) for r in comparison.rows] == [
        ("reworded", "Art. 1"),
        ("reworded", "Art. 2"),
        ("reworded", "Art. 3"),
        ("added", "Art. 4"),
    ]
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert len(coverage) == seeded.issues.count()  # every issue of the negotiation
    assert coverage["alma-ata-basis"] == "changed"
    assert coverage["delimitation-maps"] == "changed"
    assert coverage["corridor-border-controls"] == "changed"
    assert coverage["troop-withdrawal"] == "added"
    assert {
        s
        for slug, s in coverage.items()
        if slug
        not in {
            "alma-ata-basis",
            "delimitation-maps",
            "corridor-border-controls",
            "troop-withdrawal",
        }
    } == {"none"}
    assert comparison.issue_counts == {
        "changed": 3,
        "unchanged": 0,
        "added": 1,
        "dropped": 0,
        "none": seeded.issues.count() - 4,
    }
    content = response.content.decode()
    for cell in (
        '<td data-status="unchanged">0</td>',
        '<td data-status="reworded">3</td>',
        '<td data-status="added">1</td>',
        '<td data-status="removed">0</td>',
        '<td data-status="moved">0</td>',
    ):
        assert cell in content
    assert "Newly addressed in B" in content and "Not addressed" in content


def test_seeded_negotiation_texts_reversed_show_removed_and_dropped(client, reader, seeded):
    seeded_texts()
    client.force_login(reader)
    response = client.get(compare_url("armenia-azerbaijan", a="text-b", b="text-a"))
    comparison = response.context["comparison"]
    assert comparison.counts["removed"] == 1 and comparison.counts["reworded"] == 3
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert coverage["troop-withdrawal"] == "dropped"


# --- alignment and diffs on the page -----------------------------------------------------


def test_reworded_pair_shows_a_word_diff_inline_and_side_by_side(client, reader, pair):
    make_provision(pair["a"], label="Article IV", text="Troops withdraw within a year.")
    make_provision(pair["b"], label="Art. 4", text="Troops withdraw within a month.")
    client.force_login(reader)
    inline = client.get(compare_url(a="a", b="b")).content.decode()
    assert "Troops withdraw within a <del>year.</del><ins>month.</ins>" in inline
    assert "A: Article IV → B: Art. 4" in inline  # aligned by normalised label
    side = client.get(compare_url(a="a", b="b", view="side")).content.decode()
    assert '<table class="side-by-side">' in side
    assert "Troops withdraw within a <del>year.</del></td>" in side
    assert "Troops withdraw within a <ins>month.</ins></td>" in side
    # The toggle is remembered in the URL, with A and B.
    assert 'href="/n/talks/compare/?a=a&amp;b=b&amp;view=side"' in inline
    assert 'href="/n/talks/compare/?a=a&amp;b=b&amp;view=inline"' in side


def test_added_removed_and_moved_provisions_are_marked(client, reader, pair):
    corridor = pair["corridor"]
    make_provision(pair["a"], label="Art. 1", text=LONG + " one.", order=1)
    make_provision(pair["a"], label="Art. 2", text="Dropped clause about fishing rights.", order=2)
    make_provision(pair["a"], label="Art. 3", text="Final clause on entry into force now.", order=3)
    make_provision(pair["b"], label="Art. 1", text="Final clause on entry into force now.", order=1)
    make_provision(
        pair["b"], label="Art. 9", text="New clause on guarantees.", order=2, issue=corridor
    )
    make_provision(pair["b"], label="Art. 3", text=LONG + " one.", order=3)
    client.force_login(reader)
    response = client.get(compare_url(a="a", b="b"))
    comparison = response.context["comparison"]
    statuses = sorted(r.status for r in comparison.rows)
    assert statuses.count("moved") >= 1
    assert "added" in statuses and "removed" in statuses
    content = response.content.decode()
    assert '<span class="cmp-status">Moved</span>' in content
    assert '<span class="cmp-status">Added</span>' in content
    assert '<span class="cmp-status">Removed</span>' in content
    assert "Only in A." in content and "Only in B." in content
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert coverage["corridor"] == "added"


def test_hostile_text_is_escaped_in_both_views(client, reader, pair):
    hostile = '<script>alert(1)</script> "onerror=alert(2) <img src=x onerror=alert(3)>'
    make_provision(pair["a"], label="<b>Art. 1</b>", heading="<i>h</i>", text=hostile)
    make_provision(
        pair["b"],
        label="<b>Art. 1</b>",
        heading="<i>x</i>",
        text=hostile + " <script>more()</script>",
    )
    make_provision(pair["b"], label='"onerror=', text=hostile)
    pair["b"].title = "<script>alert(4)</script>"
    pair["b"].save()
    client.force_login(reader)
    for view in ("inline", "side"):
        content = client.get(compare_url(a="a", b="b", view=view)).content.decode()
        assert "<script>" not in content.split("</head>")[1]
        assert '"onerror=' not in content
        assert "<img" not in content
        assert "<b>Art. 1</b>" not in content and "<i>h</i>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_unchanged_pairs_show_the_text_once(client, reader, pair):
    make_provision(pair["a"], label="Art. 1", text="Same words.")
    make_provision(pair["b"], label="Art. 1", text="Same   words.")  # whitespace only
    client.force_login(reader)
    response = client.get(compare_url(a="a", b="b"))
    assert response.context["comparison"].counts["unchanged"] == 1
    assert "<del>" not in response.content.decode().split("<article", 1)[1]


# --- choosing A and B ------------------------------------------------------------------


def test_compare_page_without_choice_offers_the_form(client, reader, pair):
    client.force_login(reader)
    response = client.get(compare_url())
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert 'name="a"' in response.content.decode()


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"a": "a", "b": "nope"}, "b", "no such proposal"),
        ({"a": "nope", "b": "b"}, "a", "no such proposal"),
        ({"a": "a", "b": "a"}, "b", "two different"),
        ({"b": "a"}, "a", "responds to no other proposal"),
    ],
)
def test_bad_choices_get_a_message_not_an_error(client, reader, pair, params, field, message):
    client.force_login(reader)
    response = client.get(compare_url(**params))
    assert response.status_code == 200
    assert message in response.context["errors"][field]
    assert response.context["comparison"] is None


def test_proposals_of_another_negotiation_cannot_be_compared(client, reader, pair):
    elsewhere = make_proposal(make_negotiation(), slug="elsewhere")
    client.force_login(reader)
    response = client.get(compare_url(a=elsewhere.slug, b="b"))
    assert "no such proposal" in response.context["errors"]["a"]


def test_issue_of_an_edited_provision_shows_as_changed(client, reader, pair):
    make_provision(pair["a"], label="Art. 1", text="Same words.", issue=pair["corridor"])
    make_provision(pair["b"], label="Art. 1", text="Same words.", issue=pair["maps"])
    client.force_login(reader)
    response = client.get(compare_url(a="a", b="b"))
    comparison = response.context["comparison"]
    row = comparison.rows[0]
    assert row.issue_changed
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert coverage == {"corridor": "dropped", "maps": "added"}
    assert "Issues: Transit corridor → Border maps." in response.content.decode()


def test_diff_follows_an_edit_of_a_provision(client, reader, pair):
    make_provision(pair["a"], label="Art. 1", text="Open the corridor.")
    provision = make_provision(pair["b"], label="Art. 1", text="Close the corridor.")
    client.force_login(reader)
    assert "<ins>Close </ins>" in client.get(compare_url(a="a", b="b")).content.decode()
    provision.text = "Shut the corridor."
    provision._change_reason = "typo"
    provision.save()
    assert "<ins>Shut </ins>" in client.get(compare_url(a="a", b="b")).content.decode()


# --- query count and print -------------------------------------------------------------


@pytest.mark.parametrize("view", ["inline", "side"])
def test_compare_query_count_does_not_grow_with_provisions(
    client, reader, pair, django_assert_max_num_queries, view
):
    issues = [make_issue(pair["negotiation"]) for _ in range(3)]

    def add(n, start):
        for i in range(start, start + n):
            make_provision(
                pair["a"],
                label=f"Art. {i}",
                text=f"Clause {i} of A, old words.",
                issue=issues[i % 3],
                order=i,
            )
            make_provision(
                pair["b"],
                label=f"Art. {i}",
                text=f"Clause {i} of B, new words.",
                issue=issues[(i + 1) % 3],
                order=i,
            )
        make_provision(pair["b"], label=f"Extra {start}", text="Only in B.", order=999)

    add(3, 1)
    target = compare_url(a="a", b="b", view=view)
    client.force_login(reader)
    small = page_queries(client, target)
    assert client.get(target).content.decode().count('<article class="cmp cmp-') == 4
    add(27, 4)
    assert page_queries(client, target) == small
    assert client.get(target).content.decode().count('<article class="cmp cmp-') == 32


def test_compare_prints_cleanly(client, reader, pair):
    from django.contrib.staticfiles import finders

    with open(finders.find("redline.css"), encoding="utf-8") as f:
        css = f.read()
    tail = css.split("/* proposals and compare */", 1)[1]
    block = tail[tail.index("@media print") :]
    # This @media print block itself hides the choosers (a rule with .compare-choose).
    rules = re.findall(r"^\s*([^{}\n]+?)\s*\{([^{}]*)\}", block[: block.index("\n}")], re.M)
    assert any(
        ".compare-choose" in {s.strip() for s in selectors.split(",")}
        and re.search(r"display:\s*none", body)
        for selectors, body in rules
    ), rules
    assert re.search(r"break-inside:\s*avoid", block)
    make_provision(pair["a"], label="Art. 1", text="x")
    client.force_login(reader)
    content = client.get(compare_url(a="a", b="b")).content.decode()
    # The choosers and toggles are marked so print hides them; the summary is not.
    assert 'class="compare-choose no-print"' in content
    assert '<section class="compare-summary"' in content


def test_reader_can_compare_and_only_analysts_see_edit_links(client, reader, pair):
    client.force_login(reader)
    assert client.get(compare_url(a="a", b="b")).status_code == 200
    assert Proposal.objects.count() == 2


# --- caching and the choosers -------------------------------------------------------------


class CountingCache:
    """The real cache, counting round trips."""

    def __init__(self, cache):
        self.cache, self.calls = cache, []

    def __getattr__(self, name):
        method = getattr(self.cache, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.mark.parametrize("view", ["inline", "side"])
def test_alignment_and_diffs_come_from_the_cache_in_two_round_trips(pair, monkeypatch, view):
    from django.core.cache import cache

    from negotiations.text import compare

    for i in range(20):
        make_provision(pair["a"], label=f"Art. {i}", text=f"Old clause {i} of A.", order=i)
        make_provision(pair["b"], label=f"Art. {i}", text=f"New clause {i} of B.", order=i)
    a = list(pair["a"].provisions.order_by("order"))
    b = list(pair["b"].provisions.order_by("order"))
    counting = CountingCache(cache)
    monkeypatch.setattr(compare, "_cache", lambda: counting)
    first = compare.build(a, b, [], view=view)
    assert sorted(counting.calls) == ["get", "get_many", "set", "set_many"]
    uncached = compare.build(a, b, [], view=view, cache=False)
    assert [(r.inline, r.left) for r in uncached.rows] == [(r.inline, r.left) for r in first.rows]
    counting.calls.clear()
    aligned = []
    monkeypatch.setattr(compare, "align", lambda *args: aligned.append(args) or [])
    again = compare.build(a, b, [], view=view)
    assert aligned == [] and sorted(counting.calls) == ["get", "get_many"]
    assert [(r.status, r.a, r.b, r.inline, r.left, r.right) for r in again.rows] == [
        (r.status, r.a, r.b, r.inline, r.left, r.right) for r in first.rows
    ]
    assert again.counts == first.counts and first.counts["reworded"] == 20


def test_an_edited_provision_is_aligned_and_diffed_afresh(pair):
    from negotiations.text import compare

    make_provision(pair["a"], label="Art. 1", text="Open the corridor.")
    provision = make_provision(pair["b"], label="Art. 1", text="Open the corridor.")
    a, b = list(pair["a"].provisions.all()), [provision]
    assert compare.build(a, b, []).counts["unchanged"] == 1
    provision.label, provision.text = "Art. 9", "Close every border crossing for good."
    provision._change_reason = "edit"
    provision.save()
    comparison = compare.build(a, [provision], [])
    assert comparison.counts["unchanged"] == 0


def test_choosers_escape_titles_and_select_the_compared_drafts(client, reader, pair):
    make_proposal(pair["negotiation"], slug="c", title='<b>"Hostile" & co</b>')
    client.force_login(reader)
    content = client.get(compare_url(a="a", b="b")).content.decode()
    chooser_a = content[content.index('<select name="a"') : content.index("</select>")]
    assert '<option value="a" selected>Draft A (4 Jan 2024)</option>' in chooser_a
    assert '<option value="b">Draft B (4 Jan 2024)</option>' in chooser_a
    assert "&lt;b&gt;&quot;Hostile&quot; &amp; co&lt;/b&gt; (4 Jan 2024)" in chooser_a
    chooser_b = content[content.index('<select name="b"') :]
    assert '<option value="b" selected>' in chooser_b[: chooser_b.index("</select>")]
    detail = client.get(pair["b"].get_absolute_url()).content.decode()
    assert '<option value="a" selected>Draft A (4 Jan 2024)</option>' in detail
    assert "<b>" not in detail.split('id="compare-a"')[1].split("</select>")[0]


# --- issue #16: unrelated provisions are not paired --------------------------------------

NON_USE_OF_FORCE = (
    "The Parties shall refrain from the threat or use of force against each other and "
    "settle all disputes by peaceful means only."
)


def copy_proposal(base, slug, **changes):
    """A pasted copy of ``base`` with the provisions named in ``changes`` (by label) given
    other fields: ``{"Art. 4": {"heading": ..., "text": ..., "issue": ...}}``."""
    copy = make_proposal(base.negotiation, slug=slug, title=f"Copy of {base.title}")
    for provision in base.provisions.order_by("order"):
        fields = {
            "label": provision.label,
            "heading": provision.heading,
            "issues": list(provision.issues.all()),
            "text": provision.text,
            "order": provision.order,
        }
        make_provision(copy, **{**fields, **changes.get(provision.label, {})})
    return copy


def test_non_use_of_force_is_not_a_rewording_of_troop_withdrawal(client, reader, seeded):
    """Issue #16: fails on the old main, which showed "Art. 4 Reworded, 11% similar" and
    "Removed from A: 0" while the coverage said troop withdrawal was left out."""
    _, base = seeded_texts()  # was the seeds' invented 4 January 2024 draft (#15)
    force = Issue.objects.get(negotiation=base.negotiation, slug="use-of-force")
    art4 = {"heading": "Non-use of force", "text": NON_USE_OF_FORCE, "issue": force}
    copy_proposal(base, "pasted", **{"Art. 4": art4})
    client.force_login(reader)
    response = client.get(compare_url("armenia-azerbaijan", a=base.slug, b="pasted"))
    comparison = response.context["comparison"]
    assert comparison.counts == {
        "unchanged": 3,
        "reworded": 0,
        "added": 1,
        "removed": 1,
        "moved": 0,
    }
    removed, added = comparison.rows[-2:]
    assert (removed.status, removed.a.heading) == ("removed", "Troop withdrawal")
    assert (added.status, added.b.heading) == ("added", "Non-use of force")
    assert removed.hint == added.b and added.hint == removed.a
    assert removed.hint_similarity < LABEL_FLOOR
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert coverage["troop-withdrawal"] == "dropped" and coverage["use-of-force"] == "added"
    content = response.content.decode()
    assert '<td data-status="removed">1</td>' in content
    assert '<td data-status="reworded">0</td>' in content
    percent = round(removed.hint_similarity * 100)
    assert f'Possible counterpart: <a href="#b-{added.b.pk}">Art. 4</a> ({percent}% similar)' in (
        content
    )
    assert f'Possible counterpart: <a href="#a-{removed.a.pk}">Art. 4</a>' in content


# The 2020 trilateral statement and the 2025 Washington declaration, abridged and
# paraphrased (the tests need their shape, not their exact words).
STATEMENT_2020 = [
    (
        "ceasefire",
        "A complete ceasefire and a cessation of all hostilities in the area of the "
        "Nagorno-Karabakh conflict is declared from 00:00 Moscow time on 10 November 2020. "
        "The Republic of Azerbaijan and the Republic of Armenia, hereinafter the Parties, "
        "shall stop at their current positions.",
    ),
    (
        "districts",
        "The Aghdam district shall be returned to the Republic of Azerbaijan by 20 November 2020.",
    ),  # fmt: skip
    (
        "peacekeepers",
        "A peacekeeping contingent of the Russian Federation of 1,960 troops with small arms, "
        "90 armoured vehicles and 380 units of motor vehicles and special equipment shall be "
        "deployed along the contact line in Nagorno-Karabakh and along the Lachin corridor.",
    ),
    (
        "peacekeepers",
        "The peacekeeping contingent of the Russian Federation shall be deployed in parallel "
        "with the withdrawal of the Armenian armed forces. It shall stay for five years, "
        "extended automatically for further five-year periods unless a Party declares "
        "otherwise six months before the period expires.",
    ),
    (
        "peacekeepers",
        "To make the Parties keep the agreements more effectively, a peacekeeping centre shall "
        "be deployed to control the ceasefire.",
    ),
    (
        "districts",
        "The Republic of Armenia shall return the Kalbajar district to the Republic of "
        "Azerbaijan by 15 November 2020 and the Lachin district by 1 December 2020. The Lachin "
        "corridor, five kilometres wide, shall connect Nagorno-Karabakh with Armenia and "
        "remain under the control of the peacekeeping contingent of the Russian Federation.",
    ),
    (
        "refugees",
        "Internally displaced persons and refugees shall return to the territory of "
        "Nagorno-Karabakh and adjacent areas under the supervision of the United Nations High "
        "Commissioner for Refugees.",
    ),
    (
        "prisoners",
        "The Parties shall exchange prisoners of war, hostages and other detained persons, and "
        "the bodies of the dead.",
    ),
    (
        "transit",
        "All economic and transport links in the region shall be unblocked. The Republic of "
        "Armenia guarantees the safety of transport links between the western regions of the "
        "Republic of Azerbaijan and the Nakhchivan Autonomous Republic, for the unimpeded "
        "movement of persons, vehicles and cargo in both directions. Control over transport "
        "shall be exercised by the Border Guard Service of the Federal Security Service of "
        "Russia. By agreement of the Parties, new transport links connecting the Nakhchivan "
        "Autonomous Republic with the western regions of Azerbaijan shall be built.",
    ),
]
DECLARATION_2025 = [
    (
        "treaty",
        "The leaders witnessed the initialling of the agreed text of the Agreement on the "
        "Establishment of Peace and Interstate Relations between the Republic of Armenia and "
        "the Republic of Azerbaijan, and stressed the need for its signature and ratification.",
    ),
    (
        "minsk",
        "The Parties jointly appeal to the OSCE Ministerial Council to close the Minsk process "
        "and its related structures.",
    ),
    (
        "transit",
        "The Parties recognise the importance of opening communications between the two "
        "countries for domestic, bilateral and international traffic, on the basis of respect "
        "for the sovereignty, territorial integrity and jurisdiction of states. This includes "
        "unimpeded connectivity between the main part of the Republic of Azerbaijan and its "
        "Nakhchivan Autonomous Republic through the territory of the Republic of Armenia, with "
        "reciprocal benefits for the international and intrastate connectivity of the "
        "Republic of Armenia.",
    ),
    (
        "transit",
        "The Republic of Armenia will work with the United States and mutually determined "
        "third parties to set out the framework for the Trump Route for International Peace "
        "and Prosperity connectivity project in the territory of the Republic of Armenia.",
    ),
    (
        "treaty",
        "The leaders reaffirm their resolve to close the painful chapter of the past and to "
        "build a future of peace, prosperity and good-neighbourly relations.",
    ),
]


@pytest.fixture
def accords(world):
    """The 2020 statement (points "1." to "9.") and the 2025 declaration, without
    provisions yet: the tests number the declaration's points one way or another."""
    negotiation = world["negotiation"]
    slugs = {slug for slug, _ in STATEMENT_2020 + DECLARATION_2025}
    issues = {slug: make_issue(negotiation, slug=slug, title=slug.title()) for slug in slugs}
    old = make_proposal(negotiation, slug="statement-2020", title="Trilateral statement")
    for n, (issue, text) in enumerate(STATEMENT_2020, start=1):
        make_provision(old, label=f"{n}.", issue=issues[issue], text=text, order=n)
    new = make_proposal(negotiation, slug="declaration-2025", title="Washington declaration")
    return {**world, "issues": issues, "old": old, "new": new}


@pytest.mark.parametrize("label", ["{n}.", "Article {n}"])
def test_2020_point_9_meets_the_2025_transit_route_points(client, reader, accords, label):
    """Issue #16 items 2 and 3: fails on the old main, which paired the points by number
    (2020 point 3, Russian peacekeepers, "reworded" as 2025 point 3, transit) and left
    point 9, the Nakhchivan link, "removed". The 2025 points are numbered "1." like
    2020's, or "Article 1": the numbers are ignored then."""
    for n, (issue, text) in enumerate(DECLARATION_2025, start=1):
        make_provision(
            accords["new"], label=label.format(n=n), issue=accords["issues"][issue], text=text
        )
    client.force_login(reader)
    response = client.get(compare_url(a="statement-2020", b="declaration-2025"))
    comparison = response.context["comparison"]
    pairs = {(r.a.label, r.b.label): r for r in comparison.rows if r.a and r.b}
    assert list(pairs) == [("9.", label.format(n=3))]
    assert pairs["9.", label.format(n=3)].matched_by == "issue"
    assert comparison.counts == {
        "unchanged": 0,
        "reworded": 1,
        "added": 4,
        "removed": 8,
        "moved": 0,
    }
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    assert coverage["transit"] == "changed"
    assert coverage["peacekeepers"] == "dropped" and coverage["minsk"] == "added"
    content = response.content.decode()
    assert f"A: 9. → B: {label.format(n=3)}." in content
    assert "Matched by issue" in content


# --- summary, provision list and coverage agree (property) ---------------------------------

CLAUSES = [
    "The Parties recognise each other's sovereignty, territorial integrity and borders.",
    "The Parties shall establish diplomatic relations within thirty days of signature.",
    "Each Party shall guarantee safe and unimpeded transit of persons, vehicles and cargo.",
    "Disputes shall be settled by negotiation and, failing that, by the commission.",
    "Troops withdraw from the border areas to the positions of May 2021 within a month.",
    "Reserved.",
]
WORDS = ["the", "Parties", "shall", "border", "transit", "peace", "not", "Art.", "<b>", "&"]


def _mix(first, second, cut):
    a, b = first.split(), second.split()
    return " ".join(a[: len(a) * cut // 4] + b[len(b) * cut // 4 :])


texts = st.one_of(
    st.sampled_from(CLAUSES),
    st.builds(_mix, st.sampled_from(CLAUSES), st.sampled_from(CLAUSES), st.integers(1, 3)),
    st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join),
)
labels = st.sampled_from(["Art. 1", "Article 2", "Art. 3", "1.", "2.", "Point 3", "Preamble"])
# Each provision on no issue, one, or two (provisions on several issues, #14 item 6).
drafts = st.lists(
    st.tuples(labels, st.frozensets(st.sampled_from([1, 2, 3]), max_size=2), texts), max_size=7
)


def _in_memory(proposal, items, first_pk, issues):
    provisions = []
    for n, (label, on, text) in enumerate(items):
        provision = Provision(
            pk=first_pk + n,
            proposal=proposal,
            label=label,
            heading="",
            text=text,
            order=n,
            version=1,
        )
        # As prefetch_related("issues") leaves it: no query for its issues.
        provision._prefetched_objects_cache = {"issues": [issues[i] for i in sorted(on)]}
        provisions.append(provision)
    return provisions


def _shown(rows_html, summary_html):
    """What a reader sees: the status of each listed provision, the summary counts, the
    number of aligned provisions the summary gives, and each issue's coverage status."""
    listed = re.findall(r'<article class="cmp cmp-(\w+)"', rows_html)
    counts = {k: int(v) for k, v in re.findall(r'<td data-status="(\w+)">(\d+)</td>', summary_html)}
    aligned = int(re.search(r"<p>(\d+) provisions? aligned", summary_html)[1])
    coverage = {
        html.unescape(title): status
        for status, title in re.findall(
            r'<tr class="coverage-(\w+)">\s*<th scope="row">([^<]*)</th>', summary_html
        )
    }
    return listed, counts, aligned, coverage


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts, drafts, st.data())
def test_property_summary_list_and_coverage_always_agree(a_items, b_items, data):
    negotiation = Negotiation(pk=1, slug="talks", title="Talks")
    issues = {
        i: Issue(pk=i, negotiation=negotiation, slug=f"i{i}", title=f"Issue {i}") for i in (1, 2, 3)
    }
    a = _in_memory(Proposal(pk=1, negotiation=negotiation), a_items, 1, issues)
    b = _in_memory(Proposal(pk=2, negotiation=negotiation), b_items, 1001, issues)
    keys_a = st.sampled_from([p.pk for p in a] or [0])
    keys_b = st.sampled_from([p.pk for p in b] or [0])
    manual = data.draw(st.lists(st.tuples(keys_a, keys_b), max_size=2))
    apart = data.draw(st.lists(st.tuples(keys_a, keys_b), max_size=2))
    comparison = comparing.build(
        a, b, list(issues.values()), cache=False, manual=manual, apart=apart
    )
    rows = comparison.rows
    context = {"comparison": comparison, "rows": rows, "view": "inline"}
    listed, counts, aligned, coverage = _shown(
        render_to_string("negotiations/compare_rows.html", context),
        render_to_string("negotiations/_compare_summary.html", context),
    )
    # The summary counts the very provisions the list shows, each provision once.
    assert listed == [row.status for row in rows]
    assert counts == comparison.counts == {s: listed.count(s) for s in counts}
    assert aligned == len(rows) == sum(counts.values())
    assert sorted(r.a.pk for r in rows if r.a) == sorted(p.pk for p in a)
    assert [r.b.pk for r in rows if r.b] == [p.pk for p in b]
    assert counts["removed"] == sum(1 for r in rows if r.b is None)
    assert counts["added"] == sum(1 for r in rows if r.a is None)
    # Never two unrelated provisions in a pair, unless an analyst paired them.
    for row in rows:
        if row.a is None or row.b is None:
            continue
        same_issue = bool(row.a.issue_ids & row.b.issue_ids)
        related = {
            "manual": (row.a.pk, row.b.pk) in manual,
            "label": normalise_label(row.a.label) == normalise_label(row.b.label)
            and (same_issue or row.similarity >= LABEL_FLOOR),
            "issue": same_issue,
            "similarity": row.similarity >= CONTENT_FLOOR,
        }
        assert related[row.matched_by], row
    # The coverage says what the listed provisions say, issue by issue.
    assert set(coverage) == {issue.title for issue in issues.values()}
    for issue in issues.values():
        touching = [r for r in rows if any(p and issue.pk in p.issue_ids for p in (r.a, r.b))]
        in_a = any(r.a and issue.pk in r.a.issue_ids for r in rows)
        in_b = any(r.b and issue.pk in r.b.issue_ids for r in rows)
        status = coverage[issue.title]
        if in_a and not in_b:
            # Left out of B: each of its provisions is removed or now on another issue.
            assert status == "dropped"
            assert all(r.status == "removed" or r.issue_changed for r in touching)
        elif in_b and not in_a:
            assert status == "added"
            assert all(r.status == "added" or r.issue_changed for r in touching)
        elif not (in_a or in_b):
            assert status == "none" and not touching
        else:
            differs = any(
                r.status in ("reworded", "added", "removed")
                or r.issue_changed
                or (r.status == "moved" and r.text_changed)
                for r in touching
            )
            assert status == ("changed" if differs else "unchanged")
    dropped = [t for t, s in coverage.items() if s == "dropped"]
    if dropped:  # an issue left out shows in the list as a removal or a change of issue
        assert counts["removed"] or comparison.retagged_count


# --- pairing by hand ------------------------------------------------------------------------


def pairing_url(slug="talks"):
    return reverse("negotiations:compare_pairing", args=[slug])


@pytest.fixture
def unrelated(pair):
    """A and B whose Art. 4 are unrelated (so shown as removed and added) and whose
    Art. 1 are the same text (so paired by label)."""
    first_a = make_provision(pair["a"], label="Art. 1", text=LONG + " one.", order=1)
    first_b = make_provision(pair["b"], label="Art. 1", text=LONG + " one.", order=1)
    troops = make_provision(
        pair["a"], label="Art. 4", heading="Troop withdrawal", text=LONG_TROOPS, order=4
    )
    force = make_provision(
        pair["b"], label="Art. 4", heading="Non-use of force", text=NON_USE_OF_FORCE, order=4
    )
    return {**pair, "first_a": first_a, "first_b": first_b, "troops": troops, "force": force}


LONG_TROOPS = (
    "Azerbaijani troops withdraw from the areas of Armenia they took in 2021 and 2022, to "
    "the positions of May 2021, under international monitoring."
)


def post_pairing(client, x, y, action="pair", a="a", b="b", **fields):
    data = {"a": a, "b": b, "view": "inline", "action": action, **fields}
    data.update(provision_a=x.pk if x else "", provision_b=y.pk if y else "")
    return client.post(pairing_url(), data)


def row_of(comparison, provision):
    return next(r for r in comparison.rows if provision in (r.a, r.b))


def test_manual_pairing_persists_and_is_shown_to_other_users(client, analyst, reader, unrelated):
    """The analyst pairs Art. 4 and Art. 4 by hand; a reader who had the page open sees
    the pair on the permanent URL, either way round, and in the export."""
    troops, force = unrelated["troops"], unrelated["force"]
    reader_client = Client()
    reader_client.force_login(reader)
    before = reader_client.get(compare_url(a="a", b="b")).context["comparison"]
    assert row_of(before, troops).status == "removed"  # and its body is now in the cache
    client.force_login(analyst)
    response = post_pairing(client, troops, force, reason="Same article, renamed")
    assert response.status_code == 302
    assert response["Location"] == f"/n/talks/compare/?a=a&b=b&view=inline#b-{force.pk}"
    pairing = ProvisionPairing.objects.get()
    assert (pairing.kind, pairing.created_by) == ("pair", analyst)
    record = pairing.history.get()
    assert (record.history_user, record.history_change_reason) == (analyst, "Same article, renamed")
    followed = client.get(response["Location"])
    assert "now paired by hand, for everyone" in followed.content.decode()

    page = reader_client.get(compare_url(a="a", b="b"))
    row = row_of(page.context["comparison"], troops)
    assert (row.a, row.b, row.status, row.matched_by) == (troops, force, "reworded", "manual")
    assert page.context["comparison"].counts["removed"] == 0
    content = page.content.decode()
    assert "Matched by hand" in content
    assert "1 pairing decided by hand" in content
    assert "paired by hand." in content
    assert pairing_url() not in content  # readers get no pairing forms
    swapped = reader_client.get(compare_url(a="b", b="a")).context["comparison"]
    assert (row_of(swapped, force).a, row_of(swapped, force).b) == (force, troops)
    export = reader_client.get(
        reverse("negotiations:compare_export", kwargs={"slug": "talks", "fmt": "csv"}) + "?a=a&b=b"
    )
    assert "reworded,manual," in b"".join(export.streaming_content).decode()


def test_keeping_apart_and_back_to_automatic(client, analyst, reader, unrelated):
    first_a, first_b = unrelated["first_a"], unrelated["first_b"]
    client.force_login(analyst)
    assert post_pairing(client, first_a, first_b, action="unpair").status_code == 302
    comparison = client.get(compare_url(a="a", b="b")).context["comparison"]
    assert row_of(comparison, first_a).status == "removed"
    assert row_of(comparison, first_b).status == "added"
    assert row_of(comparison, first_a).hint is None  # kept apart: not even a hint
    pairing = ProvisionPairing.objects.get()
    assert pairing.kind == "unpair"
    # Paired after all: the same record switches, with a history row.
    assert post_pairing(client, first_a, first_b, action="pair").status_code == 302
    pairing.refresh_from_db()
    assert pairing.kind == "pair"
    assert [r.history_type for r in pairing.history.order_by("history_id")] == ["+", "~"]
    assert post_pairing(client, first_a, first_b, action="reset").status_code == 302
    assert not ProvisionPairing.objects.exists()
    record = ProvisionPairing.history.order_by("history_id").last()
    assert record.history_type == "-" and record.history_user == analyst
    assert "automatic" in record.history_change_reason
    comparison = client.get(compare_url(a="a", b="b")).context["comparison"]
    row = row_of(comparison, first_a)
    assert (row.b, row.matched_by) == (first_b, "label")


@pytest.mark.parametrize("role", ["reader", "stranger", "anonymous"])
def test_only_analysts_may_pair(client, request, unrelated, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = post_pairing(client, unrelated["troops"], unrelated["force"])
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert not ProvisionPairing.objects.exists()


def test_analysts_may_pair_and_see_the_forms_readers_do_not(client, analyst, reader, unrelated):
    client.force_login(reader)
    content = client.get(compare_url(a="a", b="b")).content.decode()
    assert pairing_url() not in content and 'id="by-hand"' not in content
    client.force_login(analyst)
    content = client.get(compare_url(a="a", b="b")).content.decode()
    # Two "Pair them" buttons (the hints of both Art. 4), and the general form.
    assert content.count(f'action="{pairing_url()}"') == 3
    assert 'id="pairing-form"' in content
    assert post_pairing(client, unrelated["troops"], unrelated["force"]).status_code == 302
    assert ProvisionPairing.objects.count() == 1


def _form_with_button(content, label):
    """The hidden fields of the first POST form whose button reads ``label``."""
    for form in re.findall(r"<form method=\"post\".*?</form>", content, re.S):
        if f">{label}</button>" in form:
            action = re.search(r'action="([^"]+)"', form)[1]
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
            return html.unescape(action), fields
    raise AssertionError(f"no form with a {label!r} button")


def test_the_possible_counterpart_button_works_without_script_and_needs_csrf(analyst, unrelated):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)
    content = browser.get(compare_url(a="a", b="b")).content.decode()
    action, fields = _form_with_button(content, "Pair them")
    assert fields["csrfmiddlewaretoken"]
    forged = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    assert browser.post(action, forged).status_code == 403
    assert not ProvisionPairing.objects.exists()
    response = browser.post(action, fields)
    assert response.status_code == 302
    pairing = ProvisionPairing.objects.get()
    assert {pairing.provision_a, pairing.provision_b} == {unrelated["troops"], unrelated["force"]}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"provision_a": "elsewhere"}, "provision_a", "That is not a provision of A (Draft A)"),
        ({"provision_b": "elsewhere"}, "provision_b", "That is not a provision of B (Draft B)"),
        ({"provision_a": "x"}, "provision_a", "That is not a provision of A"),
        ({"provision_b": ""}, "provision_b", "Choose a provision of B (Draft B)."),
        ({"provision_a": "b-side"}, "provision_a", "That is not a provision of A"),
        ({"action": "merge"}, "action", "Select a valid choice."),
        ({"action": "reset"}, None, "Nothing was decided by hand about Art. 4 of A and Art. 4"),
        ({"reason": "x" * 301}, "reason", "at most 300 characters"),
    ],
)
def test_bad_pairings_get_a_message_where_typed_and_save_nothing(
    client, analyst, unrelated, change, field, message
):
    elsewhere = make_provision(make_proposal(unrelated["negotiation"], slug="c"), label="Art. 9")
    ids = {"elsewhere": elsewhere.pk, "b-side": unrelated["force"].pk}
    data = {
        "a": "a",
        "b": "b",
        "view": "side",
        "action": "pair",
        "provision_a": unrelated["troops"].pk,
        "provision_b": unrelated["force"].pk,
    }
    data.update({k: ids.get(v, v) for k, v in change.items()})
    client.force_login(analyst)
    response = client.post(pairing_url(), data)
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors)
    content = response.content.decode()
    assert html.escape(message) in content or message in content
    assert 'href="/n/talks/compare/?a=a&amp;b=b&amp;view=side"' in content  # back link
    assert not ProvisionPairing.objects.exists()


@pytest.mark.parametrize(
    "a, b", [("a", "a"), ("a", "nope"), ("", "b"), ("a", ""), ("a", "elsewhere")]
)
def test_pairing_without_two_proposals_of_the_negotiation_is_refused(
    client, analyst, unrelated, a, b
):
    make_proposal(make_negotiation(), slug="elsewhere")
    client.force_login(analyst)
    response = post_pairing(client, unrelated["troops"], unrelated["force"], a=a, b=b)
    assert response.status_code == 400
    assert "Choose two different proposals of this negotiation" in response.content.decode()
    assert not ProvisionPairing.objects.exists()


def test_a_provision_is_in_one_pair_made_by_hand_only(client, analyst, unrelated):
    troops, force, first_a, first_b = (
        unrelated[k] for k in ("troops", "force", "first_a", "first_b")
    )
    client.force_login(analyst)
    assert post_pairing(client, troops, force).status_code == 302
    again = post_pairing(client, troops, force)
    assert again.status_code == 400
    assert "already paired by hand" in again.content.decode()
    taken = post_pairing(client, troops, first_b)
    assert taken.status_code == 400
    assert taken.context["form"].errors["provision_a"] == [
        "Art. 4 of A is already paired by hand with Art. 4 of B: send that pair back to the "
        "automatic alignment first."
    ]
    assert "provision_b" in post_pairing(client, first_a, force).context["form"].errors
    # Keeping apart is not pairing: a paired provision may be kept apart from others.
    assert post_pairing(client, troops, first_b, action="unpair").status_code == 302
    assert ProvisionPairing.objects.count() == 2


def test_a_deleted_provision_takes_its_pairing_along_with_history(client, analyst, unrelated):
    client.force_login(analyst)
    post_pairing(client, unrelated["troops"], unrelated["force"])
    pairing = ProvisionPairing.objects.get()
    response = client.post(
        reverse("negotiations:provision_delete", args=[unrelated["force"].pk]),
        {"change_reason": "duplicate"},
    )
    assert response.status_code == 302
    assert not ProvisionPairing.objects.exists()
    record = ProvisionPairing.history.filter(id=pairing.pk).order_by("history_id").last()
    assert record.history_type == "-" and record.history_change_reason.startswith("Deleted with")


def test_pairing_labels_hints_and_diffs_are_escaped(client, analyst, pair):
    hostile = '<script>alert(1)</script> "onerror=alert(2) <img src=x onerror=alert(3)>'
    x = make_provision(pair["a"], label="<b>Art. 4</b>", heading="<i>h</i>", text=hostile)
    y = make_provision(pair["b"], label="<b>Art. 4</b>", text=NON_USE_OF_FORCE)
    client.force_login(analyst)
    content = client.get(compare_url(a="a", b="b")).content.decode()
    assert "Possible counterpart:" in content  # the hint names the hostile label
    post_pairing(client, x, y)
    for view in ("inline", "side"):
        content = client.get(compare_url(a="a", b="b", view=view)).content.decode()
        assert "Matched by hand" in content
        body = content.split("</head>")[1]
        assert "<script>" not in body and "<img" not in body and '"onerror=' not in content
        assert "<b>Art. 4</b>" not in content and "<i>h</i>" not in content
        assert "<del>&lt;script&gt;alert(1)&lt;/script&gt; " in content
        assert "&lt;b&gt;Art. 4&lt;/b&gt;" in content
    bad = post_pairing(client, x, None, reason="<script>x</script>")
    assert bad.status_code == 400 and "<script>x" not in bad.content.decode()


def test_editors_record_a_pairing_in_the_admin_in_id_order(client, editor, unrelated):
    troops, force = unrelated["troops"], unrelated["force"]
    client.force_login(editor)
    add = reverse("admin:negotiations_provisionpairing_add")
    assert client.get(add).status_code == 200
    data = {"kind": "pair", "change_reason": "from the minutes"}
    same = client.post(add, {**data, "provision_a": troops.pk, "provision_b": troops.pk})
    assert same.status_code == 200 and "two different proposals" in same.content.decode()
    # B's provision first: stored with the proposal of the smaller id first.
    response = client.post(add, {**data, "provision_a": force.pk, "provision_b": troops.pk})
    assert response.status_code == 302
    pairing = ProvisionPairing.objects.get()
    assert (pairing.proposal_a, pairing.proposal_b) == (unrelated["a"], unrelated["b"])
    assert (pairing.provision_a, pairing.provision_b, pairing.created_by) == (troops, force, editor)
    assert pairing.history.get().history_change_reason == "from the minutes"
    changelist = reverse("admin:negotiations_provisionpairing_changelist")
    assert client.get(changelist, {"q": "Art"}).status_code == 200


def test_a_pairing_saved_at_the_same_time_elsewhere_gets_a_message_not_an_error(
    client, analyst, unrelated, monkeypatch
):
    """Another analyst paired Art. 4 of A with Art. 1 of B after this form's checks ran:
    the database's constraint refuses the second pair, and the form says so."""
    from django import forms

    from negotiations import pairings

    troops, force, first_b = unrelated["troops"], unrelated["force"], unrelated["first_b"]
    theirs = ProvisionPairing.ordered(troops, first_b, kind="pair")
    theirs._change_reason = "the other analyst"
    theirs.save()
    # As if the checks had run before their pair was saved.
    monkeypatch.setattr(pairings.PairingForm, "clean", forms.Form.clean)
    client.force_login(analyst)
    response = post_pairing(client, troops, force)
    assert response.status_code == 400
    assert "Someone changed these pairings at the same time" in response.content.decode()
    assert list(ProvisionPairing.objects.all()) == [theirs]


def test_the_message_after_pairing_escapes_labels(client, analyst, pair):
    x = make_provision(pair["a"], label="<i>Art. 4</i>", text=LONG_TROOPS)
    y = make_provision(pair["b"], label="<i>Art. 4</i>", text=NON_USE_OF_FORCE)
    client.force_login(analyst)
    response = post_pairing(client, x, y)
    content = client.get(response["Location"]).content.decode()
    assert "&lt;i&gt;Art. 4&lt;/i&gt; of A and &lt;i&gt;Art. 4&lt;/i&gt; of B are now paired" in (
        content
    )
    assert "<i>Art. 4</i>" not in content


def test_a_provision_on_two_issues_counts_in_the_coverage_of_both(client, reader, pair):
    """Issue #14 item 6: an article on recognition and on borders addresses both."""
    both = [pair["corridor"], pair["maps"]]
    make_provision(pair["a"], label="Art. 1", text="Open roads and agree maps.", issues=both)
    make_provision(pair["b"], label="Art. 1", text="Open roads.", issue=pair["corridor"])
    client.force_login(reader)
    response = client.get(compare_url(a="a", b="b"))
    comparison = response.context["comparison"]
    coverage = {line.issue.slug: line.status for line in comparison.coverage}
    # In A the one article addresses both; in B only the corridor, reworded.
    assert coverage == {"corridor": "changed", "maps": "dropped"}
    assert comparison.rows[0].issue_changed
    # In the negotiation's issue order.
    assert "Issues: Transit corridor, Border maps → Transit corridor." in (
        response.content.decode()
    )
