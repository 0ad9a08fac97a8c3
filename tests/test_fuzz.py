"""Bad input, fuzzed with hypothesis: every form, every GET filter, the import.

Each property sends random text mixed with hostile strings — Armenian, Cyrillic, Arabic
and Hebrew (right to left), emoji, NUL bytes, HTML/JS, SQL-ish text, impossible and
very long dates, and (as a fixed example) a megabyte of text — and checks:

* never a 500;
* either the data is saved and reads back exactly as typed (after the documented
  normalisation: surrounding whitespace stripped, runs of whitespace in labels made
  one space), with one history row carrying user and reason, or it is refused with a
  message shown, and NOTHING is written (rows and history rows of every model unchanged);
* hostile HTML never comes back unescaped.

Run `pytest tests/test_fuzz.py --hypothesis-show-statistics` for the examples tried.
"""

import copy
import datetime
import itertools
import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils.text import slugify
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from negotiations.exchange.interchange import (
    InvalidDocument,
    export_negotiation,
    import_document,
    parse_document,
    validate,
)
from negotiations.models import Negotiation, Position, Proposal, Provision
from negotiations.text.dates import PartialDate, PartialDateError
from tests.factories import (
    base_document,
    make_proposal,
    make_provision,
    new_position_data,
    paste_save_data,
    position_edit_data,
    proposal_data,
    proposal_edit_data,
    provision_data,
    reorder_data,
)

# Hundreds of requests per test: CI runs them (`make test-all`), `make test` does not.
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=30)

SCRIPT = "<script>alert(1)</script>"
ONERROR = '"onerror=alert(1)'
IMG = "<img src=x onerror=alert(1)>"
MARKERS = (SCRIPT, ONERROR, IMG)
HOSTILE = [
    "Հայաստանի Հանրապետություն և Ադրբեջան",
    "Азербайджанская Республика, «мирный договор»",
    "جمهورية أذربيجان والسلام",
    "שלום עכשיו",
    "🇦🇲🇦🇿 🕊️ 👩🏽‍⚖️ 🏳️‍🌈",
    "\u202eevil\u202c \u200f\u200e",
    "\ufeffBOM first",
    "\x00",
    "a\x00b",
    SCRIPT,
    ONERROR,
    IMG,
    "</textarea><script>alert(1)</script>",
    "'; DROP TABLE negotiations_position; --",
    "' OR '1'='1",
    "%s %(x)s {0} {{ x }} {% now 'Y' %}",
    "\\ \\\\ \\x00",
    "   ",
    "\r\n\t",
    "Z̴̡̛͈a̶l̴g̸o̷",
]
DATES = [
    "31 December 99999",
    "99999-12-31",
    "2024-01-" + "1" * 1000,
    "late " * 2000 + "2023",
    "0000-00-00",
    "2024-13",
    "2024-Q5",
    "29 Feb 2023",
    "1e9",
    "-2024",
    "late December 2023",
    "2024-Q1",
    "c. 2021",
    "10 Jan 2024",
]
MEGABYTE = ("Հայաստան Азербайджан سلام שלום 🕊️ <b>x</b> " * 30_000)[: 1024 * 1024]
assert len(MEGABYTE.encode()) > 1_000_000

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=120),
    st.builds(
        "".join,
        st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=10)), max_size=4),
    ),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d %B %Y")),
    hostile,
)

# Mostly valid dates, so that saves happen too and their round trip is checked.
some_dates = st.one_of(
    st.dates(min_value=datetime.date(1000, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(["late December 2023", "2024-Q1", "c. 2021", "Jan 2024"]),
    dates,
)
slugs = st.one_of(st.just(""), st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True), hostile)

_unique = itertools.count(1)


# --- helpers ------------------------------------------------------------------------------


def every_count():
    """Rows of every model of the app, history and many-to-many tables included."""
    config = apps.get_app_config("negotiations")
    return {
        m._meta.label: m._base_manager.count() for m in config.get_models(include_auto_created=True)
    }


def analyst_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def check_page(response, *typed):
    """Never a 500, and no hostile marker typed into a field comes back unescaped in HTML
    (CSV, JSON and plain-text answers are not markup; nosniff keeps browsers from
    reading them as such)."""
    assert response.status_code != 500, response.getvalue()[:2000]
    if not response.get("Content-Type", "").startswith("text/html"):
        response.getvalue()  # a streamed export must not fail half-way either
        return
    content = response.content.decode("utf-8", "replace")
    for value in typed:
        for marker in MARKERS:
            if isinstance(value, str) and marker in value:
                assert marker not in content, f"{marker!r} shown unescaped"


def refused_with_message(response, before):
    event("refused with a message")
    assert response.status_code in (200, 400, 409), response.status_code
    assert "errorlist" in response.content.decode(), "rejected without a message"
    assert every_count() == before, "half-saved"


def follow(client, response, *typed):
    page = client.get(response["Location"])
    check_page(page, *typed)
    return page


def last_record(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


def expect_history(record, user, reason):
    event("saved and read back")
    assert record.history_user == user
    assert record.history_change_reason == reason


# --- positions ----------------------------------------------------------------------------


@FUZZ
@given(
    summary=hostile,
    quote=hostile,
    when=some_dates,
    stance=st.sampled_from(["demand", "red_line", "offer", "x<b>"]),
)
@example(summary=MEGABYTE, quote=MEGABYTE, when="late December 2023", stance="demand")
@example(summary="  Հայաստան  ", quote="\x00", when="2024", stance="demand")
def test_position_add_saves_exactly_or_refuses_with_a_message(
    world, analyst, summary, quote, when, stance
):
    client = analyst_client(analyst)
    before = every_count()
    data = new_position_data(world, summary=summary, quote=quote, when=when, stance=stance)
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    check_page(response, summary, quote, when)
    if response.status_code != 302:
        refused_with_message(response, before)
        return
    position = Position.objects.order_by("-pk").first()
    assert position.summary == summary.strip()
    assert position.quote == quote.strip()
    assert position.partial_date == PartialDate.parse(when.strip())
    assert position.stance == stance
    expect_history(last_record(Position, position.pk), analyst, "Recorded a new statement")
    assert position.citations.count() == 1
    follow(client, response, summary, quote)


@FUZZ
@given(summary=hostile, quote=hostile, when=some_dates, reason=hostile)
@example(summary=MEGABYTE, quote="", when="2024-01-10", reason="pasted the transcript")
@example(summary="x", quote="", when="2024-01-10", reason="r" * 301)
def test_position_edit_saves_exactly_or_changes_nothing(
    world, analyst, summary, quote, when, reason
):
    client = analyst_client(analyst)
    position = Position.objects.get(pk=world["first"].pk)
    before, row = every_count(), Position.objects.filter(pk=position.pk).values().get()
    data = position_edit_data(
        position, summary=summary, quote=quote, when=when, change_reason=reason
    )
    response = client.post(reverse("negotiations:position_edit", args=[position.pk]), data)
    check_page(response, summary, quote, when, reason)
    if response.status_code != 302:
        refused_with_message(response, before)
        assert Position.objects.filter(pk=position.pk).values().get() == row
        return
    position.refresh_from_db()
    assert (position.summary, position.quote) == (summary.strip(), quote.strip())
    assert position.partial_date == PartialDate.parse(when.strip())
    assert position.version == row["version"] + 1
    expect_history(last_record(Position, position.pk), analyst, reason.strip())
    follow(client, response, summary, quote, reason)


@FEW
@given(
    title=hostile, kind=st.sampled_from(["", "news_report", "<x>"]), url=hostile, excerpt=hostile
)
@example(title=SCRIPT, kind="interview", url="javascript:alert(1)", excerpt=ONERROR)
@example(title="Ереван", kind="interview", url="https://example.org/Հայ", excerpt="\x00")
def test_a_new_source_described_in_the_citation_form_is_saved_whole_or_not_at_all(
    world, analyst, title, kind, url, excerpt
):
    client = analyst_client(analyst)
    before = every_count()
    data = new_position_data(world, **{"cite-0-source": ""})
    data.update(
        {
            "cite-0-new_source_title": title,
            "cite-0-new_source_kind": kind,
            "cite-0-new_source_reliability": "F",
            "cite-0-new_source_language": "und",
            "cite-0-new_source_url": url,
            "cite-0-excerpt": excerpt,
        }
    )
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    check_page(response, title, url, excerpt)
    if response.status_code != 302:
        refused_with_message(response, before)
        return
    citation = Position.objects.order_by("-pk").first().citations.select_related("source").get()
    assert citation.source.title == title.strip()
    assert citation.source.url == url.strip()
    assert citation.excerpt == excerpt.strip()
    assert citation.source.history.get().history_user == analyst
    event("saved and read back")


# --- proposals and provisions ---------------------------------------------------------------


@pytest.fixture
def drafts(world, draft):
    """The draft and a second proposal responding to it, for the compare page."""
    make_proposal(world["negotiation"], world["beta"], slug="second", responds_to=draft)


@pytest.fixture
def draft(world):
    proposal = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    make_provision(proposal, label="Art. 1", text="Open the corridor.", order=1)
    make_provision(proposal, label="Art. 2", text="Maps later.", order=2)
    return proposal


@FUZZ
@given(title=hostile, slug=slugs, summary=hostile, when=some_dates)
@example(title="Draft", slug="", summary=MEGABYTE, when="2024-01-04")
@example(title="Ереван 2024", slug="", summary="", when="2024")
@example(title="x", slug="new", summary="", when="2024")
def test_proposal_add_saves_exactly_or_refuses_with_a_message(
    world, analyst, title, slug, summary, when
):
    client = analyst_client(analyst)
    before = every_count()
    data = proposal_data(world, title=title, slug=slug, summary=summary, when=when)
    response = client.post(reverse("negotiations:proposal_add", args=["talks"]), data)
    check_page(response, title, slug, summary, when)
    if response.status_code != 302:
        refused_with_message(response, before)
        return
    proposal = Proposal.objects.order_by("-pk").first()
    assert proposal.title == title.strip()
    assert proposal.slug == (slug.strip() or slugify(title.strip())[:80])
    assert proposal.summary == summary.strip()
    assert proposal.partial_date == PartialDate.parse(when.strip())
    expect_history(last_record(Proposal, proposal.pk), analyst, "Recorded a new proposal")
    follow(client, response, title, summary)


@FUZZ
@given(title=hostile, summary=hostile, when=some_dates, reason=hostile)
@example(title="Draft", summary=MEGABYTE, when="2024-01-04", reason="full text")
def test_proposal_edit_saves_exactly_or_changes_nothing(
    world, analyst, draft, title, summary, when, reason
):
    client = analyst_client(analyst)
    proposal = Proposal.objects.get(pk=draft.pk)
    before, row = every_count(), Proposal.objects.filter(pk=draft.pk).values().get()
    data = proposal_edit_data(
        proposal, title=title, summary=summary, when=when, change_reason=reason
    )
    url = reverse("negotiations:proposal_edit", args=["talks", proposal.slug])
    response = client.post(url, data)
    check_page(response, title, summary, when, reason)
    if response.status_code != 302:
        refused_with_message(response, before)
        assert Proposal.objects.filter(pk=draft.pk).values().get() == row
        return
    proposal.refresh_from_db()
    assert (proposal.title, proposal.summary) == (title.strip(), summary.strip())
    assert proposal.version == row["version"] + 1
    expect_history(last_record(Proposal, proposal.pk), analyst, reason.strip())
    follow(client, response, title, summary)


@FUZZ
@given(label=hostile, heading=hostile, text=hostile)
@example(label="Art.\u00a0 3\n", heading="", text=MEGABYTE)
@example(label="Ст. 5", heading=SCRIPT, text="x" * 500_001)
def test_provision_add_saves_exactly_or_refuses_with_a_message(
    world, analyst, draft, label, heading, text
):
    client = analyst_client(analyst)
    before = every_count()
    data = provision_data(label=label, heading=heading, text=text)
    url = reverse("negotiations:provision_add", args=["talks", "draft"])
    response = client.post(url, data)
    check_page(response, label, heading, text)
    if response.status_code != 302:
        refused_with_message(response, before)
        return
    provision = Provision.objects.order_by("-pk").first()
    assert provision.label == " ".join(label.split())
    assert provision.heading == heading.strip()
    assert provision.text == text.strip()
    expect_history(last_record(Provision, provision.pk), analyst, "Added a provision")
    follow(client, response, label, heading, text)


@FUZZ
@given(label=hostile, heading=hostile, text=hostile, reason=hostile)
def test_provision_edit_saves_exactly_or_changes_nothing(
    world, analyst, draft, label, heading, text, reason
):
    client = analyst_client(analyst)
    provision = draft.provisions.order_by("pk").first()
    before, row = every_count(), Provision.objects.filter(pk=provision.pk).values().get()
    data = provision_data(provision, label=label, heading=heading, text=text, change_reason=reason)
    response = client.post(reverse("negotiations:provision_edit", args=[provision.pk]), data)
    check_page(response, label, heading, text, reason)
    if response.status_code != 302:
        refused_with_message(response, before)
        assert Provision.objects.filter(pk=provision.pk).values().get() == row
        return
    provision.refresh_from_db()
    assert provision.label == " ".join(label.split())
    assert (provision.heading, provision.text) == (heading.strip(), text.strip())
    expect_history(last_record(Provision, provision.pk), analyst, reason.strip())


numbers = st.one_of(
    st.sampled_from(["1", "2", "1.5", "3,5", "-0", "1e309", "nan", "inf", "-inf", "1" * 400]),
    hostile,
)


@FEW
@given(first=numbers, second=numbers, reason=hostile)
def test_reorder_saves_every_move_or_nothing(world, analyst, draft, first, second, reason):
    client = analyst_client(analyst)
    provisions = list(draft.provisions.order_by("order", "pk"))
    before, rows = every_count(), list(Provision.objects.order_by("pk").values())
    data = reorder_data(provisions, [first, second], reason=reason)
    url = reverse("negotiations:provisions_reorder", args=["talks", "draft"])
    response = client.post(url, data)
    check_page(response, first, second, reason)
    if response.status_code != 302:
        refused_with_message(response, before)
        assert list(Provision.objects.order_by("pk").values()) == rows
        return
    after = list(draft.provisions.order_by("order", "pk"))
    assert [p.order for p in after] == [1, 2]
    moved = [p for p in after if p.version != {r["id"]: r for r in rows}[p.pk]["version"]]
    for p in moved:
        expect_history(last_record(Provision, p.pk), analyst, reason.strip())
    event("saved")


# --- pasting a draft ----------------------------------------------------------------------


PASTE_CITE = {"cite-0-locator": "p. 1"}


@FUZZ
@given(draft_text=hostile, title=hostile)
@example(draft_text=MEGABYTE, title="Megabyte")
@example(draft_text="Article 1\n" + "Article 2\n" * 300, title="Too many parts")
def test_pasting_a_draft_previews_or_refuses_and_never_writes(world, analyst, draft_text, title):
    client = analyst_client(analyst)
    before = every_count()
    data = {
        **proposal_data(world, title=title, **PASTE_CITE),
        "step": "split",
        "draft": draft_text,
    }
    response = client.post(reverse("negotiations:proposal_paste", args=["talks"]), data)
    check_page(response, draft_text, title)
    assert response.status_code == 200
    assert every_count() == before
    if "parts" not in response.context:
        assert "errorlist" in response.content.decode()


@FUZZ
@given(
    parts=st.lists(st.tuples(hostile, hostile, hostile), min_size=1, max_size=3),
    title=hostile,
)
@example(parts=[("Article 1", "", MEGABYTE)], title="Big")
@example(parts=[("   ", "   ", "")], title="A blank part was a KeyError (500)")
def test_saving_a_pasted_draft_saves_every_part_exactly_or_nothing(world, analyst, parts, title):
    client = analyst_client(analyst)
    before = every_count()
    data = paste_save_data(
        world,
        [(label, heading, "", text) for label, heading, text in parts],
        title=title,
        slug=f"pasted-{next(_unique)}",
        **PASTE_CITE,
    )
    response = client.post(reverse("negotiations:proposal_paste", args=["talks"]), data)
    check_page(response, title, *[v for part in parts for v in part])
    if response.status_code != 302:
        refused_with_message(response, before)
        return
    proposal = Proposal.objects.order_by("-pk").first()
    assert proposal.title == title.strip()
    saved = list(proposal.provisions.order_by("order").values_list("label", "heading", "text"))
    assert saved == [(" ".join(label.split()), h.strip(), t.strip()) for label, h, t in parts]
    assert {p.history.get().history_change_reason for p in proposal.provisions.all()} == {
        "Pasted draft"
    }
    event("saved and read back")


# --- GET filters: snapshot, analytics, search, compare, dashboard --------------------------


def has_nul(params):
    values = [
        v for value in params.values() for v in (value if isinstance(value, list) else [value])
    ]
    return any("\x00" in v for v in values)


def get_never_fails(client, url, params, *typed, ok=(200,)):
    """A GET with the filters answers one of `ok` (a NUL anywhere: 400) and writes nothing."""
    before = every_count()
    response = client.get(url, params)
    check_page(response, *typed, *params.values())
    assert response.status_code in ((400,) if has_nul(params) else ok), response.status_code
    assert every_count() == before
    return response


@FUZZ
@given(a=dates, b=dates, party=hostile, mode=st.sampled_from(["", "stated", "recorded", SCRIPT]))
@example(a="2024", b="2024-Q1", party="alpha", mode="recorded")
@example(a=MEGABYTE, b="2024", party="", mode="")
def test_snapshot_filters_never_fail(world, reader, a, b, party, mode):
    client = analyst_client(reader)
    params = {"a": a, "b": b, "party": party, "mode": mode}
    get_never_fails(client, reverse("negotiations:snapshot", args=["talks"]), params)
    for fmt in ("csv", "json"):
        url = reverse("negotiations:snapshot_export", kwargs={"slug": "talks", "fmt": fmt})
        get_never_fails(client, url, params, ok=(200, 400))


@FUZZ
@given(
    start=dates,
    end=dates,
    ref=dates,
    top=st.one_of(st.sampled_from(["0", "1", "200", "201", "-5", "1e3", "9" * 50]), hostile),
    granularity=st.one_of(st.sampled_from(["quarter", "month"]), hostile),
    party=st.lists(st.one_of(st.just("alpha"), hostile), max_size=3),
)
def test_analytics_filters_never_fail(world, reader, start, end, ref, top, granularity, party):
    client = analyst_client(reader)
    params = {
        "from": start,
        "to": end,
        "ref": ref,
        "top": top,
        "granularity": granularity,
        "party": party,
        "issue": party,
    }
    page = reverse("negotiations:analytics", args=["talks"])
    get_never_fails(client, page, params, *party)
    for fmt in ("csv", "json"):
        url = reverse("negotiations:analytics_export", kwargs={"slug": "talks", "fmt": fmt})
        get_never_fails(client, url, params, *party, ok=(200, 400))


@FUZZ
@given(
    q=hostile,
    start=dates,
    end=dates,
    negotiation=st.one_of(st.just("talks"), hostile),
    kind=st.lists(st.one_of(st.sampled_from(["position", "provision"]), hostile), max_size=2),
    stance=st.one_of(st.just("demand"), hostile),
    page=st.one_of(st.sampled_from(["1", "2", "-1", "last", "9" * 30]), hostile),
)
@example(q="corridor", start="", end="", negotiation="talks", kind=[], stance="", page="1")
@example(q=MEGABYTE, start="", end="", negotiation="", kind=[], stance="", page="")
@example(q="\x00 corridor", start="", end="", negotiation="", kind=[], stance="", page="")
def test_search_filters_never_fail(world, reader, q, start, end, negotiation, kind, stance, page):
    client = analyst_client(reader)
    params = {
        "q": q,
        "from": start,
        "to": end,
        "negotiation": negotiation,
        "party": q[:50],
        "issue": q[:50],
        "kind": kind,
        "stance": stance,
        "page": page,
    }
    response = get_never_fails(client, reverse("negotiations:search"), params, *kind, ok=(200, 400))
    if response.status_code == 400:  # a wrong date, or a NUL (PostgreSQL cannot compare it)
        content = response.content.decode()
        assert "errorlist" in content or "The request was malformed" in content
    for fmt in ("csv", "json"):
        url = reverse("negotiations:search_export", kwargs={"fmt": fmt})
        get_never_fails(client, url, params, *kind, ok=(200, 400))


@FEW
@given(a=hostile, b=hostile, view=hostile, party=st.lists(hostile, max_size=2))
@example(a="draft", b="second", view="side", party=["alpha"])
def test_compare_dashboard_and_timeline_filters_never_fail(
    world, reader, drafts, a, b, view, party
):
    client = analyst_client(reader)
    for name, params in (
        ("compare", {"a": a, "b": b, "view": view}),
        ("negotiation", {"party": party, "issue": party}),
        ("timeline", {"party": party}),
    ):
        url = reverse(f"negotiations:{name}", args=["talks"])
        get_never_fails(client, url, params, *party)


# --- login ----------------------------------------------------------------------------------


@FUZZ
@given(username=hostile, password=hostile)
@example(username="rea", password="wrong")
@example(username="rea\x00", password="pw-rea")
@example(username=MEGABYTE, password=MEGABYTE)
def test_login_form_refuses_bad_credentials_with_a_message(db, reader, username, password):
    assume(not (username == "rea" and password == "pw-rea"))
    from axes.utils import reset

    # Each example is a first try: the failures of earlier examples (hypothesis repeats a
    # short username) would otherwise lock the pair out, and the page would be the 429.
    reset()
    client = Client(raise_request_exception=False)
    before = every_count()
    response = client.post(reverse("login"), {"username": username, "password": password})
    check_page(response, username, password)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert every_count() == before


# --- import ---------------------------------------------------------------------------------


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        hostile,
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.one_of(hostile, st.sampled_from(["slug", "uid", "title"])), children, max_size=3
        )
    ),
    max_leaves=10,
)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), hostile.map(str.encode), json_values.map(json.dumps)))
@example(raw=b"[" * 200_000)
@example(raw=b"\xff\xfe{}")
@example(raw=b'{"format": "redline/1", "negotiation": {"slug": "x"')
@example(raw=b"\xef\xbb\xbf   ")
def test_parse_document_returns_data_or_says_what_is_wrong(raw):
    try:
        data = parse_document(raw)
    except InvalidDocument as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    assert json.dumps(data) == json.dumps(json.loads(text))  # NaN != NaN; its text is equal


@FUZZ
@given(data=json_values)
@example(data={"format": "redline/1", "negotiation": {"slug": ["x"], "title": {}}})
@example(
    data={"format": "redline/1", "negotiation": {}, "positions": [{"uid": [], "citations": {}}]}
)
@example(data={"format": "redline/1", "negotiation": [], "issues": [{"slug": "a", "parent": "a"}]})
def test_validate_lists_problems_and_never_raises(db, data):
    errors = validate(data)
    assert isinstance(errors, list) and all(isinstance(e, str) for e in errors)
    if not isinstance(data, dict) or data.get("format") != "redline/1":
        assert errors


def leaf_paths(value, path=()):
    """Every path to a scalar (or empty list) in the document."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaf_paths(child, (*path, key))
    elif isinstance(value, list) and value:
        for i, child in enumerate(value):
            yield from leaf_paths(child, (*path, i))
    else:
        yield path


PATHS = sorted(leaf_paths(base_document()), key=str)


def put(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(hostile, dates, json_values)),
        min_size=1,
        max_size=3,
    )
)
@example(edits=[((("positions", 0, "summary")), MEGABYTE)])
@example(edits=[((("positions", 0, "summary")), "a\x00b")])
@example(edits=[((("sources", 0, "url")), "javascript:alert(1)")])
@example(edits=[((("negotiation", "title")), "Մ" * 201)])
@example(edits=[((("issues", 1, "parent")), "maps")])
@example(edits=[(("events", 0, "citations", 0, "excerpt"), None)])  # null = empty, not a 500
def test_import_writes_the_document_exactly_or_nothing(db, edits):
    doc = base_document()
    for path, value in edits:
        put(doc, path, copy.deepcopy(value))
    before = every_count()
    try:
        created = import_document(doc, reason="fuzz import")
    except InvalidDocument as exc:
        assert exc.errors and all(isinstance(e, str) for e in exc.errors)
        assert every_count() == before, "half-imported"
        event("refused with a message")
        return
    event("imported and read back")
    assert sum(created.values()) > 0
    negotiation = Negotiation.objects.get(slug=doc["negotiation"]["slug"])
    exported = export_negotiation(negotiation)
    for path, value in dict(edits).items():  # the last edit of a path is what was sent
        if not isinstance(value, str) or path[-1] in ("date", "uid", "source"):
            continue
        assert exported_value(exported, doc, path) == value, path


def exported_value(exported, doc, path):
    """The value at `path` of `doc`, read back from the export (items found by slug/uid)."""
    node, original = exported, doc
    for key in path[:-1]:
        item = original[key]
        if isinstance(key, int):
            ident = "uid" if "uid" in item else "slug"
            node = next(x for x in node if x[ident] == item[ident])
        else:
            node = node[key]
        original = item
    return node[path[-1]]


@FEW
@given(
    content=st.one_of(
        st.binary(max_size=200),
        hostile.map(str.encode),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.sampled_from(PATHS).flatmap(
            lambda path: hostile.map(lambda v: _edited_document_bytes(path, v))
        ),
    ),
    name=hostile,
)
@example(content=b"", name="empty.json")
@example(content=b'{"format": "redline/1"', name=SCRIPT + ".json")
def test_upload_imports_or_lists_the_problems_and_writes_nothing(editor, db, content, name):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before = every_count()
    safe_name = (name.replace("\x00", "").replace("/", "_").replace("\\", "_") or "x")[:100]
    upload = SimpleUploadedFile(safe_name, content, "application/json")
    response = client.post(reverse("negotiations:import"), {"document": upload})
    check_page(response, name, content.decode("utf-8", "replace"))
    if response.status_code == 302:
        assert every_count() != before
        event("imported")
        return
    event("refused with a message")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert every_count() == before


def _edited_document_bytes(path, value):
    doc = base_document()
    put(doc, path, value)
    return json.dumps(doc, ensure_ascii=False).encode()


# --- proposal lineages ------------------------------------------------------------------------


@st.composite
def lineages(draw):
    """Proposals whose responds_to and supersedes links form a random DAG (each link
    points to a proposal earlier in a random hidden order), listed in another random
    order, with dates that often tie (ties are broken by the order of writing)."""
    n = draw(st.integers(1, 9))
    hidden = draw(st.permutations(range(n)))
    proposals = []
    for rank, k in enumerate(hidden):
        earlier = st.sampled_from([f"p{j}" for j in hidden[:rank]]) if rank else st.none()
        proposals.append(
            {
                "slug": f"p{k}",
                "responds_to": draw(st.one_of(st.none(), earlier)),
                "supersedes": draw(st.one_of(st.none(), earlier)),
                "date": draw(st.sampled_from(["2024", "2024-01", "2024-01-04", "2023-Q4"])),
            }
        )
    return draw(st.permutations(proposals))


def lineage_document(slug, proposals):
    doc = base_document()
    doc["negotiation"]["slug"] = slug
    doc["positions"], doc["events"] = [], []
    doc["proposals"] = [
        {"slug": p["slug"], "title": p["slug"].upper(), "kind": "draft_treaty", "author": None,
         "text_status": "official", "date": p["date"], "responds_to": p["responds_to"],
         "supersedes": p["supersedes"], "summary": "", "citations": [], "provisions": []}
        for p in proposals
    ]  # fmt: skip
    return doc


@FUZZ
@given(proposals=lineages())
@example(  # #12: a response to a proposal that supersedes a later-listed one
    proposals=[
        {"slug": "p0", "responds_to": "p1", "supersedes": None, "date": "2024"},
        {"slug": "p1", "responds_to": None, "supersedes": "p2", "date": "2024"},
        {"slug": "p2", "responds_to": None, "supersedes": None, "date": "2024"},
    ]
)
def test_any_lineage_survives_export_import_export_unchanged(db, proposals):
    """Every link is kept whatever the listing order, and an export imported into an
    empty database exports the same. Regression (#12, item 2): the example fails on the
    old main, which dropped p0's responds_to."""
    slug = f"lineage-{next(_unique)}"
    import_document(lineage_document(slug, proposals), reason="fuzz")
    first = export_negotiation(Negotiation.objects.get(slug=slug))
    assert {p["slug"]: (p["responds_to"], p["supersedes"]) for p in first["proposals"]} == {
        p["slug"]: (p["responds_to"], p["supersedes"]) for p in proposals
    }
    Negotiation.objects.get(slug=slug).delete()  # an empty database for the same slug
    import_document(first, reason="fuzz again")
    assert export_negotiation(Negotiation.objects.get(slug=slug)) == first


# --- upload limits --------------------------------------------------------------------------


@override_settings(IMPORT_MAX_UPLOAD_SIZE=5 * 1024 * 1024)
def test_an_upload_over_the_limit_gets_a_clear_message_and_writes_nothing(editor, db):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before = every_count()
    limit = 5 * 1024 * 1024
    body = json.dumps(base_document()).encode()
    body += b" " * (limit + 1 - len(body))
    response = client.post(
        reverse("negotiations:import"),
        {"document": SimpleUploadedFile("big.json", body, "application/json")},
    )
    assert response.status_code == 400
    assert "The file is too large (5.0\xa0MB); the limit is 5.0\xa0MB." in response.content.decode()
    assert every_count() == before


@override_settings(IMPORT_MAX_UPLOAD_SIZE=2000)
@pytest.mark.parametrize("size", [2001, 2000 + 64 * 1024 + 1, 300_000])
def test_the_upload_limit_follows_the_setting(editor, db, size):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    before = every_count()
    body = json.dumps(base_document()).encode()
    body += b" " * (size - len(body))
    response = client.post(
        reverse("negotiations:import"),
        {"document": SimpleUploadedFile("big.json", body, "application/json")},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The file is too large" in text and "the limit is 2.0\xa0KB" in text
    assert every_count() == before


def test_an_upload_just_under_the_limit_is_imported(editor, db):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    body = json.dumps(base_document()).encode()
    with override_settings(IMPORT_MAX_UPLOAD_SIZE=len(body)):
        response = client.post(
            reverse("negotiations:import"),
            {"document": SimpleUploadedFile("fits.json", body, "application/json")},
        )
    assert response.status_code == 302


def test_a_form_post_over_the_request_limit_is_a_clear_413_not_a_500(analyst, world):
    client = analyst_client(analyst)
    before = every_count()
    data = {**proposal_data(world, title="Huge"), "step": "split", "draft": "x" * (6 * 1024 * 1024)}
    response = client.post(reverse("negotiations:proposal_paste", args=["talks"]), data)
    assert response.status_code == 413  # refused before the body is read
    assert "too large: a form takes at most 5.0\xa0MB" in response.content.decode()
    assert every_count() == before


def test_a_date_can_never_be_stored_out_of_range(world, analyst):
    """Years outside 1000–9999 are refused by the parser, never passed to the database."""
    for text in ("31 December 99999", "0999", "10000-01", "0-Q1"):
        with pytest.raises(PartialDateError):
            PartialDate.parse(text)


# --- NUL anywhere in the address ------------------------------------------------------------


def test_a_nul_in_any_query_parameter_or_address_is_a_400_never_a_500(world, editor, draft):
    """On PostgreSQL a NUL in a lookup (?party=a%00b, a feed token…) raised a 500 in the
    app, the admin and the anonymous feeds; it is now refused before any view runs."""
    from negotiations.models import FeedToken
    from tests.factories import walk

    token = FeedToken.objects.create(user=editor).token
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    values = {"slug": "talks", "issue": "corridor", "party": "alpha", "proposal": "draft"}
    values |= {"uid": world["source"].uid, "token": token, "pk": world["first"].pk}
    seen = 0
    for name, _route, pattern in walk(get_resolver().url_patterns):
        regex = pattern.pattern.regex
        if name in (None, "logout") or (regex.groups and not regex.groupindex):
            continue
        kwargs = {key: values.get(key, "1") for key in regex.groupindex}
        if "app_label" in kwargs:
            kwargs["app_label"] = "negotiations"
        url = reverse(name, kwargs=kwargs | pattern.default_args)
        for params in ({"q": "a\x00b"}, {"party": "\x00"}, {"kind\x00": "x"}):
            response = client.get(url, params)
            assert response.status_code == 400, (name, params, response.status_code)
            assert "The request was malformed" in response.content.decode()
        seen += 1
    for url in (f"/feeds/{token}%00/n/talks/", "/feeds/a%00b/n/talks/issues/corridor/alpha/"):
        assert Client(raise_request_exception=False).get(url).status_code == 400, url
    assert seen > 80
