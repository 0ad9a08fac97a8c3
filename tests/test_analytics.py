"""Demand-shift analytics: counts per period, most-changed issues, time since movement."""

import csv
import datetime
import io
import json
import random

import pytest
from django.urls import reverse

from negotiations.insight import shifts
from negotiations.models import Participation, Position, date_columns
from negotiations.text.dates import PartialDate, Precision
from tests.factories import (
    make_issue,
    make_negotiation,
    make_party,
    make_position,
    make_source,
    page_queries,
)

D = datetime.date
M = Position.Movement
ZERO = dict.fromkeys(["new", "hardened", "softened", "dropped", "conceded"], 0)


def dated(text):
    return date_columns(PartialDate.parse(text))


def counts(**given):
    return {**ZERO, **given}


@pytest.fixture
def talks(db):
    """Two principals with known movements across quarters; a mediator with none.

    alpha  one  2023-01-15 new · 2023-02-20 hardened · May 2023 softened · Q4 2023 hardened
    alpha  two  2023-03-31 new · 2023-04-01 restated · 2024 dropped
    beta   one  2023-02-01 new · 2023-06-30 conceded
    beta   two  2023-11-15 new
    beta   three 2022-12-31 new · 2023-01-01 hardened · 2023-08-15 softened ·
                 c. Sep 2023 softened
    """
    negotiation = make_negotiation(slug="talks", title="Talks")
    alpha = make_party(negotiation, slug="alpha", name="Alpha")
    beta = make_party(negotiation, slug="beta", name="Beta")
    gamma = make_party(negotiation, Participation.Role.MEDIATOR, slug="gamma", name="Gamma")
    one = make_issue(negotiation, slug="one", title="Issue one")
    two = make_issue(negotiation, slug="two", title="Issue two")
    three = make_issue(negotiation, slug="three", title="Issue three")
    source = make_source()

    def say(issue, party, movement, day, precision=Precision.DAY, approximate=False):
        return make_position(
            issue,
            party,
            source,
            movement=movement,
            date=day,
            date_precision=precision,
            date_approximate=approximate,
        )

    say(one, alpha, M.NEW, D(2023, 1, 15))
    say(one, alpha, M.HARDENED, D(2023, 2, 20))
    say(one, alpha, M.SOFTENED, D(2023, 5, 1), Precision.MONTH)
    say(one, alpha, M.HARDENED, D(2023, 10, 1), Precision.QUARTER)
    say(two, alpha, M.NEW, D(2023, 3, 31))
    say(two, alpha, M.RESTATED, D(2023, 4, 1))
    say(two, alpha, M.DROPPED, D(2024, 1, 1), Precision.YEAR)
    say(one, beta, M.NEW, D(2023, 2, 1))
    say(one, beta, M.CONCEDED, D(2023, 6, 30))
    say(two, beta, M.NEW, D(2023, 11, 15))
    say(three, beta, M.NEW, D(2022, 12, 31))
    say(three, beta, M.HARDENED, D(2023, 1, 1))
    say(three, beta, M.SOFTENED, D(2023, 8, 15))
    say(three, beta, M.SOFTENED, D(2023, 9, 1), Precision.MONTH, approximate=True)
    # Another negotiation's statements never count here.
    elsewhere = make_negotiation()
    make_party(elsewhere)
    say(make_issue(elsewhere), alpha, M.HARDENED, D(2023, 2, 2))
    return {
        "negotiation": negotiation,
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "one": one,
        "two": two,
        "three": three,
        "parties": [alpha, beta, gamma],
        "issues": [one, two, three],
    }


QUARTERS = {
    "alpha": {
        "2023-Q1": counts(new=2, hardened=1),
        "2023-Q2": counts(softened=1),
        "2023-Q4": counts(hardened=1),
        # "2024" spans four quarters: which one is not known.
        "uncertain": counts(dropped=1),
    },
    "beta": {
        "2022-Q4": counts(new=1),
        "2023-Q1": counts(new=1, hardened=1),
        "2023-Q2": counts(conceded=1),
        "2023-Q3": counts(softened=2),
        "2023-Q4": counts(new=1),
    },
}

MONTHS = {
    "alpha": {
        "2023-01": counts(new=1),
        "2023-02": counts(hardened=1),
        "2023-03": counts(new=1),
        "2023-05": counts(softened=1),
        # "Q4 2023" and "2024" span several months: which one is not known.
        "uncertain": counts(hardened=1, dropped=1),
    },
    "beta": {
        "2022-12": counts(new=1),
        "2023-01": counts(hardened=1),
        "2023-02": counts(new=1),
        "2023-06": counts(conceded=1),
        "2023-08": counts(softened=1),
        "2023-09": counts(softened=1),
        "2023-11": counts(new=1),
    },
}


def positions_of(talks):
    return Position.objects.filter(issue__negotiation=talks["negotiation"])


def table(talks, granularity=shifts.QUARTER, filters=None):
    positions = (filters or shifts.Filters()).apply(positions_of(talks))
    rows = shifts.counts_by_period(positions, talks["parties"], granularity)
    return shifts.period_table(rows)


def analytics_url():
    return reverse("negotiations:analytics", args=["talks"])


def export_url(fmt):
    return reverse("negotiations:analytics_export", kwargs={"slug": "talks", "fmt": fmt})


# --- the computations -------------------------------------------------------------------


def test_counts_per_quarter_match_the_hand_built_fixture(talks):
    assert table(talks) == QUARTERS


def test_counts_per_month_match_the_hand_built_fixture(talks):
    assert table(talks, shifts.MONTH) == MONTHS


def test_rows_come_in_party_order_then_period_order(talks):
    rows = shifts.counts_by_period(positions_of(talks), [talks["beta"], talks["alpha"]])
    keys = [(r.party.slug, r.period.isoformat() if r.period else "uncertain") for r in rows]
    assert keys[:5] == [("beta", p) for p in sorted(QUARTERS["beta"])]
    assert keys[5:] == [("alpha", p) for p in sorted(QUARTERS["alpha"])]
    assert rows[0].period == PartialDate(D(2022, 10, 1), Precision.QUARTER)
    assert rows[1].total == 2 and rows[1].cells == [1, 1, 0, 0, 0]


def test_filter_by_party(talks):
    assert table(talks, filters=shifts.Filters(parties=[talks["alpha"]])) == {
        "alpha": QUARTERS["alpha"]
    }


def test_filter_by_issue(talks):
    filters = shifts.Filters(issues=[talks["two"]])
    assert table(talks, filters=filters) == {
        "alpha": {"2023-Q1": counts(new=1), "uncertain": counts(dropped=1)},
        "beta": {"2023-Q4": counts(new=1)},
    }


def test_date_range_runs_from_the_start_of_from_to_the_end_of_to(talks):
    filters = shifts.Filters.from_partial(
        date_from=PartialDate.parse("Feb 2023"), date_to=PartialDate.parse("2023-06")
    )
    assert (filters.start, filters.end) == (D(2023, 2, 1), D(2023, 6, 30))
    assert table(talks, shifts.MONTH, filters) == {
        "alpha": {
            "2023-02": counts(hardened=1),
            "2023-03": counts(new=1),
            "2023-05": counts(softened=1),
        },
        "beta": {"2023-02": counts(new=1), "2023-06": counts(conceded=1)},
    }


def test_party_issue_and_date_filters_combine(talks):
    filters = shifts.Filters.from_partial(
        [talks["beta"]],
        [talks["three"], talks["one"]],
        PartialDate.parse("2023"),
        PartialDate.parse("2023-Q3"),
    )
    assert table(talks, filters=filters) == {
        "beta": {
            "2023-Q1": counts(new=1, hardened=1),
            "2023-Q2": counts(conceded=1),
            "2023-Q3": counts(softened=2),
        }
    }


def test_most_changed_issues_by_shift_count_then_latest_shift(talks):
    lines = shifts.most_changed(positions_of(talks), talks["parties"], talks["issues"])
    assert [(x.party.slug, x.issue.slug, x.shifts, str(x.last_shift)) for x in lines] == [
        ("alpha", "one", 3, "Q4 2023"),
        ("beta", "three", 3, "c. Sep 2023"),
        ("alpha", "two", 1, "2024"),
        ("beta", "one", 1, "30 Jun 2023"),
    ]
    top = shifts.most_changed(positions_of(talks), talks["parties"], talks["issues"], top=2)
    assert [(x.party.slug, x.issue.slug) for x in top] == [("alpha", "one"), ("beta", "three")]


def test_most_changed_breaks_ties_at_the_cut_by_issue_then_party_order(talks):
    """Pairs tying on shifts and last shift right at the `top` cut: issue order decides,
    then party order, whatever order the database returns them in."""
    negotiation, source = talks["negotiation"], make_source()
    late = [make_issue(negotiation, slug=f"late-{n}", order=100 + n) for n in range(3)]
    parties = [*talks["parties"], make_party(negotiation, slug="delta", name="Delta")]
    for issue in reversed(late):
        for party in reversed(parties):
            for day in (D(2025, 1, 1), D(2025, 2, 1)):  # two shifts, newest of all
                make_position(issue, party, source, movement=M.SOFTENED, date=day)
    issues = [*talks["issues"], *late]
    lines = shifts.most_changed(positions_of(talks), parties, issues, top=5)
    assert [(x.issue.slug, x.party.slug, x.shifts) for x in lines] == [
        ("one", "alpha", 3),  # three shifts beat two, however recent
        ("three", "beta", 3),
        ("late-0", "alpha", 2),  # twelve pairs tie on two shifts on 1 Feb 2025
        ("late-0", "beta", 2),
        ("late-0", "gamma", 2),
    ]
    lines = shifts.most_changed(positions_of(talks), parties, issues, top=7)
    assert [(x.issue.slug, x.party.slug) for x in lines][-2:] == [
        ("late-0", "delta"),
        ("late-1", "alpha"),
    ]


def test_time_since_last_movement_against_a_fixed_day(talks):
    lines = shifts.since_last_movement(
        positions_of(talks), talks["parties"], talks["issues"], D(2024, 3, 31)
    )
    assert [(x.party.slug, x.issue.slug, x.moved, str(x.date), x.days) for x in lines] == [
        ("alpha", "one", True, "Q4 2023", 182),
        ("alpha", "two", True, "2024", 90),
        ("beta", "one", True, "30 Jun 2023", 275),
        ("beta", "three", True, "c. Sep 2023", 212),
        ("beta", "two", False, "15 Nov 2023", 137),  # never shifted: its last statement
    ]


def test_time_since_last_movement_respects_the_date_range(talks):
    filters = shifts.Filters(end=D(2023, 6, 30), parties=[talks["alpha"]])
    lines = shifts.since_last_movement(
        filters.apply(positions_of(talks)), talks["parties"], talks["issues"], D(2023, 7, 1)
    )
    assert [(x.issue.slug, x.position.movement, x.days) for x in lines] == [
        ("two", "restated", 91),  # no shift before July: the last statement counts
        ("one", "softened", 61),
    ]


def test_chart_has_a_panel_per_party_with_stacked_bars(talks):
    rows = shifts.counts_by_period(positions_of(talks), talks["parties"])
    chart = shifts.chart(rows, talks["parties"])
    assert [p.party.slug for p in chart.panels] == ["alpha", "beta"]
    assert chart.max_total == 3
    assert [a[1] for a in chart.axis_labels][:2] == ["Q4 2022", "Q1 2023"]
    bar = chart.panels[0].bars[0]
    assert [s.kind for s in bar.segments] == ["new", "hardened"]
    assert bar.segments[0].y > bar.segments[1].y  # new at the bottom
    assert bar.total == 3 and bar.title == "Alpha, Q1 2023: 2 new, 1 hardened"
    assert shifts.chart([], talks["parties"]) is None


# --- the page ---------------------------------------------------------------------------


def test_page_shows_chart_tables_and_filters(client, reader, talks):
    client.force_login(reader)
    response = client.get(analytics_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert shifts.period_table(response.context["results"]["periods"]) == QUARTERS
    assert '<title id="chart-title">' in content and "<desc" in content
    assert "Positions per quarter by movement" in content
    assert "Where stated demands changed most often" in content
    assert "Time since the last movement" in content
    assert 'name="from"' in content and 'name="to"' in content


def test_page_filters_combine_and_switch_to_months(client, reader, talks):
    client.force_login(reader)
    response = client.get(
        analytics_url(),
        {"party": "beta", "issue": ["three", "one"], "from": "2023", "to": "2023-Q3",
         "granularity": "month"},
    )  # fmt: skip
    assert shifts.period_table(response.context["results"]["periods"]) == {
        "beta": {
            "2023-01": counts(hardened=1),
            "2023-02": counts(new=1),
            "2023-06": counts(conceded=1),
            "2023-08": counts(softened=1),
            "2023-09": counts(softened=1),
        }
    }
    assert "Movements per month" in response.content.decode()


def test_page_counts_days_to_the_reference_day_given(client, reader, talks):
    client.force_login(reader)
    response = client.get(analytics_url(), {"ref": "Mar 2024", "party": "alpha"})
    results = response.context["results"]
    assert results["reference"] == D(2024, 3, 31)
    assert [line.days for line in results["since"]] == [182, 90]
    assert "to 31 Mar 2024" in response.content.decode()


def test_page_prints_the_time_since_table_row_by_row(client, reader, talks):
    client.force_login(reader)
    content = client.get(analytics_url(), {"ref": "Mar 2024", "party": "beta"}).content.decode()
    never_shifted = talks["beta"].positions.get(issue=talks["two"])
    assert (
        f'<tr><td>Beta</td><td><a href="{never_shifted.get_absolute_url()}">Issue two</a></td>'
        '<td><span class="muted">no shift; last statement (new)</span></td>'
        '<td><time datetime="2023-11-15">15 Nov 2023</time></td><td class="num">137</td></tr>'
    ) in content
    assert never_shifted.get_absolute_url() == (
        f"/n/talks/issues/two/beta/#position-{never_shifted.pk}"
    )
    assert '<td>Conceded</td><td><time datetime="2023-06-30">30 Jun 2023</time></td>' in content
    empty = client.get(analytics_url(), {"party": "gamma"}).content.decode()
    assert "No statements match these filters." in empty


def test_reference_day_defaults_to_today(client, reader, talks):
    client.force_login(reader)
    response = client.get(analytics_url())
    assert response.context["results"]["reference"] == datetime.date.today()


def test_page_shows_a_page_of_parties_and_the_ranking_of_all(client, reader, talks, monkeypatch):
    from negotiations.views import insight

    monkeypatch.setattr(insight, "ANALYTICS_PARTIES_PER_PAGE", 1)
    client.force_login(reader)
    response = client.get(analytics_url(), {"ref": "2024-03-31"})
    results, content = response.context["results"], response.content.decode()
    assert shifts.period_table(results["periods"]) == {"alpha": QUARTERS["alpha"]}
    assert [p.party.slug for p in results["chart"].panels] == ["alpha"]
    assert {line.party.slug for line in results["since"]} == {"alpha"}
    assert {line.party.slug for line in results["changed"]} == {"alpha", "beta"}
    assert "Parties 1–1 of 3" in content and 'href="?ref=2024-03-31&amp;page=2"' in content
    second = client.get(analytics_url(), {"ref": "2024-03-31", "page": "2"}).context["results"]
    assert shifts.period_table(second["periods"]) == {"beta": QUARTERS["beta"]}
    assert [line.days for line in second["since"]] == [275, 212, 137]
    # The exports are never paginated.
    data = json.loads(client.get(export_url("json"), {"page": "2"}).getvalue())
    assert {row["party"] for row in data} == {"alpha", "beta"}


def test_a_page_holds_fewer_parties_when_there_are_many_issues():
    from negotiations.views.insight import analytics_parties_per_page

    assert analytics_parties_per_page(3) == 10
    assert analytics_parties_per_page(100) == 5
    assert analytics_parties_per_page(5000) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "the day before yesterday"}, "Cannot read"),
        ({"to": "31/02/2024"}, "ambiguous"),
        ({"ref": "2024-02-30"}, "Cannot read"),
        ({"party": "nobody"}, "Select a valid choice"),
        ({"granularity": "week"}, "Select a valid choice"),
        ({"top": "-1"}, "greater than or equal to 1"),
    ],
)
def test_bad_filters_give_a_message_not_a_500(client, reader, talks, query, message):
    client.force_login(reader)
    response = client.get(analytics_url(), query)
    assert response.status_code == 200
    assert response.context["results"] is None
    assert message in response.content.decode()


def test_names_are_escaped_in_the_page(client, reader, talks):
    client.force_login(reader)
    hostile = make_party(talks["negotiation"], slug="hostile", name="<script>x</script>")
    make_position(talks["one"], hostile, movement=M.HARDENED)
    issue = make_issue(talks["negotiation"], slug="hostile", title='<b onclick="y">z</b>')
    make_position(issue, hostile, movement=M.NEW)
    content = client.get(analytics_url()).content.decode()
    assert "<script>" not in content and "<b " not in content
    assert "&lt;script&gt;x&lt;/script&gt;" in content
    assert "&lt;b onclick=&quot;y&quot;&gt;z&lt;/b&gt;" in content


# --- exports ----------------------------------------------------------------------------


def csv_rows(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def rows_to_table(rows):
    result = {}
    for row in rows:
        result.setdefault(row["party"], {})[row["period"]] = {kind: int(row[kind]) for kind in ZERO}
        assert int(row["total"]) == sum(result[row["party"]][row["period"]].values())
    return result


FILTERED = {"party": "beta", "issue": ["three", "one"], "from": "2023", "to": "2023-Q3"}
FILTERED_TABLE = {
    "beta": {
        "2023-Q1": counts(new=1, hardened=1),
        "2023-Q2": counts(conceded=1),
        "2023-Q3": counts(softened=2),
    }
}


def test_csv_export_streams_the_table_with_filters_applied(client, reader, talks):
    client.force_login(reader)
    response = client.get(export_url("csv"), FILTERED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="talks-analytics-periods.csv"' in response["Content-Disposition"]
    assert rows_to_table(csv_rows(response)) == FILTERED_TABLE


def test_csv_export_of_all_data_equals_the_page_table(client, reader, talks):
    client.force_login(reader)
    assert rows_to_table(csv_rows(client.get(export_url("csv")))) == QUARTERS
    monthly = client.get(export_url("csv"), {"granularity": "month"})
    assert rows_to_table(csv_rows(monthly)) == MONTHS


def test_csv_export_of_the_other_tables(client, reader, talks):
    client.force_login(reader)
    changed = csv_rows(client.get(export_url("csv"), {"table": "changed", "top": "2"}))
    assert changed == [
        {"party": "alpha", "issue": "one", "shifts": "3", "last_shift": "2023-Q4"},
        {"party": "beta", "issue": "three", "shifts": "3", "last_shift": "2023-09~"},
    ]
    since = csv_rows(client.get(export_url("csv"), {"table": "since", "ref": "2024-03-31"}))
    assert [(r["party"], r["issue"], r["last_movement"], r["days"]) for r in since] == [
        ("alpha", "one", "2023-Q4", "182"),
        ("alpha", "two", "2024", "90"),
        ("beta", "one", "2023-06-30", "275"),
        ("beta", "three", "2023-09~", "212"),
        ("beta", "two", "2023-11-15", "137"),
    ]
    assert since[-1]["moved"] == "False" and since[0]["reference"] == "2024-03-31"


def test_json_export_equals_the_tables_with_filters_applied(client, reader, talks):
    client.force_login(reader)
    query = {**FILTERED, "ref": "2024-03-31"}
    response = client.get(export_url("json"), query)
    assert response.status_code == 200
    assert rows_to_table(json.loads(response.getvalue())) == FILTERED_TABLE
    changed = json.loads(client.get(export_url("json"), {**query, "table": "changed"}).getvalue())
    assert [(r["issue"], r["shifts"]) for r in changed] == [("three", 3), ("one", 1)]
    since = json.loads(client.get(export_url("json"), {**query, "table": "since"}).getvalue())
    assert [(r["issue"], r["days"]) for r in since] == [("one", 275), ("three", 212)]
    assert {r["reference"] for r in since} == {"2024-03-31"}


def test_export_with_bad_filter_is_a_400_with_the_message(client, reader, talks):
    client.force_login(reader)
    response = client.get(export_url("json"), {"from": "soon"})
    assert response.status_code == 400
    assert "Cannot read" in response.json()["errors"]["from"][0]
    response = client.get(export_url("csv"), {"to": "nope"})
    assert response.status_code == 400
    assert b"Cannot read" in response.content


def test_unknown_export_format_or_table_is_404(client, reader, talks):
    client.force_login(reader)
    assert client.get("/n/talks/analytics.xml").status_code == 404
    assert client.get(export_url("csv"), {"table": "secrets"}).status_code == 404
    assert client.get(reverse("negotiations:analytics", args=["nope"])).status_code == 404


# --- access and query counts ------------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, "csv", "json"])
def test_readers_see_strangers_are_refused_anonymous_go_to_login(
    client, reader, stranger, talks, fmt
):
    url = analytics_url() if fmt is None else export_url(fmt)
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(reader)
    assert client.get(url).status_code == 200


def grow(talks, per_thread):
    source = make_source()
    movements = [M.NEW, M.HARDENED, M.SOFTENED, M.RESTATED, M.DROPPED, M.CONCEDED]
    for party in talks["parties"]:
        for issue in talks["issues"]:
            for n in range(per_thread):
                make_position(
                    issue,
                    party,
                    source,
                    movement=movements[n % len(movements)],
                    date=D(2020 + n % 5, 1 + n % 12, 1 + n % 28),
                )


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        lambda: analytics_url(),
        lambda: analytics_url() + "?granularity=month&party=alpha&from=2021&to=2024",
        lambda: analytics_url() + "?page=2",
        lambda: export_url("json"),
        lambda: export_url("csv") + "?table=since",
    ],
    ids=["page", "page-filtered", "page-2", "json", "csv"],
)
def test_analytics_query_count_is_the_same_with_3_and_30_positions_per_thread(
    client, analyst, talks, url
):
    client.force_login(analyst)
    url = url()
    grow(talks, 3)
    small = page_queries(client, url)
    grow(talks, 27)
    assert page_queries(client, url) == small


# --- the reference day ------------------------------------------------------------------


def test_a_reference_day_before_the_data_never_gives_negative_days(client, reader, talks):
    """Fails on the old main: statements after the reference day were counted too, so
    days "since" a movement that came later were negative (-234 for alpha on one)."""
    client.force_login(reader)
    response = client.get(analytics_url(), {"ref": "2023-03", "party": "alpha"})
    lines = response.context["results"]["since"]
    # As of 31 Mar 2023: alpha had hardened on one (20 Feb) and first spoke on two (31 Mar).
    assert [(x.issue.slug, x.position.movement, x.days) for x in lines] == [
        ("one", "hardened", 39),
        ("two", "new", 0),
    ]
    since = {"table": "since"}
    nothing_yet = client.get(export_url("json"), {**since, "ref": "2021"})
    assert json.loads(nothing_yet.getvalue()) == []
    rows = json.loads(client.get(export_url("json"), {**since, "ref": "2023-01"}).getvalue())
    assert rows and all(row["days"] >= 0 for row in rows)


def test_a_reference_day_in_the_future_is_refused_at_the_field(client, reader, talks):
    """Fails on the old main: any day was taken, and days were counted to it."""
    client.force_login(reader)
    response = client.get(analytics_url(), {"ref": "2999"})
    assert response.context["results"] is None
    assert "That day has not come yet" in response.content.decode()
    assert client.get(export_url("json"), {"ref": "2999"}).status_code == 400
    # This year (or month) has begun: it counts up to today, not to its last day.
    this_year = client.get(analytics_url(), {"ref": str(datetime.date.today().year)})
    assert this_year.context["results"]["reference"] == datetime.date.today()


# --- dates as known (issue #14) ---------------------------------------------------------


def test_last_shift_of_a_quarter_statement_is_the_quarter_not_its_first_day(client, reader, talks):
    """Fails on the old main: the analytics showed "last shift 1 Jan 2024" for a Q1 2024
    statement (the first day of the quarter, invented)."""
    make_position(talks["two"], talks["beta"], movement=M.HARDENED, **dated("2024-Q1"))
    (line,) = [
        x
        for x in shifts.most_changed(positions_of(talks), talks["parties"], talks["issues"])
        if (x.party.slug, x.issue.slug) == ("beta", "two")
    ]
    assert str(line.last_shift) == "Q1 2024"
    client.force_login(reader)
    content = client.get(analytics_url()).content.decode()
    assert '<time datetime="2024">Q1 2024</time>' in content
    assert "1 Jan 2024" not in content and 'datetime="2024-01-01"' not in content
    changed = csv_rows(client.get(export_url("csv"), {"table": "changed"}))
    assert {(r["party"], r["issue"]): r["last_shift"] for r in changed}[("beta", "two")] == (
        "2024-Q1"
    )


@pytest.mark.parametrize(
    ("when", "quarter", "month"),
    [
        ("late December 2023", "2023-Q4", "2023-12"),  # 21–31 Dec: inside both
        ("between 8 and 11 Aug 2025", "2025-Q3", "2025-08"),
        ("Aug–Sep 2025", "2025-Q3", "uncertain"),  # two months, one quarter
        ("between 30 Sep and 2 Oct 2025", "uncertain", "uncertain"),
        ("2024", "uncertain", "uncertain"),
        ("before 1 Feb 2024", "uncertain", "uncertain"),  # open-ended
        ("after 8 Aug 2025", "uncertain", "uncertain"),
        ("as of 12 Feb 2024", "uncertain", "uncertain"),
    ],
)
def test_a_statement_counts_in_a_period_only_when_its_whole_date_lies_inside(
    talks, when, quarter, month
):
    gamma = talks["gamma"]
    make_position(talks["one"], gamma, movement=M.SOFTENED, **dated(when))
    assert table(talks)["gamma"] == {quarter: counts(softened=1)}
    assert table(talks, shifts.MONTH)["gamma"] == {month: counts(softened=1)}


def test_the_uncertain_period_is_shown_and_explained_but_not_drawn(client, reader, talks):
    make_position(talks["one"], talks["gamma"], movement=M.SOFTENED, **dated("before 2024"))
    client.force_login(reader)
    response = client.get(analytics_url())
    content = response.content.decode()
    assert "<em>period uncertain</em>" in content
    assert "“Period uncertain” counts the statements whose dates span more than one" in content
    chart = response.context["results"]["chart"]
    assert "gamma" not in [p.party.slug for p in chart.panels]
    assert "2 statements whose dates span more than one quarter" in chart.desc
    rows = csv_rows(client.get(export_url("csv")))
    assert [r["period"] for r in rows if r["party"] == "gamma"] == ["uncertain"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "before 2023"}, "“before 2023” has no first day"),
        ({"to": "after 2023"}, "“after 2023” has no last day"),
        ({"ref": "after 2023"}, "“after 2023” has no last day"),
    ],
)
def test_open_ended_filters_are_refused_with_a_message(client, reader, talks, query, message):
    client.force_login(reader)
    response = client.get(analytics_url(), query)
    assert response.context["results"] is None
    assert message in response.content.decode()


# --- the kept current state (#18 item 2) ------------------------------------------------


def generate(talks, seed, n=150):
    """`n` statements at random over the fixture's threads, three more parties and six
    more issues:
    random movements, days and precisions, many on the same day (ties go by date_end,
    then id, as the kept state orders them)."""
    rng = random.Random(seed)
    parties = talks["parties"] + [
        make_party(talks["negotiation"], slug=f"more-{k}", name=f"More {k}") for k in range(3)
    ]
    issues = talks["issues"] + [
        make_issue(talks["negotiation"], slug=f"issue-{k}", title=f"Issue {k}") for k in range(6)
    ]
    talks["parties"], talks["issues"] = parties, issues
    # Half of them shifts: some threads never shift, and show their last statement.
    movements = [M.NEW, M.RESTATED, M.NEW, M.RESTATED, *Position.SHIFTS]
    source = make_source()
    precisions = [Precision.DAY, Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.YEAR]
    for _ in range(n):
        day = D(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1500, 7))
        precision = rng.choice(precisions)
        if precision != Precision.DAY:  # a month, quarter or year starts on its first day
            month = {Precision.MONTH: day.month, Precision.QUARTER: day.month - (day.month - 1) % 3}
            day = D(day.year, month.get(precision, 1), 1)
        make_position(
            rng.choice(issues),
            rng.choice(parties),
            source,
            movement=rng.choice(movements),
            date=day,
            date_precision=precision,
        )


def since_data(lines):
    return [(x.party.slug, x.issue.slug, x.position.pk, x.moved, x.days) for x in lines]


def window_only(monkeypatch):
    monkeypatch.setattr(shifts, "kept_is_latest", lambda positions, last_day: False)


def record_kept(monkeypatch):
    """The answers kept_is_latest gives, in a list that fills as pages ask."""
    answers, original = [], shifts.kept_is_latest

    def recorded(positions, last_day):
        answers.append(original(positions, last_day))
        return answers[-1]

    monkeypatch.setattr(shifts, "kept_is_latest", recorded)
    return answers


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"start": D(2023, 1, 1)},  # threads wholly before it have no line
        {"parties": ["beta", "more-1"], "issues": ["one", "three", "issue-0", "issue-1"]},
    ],
    ids=["all", "from", "parties-issues"],
)
def test_the_kept_state_gives_the_lines_the_window_computes(talks, seed, filters):
    generate(talks, seed)
    by_slug = {x.slug: x for x in talks["parties"] + talks["issues"]}
    chosen = shifts.Filters(
        [by_slug[s] for s in filters.get("parties", [])],
        [by_slug[s] for s in filters.get("issues", [])],
        filters.get("start"),
    )
    today = datetime.date.today()
    positions = chosen.apply(positions_of(talks)).filter(date__lte=today)
    assert shifts.kept_is_latest(chosen.apply(positions_of(talks), dates=False), today)
    parties, issues = chosen.parties or talks["parties"], chosen.issues or talks["issues"]
    window = shifts.since_last_movement(positions, parties, issues, today)
    kept = shifts.since_last_movement(positions, parties, issues, today, kept=True)
    assert since_data(kept) == since_data(window)
    assert len(window) >= 5
    if not filters:  # both kinds of line: the last shift, and a statement when none
        assert any(x.moved for x in window) and not all(x.moved for x in window)


SAME_QUERIES = [
    {},
    {"from": "2022-06", "granularity": "month"},
    {"party": ["beta", "more-2"], "issue": ["one", "two"], "top": "3"},
    {"page": "2"},
    {"to": "2029"},  # a last day after all the data: still the kept state
]


def fetch_all(client, query):
    """What the analytics page and its exports show for `query`: the page's tables as
    data, and every table as CSV and as JSON."""
    response = client.get(analytics_url(), query)
    results = response.context["results"]
    shown = {
        "since": since_data(results["since"]),
        "periods": shifts.period_table(results["periods"]),
        "changed": [
            (x.party.slug, x.issue.slug, x.shifts, str(x.last_shift)) for x in results["changed"]
        ],
    }
    exports = {
        (fmt, name): client.get(export_url(fmt), {**query, "table": name}).getvalue()
        for fmt in ("csv", "json")
        for name in ("periods", "changed", "since")
    }
    return shown, exports


@pytest.mark.parametrize("query", SAME_QUERIES, ids=["all", "from", "filtered", "page-2", "to"])
def test_page_and_exports_are_the_same_from_the_kept_state_and_the_window(
    client, reader, talks, monkeypatch, query
):
    generate(talks, 7)
    client.force_login(reader)
    asked = record_kept(monkeypatch)
    kept = fetch_all(client, query)
    assert asked and all(asked)  # the page and its exports read the kept state
    window_only(monkeypatch)
    assert fetch_all(client, query) == kept
    assert kept[0]["since"] and b"more-" in kept[1]["csv", "since"]


def test_a_statement_dated_after_the_last_day_counted_sends_it_to_the_window(
    client, reader, talks, monkeypatch
):
    """The kept current statement of (alpha, one) is dated after the reference day: it
    is not counted, and the line shows the statement before it. Reading the kept state
    there would lose the line."""
    client.force_login(reader)
    later = datetime.date.today() + datetime.timedelta(days=30)
    make_position(talks["one"], talks["alpha"], movement=M.SOFTENED, date=later)
    asked = record_kept(monkeypatch)
    lines = client.get(analytics_url()).context["results"]["since"]
    assert asked == [False]
    by_pair = {(x.party.slug, x.issue.slug): x for x in lines}
    assert by_pair["alpha", "one"].position.partial_date == PartialDate.parse("2023-Q4")
    past = client.get(analytics_url(), {"ref": "2023-06"}).context["results"]["since"]
    assert asked == [False, False] and ("beta", "two") not in {
        (x.party.slug, x.issue.slug) for x in past
    }


# As tests/test_query_counts.py pins the seeds' analytics page.
ANALYTICS_QUERIES = 12


def test_analytics_runs_its_pinned_queries_on_either_path(client, reader, talks):
    """The check that picks the path is one query; either path is then one query for
    the "time since" table."""
    client.force_login(reader)
    kept = page_queries(client, analytics_url())
    window = page_queries(client, analytics_url() + "?ref=2023-06")
    assert (kept, window) == (ANALYTICS_QUERIES, ANALYTICS_QUERIES)
