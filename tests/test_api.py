"""The read-only JSON API at /api/v1/ (issue #19 item 2): every endpoint, the statement
filters with partial dates, cursor pagination, who may read, the OpenAPI document and
its docs page."""

import datetime
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.conf import settings

from negotiations import codebook
from negotiations.accounts import tokens
from negotiations.models import Citation, Event, Person, Position, ReportedContent, TextStep
from negotiations.text.dates import PartialDate
from tests.factories import (
    make_citation,
    make_event,
    make_issue,
    make_party,
    make_position,
    make_proposal,
    make_provision,
    make_source,
    with_reason,
)

D = datetime.date
M = Position.Movement
API = "/api/v1"
STATEMENTS = f"{API}/negotiations/talks/statements"


def get(client, url, **params):
    response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def items(client, url, **params):
    response = get(client, url, **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def uids(rows):
    return [row["uid"] for row in rows]


def dated(issue, party, text, **fields):
    """A statement dated as the source wrote it (`text` in the app's grammar)."""
    position = make_position(issue, party, summary=f"Said {text}", **fields)
    position.partial_date = PartialDate.parse(text)
    return with_reason(position)


@pytest.fixture
def texts(world):
    """A text with a step, a signatory, a provision; one described only; an event."""
    source = world["source"]
    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    article = make_provision(
        draft, label="Art. 1", text="Open the corridor.", issue=world["corridor"]
    )
    make_citation(source, provision=article)
    step = with_reason(TextStep(proposal=draft, kind=TextStep.Kind.SENT, date=D(2024, 1, 5)))
    make_citation(source, step=step)
    draft.text_parties.create(party=world["alpha"], role="signatory")
    described = make_proposal(
        world["negotiation"],
        slug="rumoured",
        title="Rumoured plan",
        availability="described",
        date=D(2024, 3, 1),
    )
    reported = with_reason(
        ReportedContent(proposal=described, issue=world["maps"], summary="Maps are redrawn.")
    )
    make_citation(source, reported_content=reported)
    envoy = with_reason(Person(name="A. Envoy", title="Envoy", party=world["alpha"]))
    event = make_event(world["negotiation"], title="Summit", kind=Event.Kind.SUMMIT)
    event.issues.add(world["corridor"])
    event.parties.add(world["beta"])
    event.persons.add(envoy)
    make_citation(source, event=event)
    return {
        **world,
        "draft": draft,
        "article": article,
        "step": step,
        "described": described,
        "reported": reported,
        "envoy": envoy,
        "event": event,
    }


# --- every endpoint -----------------------------------------------------------------------


def test_negotiations_parties_issues_by_their_slugs(client, reader, world):
    client.force_login(reader)
    assert [n["slug"] for n in items(client, f"{API}/negotiations")] == ["talks"]
    one = get(client, f"{API}/negotiations/talks").json()
    assert one["title"] == "Peace talks" and "id" not in one
    parties = items(client, f"{API}/negotiations/talks/parties")
    assert [(p["slug"], p["role"]) for p in parties] == [
        ("alpha", "principal"),
        ("beta", "principal"),
        ("gamma", "mediator"),
    ]
    issues = items(client, f"{API}/negotiations/talks/issues")
    assert [i["slug"] for i in issues] == ["corridor", "maps"]
    assert get(client, f"{API}/negotiations/nowhere").status_code == 404
    assert get(client, f"{API}/negotiations/nowhere/issues").status_code == 404


def test_a_statement_has_its_citations_speaker_attribution_and_date_fields(client, reader, world):
    envoy = with_reason(Person(name="A. Envoy", party=world["alpha"]))
    position = dated(
        world["maps"],
        world["alpha"],
        "between 8 and 11 Aug 2025?",
        speaker=envoy,
        attribution=Position.Attribution.REPORTED,
        quote="We will see.",
    )
    position.date_as_written = "the week of 8 August"
    with_reason(position)
    client.force_login(reader)
    (row,) = items(client, STATEMENTS, issue="maps")
    assert row["uid"] == str(position.uid) and row["party"] == "alpha"
    assert row["speaker"] == {"uid": str(envoy.uid), "name": "A. Envoy"}
    assert row["attribution"] == "reported" and row["quote"] == "We will see."
    assert row["date"] == {
        "canonical": PartialDate.parse("between 8 and 11 Aug 2025?").isoformat(),
        "display": str(position.partial_date),
        "start": "2025-08-08",
        "end": "2025-08-11",
        "precision": "day",
        "qualifier": "between",
        "approximate": False,
        "inferred": True,
        "as_written": "the week of 8 August",
    }
    (citation,) = row["citations"]
    stored = Citation.objects.get(position=position)
    assert citation == {
        "uid": str(stored.uid),
        "source": str(stored.source.uid),
        "source_title": stored.source.title,
        "locator": "p. 1",
        "excerpt": "",
    }


def test_texts_with_steps_parties_reported_contents_and_provisions(client, reader, texts):
    client.force_login(reader)
    draft, described = items(client, f"{API}/negotiations/talks/texts")
    assert draft["slug"] == "draft" and draft["author"] == "alpha"
    assert [(s["uid"], s["kind"]) for s in draft["steps"]] == [(str(texts["step"].uid), "sent")]
    assert draft["steps"][0]["citations"][0]["source"] == str(texts["source"].uid)
    assert draft["parties"] == [{"party": "alpha", "role": "signatory"}]
    assert described["availability"] == "described" and described["author"] is None
    (reported,) = described["reported_contents"]
    assert (reported["issue"], reported["summary"]) == ("maps", "Maps are redrawn.")
    assert len(reported["citations"]) == 1
    (article,) = items(client, f"{API}/negotiations/talks/texts/draft/provisions")
    assert (article["uid"], article["label"], article["issue"]) == (
        str(texts["article"].uid),
        "Art. 1",
        "corridor",
    )
    assert article["text"] == "Open the corridor." and len(article["citations"]) == 1
    assert items(client, f"{API}/negotiations/talks/texts/rumoured/provisions") == []
    assert get(client, f"{API}/negotiations/talks/texts/nothing/provisions").status_code == 404


def test_events_with_actors_issues_and_citations(client, reader, texts):
    client.force_login(reader)
    (event,) = items(client, f"{API}/negotiations/talks/events")
    assert event["uid"] == str(texts["event"].uid) and event["kind"] == "summit"
    assert event["issues"] == ["corridor"] and event["parties"] == ["beta"]
    assert event["persons"] == [{"uid": str(texts["envoy"].uid), "name": "A. Envoy"}]
    assert len(event["citations"]) == 1 and event["date"]["start"] == "2023-09-19"


def test_sources_persons_and_the_codebook(client, reader, texts):
    undated = make_source(title="Undated note", date=None)
    client.force_login(reader)
    sources = {s["uid"]: s for s in items(client, f"{API}/sources", limit=200)}
    assert sources[str(undated.uid)]["date"] is None
    first = sources[str(texts["source"].uid)]
    assert first["title"] == "Interview with the president"
    assert first["date"]["canonical"] == "2024-01" and first["date"]["end"] == "2024-01-31"
    one = get(client, f"{API}/sources/{texts['source'].uid}").json()
    assert one == first
    assert get(client, f"{API}/sources/not-a-uid").status_code == 404
    assert get(client, f"{API}/sources/{texts['step'].uid}").status_code == 404
    persons = items(client, f"{API}/negotiations/talks/persons")
    assert [(p["name"], p["party"]) for p in persons] == [("A. Envoy", "alpha")]
    entries = get(client, f"{API}/codebook").json()
    assert [(e["kind"], e["key"]) for e in entries] == [(e.kind, e.key) for e in codebook.ENTRIES]
    assert {"stance", "movement"} == {e["kind"] for e in entries}


# --- filters ------------------------------------------------------------------------------


def test_statements_filter_by_party_issue_stance_and_movement(client, reader, world):
    beta_maps = make_position(
        world["maps"], world["beta"], stance=Position.Stance.REJECTS, movement=M.HARDENED
    )
    client.force_login(reader)
    every = uids(items(client, STATEMENTS))
    assert len(every) == 3
    assert uids(items(client, STATEMENTS, party="beta")) == [str(beta_maps.uid)]
    assert uids(items(client, STATEMENTS, issue="corridor")) == [
        str(world["first"].uid),
        str(world["second"].uid),
    ]
    assert uids(items(client, STATEMENTS, stance="rejects")) == [str(beta_maps.uid)]
    assert set(uids(items(client, STATEMENTS, movement=["hardened"]))) == {
        str(world["second"].uid),
        str(beta_maps.uid),
    }
    alpha_demands = [str(world["first"].uid), str(world["second"].uid)]
    assert (
        uids(items(client, STATEMENTS, party=["alpha", "beta"], stance="demand")) == alpha_demands
    )
    assert items(client, STATEMENTS, party="gamma") == []
    refused = get(client, STATEMENTS, stance="furious")
    assert refused.status_code == 422 and "stance" in str(refused.json()["detail"])


# The statements of `partial`: each dated as written; which a range finds, by overlap.
PARTIAL = {
    "year": "2024",  # 1 Jan – 31 Dec 2024
    "quarter": "2024-Q2",  # 1 Apr – 30 Jun 2024
    "day": "10 Mar 2024",
    "before": "before 1 Feb 2024",  # … – 31 Jan 2024
    "after": "after 8 Aug 2025",  # 9 Aug 2025 – …
    "between": "between 8 and 11 Aug 2025",
    "old": "2021",
}
RANGES = [
    # (date_from, date_to, the statements whose interval overlaps the range)
    ("2024-06", "2024-06", {"year", "quarter"}),
    ("2024-03-10", None, {"year", "quarter", "day", "after", "between"}),
    (None, "2023", {"before", "old"}),
    ("Jan 2024", "Jan 2024", {"year", "before"}),
    ("2025-08-10", "2025-08-10", {"after", "between"}),
    ("2030", None, {"after"}),
    ("2022", "2023", {"before"}),
    (None, None, set(PARTIAL)),
]


@pytest.fixture
def partial(world):
    issue = make_issue(world["negotiation"], slug="dates")
    return {name: dated(issue, world["beta"], text).uid for name, text in PARTIAL.items()}


@pytest.mark.parametrize(("date_from", "date_to", "expected"), RANGES)
def test_a_partial_date_matches_a_range_its_interval_overlaps(
    client, reader, partial, date_from, date_to, expected
):
    """ "2024" is found by June 2024; "before 1 Feb 2024" by any range starting before
    February 2024; "after 8 Aug 2025" by every range reaching past it."""
    client.force_login(reader)
    params = {"issue": "dates", "date_from": date_from, "date_to": date_to}
    found = set(uids(items(client, STATEMENTS, **{k: v for k, v in params.items() if v})))
    assert found == {str(partial[name]) for name in expected}


def test_a_bad_date_or_range_is_a_400_naming_the_parameter(client, reader, world):
    client.force_login(reader)
    response = get(client, STATEMENTS, date_from="soon")
    assert response.status_code == 400
    assert "Cannot read" in response.json()["errors"]["date_from"]
    response = get(client, STATEMENTS, date_from="before 2024")  # no first day
    assert response.status_code == 400 and "first day" in response.json()["errors"]["date_from"]
    response = get(client, STATEMENTS, date_from="2025", date_to="2024")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_to": "The range ends before it starts."}


# --- pagination ---------------------------------------------------------------------------


def walk(client, url, **params):
    """Every page of a list, following `next`: (rows, number of pages)."""
    rows, pages = [], 0
    response = get(client, url, **params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        rows += data["items"]
        pages += 1
        if data["next"] is None:
            return rows, pages
        parts = urlsplit(data["next"])
        assert parts.path == urlsplit(url).path
        response = client.get(f"{parts.path}?{parts.query}")


def test_pages_follow_next_and_give_every_statement_once_in_order(client, reader, world):
    for n in range(9):
        make_position(world["maps"], world["beta"], date=D(2023, 1 + n, 1))
    client.force_login(reader)
    rows, pages = walk(client, STATEMENTS, limit=2)
    assert pages == 6 and len(rows) == 11
    expected = Position.objects.in_order().values_list("uid", flat=True)
    assert uids(rows) == [str(uid) for uid in expected]
    # Filters ride along in `next`.
    rows, pages = walk(client, STATEMENTS, limit=4, party="beta")
    assert (len(rows), pages) == (9, 3) and {r["party"] for r in rows} == {"beta"}


def test_a_cursor_stays_stable_when_rows_are_inserted_before_and_after_it(client, reader, world):
    """Fails with offset pagination: a row inserted before the page boundary would shift
    the next page and give its last row twice."""
    for n in range(6):
        make_position(world["maps"], world["beta"], date=D(2023, 1 + n, 1))
    client.force_login(reader)
    first = get(client, STATEMENTS, limit=3).json()
    seen = uids(first["items"])
    make_position(world["maps"], world["beta"], date=D(2020, 1, 1))  # before the cursor
    late = make_position(world["maps"], world["beta"], date=D(2030, 1, 1))  # after it
    rest, _ = walk(client, urlsplit(first["next"]).path + "?" + urlsplit(first["next"]).query)
    assert not set(seen) & set(uids(rest))
    assert seen + uids(rest) == [
        str(p.uid) for p in Position.objects.in_order() if p.date.year != 2020
    ]
    assert uids(rest)[-1] == str(late.uid)


def test_every_list_is_paged_with_a_cursor(client, reader, texts):
    for n in range(2):
        make_proposal(texts["negotiation"], slug=f"extra-{n}")
        make_event(texts["negotiation"])
        make_provision(texts["draft"])
        make_issue(texts["negotiation"])
        with_reason(Person(name=f"P{n}", party=texts["beta"]))
        make_source()
    client.force_login(reader)
    for url, count in [
        (f"{API}/negotiations/talks/parties", 3),
        (f"{API}/negotiations/talks/issues", 4),
        (f"{API}/negotiations/talks/texts", 4),
        (f"{API}/negotiations/talks/texts/draft/provisions", 3),
        (f"{API}/negotiations/talks/events", 3),
        (f"{API}/negotiations/talks/persons", 3),
        (f"{API}/sources", 3),
    ]:
        rows, pages = walk(client, url, limit=1)
        assert (len(rows), pages) == (count, count), url
        keys = [r.get("uid") or r.get("slug") for r in rows]
        assert len(set(keys)) == count, url


def test_limit_is_at_most_200_and_a_forged_cursor_is_a_400(client, reader, world):
    client.force_login(reader)
    assert get(client, STATEMENTS, limit=200).status_code == 200
    assert get(client, STATEMENTS, limit=201).status_code == 422
    assert get(client, STATEMENTS, limit=0).status_code == 422
    for forged in ("xyz", "W10", "WyJub3QgYSBkYXkiLCAxLCAyXQ"):  # bad base64, [], ["not a day"…]
        response = get(client, STATEMENTS, cursor=forged)
        assert response.status_code == 400 and "cursor" in response.json()["detail"]


# --- who may read -------------------------------------------------------------------------

ENDPOINTS = [
    f"{API}/negotiations",
    f"{API}/negotiations/talks",
    f"{API}/negotiations/talks/parties",
    f"{API}/negotiations/talks/issues",
    STATEMENTS,
    f"{API}/negotiations/talks/texts",
    f"{API}/negotiations/talks/texts/draft/provisions",
    f"{API}/negotiations/talks/events",
    f"{API}/negotiations/talks/persons",
    f"{API}/sources",
    f"{API}/codebook",
    f"{API}/openapi.json",
]


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_anonymous_gets_401_json_never_the_login_page(client, texts):
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"].startswith("Log in") and response["WWW-Authenticate"]


def test_a_stranger_sees_nothing_by_session_or_token(client, stranger, texts):
    client.force_login(stranger)
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "role" in response.json()["detail"]
    client.logout()
    _, secret = tokens.generate(stranger, "script")
    assert client.get(STATEMENTS, headers=bearer(secret)).status_code == 403


def test_a_token_reads_exactly_what_the_session_reads(client, reader, texts):
    _, secret = tokens.generate(reader, "script")
    for url in ENDPOINTS:
        by_token = client.get(url, headers=bearer(secret))
        assert by_token.status_code == 200, url
        assert not by_token.cookies
        client.force_login(reader)
        assert client.get(url).json() == by_token.json(), url
        client.logout()


def test_a_bad_or_revoked_token_is_a_401(client, reader, world):
    token, secret = tokens.generate(reader, "script")
    assert client.get(STATEMENTS, headers=bearer(secret + "x")).status_code == 401
    token.revoked = datetime.datetime.now(datetime.UTC)
    token.save()
    assert client.get(STATEMENTS, headers=bearer(secret)).status_code == 401


def test_the_api_needs_the_view_permission_of_what_it_shows(client, reader, world):
    """A role without "view_position" (none has that today) gets 403 from statements only."""
    from django.contrib.auth.models import Permission

    reader = type(reader).objects.get(pk=reader.pk)
    view_position = Permission.objects.get(codename="view_position")
    for group in reader.groups.all():
        group.permissions.remove(view_position)
    client.force_login(reader)
    assert client.get(STATEMENTS).status_code == 403
    assert client.get(f"{API}/negotiations/talks/issues").status_code == 200


def test_only_get_is_answered_post_is_refused(client, reader, world):
    client.force_login(reader)
    for url in (STATEMENTS, f"{API}/negotiations", f"{API}/openapi.json"):
        assert client.post(url, {}).status_code == 405, url
        assert client.delete(url).status_code == 405, url
    assert Position.objects.count() == 2
    _, secret = tokens.generate(reader, "script")
    client.logout()
    assert client.post(STATEMENTS, {}, headers=bearer(secret)).status_code == 403


# --- OpenAPI and the docs page ------------------------------------------------------------


def test_the_openapi_document_is_valid(client, reader, texts):
    """No OpenAPI 3.1 meta-schema ships offline: its structure is checked, every schema in
    it is checked against JSON Schema 2020-12 (the dialect of OpenAPI 3.1), every $ref
    resolves, and real answers of each endpoint validate against their schemas."""
    client.force_login(reader)
    document = get(client, f"{API}/openapi.json").json()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]
    components = document["components"]["schemas"]
    for schema in components.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    text = str(document)
    for ref in set(re.findall(r"'\$ref': '#/components/schemas/([^']+)'", text)):
        assert ref in components, ref
    operation_ids = []
    for route, operations in document["paths"].items():
        assert route.startswith(f"{API}/") and set(operations) == {"get"}, route
        operation = operations["get"]
        operation_ids.append(operation["operationId"])
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", route)), route
        assert {"200", "401", "403"} <= set(operation["responses"]), route
    assert len(operation_ids) == len(set(operation_ids)) == 12
    paths = {
        "/negotiations/{slug}/statements": STATEMENTS,
        "/negotiations/{slug}/texts": f"{API}/negotiations/talks/texts",
        "/negotiations/{slug}/events": f"{API}/negotiations/talks/events",
        "/sources/{uid}": f"{API}/sources/{texts['source'].uid}",
        "/codebook": f"{API}/codebook",
    }
    for route, url in paths.items():
        answer = document["paths"][API + route]["get"]["responses"]["200"]
        schema = answer["content"]["application/json"]["schema"]
        jsonschema.validate(
            get(client, url).json(),
            {**schema, "components": document["components"]},
            cls=jsonschema.Draft202012Validator,
        )
    statement_filters = document["paths"][STATEMENTS.replace("talks", "{slug}")]["get"]
    names = {p["name"] for p in statement_filters["parameters"]}
    assert {"party", "issue", "stance", "movement", "date_from", "date_to", "cursor"} <= names


def test_the_docs_page_loads_only_same_origin_assets_under_the_csp(client, reader, world):
    client.force_login(reader)
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4
    assert all(a.startswith("/static/") for a in assets), assets
    assert "//" not in "".join(assets)
    assert "cdn" not in html.lower()
    # Scripts are files; the one inline block is data (JSON), which the CSP never runs.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_docs_page_sends_anonymous_users_to_the_login_page(client, stranger, world):
    response = client.get(f"{API}/docs")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(stranger)
    assert client.get(f"{API}/docs").status_code == 403


# --- queries ------------------------------------------------------------------------------


def grow(world, texts_fixture, n):
    """n more statements (each cited twice), texts, provisions, events and persons."""
    source = make_source()
    for k in range(n):
        position = make_position(world["maps"], world["beta"], source, date=D(2022, 1, 1 + k))
        make_citation(make_source(), position=position)
        text = make_proposal(world["negotiation"], slug=f"grown-{k}-{Position.objects.count()}")
        step = with_reason(TextStep(proposal=text, kind="sent", date=D(2024, 1, 5)))
        make_citation(source, step=step)
        text.text_parties.create(party=world["beta"], role="signatory")
        make_citation(source, provision=make_provision(texts_fixture["draft"]))
        event = make_event(world["negotiation"])
        event.parties.add(world["alpha"])
        event.issues.add(world["maps"])
        make_citation(source, event=event)
        with_reason(Person(name=f"Person {k}", party=world["gamma"]))
        make_party(world["negotiation"])
        make_issue(world["negotiation"])


# Queries per endpoint, whatever the number of rows: the session, the user and their
# permissions (3), the negotiation, the rows, and one query per prefetched relation.
QUERIES = {
    STATEMENTS + "?party=beta&date_from=2020": 6,
    f"{API}/negotiations/talks/texts": 11,
    f"{API}/negotiations/talks/texts/draft/provisions": 6,
    f"{API}/negotiations/talks/events": 9,
    f"{API}/negotiations/talks/persons": 5,
    f"{API}/negotiations/talks/parties": 5,
    f"{API}/negotiations/talks/issues": 5,
    f"{API}/sources": 4,
    f"{API}/codebook": 3,
}


@pytest.mark.parametrize(("url", "queries"), list(QUERIES.items()))
def test_an_endpoints_query_count_is_the_same_with_3_and_12_more_rows(
    client, reader, texts, url, queries, django_assert_num_queries
):
    client.force_login(reader)
    grow(texts, texts, 3)
    client.get(url)  # content types and the like, loaded once per process
    with django_assert_num_queries(queries, exact=True):
        small = client.get(url)
    grow(texts, texts, 9)
    with django_assert_num_queries(queries, exact=True):
        large = client.get(url)
    if url != f"{API}/codebook":
        assert len(large.json()["items"]) >= len(small.json()["items"]) + 9


# --- the README's examples, run -----------------------------------------------------------


def readme_example(language):
    """The README's code block of `language` in its section on the JSON API."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("### The JSON API", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"```{language}\n(.*?)```", section, re.S)[1]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_readme_pandas_and_curl_examples_run_against_a_live_server(
    live_server, seeded, reader, monkeypatch
):
    pytest.importorskip("pandas")
    _, secret = tokens.generate(reader, "notebook")
    monkeypatch.setenv("REDLINE_TOKEN", secret)
    code = readme_example("python")
    code = code.replace("https://redline.example.org", live_server.url)
    code = code.replace("limit=200", "limit=7")  # several pages, as a larger negotiation
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    frame = namespace["statements"]
    expected = Position.objects.filter(issue__negotiation=seeded)
    assert expected.count() > 7
    assert list(frame["uid"]) == [
        str(uid) for uid in expected.in_order().values_list("uid", flat=True)
    ]
    assert frame["date.start"].notna().sum() + frame["date.end"].notna().sum() > len(frame)
    assert {"citations", "date.precision", "party", "stance"} <= set(frame.columns)

    if shutil.which("curl"):
        command = readme_example("sh").replace("https://redline.example.org", live_server.url)
        out = subprocess.run(
            ["sh", "-c", command], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        found = json.loads(out)["items"]
        assert found and {row["party"] for row in found} == {"armenia"}
