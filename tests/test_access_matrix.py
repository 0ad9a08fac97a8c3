"""Who may do what, for every view: a declared table, checked by walking the URL resolver.

Every named URL of the app and of config/urls.py (the admin only through its index) is
requested by each role — anonymous, a stranger (logged in, no group), a reader, an
analyst, an editor — with GET and with POST, and the answer is compared with TABLE
below. A view that is not in TABLE fails the test: a new view must be declared here.

Refused writes are sent with a body that would have been a valid write (the last test
proves each body writes for a role that may), and must leave every table unchanged:
the row counts of every model and history table, and every value of the app's rows.
"""

import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse

from negotiations.accounts import tokens
from negotiations.accounts.roles import READERS
from negotiations.models import FeedToken, Person, Position, Provision
from tests.conftest import make_proposal, make_provision, make_user, with_reason
from tests.test_access import walk
from tests.test_compare import pairing_body
from tests.test_positions import edit_data as position_edit_data
from tests.test_positions import new_position_data
from tests.test_proposals import edit_data as proposal_edit_data
from tests.test_proposals import paste_save_data, proposal_data, provision_data, reorder_data
from tests.test_texts import reported_data, step_data

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
}

TABLE = {
    "login": "public",
    "logout": "logout",
    "admin:index": "admin-index",
    "negotiations:healthz": "health",
    "negotiations:home": "page",
    "negotiations:sources": "page",
    "negotiations:source": "page",
    "negotiations:negotiation": "page",
    "negotiations:snapshot": "page",
    "negotiations:party": "page",
    "negotiations:issue": "page",
    "negotiations:thread": "page",
    "negotiations:position_add": "analyst-write",
    "negotiations:position_edit": "analyst-write",
    "negotiations:position_delete": "editor-delete",
    "negotiations:timeline": "page",
    "negotiations:analytics": "page",
    "negotiations:analytics_export": "read",
    "negotiations:search": "page",
    "negotiations:search_export": "read",
    "negotiations:sources_export": "read",
    "negotiations:codebook": "page",
    "negotiations:persons": "page",
    "negotiations:person_add": "analyst-write",
    "negotiations:person_edit": "analyst-write",
    "negotiations:codebook_export": "page",
    "negotiations:export_negotiation": "read",
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
    "accounts:account": "account",
    "accounts:token_create": "own-token",
    "accounts:token_revoke": "own-token",
    "accounts:password_change": "own-password",
    "accounts:password_change_done": "logged-in-page",
    "accounts:password_reset": "public",
    "accounts:password_reset_done": "public-page",
    "accounts:password_reset_confirm": "public",
    "accounts:password_reset_complete": "public-page",
}
# A new access token's secret is shown in the answer to the POST itself (200), never
# kept for a redirect; every other write view redirects.
WRITE_ANSWERS = {"accounts:token_create": 200}


@pytest.fixture
def cast(world, reader, analyst, editor, stranger, django_user_model):
    """The world, a proposal "draft" with two provisions, and a feed token of a reader
    who never logs in here (so no role's own token changes can revoke it)."""
    draft = make_proposal(world["negotiation"], world["alpha"], slug="draft", title="Draft")
    first = make_provision(draft, label="Art. 1", text="Open the corridor.", order=1)
    make_provision(draft, label="Art. 2", text="Maps later.", order=2)
    feeder = make_user(django_user_model, "feeder", READERS)
    person = with_reason(Person(name="A. Envoy", title="Envoy", party=world["alpha"]))
    users = {
        "anonymous": None,
        "stranger": stranger,
        "reader": reader,
        "analyst": analyst,
        "editor": editor,
    }
    return {
        **world,
        "draft": draft,
        "provision": first,
        "person": person,
        "token": FeedToken.objects.create(user=feeder),
        "users": users,
    }


def app_patterns():
    """(name, pattern) of every view the table must declare: the admin only by its index."""
    for name, _route, pattern in walk(get_resolver().url_patterns):
        if name is None or (name.startswith("admin:") and name != "admin:index"):
            continue
        yield name, pattern


def url_of(name, pattern, cast):
    values = {
        "slug": cast["negotiation"].slug,
        "issue": cast["corridor"].slug,
        "party": cast["alpha"].slug,
        "proposal": cast["draft"].slug,
        "uid": cast["source"].uid,
        "token": cast["token"].token,
        "kind": "position",
        "uidb64": "MQ",
        "pk": cast["provision"].pk
        if ":provision_" in name
        else cast["person"].pk
        if ":person_" in name
        else cast["first"].pk,
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
        "negotiations:person_edit": {
            "name": "A. Envoy",
            "title": "Special envoy",
            "party": cast["alpha"].pk,
            "change_reason": "new title",
        },
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


def test_every_view_is_declared_in_the_table_and_nothing_else_is(db):
    names = {name for name, _ in app_patterns()}
    assert names - set(TABLE) == set(), "declare these views in TABLE"
    assert set(TABLE) - names == set(), "these TABLE entries name no view"
    assert set(TABLE.values()) <= set(KINDS)
    assert all(set(expected) == set(ROLES) for expected in KINDS.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_declared_answer_from_every_view(cast, role):
    user = cast["users"][role]
    bodies = valid_bodies(cast)
    wrong, checked, refused_writes = [], 0, 0
    for name, pattern in app_patterns():
        url = url_of(name, pattern, cast)
        expected_get, expected_post = KINDS[TABLE[name]][role]
        for method, expected in (("get", expected_get), ("post", expected_post)):
            data = {}
            if method == "post" and expected in REFUSED:
                data = bodies.get(name, {})
                data = data() if callable(data) else data
                refused_writes += name in bodies
            client = client_for(user)
            before = database_state()
            response = getattr(client, method)(url, data)
            checked += 1
            assert response.status_code != 500, (name, method, role)
            if not matches(expected, response):
                wrong.append((name, url, method, expected, response.status_code))
            if expected != WRITE:
                assert database_state() == before, f"{role} {method} {url} changed the database"
    assert not wrong, "\n".join(map(str, wrong))
    assert checked >= 2 * len(TABLE)
    if role in ("anonymous", "stranger", "reader"):
        assert refused_writes >= 10


def first_allowed_role(name):
    """The least privileged role whose POST to the view is a WRITE."""
    return next(role for role in ROLES if KINDS[TABLE[name]][role][1] == WRITE)


WRITE_VIEWS = [
    "negotiations:position_add",
    "negotiations:position_edit",
    "negotiations:position_delete",
    "negotiations:proposal_add",
    "negotiations:proposal_edit",
    "negotiations:proposal_paste",
    "negotiations:provision_add",
    "negotiations:provision_edit",
    "negotiations:provision_delete",
    "negotiations:provisions_reorder",
    "negotiations:step_add",
    "negotiations:text_party_add",
    "negotiations:reported_add",
    "negotiations:person_add",
    "negotiations:person_edit",
    "negotiations:import",
    "negotiations:feed_token_change",
    "negotiations:compare_pairing",
    "accounts:token_create",
    "accounts:token_revoke",
    "accounts:password_change",
]


def test_every_write_view_has_a_valid_body(cast):
    writes = {name for name, kind in TABLE.items() if WRITE in {p for _, p in KINDS[kind].values()}}
    assert writes - {"logout"} == set(WRITE_VIEWS) == set(valid_bodies(cast))


@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_the_bodies_sent_with_refused_writes_do_write_for_a_role_that_may(cast, name):
    """So the refusals above are meaningful: the same request would have changed data."""
    role = first_allowed_role(name)
    pattern = next(p for n, p in app_patterns() if n == name)
    data = valid_bodies(cast)[name]
    data = data() if callable(data) else data
    before = database_state()
    response = client_for(cast["users"][role]).post(url_of(name, pattern, cast), data)
    assert response.status_code == WRITE_ANSWERS.get(name, 302), (name, role, response.status_code)
    assert database_state() != before


# --- admin: only editors ------------------------------------------------------------------


def admin_urls():
    for name, _route, pattern in walk(get_resolver().url_patterns):
        if not (name or "").startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        regex = pattern.pattern.regex
        if regex.groups and not regex.groupindex:
            yield name, reverse(name, args=["1"] * regex.groups)
        else:
            kwargs = {key: "1" for key in regex.groupindex}
            if "app_label" in kwargs:
                kwargs["app_label"] = "negotiations"
            yield name, reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ["stranger", "reader", "analyst"])
def test_roles_without_staff_are_sent_to_the_admin_login_and_change_nothing(cast, role):
    client = client_for(cast["users"][role])
    seen = 0
    for name, url in admin_urls():
        for method in ("get", "post"):
            before = database_state()
            response = getattr(client, method)(url, {"change_reason": "x", "title": "x"})
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (name, url)
            assert database_state() == before, (name, method)
            seen += 1
    assert seen > 80


# --- object-level checks: feed tokens and exports -------------------------------------------


def feed_urls(token):
    return [
        reverse("negotiations:feed_negotiation", args=[token, "talks"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "corridor", "alpha"]),
    ]


def assert_feeds(token, status):
    for url in feed_urls(token):
        response = Client().get(url)
        assert response.status_code == status, (url, response.status_code)
        if status == 404:
            assert b"Peace talks" not in response.content
            assert b"corridor" not in response.content.lower()


def test_a_feed_token_stops_working_when_its_user_loses_the_role(cast):
    token = cast["token"]
    assert_feeds(token.token, 200)
    token.user.groups.clear()
    assert_feeds(token.token, 404)
    token.user.groups.add(Group.objects.get(name=READERS))
    assert_feeds(token.token, 200)


def test_a_feed_token_of_a_deactivated_user_is_not_found(cast):
    token = cast["token"]
    token.user.is_active = False
    token.user.save()
    assert_feeds(token.token, 404)


def test_a_feed_token_of_a_user_who_never_had_a_role_is_not_found(cast):
    token = FeedToken.objects.create(user=cast["users"]["stranger"])
    assert_feeds(token.token, 404)


def test_a_revoked_token_reveals_nothing_and_answers_like_a_token_that_never_existed(cast):
    reader = cast["users"]["reader"]
    client = client_for(reader)
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    old = FeedToken.objects.get(user=reader)
    assert_feeds(old.token, 200)
    client.post(reverse("negotiations:feed_token_change"), {"action": "regenerate"})
    new = FeedToken.objects.active().get(user=reader)
    assert new.token != old.token
    assert_feeds(old.token, 404)
    assert_feeds(new.token, 200)
    client.post(reverse("negotiations:feed_token_change"))  # revoke without a new one
    assert_feeds(new.token, 404)
    never = Client().get(feed_urls("x" * len(new.token))[0])
    revoked = Client().get(feed_urls(new.token)[0])
    assert revoked.status_code == never.status_code == 404
    assert revoked.content == never.content
    # The other reader's token is untouched by this reader's revocations.
    assert_feeds(cast["token"].token, 200)


def test_revoking_my_tokens_leaves_other_users_tokens_alone(cast):
    client = client_for(cast["users"]["editor"])
    client.post(reverse("negotiations:feed_token_change"))
    assert FeedToken.objects.get(pk=cast["token"].pk).is_active


def test_my_feed_page_never_shows_another_users_token(cast):
    for role in ("reader", "analyst", "editor"):
        response = client_for(cast["users"][role]).get(reverse("negotiations:feed_tokens"))
        assert response.status_code == 200
        assert cast["token"].token not in response.content.decode()


def test_a_valid_token_opens_no_negotiation_issue_or_party_that_does_not_exist(cast):
    token = cast["token"].token
    for url in (
        reverse("negotiations:feed_negotiation", args=[token, "no-such-talks"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "no-such-issue", "alpha"]),
        reverse("negotiations:feed_thread", args=[token, "talks", "corridor", "no-such-party"]),
    ):
        assert Client().get(url).status_code == 404, url


def test_a_token_works_only_in_the_feed_urls_not_as_a_login(cast):
    anonymous = Client()
    for url in (
        reverse("negotiations:negotiation", args=["talks"]),
        reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "json"}),
    ):
        response = anonymous.get(url, {"token": cast["token"].token})
        assert response.status_code == 302 and "/login/" in response["Location"]


def export_urls(cast):
    for name, pattern in app_patterns():
        if "export" in name:
            yield name, url_of(name, pattern, cast)


@pytest.mark.parametrize("role", ["anonymous", "stranger"])
def test_exports_require_a_role_and_leak_nothing_without_one(cast, role):
    client = client_for(cast["users"][role])
    seen = 0
    for name, url in export_urls(cast):
        response = client.get(url)
        assert response.status_code in (302, 403), (name, response.status_code)
        assert "attachment" not in response.get("Content-Disposition", "")
        text = response.content.decode()
        assert "Demands a corridor" not in text and "Peace talks" not in text, name
        seen += 1
    assert seen >= 19


def test_losing_a_role_takes_effect_on_the_next_request(cast):
    analyst = cast["users"]["analyst"]
    client = client_for(analyst)
    edit = reverse("negotiations:position_edit", args=[cast["first"].pk])
    export = reverse("negotiations:positions_export", kwargs={"slug": "talks", "fmt": "csv"})
    assert client.get(edit).status_code == 200
    assert client.get(export).status_code == 200
    analyst.groups.clear()
    before = database_state()
    assert client.get(edit).status_code == 403
    assert client.get(export).status_code == 403
    response = client.post(edit, position_edit_data(cast["first"], summary="Sneaky."))
    assert response.status_code == 403
    assert database_state() == before


def test_an_editor_who_loses_staff_status_can_no_longer_import(cast):
    editor = cast["users"]["editor"]
    editor.is_staff = False
    editor.save()
    client = client_for(editor)
    assert client.get(reverse("negotiations:import")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_role_without_the_permission_cannot_tell_missing_rows_from_existing_ones(cast):
    """The permission is checked before the lookup: a reader gets 403 either way."""
    reader, analyst = cast["users"]["reader"], cast["users"]["analyst"]
    missing = Position.objects.order_by("-pk").first().pk + 1000
    missing_provision = Provision.objects.order_by("-pk").first().pk + 1000
    for url in (
        reverse("negotiations:position_edit", args=[missing]),
        reverse("negotiations:provision_edit", args=[missing_provision]),
    ):
        assert client_for(reader).get(url).status_code == 403
        assert client_for(analyst).get(url).status_code == 404
    source = reverse("negotiations:source", args=[uuid.uuid4()])
    assert client_for(reader).get(source).status_code == 404
