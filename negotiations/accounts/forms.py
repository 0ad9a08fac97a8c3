from datetime import timedelta

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone

from negotiations.accounts import auth

MAX_DAYS = 3650


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, so you know which one to revoke: “R notebook”.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        label="Expires in (days)",
        help_text="Leave empty for a token that works until you revoke it.",
    )

    def expires(self):
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None


class UnlockingSetPasswordForm(SetPasswordForm):
    """A password set through the emailed reset link also lifts the login lockout:
    the owner of the address proved who they are, as an editor's reset does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        auth.unlock(user.get_username())
        return user
