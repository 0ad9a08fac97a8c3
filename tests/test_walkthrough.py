"""Issue #14's "done when", walked through the app's own forms as a new analyst would:
record "late December 2023" beside a 7 December statement, then the 8 August 2025
initialling of a 17-article agreement whose text is public (signatories Armenia and
Azerbaijan, the United States as witness), and read the matrix, thread, timeline,
snapshot and exports afterwards. Every step posts what the pages post; nothing is made
behind the forms' backs except the starting negotiation."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from negotiations.models import Participation, Position, Proposal, TextStep
from tests.factories import CITE, make_issue, make_negotiation, make_party, make_source

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"negotiations:{name}", args=args)


@pytest.fixture
def talks(db):
    n = make_negotiation(slug="peace", title="Armenia–Azerbaijan peace process")
    return {
        "n": n,
        "armenia": make_party(n, slug="armenia", name="Armenia"),
        "azerbaijan": make_party(n, slug="azerbaijan", name="Azerbaijan"),
        "us": make_party(n, role=Participation.Role.MEDIATOR, slug="us", name="United States"),
        "recognition": make_issue(n, slug="recognition", title="Mutual recognition"),
        "transit": make_issue(n, slug="transit", title="Transit route"),
        "claims": make_issue(n, slug="claims", title="Interstate claims"),
        "source": make_source(title="Report on the Washington summit"),
    }


def cite(talks, locator):
    return {**CITE, "cite-0-source": str(talks["source"].pk), "cite-0-locator": locator}


def record_statement(client, talks, when, stance, summary):
    data = {
        "party": talks["azerbaijan"].pk,
        "issue": talks["recognition"].pk,
        "stance": stance,
        "movement": "",
        "summary": summary,
        "quote": "",
        "attribution": "own",
        "when": when,
        **cite(talks, "para. 3"),
    }
    response = client.post(url("position_add", "peace"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors


def seventeen_articles(talks):
    issues = [talks["recognition"], talks["transit"], talks["claims"]]
    return [
        (f"Article {i}", "", str(issues[i % 3].pk), f"The parties agree on point {i}.")
        for i in range(1, 18)
    ]


def test_an_analyst_records_the_initialling_and_every_page_shows_the_commitments(
    client, talks, analyst
):
    client.force_login(analyst)

    # "late December 2023" after a statement of 7 December: it sorts after it.
    record_statement(client, talks, "7 December 2023", "rejects", "Rejects the draft's wording.")
    record_statement(client, talks, "late December 2023", "demand", "Sends its own proposals.")
    late = Position.objects.get(date_as_written="late December 2023")
    assert (late.date, late.date_end) == (datetime.date(2023, 12, 21), datetime.date(2023, 12, 31))
    thread = client.get(url("thread", "peace", "recognition", "azerbaijan")).content.decode()
    assert "late Dec 2023" in thread and "c. Dec 2023" not in thread
    assert thread.index("7 Dec 2023") < thread.index("late Dec 2023")
    # Judged against the certainly earlier rejection (as firm as a demand).
    assert late.movement == "restated"

    # The agreement, pasted whole: 17 articles, text public.
    parts = seventeen_articles(talks)
    data = {
        "title": "Agreement on peace and interstate relations",
        "slug": "peace-agreement",
        "kind": "initialled",
        "author": "",
        "when": "8 August 2025",
        "availability": "official",
        "responds_to": "",
        "supersedes": "",
        "summary": "The agreed text, initialled in Washington.",
        **cite(talks, "para. 1"),
        "step": "save",
        "part-TOTAL_FORMS": str(len(parts)),
        "part-INITIAL_FORMS": "0",
        "part-MIN_NUM_FORMS": "0",
        "part-MAX_NUM_FORMS": "200",
    }
    for i, (label, heading, issue, text) in enumerate(parts):
        data |= {
            f"part-{i}-label": label,
            f"part-{i}-heading": heading,
            f"part-{i}-issue": issue,
            f"part-{i}-text": text,
        }
    response = client.post(url("proposal_paste", "peace"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Proposal.objects.get(slug="peace-agreement")
    assert agreement.provisions.count() == 17

    # Its parties: Armenia and Azerbaijan sign, the United States witnesses.
    for party, role in (("armenia", "signatory"), ("azerbaijan", "signatory"), ("us", "witness")):
        response = client.post(
            url("text_party_add", "peace", "peace-agreement"),
            {"party": talks[party].pk, "role": role},
        )
        assert response.status_code == 302, response.context["form"].errors

    # The initialling.
    response = client.post(
        url("step_add", "peace", "peace-agreement"),
        {"kind": "initialled", "when": "8 August 2025", "note": "", **cite(talks, "para. 2")},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    step = TextStep.objects.get(proposal=agreement)
    commitments = Position.objects.filter(commitment_of=step)
    assert {(p.party.slug, p.issue.slug) for p in commitments} == {
        (party, issue)
        for party in ("armenia", "azerbaijan")
        for issue in ("recognition", "transit", "claims")
    }  # the witness commits to nothing

    # Matrix: both parties' current cells are their commitments.
    response = client.get(url("negotiation", "peace"))
    cells = {
        (cell.issue.slug, cell.party.slug): cell.position
        for row in response.context["rows"]
        for cell in row.cells
    }
    for party in ("armenia", "azerbaijan"):
        assert cells[("recognition", party)].stance == "committed"
        assert cells[("recognition", party)].commitment_of_id == step.pk

    # Thread: Azerbaijan's demand of late December, then its commitment, in that order.
    thread = client.get(url("thread", "peace", "recognition", "azerbaijan")).content.decode()
    assert thread.index("late Dec 2023") < thread.index("Initialled “Agreement on peace")
    assert (
        Position.objects.get(
            commitment_of=step, party=talks["azerbaijan"], issue=talks["recognition"]
        ).movement
        == "conceded"
    )

    # Timeline: the step is on it.
    timeline = client.get(url("timeline", "peace"))
    assert timeline.status_code == 200
    assert "Initialled" in timeline.content.decode()

    # Snapshot "as stated by": before the day unchanged, after it both commitments.
    response = client.get(url("snapshot", "peace"), {"a": "2025-08-07", "b": "2025-08-09"})
    lines = {(line.issue.slug, line.party.slug): line for line in response.context["lines"]}
    assert lines[("recognition", "azerbaijan")].before.pk == late.pk
    for party in ("armenia", "azerbaijan"):
        assert lines[("recognition", party)].after.stance == "committed"
    response = client.get(url("snapshot", "peace"), {"a": "2024-01-01", "b": "2025-08-07"})
    assert ("recognition", "armenia") not in {
        (line.issue.slug, line.party.slug) for line in response.context["lines"]
    }

    # Exports: late December as its interval and its words, never an invented day.
    response = client.get("/n/peace/positions.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    [row] = [r for r in rows if r["date_as_written"] == "late December 2023"]
    assert (row["date_start"], row["date_end"]) == ("2023-12-21", "2023-12-31")
