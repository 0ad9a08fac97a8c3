"""Timeline pictures: the issue timeline and the negotiation-wide timeline."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from negotiations.insight import timeline
from negotiations.models import Position
from negotiations.text.dates import Precision
from tests.factories import (
    make_event,
    make_issue,
    make_party,
    make_position,
    make_proposal,
    make_provision,
    make_source,
    page_queries,
)

D = datetime.date


def issue_url(issue):
    return reverse("negotiations:issue", args=[issue.negotiation.slug, issue.slug])


def timeline_url(negotiation):
    return reverse("negotiations:timeline", args=[negotiation.slug])


def marker_links(content):
    return re.findall(r'<a href="([^"]+)" class="tl-marker', content)


def marker_html(content, position):
    url = position.get_absolute_url()
    start = content.index(f'<a href="{url}" class="tl-marker')
    return content[start : content.index("</a>", start)]


def table_html(content):
    start = content.index('<table class="timeline-table"')
    return content[start : content.index("</table>", start)]


@pytest.fixture
def spread(world):
    """Positions on the corridor at every precision, out of order, plus an event and drafts."""
    corridor, alpha, beta = world["corridor"], world["alpha"], world["beta"]
    source = make_source()
    made = {
        "year": make_position(
            corridor, beta, source, date=D(2022, 1, 1), date_precision=Precision.YEAR
        ),
        "quarter": make_position(
            corridor,
            beta,
            source,
            date=D(2023, 4, 1),
            date_precision=Precision.QUARTER,
            stance=Position.Stance.RED_LINE,
            movement=Position.Movement.HARDENED,
        ),
        "approx": make_position(
            corridor,
            beta,
            source,
            date=D(2023, 12, 1),
            date_precision=Precision.MONTH,
            date_approximate=True,
            stance=Position.Stance.ACCEPTS,
            movement=Position.Movement.CONCEDED,
        ),
        "day": make_position(corridor, beta, source, date=D(2023, 6, 15)),
    }
    event = make_event(
        world["negotiation"], title="Summit in Granada", date=D(2023, 10, 5), kind="summit"
    )
    event.issues.add(corridor)
    draft = make_proposal(world["negotiation"], author=alpha, title="Alpha's draft")
    make_provision(draft, issue=corridor)
    other = make_proposal(world["negotiation"], title="Unrelated joint text", date=D(2023, 3, 1))
    return {**world, **made, "event": event, "draft": draft, "other": other}


# --- the issue timeline -----------------------------------------------------------------


def test_issue_page_markers_are_placed_in_date_order(client, reader, spread):
    client.force_login(reader)
    picture = client.get(issue_url(spread["corridor"])).context["timeline"]
    markers = picture.markers
    assert len(markers) == 6  # two of Alpha's, four of Beta's
    by_start = sorted(markers, key=lambda m: (m.x, m.href))
    positions = sorted(
        Position.objects.filter(issue=spread["corridor"]), key=lambda p: (p.date, p.pk)
    )
    assert [p.date for p in positions] == sorted(p.date for p in positions)
    xs = {m.href: m.x for m in markers}
    ordered = [xs[p.get_absolute_url()] for p in positions]
    assert ordered == sorted(ordered)
    assert len(set(ordered)) == len(ordered)  # different days, different places
    assert by_start[0].href == spread["year"].get_absolute_url()


def test_markers_inside_a_lane_run_left_to_right_by_stated_date(spread):
    beta = spread["beta"]
    positions = list(Position.objects.filter(party=beta).with_related())
    shuffled = positions[::-1]
    picture = timeline.issue_timeline(spread["corridor"], [beta], shuffled, [], [])
    lane = picture.lanes[0]
    dates = [m.date_label for m in lane.markers]
    assert dates == ["2022", "Q2 2023", "15 Jun 2023", "c. Dec 2023"]
    assert [m.x for m in lane.markers] == sorted(m.x for m in lane.markers)
    assert all(picture.plot_left <= m.x <= picture.plot_right for m in lane.markers)


def test_precision_is_drawn_as_a_range_wider_for_coarser_dates(client, reader, spread):
    client.force_login(reader)
    content = client.get(issue_url(spread["corridor"])).content.decode()
    picture = timeline.issue_timeline(
        spread["corridor"],
        [spread["beta"]],
        Position.objects.filter(party=spread["beta"]).with_related(),
        [],
        [],
    )
    width = {m.href: m.bar_width for m in picture.markers}

    def of(name):
        return width[spread[name].get_absolute_url()]

    assert of("day") == 0
    assert of("approx") > 0  # a month
    assert of("approx") < of("quarter") < of("year")
    assert "tl-range" not in marker_html(content, spread["day"])
    assert 'class="tl-range"' in marker_html(content, spread["year"])
    assert 'class="tl-range"' in marker_html(content, spread["quarter"])


def test_approximate_dates_are_drawn_hatched_and_dashed(client, reader, spread):
    client.force_login(reader)
    content = client.get(issue_url(spread["corridor"])).content.decode()
    approximate = marker_html(content, spread["approx"])
    exact = marker_html(content, spread["quarter"])
    assert 'fill="url(#timeline-hatch)"' in approximate and "stroke-dasharray" in approximate
    assert "timeline-hatch" not in exact and "stroke-dasharray" not in exact
    assert 'id="timeline-hatch"' in content


def test_marker_shape_and_letter_follow_the_stance_with_a_legend(client, reader, spread):
    client.force_login(reader)
    content = client.get(issue_url(spread["corridor"])).content.decode()
    assert ">RL</text>" in marker_html(content, spread["quarter"])
    assert ">A</text>" in marker_html(content, spread["approx"])
    assert ">D</text>" in marker_html(content, spread["day"])
    red_line, demand = (
        timeline.SHAPES[timeline.stance_style(s).shape][0] for s in ("red_line", "demand")
    )
    assert red_line != demand
    assert red_line in marker_html(content, spread["quarter"])
    legend = content[content.index('class="tl-legend"') :]
    for label in ("Red line", "Accepts", "Demand", "approximate date", "event", "proposal"):
        assert label in legend


def test_every_marker_links_to_its_statement(client, reader, spread):
    client.force_login(reader)
    content = client.get(issue_url(spread["corridor"])).content.decode()
    positions = Position.objects.filter(issue=spread["corridor"]).select_related(
        "party", "issue__negotiation"
    )
    assert sorted(marker_links(content)) == sorted(p.get_absolute_url() for p in positions)
    assert all(f"#position-{p.pk}" in p.get_absolute_url() for p in positions)


def test_events_are_labelled_rules_and_proposals_ticks(client, reader, spread):
    client.force_login(reader)
    response = client.get(issue_url(spread["corridor"]))
    picture, content = response.context["timeline"], response.content.decode()
    (rule,) = picture.rules
    assert rule.label == "5 Oct 2023: Summit in Granada"
    assert rule.y1 < picture.lanes_top < picture.lanes_bottom <= rule.y2
    assert 'class="tl-event"' in content and "Summit in Granada</text>" in content
    ticks = {t.label: t for t in picture.proposals}
    assert ticks["4 Jan 2024: Alpha: Alpha's draft"].on_issue
    assert not ticks["1 Mar 2023: Unrelated joint text"].on_issue
    assert content.count('class="tl-proposal"') == 2


def test_svg_has_title_desc_and_year_and_quarter_ticks(client, reader, spread):
    client.force_login(reader)
    response = client.get(issue_url(spread["corridor"]))
    content, picture = response.content.decode(), response.context["timeline"]
    assert '<title id="timeline-title">Timeline of positions on Transit corridor</title>' in content
    assert '<desc id="timeline-desc">' in content
    labels = [t.label for t in picture.ticks if t.label]
    assert {"2022", "2023", "2024"} <= set(labels)
    assert any(label.startswith("Q") for label in labels)
    assert picture.start < D(2022, 1, 1) and picture.end > D(2024, 1, 1)


def test_accessible_table_lists_the_same_items_in_date_order(client, reader, spread):
    client.force_login(reader)
    response = client.get(issue_url(spread["corridor"]))
    content = response.content.decode()
    table = table_html(content)
    rows = re.findall(r"<tr class=\"tl-row-(\w+)\">", table)
    assert rows.count("position") == len(marker_links(content)) == 6
    assert rows.count("event") == 1 and rows.count("proposal") == 2
    links = re.findall(r'<td><a href="([^"]+)">', table)
    assert set(marker_links(content)) <= set(links)
    # In date order by the day each date sorts by; each <time> at the precision known
    # ("2023" for Q2 2023: HTML has no quarters), never an invented day.
    starts = [row.start for row in response.context["timeline"].rows]
    assert starts == sorted(starts)
    dates = re.findall(r'<time datetime="([^"]+)"', table)
    assert dates and all(re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", d) for d in dates)
    assert "2023-06-15" in dates and "2023-04-01" not in dates
    assert "addresses this issue" in table
    for position in Position.objects.filter(issue=spread["corridor"]):
        assert position.summary in table


def test_text_in_the_picture_is_escaped(client, reader, world):
    client.force_login(reader)
    hostile = make_party(
        world["negotiation"], slug="hostile", name='<script>alert(1)</script>"onerror=x'
    )
    make_position(world["corridor"], hostile, summary='Says "onerror=alert(2) <script>x</script>')
    make_event(world["negotiation"], title="<script>alert(3)</script>").issues.add(
        world["corridor"]
    )
    content = client.get(issue_url(world["corridor"])).content.decode()
    assert "tl-marker" in content
    assert "<script>" not in content
    assert '"onerror=' not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=x" in content


def test_issue_without_dated_items_has_no_picture(client, reader, world):
    client.force_login(reader)
    response = client.get(issue_url(world["maps"]))
    assert response.status_code == 200
    assert response.context["timeline"] is None
    assert "<svg" not in response.content.decode()


def test_parties_without_positions_get_no_lane_but_are_named(client, reader, world):
    client.force_login(reader)
    response = client.get(issue_url(world["corridor"]))
    picture = response.context["timeline"]
    assert [lane.party.slug for lane in picture.lanes] == ["alpha"]
    assert [p.slug for p in picture.empty_parties] == ["beta", "gamma"]
    assert "No position recorded for Beta, Gamma." in response.content.decode()


def test_crowded_markers_stack_into_rows_instead_of_overlapping(world):
    alpha, corridor = world["alpha"], world["corridor"]
    positions = [make_position(corridor, alpha, date=D(2024, 3, 1)) for _ in range(3)]
    picture = timeline.issue_timeline(corridor, [alpha], positions, [], [])
    ys = [m.y for m in picture.lanes[0].markers]
    assert len(set(ys)) == 3
    assert picture.lanes[0].height >= 3 * timeline.ROW


# --- query counts -----------------------------------------------------------------------


def grow(world, per_party):
    source = make_source()
    precisions = [Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR]
    for party in (world["alpha"], world["beta"], world["gamma"]):
        for n in range(per_party):
            precision = precisions[n % 4]
            day = {
                Precision.DAY: D(2021, 1 + n % 12, 1 + n % 28),
                Precision.MONTH: D(2021, 1 + n % 12, 1),
                Precision.QUARTER: D(2021, 1 + 3 * (n % 4), 1),
                Precision.YEAR: D(2015 + n % 8, 1, 1),
            }[precision]
            make_position(
                world["corridor"],
                party,
                source,
                date=day,
                date_precision=precision,
                date_approximate=n % 3 == 0,
            )
        make_event(world["negotiation"], date=D(2021, 5, 1)).issues.add(world["corridor"])
        make_proposal(world["negotiation"], author=party, date=D(2021, 6, 1))


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        lambda w: issue_url(w["corridor"]),
        lambda w: timeline_url(w["negotiation"]),
        lambda w: timeline_url(w["negotiation"]) + "?party=alpha&party=beta",
    ],
    ids=["issue", "negotiation", "negotiation-with-parties"],
)
def test_timeline_query_count_is_the_same_with_3_and_30_positions_per_party(
    client, analyst, world, url
):
    client.force_login(analyst)
    url = url(world)
    grow(world, 3)
    small = page_queries(client, url)
    grow(world, 27)
    assert page_queries(client, url) == small


# --- the negotiation-wide timeline ------------------------------------------------------


def test_negotiation_timeline_shows_events_and_proposals_without_lanes(client, reader, spread):
    client.force_login(reader)
    response = client.get(timeline_url(spread["negotiation"]))
    picture, content = response.context["timeline"], response.content.decode()
    assert picture.lanes == []
    assert len(picture.rules) == 1 and len(picture.proposals) == 2
    assert "Summit in Granada" in content and "Alpha&#x27;s draft" in content
    assert marker_links(content) == []


def test_negotiation_timeline_adds_lanes_for_chosen_parties_across_issues(client, reader, spread):
    client.force_login(reader)
    maps_position = make_position(spread["maps"], spread["beta"], summary="Wants the old maps.")
    response = client.get(timeline_url(spread["negotiation"]), {"party": ["beta", "nobody"]})
    picture, content = response.context["timeline"], response.content.decode()
    assert [lane.party.slug for lane in picture.lanes] == ["beta"]
    assert len(picture.lanes[0].markers) == 5
    assert maps_position.get_absolute_url() in marker_links(content)
    assert '<th scope="col">Issue</th>' in table_html(content)
    assert "Border maps" in table_html(content)


def test_negotiation_timeline_draws_only_the_latest_items_and_says_so(
    client, reader, spread, monkeypatch
):
    monkeypatch.setattr(timeline, "MOST_EVENTS", 1)
    monkeypatch.setattr(timeline, "MOST_PROPOSALS", 1)
    monkeypatch.setattr(timeline, "MOST_POSITIONS", 2)
    negotiation = spread["negotiation"]
    late_event = make_event(negotiation, title="Late summit", date=D(2024, 9, 1))
    client.force_login(reader)
    url = timeline_url(negotiation)
    response = client.get(url, {"party": ["alpha", "beta"]})
    picture, content = response.context["timeline"], response.content.decode()
    assert [r.label for r in picture.rules] == [f"{late_event.partial_date}: Late summit"]
    assert [t.href for t in picture.proposals] == [spread["draft"].get_absolute_url()]
    beta = next(lane for lane in picture.lanes if lane.party.slug == "beta")
    assert sorted(m.href for m in beta.markers) == sorted(
        spread[k].get_absolute_url()
        for k in ("approx", "day")  # the two latest
    )
    bounds = {b.noun: (b.shown, b.total) for b in picture.bounds}
    assert bounds == {"events": (1, 2), "proposals": (1, 2), "positions of Beta": (2, 4)}
    assert "show only the latest 1 of 2 events; 1 of 2 proposals; 2 of 4 positions" in content
    assert len(table_html(content).split("<tr class=")) - 1 == 1 + 1 + 2 + 2  # alpha has 2
    small = page_queries(client, url + "?party=alpha&party=beta")
    for _ in range(3):
        make_proposal(negotiation, date=D(2020, 1, 1))
        make_event(negotiation, date=D(2020, 1, 1))
    assert page_queries(client, url + "?party=alpha&party=beta") == small


def test_issue_timeline_draws_only_the_latest_proposals(client, reader, spread, monkeypatch):
    monkeypatch.setattr(timeline, "MOST_PROPOSALS", 1)
    client.force_login(reader)
    response = client.get(issue_url(spread["corridor"]))
    picture = response.context["timeline"]
    assert [t.href for t in picture.proposals] == [spread["draft"].get_absolute_url()]
    assert "1 of 2 proposals" in response.content.decode()


def test_negotiation_timeline_with_nothing_dated_says_so(client, reader, db):
    from tests.factories import make_negotiation

    client.force_login(reader)
    negotiation = make_negotiation()
    response = client.get(timeline_url(negotiation))
    assert response.status_code == 200
    assert "Nothing dated to show yet" in response.content.decode()


def test_dashboard_links_to_timeline_and_analytics(client, reader, world):
    client.force_login(reader)
    content = client.get(world["negotiation"].get_absolute_url()).content.decode()
    start = content.index('<nav class="actions"')
    nav = content[start : content.index("</nav>", start)]
    assert 'href="/n/talks/timeline/">Timeline</a>' in nav
    assert 'href="/n/talks/analytics/">Demand-shift analytics</a>' in nav


def test_timeline_needs_a_role(client, world, stranger):
    url = timeline_url(world["negotiation"])
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 403


def test_timeline_of_unknown_negotiation_is_404(client, reader, db):
    client.force_login(reader)
    assert client.get(reverse("negotiations:timeline", args=["nope"])).status_code == 404


def test_other_issues_positions_stay_off_the_issue_timeline(client, reader, world):
    client.force_login(reader)
    other = make_issue(world["negotiation"])
    elsewhere = make_position(other, world["beta"])
    content = client.get(issue_url(world["corridor"])).content.decode()
    assert elsewhere.get_absolute_url() not in marker_links(content)


@pytest.mark.parametrize("days", [200, 700, 1000, 1400, 2000, 3000, 6000])
def test_axis_labels_never_overlap(days):
    start = datetime.date(2021, 11, 20)
    ticks = timeline._ticks(timeline.Scale(start, start + datetime.timedelta(days=days)))
    extents = sorted(t.label_extent for t in ticks if t.label)
    assert all(
        left >= previous_right for (_, previous_right), (left, _) in itertools.pairwise(extents)
    )
    assert any(t.major and t.label for t in ticks)  # the years are always labelled


def test_quarter_labels_next_to_a_year_label_are_dropped_not_the_year():
    # About 30 px a quarter: "Q2" would touch "2023".
    start = datetime.date(2021, 11, 20)
    ticks = timeline._ticks(timeline.Scale(start, start + datetime.timedelta(days=2000)))
    assert {t.label for t in ticks if t.major} >= {"2022", "2023", "2024", "2025"}
    assert not any(t.label == "Q2" for t in ticks)
    assert any(t.label in ("Q3",) for t in ticks)


def test_a_provision_on_two_issues_marks_its_proposal_on_both_issue_pages(client, reader, world):
    """Issue #14 item 6: the proposal is shown as addressing each issue of its provision."""
    make_position(world["maps"], world["beta"], summary="Maps first.")
    draft = make_proposal(world["negotiation"], world["alpha"], slug="both", title="Both")
    make_provision(
        draft, label="Art. 1", text="Roads and maps.", issues=[world["corridor"], world["maps"]]
    )
    other = make_proposal(world["negotiation"], world["beta"], slug="neither", title="Neither")
    make_provision(other, label="Art. 1", text="Something else.")
    client.force_login(reader)
    for issue in (world["corridor"], world["maps"]):
        ticks = client.get(issue_url(issue)).context["timeline"].proposals
        on = {t.label.split(": ", 2)[-1]: t.on_issue for t in ticks}
        assert on == {"Both": True, "Neither": False}, issue
