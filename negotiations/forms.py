from django import forms
from django.core.exceptions import ValidationError

from negotiations.dates import ACCEPTED_FORMS, PartialDate, PartialDateError

PARTIAL_DATE_FIELDS = ["date", "date_precision", "date_approximate"]


class PartialDateField(forms.Field):
    """One text box for a date as precise as it is known ("late December 2023")."""

    widget = forms.TextInput(attrs={"placeholder": "e.g. 10 Jan 2024, Jan 2024, late 2023"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ACCEPTED_FORMS)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, PartialDate) else value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except PartialDateError as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc


class PartialDateFormMixin(forms.Form):
    """Shows a model's three partial-date columns as one "Date" field named `when`.

    Combine with a ModelForm that leaves the model columns out of its fields.
    """

    when = PartialDateField(label="Date")
    date_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].required = self.date_required
        if self.instance.pk and "when" not in self.initial:
            self.initial["when"] = self.instance.partial_date

    def _post_clean(self):
        if "when" in self.cleaned_data:
            self.instance.partial_date = self.cleaned_data["when"]
        super()._post_clean()
