"""The account page (personal access tokens) and the password views around it."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from negotiations.accounts import tokens
from negotiations.accounts.forms import TokenForm, UnlockingSetPasswordForm
from negotiations.models import AccessToken


def role_required(view):
    """As RoleRequiredMiddleware for the app's pages: an account in no group (a
    "stranger") gets 403, whatever the method."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("negotiations.view_negotiation"):
            raise PermissionDenied("Your account has no role yet. Ask an editor for one.")
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, form=None, created=None, secret=None, status=200):
    now = timezone.now()
    context = {
        "form": form or TokenForm(),
        "tokens": [(t, t.state(now)) for t in AccessToken.objects.filter(user=request.user)],
        "created": created,
        "secret": secret,
    }
    return render(request, "accounts/account.html", context, status=status)


@role_required
@require_safe
@never_cache
def account(request):
    """My access tokens (name, prefix, dates), a form for a new one, my password."""
    return _page(request)


@role_required
@require_POST
@never_cache
def token_create(request):
    """Make a token and show its secret in this answer, once: it is stored only hashed,
    and is never put in a cookie or session for a redirect. ``never_cache``: the
    browser keeps no copy of the page either."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    created, secret = tokens.generate(request.user, form.cleaned_data["name"], form.expires())
    return _page(request, created=created, secret=secret)


@role_required
@require_POST
def token_revoke(request):
    """Revoke one of my tokens (``token`` = its id) at once; no confirmation page."""
    try:
        pk = int(request.POST.get("token", ""))
    except ValueError:
        return HttpResponseBadRequest(
            "Choose a token to revoke.", content_type="text/plain; charset=utf-8"
        )
    token = AccessToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404("You have no such token.")
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    messages.success(
        request, f"Token “{token.name}” ({token.prefix}…) is revoked: scripts using it get 401."
    )
    return redirect("accounts:account")


# Password change: any logged-in account, a stranger's too (it owns its password).
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)

# Password reset by email: reachable logged out (Django marks these views
# login_not_required). Setting the new password also lifts a login lockout.
password_reset = auth_views.PasswordResetView.as_view(
    email_template_name="registration/password_reset_email.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=UnlockingSetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
