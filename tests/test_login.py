"""Login throttling (django-axes): every way in, keyed on username + client address."""

import io
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import ADMIN_LOGIN, LIMIT, LOGIN, assert_locked_out, login


@pytest.fixture(autouse=True)
def _throttle(settings):
    # Independent of LOGIN_MAX_FAILURES / LOGIN_COOL_OFF_SECONDS in the environment.
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def logged_in(client):
    return "_auth_user_id" in client.session


# --- both login forms --------------------------------------------------------------------


def test_admin_login_is_throttled(client, editor):
    """Twelve wrong passwords on /admin/login/, then the right one: refused.
    Fails on the old main, whose admin login was not throttled at all."""
    for _ in range(12):
        response = login(client, "edi", "wrong", ADMIN_LOGIN)
        assert response.status_code in (200, 429)
    assert_locked_out(login(client, "edi", "pw-edi", ADMIN_LOGIN))
    assert not logged_in(client)


@pytest.mark.parametrize(("locked_on", "tried_on"), [(LOGIN, ADMIN_LOGIN), (ADMIN_LOGIN, LOGIN)])
def test_a_lock_on_one_login_form_holds_on_the_other(client, editor, locked_on, tried_on):
    """An editor locked on /login/ cannot log in through /admin/login/, nor the reverse.
    Fails on the old main: the admin login ignored the lock and counted nothing."""
    for _ in range(LIMIT):
        login(client, "edi", "wrong", locked_on)
    assert_locked_out(login(client, "edi", "pw-edi", tried_on))
    assert not logged_in(client)
    assert client.get(reverse("negotiations:home")).status_code == 302


def test_the_limit_th_failure_locks_and_the_page_says_what_to_do(client, reader):
    for _ in range(LIMIT - 1):
        response = login(client, "rea", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = login(client, "rea", "wrong")
    assert_locked_out(response)
    assert response["Retry-After"] == "900"
    assert "no-store" in response["Cache-Control"]
    assert 'class="brand"' in response.content.decode()  # the app's own page, not axes' text
    assert_locked_out(login(client, "rea", "pw-rea"))  # even the right password waits
    assert not logged_in(client)


def test_anything_calling_authenticate_is_throttled(reader):
    request = RequestFactory().post("/elsewhere/", REMOTE_ADDR="10.0.0.1")
    for _ in range(LIMIT):
        assert authenticate(request, username="rea", password="wrong") is None
    assert authenticate(request, username="rea", password="pw-rea") is None
    elsewhere = RequestFactory().post("/elsewhere/", REMOTE_ADDR="10.0.0.2")
    assert authenticate(elsewhere, username="rea", password="pw-rea").username == "rea"


def test_authenticate_without_a_request_is_refused_not_let_through(reader):
    # No address to count against: django-axes refuses rather than skip the throttle,
    # so a caller that forgets the request fails in its tests (log in tests with
    # client.force_login, not client.login).
    with pytest.raises(ValueError, match="requires a request"):
        authenticate(username="rea", password="pw-rea")


def test_lock_does_not_spread_to_other_addresses_or_users(client, reader, analyst):
    for _ in range(LIMIT):
        login(client, "rea", "wrong", address="10.0.0.1")
    assert login(client, "rea", "pw-rea", address="10.0.0.2").status_code == 302
    client.logout()
    assert login(client, "ana", "pw-ana", address="10.0.0.1").status_code == 302


def test_success_resets_the_failure_count(client, reader):
    for _ in range(LIMIT - 1):
        login(client, "rea", "wrong")
    assert login(client, "rea", "pw-rea").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        login(client, "rea", "wrong")
    assert login(client, "rea", "pw-rea").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, reader, settings):
    from axes.models import AccessAttempt

    for _ in range(LIMIT):
        login(client, "rea", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert login(client, "rea", "pw-rea").status_code == 302


def test_guesses_while_locked_are_not_counted(client, reader):
    from axes.models import AccessAttempt

    for _ in range(LIMIT + 7):
        login(client, "rea", "wrong")
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


@pytest.mark.slow
def test_throttle_settings_come_from_the_environment():
    from tests.factories import run_production

    out = run_production(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.TRUSTED_PROXY_COUNT)",
        LOGIN_MAX_FAILURES="3",
        LOGIN_COOL_OFF_SECONDS="60",
        TRUSTED_PROXY_COUNT="2",
    )
    assert out.split() == ["3", "60.0", "2"]
    with pytest.raises(AssertionError, match="TRUSTED_PROXY_COUNT must be 0 or more"):
        run_production("import django; django.setup()", TRUSTED_PROXY_COUNT="-1")


# --- the client address behind proxies ---------------------------------------------------

PROXY = "127.0.0.1"  # every request reaches the app from the proxy


def test_a_stranger_elsewhere_cannot_lock_a_user_out_behind_a_proxy(client, editor, settings):
    """Behind one proxy, a stranger failing twelve times does not lock the editor out.
    Fails on the old main: it keyed on the socket address, the proxy's, shared by all."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(12):
        login(client, "edi", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = login(client, "edi", "pw-edi", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302


def test_a_spoofed_left_most_forwarded_for_changes_nothing(client, editor, settings):
    """A stranger who prepends the editor's address to X-Forwarded-For locks only
    themselves, and varying what they prepend does not give them more guesses.
    Fails on the old main, which keyed on the proxy's address (or, told to read that
    header, on its left-most entry)."""
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(12):
        spoofed = f"198.51.100.7, 10.9.9.{i}, 203.0.113.9"
        login(client, "edi", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR=spoofed)
    assert_locked_out(
        login(client, "edi", "pw-edi", address=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    )
    victim = login(client, "edi", "pw-edi", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert victim.status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(client, editor):
    for i in range(LIMIT):
        login(client, "edi", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"10.8.0.{i}")
    assert_locked_out(login(client, "edi", "pw-edi", HTTP_X_FORWARDED_FOR="198.51.100.7"))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "198.51.100.7", "10.0.0.1"),
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, " 6.6.6.6 ,198.51.100.7 ", "198.51.100.7"),
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (1, PROXY, "", PROXY),  # did not come through the proxy
        (2, "10.0.0.2", "198.51.100.7", "10.0.0.2"),  # fewer entries than proxies
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "6.6.6.6, ", "6.6.6.6"),
        (0, "", "", None),
        (0, "unix:/run/gunicorn.sock", "", None),
    ],
)
def test_client_address_is_the_right_most_untrusted_entry(
    settings, proxies, remote, forwarded, expected
):
    from negotiations.accounts.auth import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_bad_forwarded_for_is_never_a_500(client, reader, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.raise_request_exception = False
    for value in ("<script>", "999.1.1.1", "a" * 5000, ",,,", "198.51.100.7:4431"):
        response = login(client, "rea", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR=value)
        assert response.status_code in (200, 429), value
    # They all fell back to the proxy's address: one count, now locked.
    assert_locked_out(login(client, "rea", "pw-rea", address=PROXY))


# --- unlocking ---------------------------------------------------------------------------


@pytest.fixture
def locked_reader(client, reader):
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(LIMIT):
            login(client, "rea", "wrong", address=address)
    assert_locked_out(login(client, "rea", "pw-rea"))
    return reader


def test_a_password_set_by_an_editor_lifts_the_lock(client, editor, locked_reader):
    admin = Client()
    admin.force_login(editor)
    url = reverse("admin:auth_user_password_change", args=[locked_reader.pk])
    new = "a-fresh-long-password-42"
    response = admin.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    for address in ("10.0.0.1", "10.0.0.2"):
        assert login(Client(), "rea", new, address=address).status_code == 302


def test_a_wrong_password_form_keeps_the_lock(client, editor, locked_reader):
    admin = Client()
    admin.force_login(editor)
    url = reverse("admin:auth_user_password_change", args=[locked_reader.pk])
    response = admin.post(
        url, {"password1": "a-long-pw-1", "password2": "other", "usable_password": "true"}
    )
    assert response.status_code == 200
    assert_locked_out(login(client, "rea", "pw-rea"))


def test_the_unlock_action_lifts_the_lock(client, editor, locked_reader):
    admin = Client()
    admin.force_login(editor)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock", "_selected_action": [locked_reader.pk]},
        follow=True,
    )
    assert "Unlocked 1 user(s): 2 record(s)" in response.content.decode()
    assert login(client, "rea", "pw-rea").status_code == 302


def test_the_unlock_action_needs_the_right_to_change_users(client, analyst, locked_reader):
    from axes.models import AccessAttempt

    analyst.is_staff = True
    analyst.save()
    admin = Client()
    admin.force_login(analyst)
    admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock", "_selected_action": [locked_reader.pk]},
    )
    assert AccessAttempt.objects.filter(username="rea").count() == 2


def test_axes_reset_username_lifts_the_lock(client, locked_reader):
    out = io.StringIO()
    call_command("axes_reset_username", "rea", stdout=out)
    assert "2 attempts removed" in out.getvalue()
    assert login(client, "rea", "pw-rea").status_code == 302


def test_attempts_are_listed_in_the_admin_for_superusers_only(
    client, editor, locked_reader, django_user_model
):
    from axes.models import AccessAttempt

    url = reverse("admin:axes_accessattempt_changelist")
    admin = Client()
    admin.force_login(editor)
    assert admin.get(url).status_code == 403
    root = django_user_model.objects.create_superuser("root", password="pw-root")
    admin.force_login(root)
    response = admin.get(url, {"q": "rea"})
    assert response.status_code == 200
    assert "10.0.0.2" in response.content.decode()
    attempt = AccessAttempt.objects.first()
    change = reverse("admin:axes_accessattempt_change", args=[attempt.pk])
    assert admin.get(change).status_code == 200


# --- transactions and concurrency --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_failures_are_committed_by_the_request_transaction(reader):
    """ATOMIC_REQUESTS: the login view's transaction commits the recorded failures,
    the lockout answer included (the middleware swaps the page after the commit)."""
    from axes.models import AccessAttempt

    assert connection.settings_dict["ATOMIC_REQUESTS"]
    client = Client()
    for form in (LOGIN, ADMIN_LOGIN, LOGIN, ADMIN_LOGIN, LOGIN):
        login(client, "rea", "wrong", form)
    assert not connection.in_atomic_block
    assert AccessAttempt.objects.get(username="rea").failures_since_start == LIMIT
    assert_locked_out(login(client, "rea", "pw-rea", ADMIN_LOGIN))


GUESSERS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("form", [LOGIN, ADMIN_LOGIN])
def test_parallel_guesses_get_at_most_the_limit_checked(editor, form, monkeypatch):
    """30 wrong guesses at once: at most LIMIT passwords are checked and counted, and
    the right password is then refused. Fails with axes' own AxesDatabaseHandler,
    where every guess reads the count before any is recorded (30 checked)."""
    from axes.models import AccessAttempt

    from negotiations.accounts.auth import OneQueryModelBackend

    checked = []
    check = OneQueryModelBackend.authenticate

    def counting(self, request, **credentials):
        checked.append(1)
        return check(self, request, **credentials)

    monkeypatch.setattr(OneQueryModelBackend, "authenticate", counting)
    barrier = threading.Barrier(GUESSERS)
    statuses, errors = [], []

    def guess(i):
        try:
            client = Client()
            barrier.wait()
            statuses.append(login(client, "edi", f"wrong-{i}", form).status_code)
        except Exception as exc:  # surfaced below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(GUESSERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    failures = sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="edi"))
    assert (len(checked), failures) == (LIMIT, LIMIT)
    assert sorted(statuses) == [200] * (LIMIT - 1) + [429] * (GUESSERS - LIMIT + 1)
    client = Client()
    assert_locked_out(login(client, "edi", "pw-edi", form))
    assert not logged_in(client)


def test_an_overlong_username_is_refused_with_the_form_not_a_database_error(client, db):
    """Fails on the old main: axes stored the megabyte username as typed; PostgreSQL
    refused it (varchar 255) and the login page answered 500 (found by the fuzz test)."""
    from axes.models import AccessAttempt

    huge = "Հայաստան Азербайджан " * 50_000
    response = login(client, huge, huge)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [150]
