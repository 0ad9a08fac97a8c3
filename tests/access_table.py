"""The declared role table of every view (tests/test_access_matrix.py walks it) and
the helpers to request each view: URLs with sample values, valid write bodies."""

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse

from negotiations.accounts import tokens
from tests.factories import (
    event_data,
    new_position_data,
    pairing_body,
    paste_save_data,
    position_edit_data,
    proposal_data,
    proposal_edit_data,
    provision_data,
    reorder_data,
    reported_data,
    source_data,
    step_data,
    walk,
)

ROLES = ["anonymous", "stranger", "reader", "analyst", "editor"]

# Expected answers. LOGIN / ADMIN_LOGIN: a 302 to that login page. WRITE: the request
# got through to the view, which may still reject the (empty) data: 200 (form shown
# again with errors), 302, 400, 405 or 409 — never 403, never 500, never a login page.
LOGIN, ADMIN_LOGIN, WRITE = "login", "admin-login", "write"
WRITE_STATUSES = {200, 302, 400, 405, 409}
REFUSED = {LOGIN, ADMIN_LOGIN, 403, 405}

NO_ROLE = {"anonymous": (LOGIN, LOGIN), "stranger": (403, 403)}
KINDS = {
    # The login page itself; a failed POST shows the form again.
    "public": {role: (200, 200) for role in ROLES},
    # Logging out is a POST (a GET is refused so a link or image cannot log anyone out).
    "logout": {**{role: (405, 302) for role in ROLES}, "anonymous": (LOGIN, LOGIN)},
    # For load balancers: no login, and it writes nothing.
    "health": {role: (200, 200) for role in ROLES},
    "admin-index": {
        **{role: (ADMIN_LOGIN, ADMIN_LOGIN) for role in ROLES},
        "editor": (200, 200),
    },
    # Pages and exports: any role reads; a POST renders the same page and writes nothing.
    "read": {**NO_ROLE, "reader": (200, 200), "analyst": (200, 200), "editor": (200, 200)},
    # Read pages (ETag and 304, negotiations/revisions.py) run outside a transaction:
    # GET and HEAD only.
    "page": {**NO_ROLE, "reader": (200, 405), "analyst": (200, 405), "editor": (200, 405)},
    "analyst-write": {
        **NO_ROLE,
        "reader": (403, 403),
        "analyst": (200, WRITE),
        "editor": (200, WRITE),
    },
    # A page only for those who may write (which text a provision coded from a source
    # goes in): GET and HEAD; the permission is checked before the method.
    "analyst-page": {
        **NO_ROLE,
        "reader": (403, 403),
        "analyst": (200, 405),
        "editor": (200, 405),
    },
    # POST-only deletions: the method is refused before the permission is checked.
    "analyst-delete": {
        **NO_ROLE,
        "reader": (405, 403),
        "analyst": (405, WRITE),
        "editor": (405, WRITE),
    },
    "editor-delete": {
        **NO_ROLE,
        "reader": (405, 403),
        "analyst": (405, 403),
        "editor": (405, WRITE),
    },
    "editor-import": {
        **NO_ROLE,
        "reader": (403, 403),
        "analyst": (403, 403),
        "editor": (200, WRITE),
    },
    # An import job's page (GET only): its owner's and editors'; no job here has the
    # pk of the sample URL, so editors get 404, and the others the same 403 as for
    # a job that exists.
    "editor-job": {
        **NO_ROLE,
        "reader": (403, 405),
        "analyst": (403, 405),
        "editor": (404, 405),
    },
    # A source's original file, GET and HEAD: the sample source has none (404).
    "source-file": {
        **NO_ROLE,
        "reader": (404, 405),
        "analyst": (404, 405),
        "editor": (404, 405),
    },
    # Every role manages its own feed token and access tokens (POST only).
    "own-token": {
        **NO_ROLE,
        "reader": (405, WRITE),
        "analyst": (405, WRITE),
        "editor": (405, WRITE),
    },
    # Feed readers cannot log in: the (valid) token in the URL is the credential.
    "public-token": {role: (200, 200) for role in ROLES},
    # The account page (my access tokens): any role; GET and HEAD.
    "account": {**NO_ROLE, "reader": (200, 405), "analyst": (200, 405), "editor": (200, 405)},
    # Every account owns its password, a stranger's too.
    "own-password": {**{role: (200, WRITE) for role in ROLES}, "anonymous": (LOGIN, LOGIN)},
    "logged-in-page": {**{role: (200, 405) for role in ROLES}, "anonymous": (LOGIN, LOGIN)},
    # Password reset by email is for those who cannot log in.
    "public-page": {role: (200, 405) for role in ROLES},
    # The JSON API (/api/v1/) and its OpenAPI document: GET only; anonymous gets 401 JSON,
    # not the login page (a script cannot follow it). Other methods are 405 for anyone.
    "api": {
        "anonymous": (401, 405),
        "stranger": (403, 405),
        "reader": (200, 405),
        "analyst": (200, 405),
        "editor": (200, 405),
    },
    # The API's docs page is a page: logged out, the login page.
    "api-docs": {
        "anonymous": (LOGIN, LOGIN),
        "stranger": (403, 405),
        "reader": (200, 405),
        "analyst": (200, 405),
        "editor": (200, 405),
    },
    # ninja's root of the API, there to find its prefix: nothing to see.
    "api-root": {**{role: (404, 404) for role in ROLES}, "anonymous": (LOGIN, LOGIN)},
}

TABLE = {
    "login": "public",
    "logout": "logout",
    "admin:index": "admin-index",
    "negotiations:healthz": "health",
    "negotiations:home": "page",
    "negotiations:sources": "page",
    "negotiations:source": "page",
    "negotiations:source_add": "analyst-write",
    "negotiations:source_find": "page",
    "negotiations:source_edit": "analyst-write",
    "negotiations:source_file": "source-file",
    "negotiations:negotiation": "page",
    "negotiations:snapshot": "page",
    "negotiations:party": "page",
    "negotiations:issue": "page",
    "negotiations:thread": "page",
    "negotiations:position_add": "analyst-write",
    "negotiations:previous_statement": "page",
    "negotiations:position_edit": "analyst-write",
    "negotiations:position_delete": "editor-delete",
    "negotiations:timeline": "page",
    "negotiations:analytics": "page",
    "negotiations:analytics_export": "read",
    "negotiations:search": "page",
    "negotiations:search_export": "read",
    "negotiations:sources_export": "read",
    "negotiations:export_negotiation": "read",
    "negotiations:dataset": "read",
    "negotiations:matrix_export": "read",
    "negotiations:positions_export": "read",
    "negotiations:snapshot_export": "read",
    "negotiations:party_export": "read",
    "negotiations:issue_export": "read",
    "negotiations:proposals_export": "read",
    "negotiations:provisions_export": "read",
    "negotiations:compare_export": "read",
    "negotiations:thread_export": "read",
    "negotiations:import": "editor-import",
    "negotiations:import_job": "editor-job",
    "negotiations:feed_tokens": "read",
    "negotiations:feed_token_change": "own-token",
    "negotiations:feed_negotiation": "public-token",
    "negotiations:feed_thread": "public-token",
    "negotiations:proposals": "page",
    "negotiations:proposal_add": "analyst-write",
    "negotiations:proposal_paste": "analyst-write",
    "negotiations:proposal": "page",
    "negotiations:proposal_edit": "analyst-write",
    "negotiations:provision_add": "analyst-write",
    "negotiations:provision_from_text": "analyst-page",
    "negotiations:provisions_reorder": "analyst-write",
    "negotiations:step_add": "analyst-write",
    "negotiations:text_party_add": "analyst-write",
    "negotiations:reported_add": "analyst-write",
    "negotiations:compare": "page",
    "negotiations:compare_pairing": "analyst-delete",
    "negotiations:provision_edit": "analyst-write",
    "negotiations:provision_delete": "analyst-delete",
    "negotiations:provision_history": "page",
    "negotiations:record_history": "page",
    "negotiations:changes": "page",
    "negotiations:negotiation_changes": "page",
    "negotiations:codebook": "page",
    "negotiations:persons": "page",
    "negotiations:person_add": "analyst-write",
    "negotiations:person_edit": "analyst-write",
    "negotiations:codebook_export": "page",
    "negotiations:citation_edit": "analyst-write",
    "negotiations:citation_delete": "analyst-delete",
    "negotiations:event_add": "analyst-write",
    "negotiations:event_edit": "analyst-write",
    "negotiations:step_edit": "analyst-write",
    "negotiations:step_delete": "analyst-delete",
    "negotiations:text_party_edit": "analyst-write",
    "negotiations:text_party_delete": "analyst-delete",
    "negotiations:reported_edit": "analyst-write",
    "negotiations:reported_delete": "analyst-delete",
    "accounts:account": "account",
    "accounts:token_create": "own-token",
    "accounts:token_revoke": "own-token",
    "accounts:password_change": "own-password",
    "accounts:password_change_done": "logged-in-page",
    "accounts:password_reset": "public",
    "accounts:password_reset_done": "public-page",
    "accounts:password_reset_confirm": "public",
    "accounts:password_reset_complete": "public-page",
    "api:api-root": "api-root",
    "api:openapi-json": "api",
    "api:openapi-view": "api-docs",
    "api:negotiations": "api",
    "api:negotiation": "api",
    "api:parties": "api",
    "api:issues": "api",
    "api:statements": "api",
    "api:texts": "api",
    "api:provisions": "api",
    "api:events": "api",
    "api:persons": "api",
    "api:sources": "api",
    "api:source": "api",
    "api:codebook": "api",
}
# A new access token's secret is shown in the answer to the POST itself (200), never
# kept for a redirect; every other write view redirects.
WRITE_ANSWERS = {"accounts:token_create": 200}


def app_patterns():
    """(name, pattern) of every view the table must declare: the admin only by its index."""
    for name, _route, pattern in walk(get_resolver().url_patterns):
        if name is None or (name.startswith("admin:") and name != "admin:index"):
            continue
        yield name, pattern


# The sample row of each view whose URL names a pk, by the view name's start.
PK_SAMPLES = {
    "provision_": "provision",
    "person_": "person",
    "citation_": "citation",
    "event_": "event",
    "step_": "step",
    "text_party_": "text_party",
    "reported_": "reported",
}


def _sample_pk(name, cast):
    short = name.split(":")[-1]
    key = next((k for prefix, k in PK_SAMPLES.items() if short.startswith(prefix)), "first")
    return cast[key].pk


def url_of(name, pattern, cast):
    values = {
        "slug": cast["negotiation"].slug,
        "issue": cast["corridor"].slug,
        "party": cast["alpha"].slug,
        "proposal": cast["draft"].slug,
        "text": cast["draft"].slug,
        "uid": cast["source"].uid,
        "token": cast["token"].token,
        "kind": "position",
        "uidb64": "MQ",
        "pk": _sample_pk(name, cast),
    }
    missing = set(pattern.pattern.converters) - set(values)
    assert not missing, f"{name}: give a sample value for URL parameter(s) {missing}"
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs | pattern.default_args)


def valid_bodies(cast):
    """{url name: a POST body that writes when a role that may write sends it}."""
    draft, provision, position = cast["draft"], cast["provision"], cast["first"]
    provisions = list(draft.provisions.all())
    document = b'{"format": "redline/1", "negotiation": {"slug": "imported", "title": "Imported"}}'
    article = ("Article 1", "", "", "The parties recognise each other.")
    paste = paste_save_data(cast, [article], title="Pasted treaty")
    return {
        "negotiations:position_add": new_position_data(cast),
        "negotiations:position_edit": position_edit_data(position, summary="Rewritten."),
        "negotiations:position_delete": {"change_reason": "duplicate"},
        "negotiations:proposal_add": proposal_data(cast),
        "negotiations:proposal_edit": proposal_edit_data(draft, title="Retitled draft"),
        "negotiations:proposal_paste": paste,
        "negotiations:provision_add": provision_data(),
        "negotiations:provision_edit": provision_data(provision, text="Rewritten."),
        "negotiations:provision_delete": {"change_reason": "duplicate"},
        "negotiations:provisions_reorder": reorder_data(provisions, [2, 1]),
        "negotiations:import": lambda: {
            "document": SimpleUploadedFile("doc.json", document, "application/json")
        },
        "negotiations:feed_token_change": {"action": "regenerate"},
        "negotiations:compare_pairing": lambda: pairing_body(draft),
        "negotiations:step_add": step_data(cast, kind="sent"),
        "negotiations:text_party_add": {"party": cast["gamma"].pk, "role": "witness"},
        "negotiations:reported_add": reported_data(cast),
        "negotiations:person_add": {"name": "B. Envoy", "party": cast["beta"].pk},
        "negotiations:source_add": source_data(),
        "negotiations:source_edit": source_data(cast["source"], change_reason="outlet named"),
        "negotiations:person_edit": {
            "name": "A. Envoy",
            "title": "Special envoy",
            "party": cast["alpha"].pk,
            "change_reason": "new title",
        },
        "negotiations:citation_edit": {
            "source": cast["source"].pk,
            "locator": "para. 4",
            "excerpt": "",
            "change_reason": "wrong paragraph",
        },
        "negotiations:citation_delete": {"remove-change_reason": "duplicate"},
        "negotiations:event_add": event_data(cast),
        "negotiations:event_edit": event_data(
            cast, version=cast["event"].version, change_reason="date per the communiqué"
        ),
        "negotiations:step_edit": step_data(
            cast, kind="sent", version=cast["step"].version, change_reason="date"
        ),
        "negotiations:step_delete": {"remove-change_reason": "duplicate"},
        "negotiations:text_party_edit": {
            "party": cast["beta"].pk,
            "role": "guarantor",
            "change_reason": "guarantees it",
        },
        "negotiations:text_party_delete": {"remove-change_reason": "not a party"},
        "negotiations:reported_edit": reported_data(
            cast,
            issue=cast["maps"].pk,
            version=cast["reported"].version,
            change_reason="wording",
        ),
        "negotiations:reported_delete": {"remove-change_reason": "duplicate"},
        "accounts:token_create": {"name": "script"},
        "accounts:token_revoke": lambda: {
            "token": tokens.generate(cast["users"]["reader"], "script")[0].pk
        },
        "accounts:password_change": {
            "old_password": "pw-str",
            "new_password1": "a new Passw0rd long enough",
            "new_password2": "a new Passw0rd long enough",
        },
    }


def database_state():
    """Row counts of every table (history and many-to-many tables included; sessions
    excluded, since logging in makes one) and every value of the app's own rows."""
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "sessions"
    }
    values = {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_app_config("negotiations").get_models(include_auto_created=True)
    }
    return counts, values


def client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def matches(expected, response):
    status = response.status_code
    if expected == WRITE:
        login = status == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
        return status in WRITE_STATUSES and not login
    if expected == LOGIN:
        return status == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    if expected == ADMIN_LOGIN:
        return status == 302 and response["Location"].startswith(reverse("admin:login"))
    return status == expected
