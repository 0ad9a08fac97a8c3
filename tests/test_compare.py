"""Comparing two proposals: alignment, word diffs, summary counts, issue coverage."""

import re

import pytest
from django.urls import reverse

from negotiations.models import Proposal
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


def test_seeded_december_and_january_drafts_compare_with_the_right_counts(client, reader, seeded):
    # az-proposal-2023-12 has Art. 1-3, am-proposal-2024-01-04 has Art. 1-4 (it responds to
    # the former). Every text of Art. 1-3 differs (reworded), Art. 4 is new; nothing is
    # identical, removed or moved.
    client.force_login(reader)
    response = client.get(compare_url("armenia-azerbaijan", b="am-proposal-2024-01-04"))
    assert response.status_code == 200
    assert response.context["a"].slug == "az-proposal-2023-12"  # default: what B responds to
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
    assert len(coverage) == 20  # every issue of the negotiation
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
        "none": 16,
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


def test_seeded_drafts_reversed_show_removed_and_dropped(client, reader, seeded):
    client.force_login(reader)
    response = client.get(
        compare_url("armenia-azerbaijan", a="am-proposal-2024-01-04", b="az-proposal-2023-12")
    )
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
    assert "Issue: Transit corridor → Border maps." in response.content.decode()


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

    from negotiations import compare

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
    from negotiations import compare

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
