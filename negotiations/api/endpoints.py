"""The read-only JSON API at /api/v1/: its endpoints, authentication and URLs.

Who may read: the request's user, logged in by the session or by a personal access
token (negotiations/accounts/tokens.py sets it: GET only, view permissions only).
Without a user the answer is 401 JSON (not the login page: a script cannot follow it);
an endpoint needs the "view" permissions of what it shows, else 403 JSON — a user
without a role sees nothing, as on the site. Only GET is routed: other methods are 405.

Lists are paged by cursor (negotiations/api/cursor.py). Each endpoint runs a fixed
number of queries whatever the size of the data: related rows come by select_related
or one prefetch each (tests/test_api.py pins the counts).
"""

import functools
import uuid

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.docs import Swagger

from negotiations import codebook
from negotiations.api import cursor, schemas
from negotiations.models import (
    Citation,
    Negotiation,
    Participation,
    Person,
    Position,
    Proposal,
    ReportedContent,
    Source,
    TextParty,
)
from negotiations.text.dates import OPEN_END, OPEN_START
from negotiations.views.common import typed_day

NAMESPACE = "api"
UNAUTHORIZED = "Log in, or send a personal access token: Authorization: Bearer rl_…"
NO_ROLE = "Your account may not read this. Ask an editor for a role."
DESCRIPTION = """Redline's data, read-only. Authenticate with a personal access token
(`Authorization: Bearer rl_…`, made on your account page) or a browser session; you read
what your account may read. Lists are paged: follow `next` until it is null (`limit` up
to 200). A statement's `date` is an interval of days: `start`/`end` are the earliest and
latest day it can mean (null on an open side)."""


def signed_in(request):
    """Ninja's authentication: the session's or the token's user, if any."""
    user = request.user
    return user if user.is_authenticated else None


def readers_only(view):
    """For the OpenAPI document and the docs page (ninja's docs_decorator): GET or HEAD,
    by a user with a role — anonymous gets 401 JSON (the docs page never gets that far:
    LoginRequiredMiddleware sends it to the login page), a user without a role 403."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return unauthorized(request, None)
        if not request.user.has_perm("negotiations.view_negotiation"):
            return JsonResponse({"detail": NO_ROLE}, status=403)
        return view(request, *args, **kwargs)

    return require_safe(guarded)


api = NinjaAPI(
    title="Redline API",
    version="1",
    description=DESCRIPTION,
    urls_namespace=NAMESPACE,
    auth=signed_in,
    # Swagger UI from ninja's own static files (ninja is in INSTALLED_APPS): nothing is
    # fetched from another host, and no validator badge calls out.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=readers_only,
)


def unauthorized(request, exc):
    response = JsonResponse({"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_exception_handler(AuthenticationError, unauthorized)


class BadFilter(Exception):
    """A filter the user typed that cannot be read: {parameter: message}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@api.exception_handler(BadFilter)
def bad_filter(request, exc):
    detail = "; ".join(f"{name}: {message}" for name, message in exc.errors.items())
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=400)


@api.exception_handler(cursor.BadCursor)
def bad_cursor(request, exc):
    detail = "This cursor cannot be read: start again without it, then follow `next`."
    return api.create_response(request, {"detail": detail}, status=400)


def need(request, *models):
    """403 unless the user may view every one of `models`."""
    for model in models:
        if not request.user.has_perm(f"negotiations.view_{model}"):
            raise HttpError(403, NO_ROLE)


def negotiation_or_404(request, slug, *models):
    need(request, "negotiation", *models)
    return get_object_or_404(Negotiation, slug=slug)


def page_of(request, queryset, keys, build, after, limit):
    rows, next_cursor = cursor.page(queryset, keys, after, limit)
    next_url = None
    if next_cursor:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": [build(row) for row in rows], "next": next_url}


CITED = Citation.objects.select_related("source")
CITATIONS = Prefetch("citations", queryset=CITED)
DATED = ("date", "date_end", "pk")
LIMIT = Query(cursor.DEFAULT_LIMIT, ge=1, le=cursor.MAX_LIMIT, description="Rows a page (≤ 200).")
CURSOR = Query(None, description="The `next` link's cursor; opaque.")
ERRORS = dict.fromkeys((400, 401, 403, 404), schemas.ErrorOut)


def answers(page):
    return {200: page, **ERRORS}


# --- negotiations, parties, issues ------------------------------------------------------


@api.get("/negotiations", response=answers(schemas.NegotiationPage), url_name="negotiations")
def negotiations(request, cursor: str | None = CURSOR, limit: int = LIMIT):
    need(request, "negotiation")
    rows = Negotiation.objects.all()
    return page_of(request, rows, ("slug",), schemas.negotiation_out, cursor, limit)


@api.get("/negotiations/{slug}", response=answers(schemas.NegotiationOut), url_name="negotiation")
def negotiation(request, slug: str):
    return schemas.negotiation_out(negotiation_or_404(request, slug))


@api.get("/negotiations/{slug}/parties", response=answers(schemas.PartyPage), url_name="parties")
def parties(request, slug: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    negotiation = negotiation_or_404(request, slug, "party", "participation")
    rows = Participation.objects.filter(negotiation=negotiation).select_related("party")
    return page_of(request, rows, ("order", "pk"), schemas.party_out, cursor, limit)


@api.get("/negotiations/{slug}/issues", response=answers(schemas.IssuePage), url_name="issues")
def issues(request, slug: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    negotiation = negotiation_or_404(request, slug, "issue")
    rows = negotiation.issues.select_related("parent")
    return page_of(request, rows, ("order", "pk"), schemas.issue_out, cursor, limit)


# --- statements -------------------------------------------------------------------------


def overlapping(start, end):
    """Q: statements whose interval of days overlaps [start, end] (either may be None).

    A statement's interval is [earliest, latest day it can mean]; "before"/"by"/"as of"
    dates have no earliest day (stored: date = date_end = the latest), "after" dates no
    latest (stored: date = date_end = the earliest). It overlaps when it can begin by
    `end` and can end on or after `start`.
    """
    condition = Q()
    if end is not None:
        condition &= Q(date_qualifier__in=OPEN_START) | Q(date__lte=end)
    if start is not None:
        condition &= Q(date_qualifier__in=OPEN_END) | Q(date_end__gte=start)
    return condition


PARTY = Query(None, description="Party slugs (repeat for several).")
ISSUE = Query(None, description="Issue slugs (repeat for several).")
STANCE = Query(None, description="Stances, as in the codebook (repeat for several).")
MOVEMENT = Query(None, description="Movements, as in the codebook (repeat for several).")
DATE_FROM = Query(
    None,
    description="A partial date (2023, 2023-Q4, Jan 2024, 2024-01-10): the range starts on "
    "its first day. A statement matches when its interval of days overlaps the range.",
)
DATE_TO = Query(None, description="A partial date: the range ends on its last day.")


@api.get(
    "/negotiations/{slug}/statements",
    response=answers(schemas.StatementPage),
    url_name="statements",
)
def statements(
    request,
    slug: str,
    party: list[str] = PARTY,
    issue: list[str] = ISSUE,
    stance: list[Position.Stance] = STANCE,
    movement: list[Position.Movement] = MOVEMENT,
    date_from: str | None = DATE_FROM,
    date_to: str | None = DATE_TO,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """Statements of positions, oldest first. A partial date matches the date range when
    its interval OVERLAPS it: "2024" (1 Jan – 31 Dec 2024) matches date_from=2024-06;
    "before 1 Feb 2024" matches any range starting by 31 Jan 2024."""
    negotiation = negotiation_or_404(request, slug, "position", "citation", "source")
    errors = {}
    start = typed_day(date_from, errors, "date_from", end=False)
    end = typed_day(date_to, errors, "date_to", end=True)
    if start and end and end < start:
        errors["date_to"] = "The range ends before it starts."
    if errors:
        raise BadFilter(errors)
    rows = Position.objects.filter(issue__negotiation=negotiation).filter(overlapping(start, end))
    if party:
        rows = rows.filter(party__slug__in=party)
    if issue:
        rows = rows.filter(issue__slug__in=issue)
    if stance:
        rows = rows.filter(stance__in=stance)
    if movement:
        rows = rows.filter(movement__in=movement)
    rows = rows.select_related("party", "issue", "speaker", "commitment_of").prefetch_related(
        CITATIONS
    )
    return page_of(request, rows, DATED, schemas.statement_out, cursor, limit)


# --- texts and their provisions ---------------------------------------------------------


@api.get("/negotiations/{slug}/texts", response=answers(schemas.TextPage), url_name="texts")
def texts(request, slug: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    """Texts (proposals, drafts, agreements) with their steps, parties and reported
    contents; their provisions are at /texts/{text}/provisions."""
    negotiation = negotiation_or_404(
        request, slug, "proposal", "textstep", "textparty", "reportedcontent", "citation", "source"
    )
    rows = negotiation.proposals.select_related(
        "author", "responds_to", "supersedes"
    ).prefetch_related(
        Prefetch("text_parties", queryset=TextParty.objects.select_related("party")),
        "steps",
        Prefetch("steps__citations", queryset=CITED),
        Prefetch("reported_contents", queryset=ReportedContent.objects.select_related("issue")),
        Prefetch("reported_contents__citations", queryset=CITED),
        CITATIONS,
    )
    return page_of(request, rows, DATED, schemas.text_out, cursor, limit)


@api.get(
    "/negotiations/{slug}/texts/{text}/provisions",
    response=answers(schemas.ProvisionPage),
    url_name="provisions",
)
def provisions(request, slug: str, text: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    """The provisions of a text, in its order. A text described only has none (its
    contents are reported: see the text's reported_contents)."""
    need(request, "negotiation", "proposal", "provision", "citation", "source")
    proposal = get_object_or_404(Proposal, negotiation__slug=slug, slug=text)
    rows = proposal.provisions.select_related("issue").prefetch_related(CITATIONS)
    return page_of(request, rows, ("order", "pk"), schemas.provision_out, cursor, limit)


# --- events, sources, persons, codebook -------------------------------------------------


@api.get("/negotiations/{slug}/events", response=answers(schemas.EventPage), url_name="events")
def events(request, slug: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    negotiation = negotiation_or_404(request, slug, "event", "citation", "source")
    rows = negotiation.events.prefetch_related("issues", "parties", "persons", CITATIONS)
    return page_of(request, rows, DATED, schemas.event_out, cursor, limit)


@api.get("/negotiations/{slug}/persons", response=answers(schemas.PersonPage), url_name="persons")
def persons(request, slug: str, cursor: str | None = CURSOR, limit: int = LIMIT):
    """Persons who speak or act for the negotiation's parties."""
    negotiation = negotiation_or_404(request, slug, "person")
    rows = Person.objects.filter(party__participations__negotiation=negotiation)
    return page_of(
        request, rows.select_related("party"), ("pk",), schemas.person_out, cursor, limit
    )


@api.get("/sources", response=answers(schemas.SourcePage), url_name="sources")
def sources(request, cursor: str | None = CURSOR, limit: int = LIMIT):
    need(request, "negotiation", "source")
    return page_of(request, Source.objects.all(), ("pk",), schemas.source_out, cursor, limit)


@api.get("/sources/{uid}", response=answers(schemas.SourceOut), url_name="source")
def source(request, uid: str):
    need(request, "negotiation", "source")
    try:
        uid = uuid.UUID(uid)
    except ValueError:
        raise HttpError(404, "No source has this uid.") from None
    return schemas.source_out(get_object_or_404(Source, uid=uid))


@api.get("/codebook", response=answers(list[schemas.CodebookEntryOut]), url_name="codebook")
def codebook_entries(request):
    """What every stance and movement means (the codebook page, as data)."""
    need(request, "negotiation")
    return [dict(zip(codebook.COLUMNS, row, strict=True)) for row in codebook.rows()]


# --- URLs -------------------------------------------------------------------------------


# Pages for people: logged out, they go to the login page like the site's others. The
# root (ninja's, to find the prefix) answers 404.
PAGES = ("openapi-view", "api-root")


def _patterns():
    """The API's URL patterns. LoginRequiredMiddleware would send an anonymous request
    to the login page; the endpoints and the document answer 401 JSON instead. Every
    view reads only: none runs in ATOMIC_REQUESTS' transaction."""
    patterns, _, _ = api.urls
    for pattern in patterns:
        # Reads only, as the site's read pages (views.common.read_page): no transaction.
        transaction.non_atomic_requests(pattern.callback)
        if pattern.name not in PAGES:
            pattern.callback.login_required = False
    return patterns


# For include((PATTERNS, NAMESPACE)) in config/urls.py, once: ninja makes new views on
# every call of api.urls.
PATTERNS = _patterns()
# The names a personal access token may open (tokens.TOKEN_VIEWS): every endpoint, the
# document and the docs page.
URL_NAMES = frozenset(f"{NAMESPACE}:{p.name}" for p in PATTERNS if p.name != "api-root")
# The names that answer an anonymous request 401 JSON instead of the login page.
UNAUTHORIZED_NAMES = frozenset(f"{NAMESPACE}:{p.name}" for p in PATTERNS if p.name not in PAGES)
