"""Accounts (issue #17.9): changing one's own password, resetting it by email (which
also lifts a login lockout), and the account page in the header."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import LIMIT, assert_locked_out, login

NEW = "a fresh Passw0rd, long enough"
RESET_PAGES = [
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
]


@pytest.fixture(autouse=True)
def _throttle(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def with_email(user, address=None):
    user.email = address or f"{user.username}@example.org"
    user.save()
    return user


def change(client, old, new=NEW, again=None):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("accounts:password_change"), data)


def reset_link(mail):
    """The reset link of the one email sent, as a path."""
    assert len(mail) == 1
    found = re.search(r"https?://testserver(/account/password/reset/\S+/\S+/)", mail[0].body)
    assert found, mail[0].body
    return found.group(1)


def reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def choose(client, link, new=NEW, again=None):
    """Open the emailed link (Django swaps the token for a session marker), then set."""
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form_url, {"new_password1": new, "new_password2": again or new})


# --- password change ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reader", "analyst", "editor", "stranger"])
def test_everyone_changes_their_own_password_and_stays_logged_in(client, world, request, role):
    """Fails on the old main: there was no such page (only staff could, in the admin)."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = change(client, f"pw-{user.username}")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(f"pw-{user.username}")
    assert client.session[SESSION_KEY] == str(user.pk)  # this session survives the change
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong", NEW, NEW, "Your old password was entered incorrectly"),
        ("pw-rea", NEW, NEW + "x", "The two password fields didn’t match."),
        ("pw-rea", "short", "short", "This password is too short."),
        ("pw-rea", "12345678901", "12345678901", "This password is entirely numeric."),
    ],
)
def test_a_refused_password_change_says_why_and_keeps_the_old_one(
    client, reader, world, old, new, again, message
):
    client.force_login(reader)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password("pw-rea")


def test_other_sessions_are_logged_out_by_a_password_change(reader, world):
    elsewhere = Client()
    elsewhere.force_login(reader)
    here = Client()
    here.force_login(reader)
    change(here, "pw-rea")
    assert elsewhere.get("/n/talks/").status_code == 302  # to the login page
    assert here.get("/n/talks/").status_code == 200


def test_the_password_change_needs_a_login(client, world):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_account_page_links_to_the_password_change(client, reader, world):
    client.force_login(reader)
    page = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in page


# --- password reset by email -------------------------------------------------------------------


def test_a_password_is_reset_through_the_emailed_link(client, reader, world, mailoutbox):
    """Fails on the old main: there was no reset."""
    with_email(reader)
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in login_page
    response = reset(client, "rea@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox[0].to == ["rea@example.org"]
    assert "Redline" in mailoutbox[0].subject and "rea" in mailoutbox[0].subject
    link = reset_link(mailoutbox)
    response = choose(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    done = client.get(response["Location"]).content.decode()
    assert "Your new password is set" in done and f'href="{reverse("login")}"' in done
    assert login(Client(), "rea", NEW).status_code == 302
    assert login(Client(), "rea", "pw-rea").status_code == 200  # the old one is gone
    again = client.get(link)
    assert "This link does not work" in again.content.decode()  # used once


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, reader, world, mailoutbox
):
    with_email(reader)
    response = reset(client, "nobody@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_a_bad_address_is_refused_where_it_was_typed(client, world, mailoutbox):
    response = reset(client, "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


def test_a_wrong_reset_link_says_so(client, reader, world):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "wrong-token"]), follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200 and "This link does not work" in body
    assert f'href="{reverse("accounts:password_reset")}"' in body


def test_a_refused_new_password_says_why_and_changes_nothing(client, reader, world, mailoutbox):
    with_email(reader)
    reset(client, "rea@example.org")
    response = choose(client, reset_link(mailoutbox), NEW, NEW + "x")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password("pw-rea")


def test_a_reset_through_email_lifts_the_login_lockout(client, reader, world, mailoutbox):
    """Locked out from two addresses, the user resets by email and logs in from both.
    Fails without UnlockingSetPasswordForm: the lock outlived the new password."""
    with_email(reader)
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(LIMIT):
            login(Client(), "rea", "wrong", address=address)
    assert_locked_out(login(Client(), "rea", "pw-rea"))
    locked = Client()
    assert "Wait 15 minutes" in login(locked, "rea", "wrong").content.decode()
    reset(client, "rea@example.org")
    choose(client, reset_link(mailoutbox))
    for address in ("10.0.0.1", "10.0.0.2"):
        assert login(Client(), "rea", NEW, address=address).status_code == 302


def test_a_refused_reset_keeps_the_lock(client, reader, world, mailoutbox):
    with_email(reader)
    for _ in range(LIMIT):
        login(Client(), "rea", "wrong")
    reset(client, "rea@example.org")
    choose(client, reset_link(mailoutbox), NEW, NEW + "x")
    assert_locked_out(login(Client(), "rea", "pw-rea"))


@pytest.mark.parametrize("name", RESET_PAGES)
def test_the_reset_pages_open_logged_out_and_are_csp_clean(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script" not in body and "<style" not in body and " style=" not in body
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_account_pages_are_csp_clean(client, reader, world, mailoutbox):
    client.force_login(reader)
    pages = [
        client.get(reverse("accounts:account")),
        client.post(reverse("accounts:token_create"), {"name": "x"}),
        client.get(reverse("accounts:password_change")),
        client.get(reverse("accounts:password_change_done")),
    ]
    with_email(reader)
    anonymous = Client()
    reset(anonymous, "rea@example.org")
    pages.append(anonymous.get(reset_link(mailoutbox), follow=True))
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script" not in body and "<style" not in body and " style=" not in body
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_reset_email_is_plain_text_with_the_name_unescaped(client, django_user_model, world):
    from django.core import mail

    from negotiations.accounts.roles import READERS
    from tests.factories import make_user

    user = with_email(make_user(django_user_model, "o'neil&co", READERS))
    reset(client, user.email)
    body = mail.outbox[0].body
    assert '"o\'neil&co"' in body and "&amp;" not in body and "&#x27;" not in body
