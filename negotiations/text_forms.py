"""Forms for a text's lifecycle steps, its parties and its reported contents."""

from django import forms
from django.core.exceptions import ValidationError

from negotiations import commitments
from negotiations.forms import PartialDateFormMixin, ReasonFormMixin
from negotiations.models import Party, ReportedContent, TextParty, TextStep


class TextStepForm(PartialDateFormMixin, forms.ModelForm):
    class Meta:
        model = TextStep
        fields = ["kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"kind": "Step"}
        help_texts = {
            "kind": "Initialled, signed and ratified record each signatory's commitment "
            "to every issue the text addresses."
        }

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.proposal = proposal
        self.fields["when"].label = "Date of the step"

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if message := commitments.problem(self.instance.proposal, kind):
            raise ValidationError(message)
        return kind


class TextPartyForm(forms.ModelForm):
    class Meta:
        model = TextParty
        fields = ["party", "role"]
        error_messages = {"party": {"invalid_choice": "Choose a party from the list."}}

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.proposal = proposal
        self.fields["party"].queryset = Party.objects.order_by("name")

    def validate_unique(self):
        # proposal is not a form field, so the ModelForm skips the unique check on it.
        data = self.cleaned_data
        if (
            TextParty.objects.filter(
                proposal=self.instance.proposal, party=data.get("party"), role=data.get("role")
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("party", "This party already has that role on this text.")


class ReportedContentForm(forms.ModelForm):
    class Meta:
        model = ReportedContent
        fields = ["issue", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        labels = {"summary": "What sources report it contains"}
        error_messages = {
            "issue": {"invalid_choice": "That issue is not part of this negotiation."}
        }

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.proposal = proposal
        self.fields["issue"].queryset = proposal.negotiation.issues.all()

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Say what the sources report the text contains.")
        return summary

    def validate_unique(self):
        issue = self.cleaned_data.get("issue")
        if (
            issue
            and ReportedContent.objects.filter(proposal=self.instance.proposal, issue=issue)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("issue", "This text already has reported contents on that issue.")


class TextStepEditForm(ReasonFormMixin, TextStepForm):
    pass


class TextPartyEditForm(TextPartyForm):
    """A correction of a party's role on a text, with its reason (no version counter:
    the row is locked while saved)."""

    change_reason = ReasonFormMixin.base_fields["change_reason"]

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data["change_reason"]
        return super().save(commit)


class ReportedContentEditForm(ReasonFormMixin, ReportedContentForm):
    pass
