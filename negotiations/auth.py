from django import forms
from django.contrib.auth.forms import AuthenticationForm

from negotiations import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": (
            "Too many failed attempts to log in as this user from your address. "
            "Wait %(minutes)d minutes, then try again, or ask an editor to reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if throttle.is_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, throttle.COOL_OFF_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.reset(username, address)
        return cleaned
