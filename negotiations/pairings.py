"""Pairing provisions by hand on the compare page: the form, its checks and its save.

A choice made here is a ``ProvisionPairing`` row for the two proposals; every compare of
them (by anyone, either way round) applies it before the automatic alignment.
"""

from django import forms
from django.core.exceptions import ValidationError

from negotiations.models import ProvisionPairing

PAIR = "pair"
UNPAIR = "unpair"
RESET = "reset"
ACTIONS = [
    (PAIR, "Pair them"),
    (UNPAIR, "Keep them apart"),
    (RESET, "Back to the automatic alignment"),
]
# Permissions an analyst needs: a choice is added, switched or deleted.
PERMISSIONS = (
    "negotiations.add_provisionpairing",
    "negotiations.change_provisionpairing",
    "negotiations.delete_provisionpairing",
)
DEFAULT_REASONS = {
    PAIR: "Paired by hand on the compare page",
    UNPAIR: "Kept apart by hand on the compare page",
    RESET: "Back to the automatic alignment on the compare page",
}


class ProvisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, provision):
        heading = f": {provision.heading}" if provision.heading else ""
        return f"{provision.label}{heading}"


class PairingForm(forms.Form):
    """Two provisions, one of A and one of B, and what to do with them."""

    action = forms.ChoiceField(choices=ACTIONS, initial=PAIR, widget=forms.RadioSelect)
    provision_a = ProvisionChoiceField(queryset=None)
    provision_b = ProvisionChoiceField(queryset=None)
    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="Why? Kept with the record's history (optional).",
    )

    def __init__(self, *args, a, b, **kwargs):
        super().__init__(*args, **kwargs)
        self.a, self.b = a, b
        for name, proposal, letter in (("provision_a", a, "A"), ("provision_b", b, "B")):
            field = self.fields[name]
            field.queryset = proposal.provisions.order_by("order", "pk")
            field.label = f"Provision of {letter}"
            field.error_messages = {
                "required": f"Choose a provision of {letter} ({proposal.title}).",
                "invalid_choice": (
                    f"That is not a provision of {letter} ({proposal.title}): "
                    "choose one from the list."
                ),
            }
        self.record = None

    def clean(self):
        data = super().clean()
        x, y, action = data.get("provision_a"), data.get("provision_b"), data.get("action")
        if x is None or y is None or action is None:
            return data
        mine = list(
            ProvisionPairing.objects.of(self.a, self.b).select_related("provision_a", "provision_b")
        )
        self.record = next(
            (r for r in mine if {r.provision_a_id, r.provision_b_id} == {x.pk, y.pk}), None
        )
        kind = self.record.kind if self.record else None
        names = f"{x.label} of A and {y.label} of B"
        if action == PAIR and kind == ProvisionPairing.Kind.PAIR:
            raise ValidationError(f"{names} are already paired by hand.")
        if action == UNPAIR and kind == ProvisionPairing.Kind.UNPAIR:
            raise ValidationError(f"{names} are already kept apart by hand.")
        if action == RESET and kind is None:
            raise ValidationError(f"Nothing was decided by hand about {names}.")
        if action == PAIR:
            for field, provision, letter, other in (
                ("provision_a", x, "A", "B"),
                ("provision_b", y, "B", "A"),
            ):
                taken = next(
                    (
                        r
                        for r in mine
                        if r.kind == ProvisionPairing.Kind.PAIR
                        and provision.pk in (r.provision_a_id, r.provision_b_id)
                        and r is not self.record
                    ),
                    None,
                )
                if taken is not None:
                    mine_is_a = taken.provision_a_id == provision.pk
                    partner = taken.provision_b if mine_is_a else taken.provision_a
                    self.add_error(
                        field,
                        f"{provision.label} of {letter} is already paired by hand with "
                        f"{partner.label} of {other}: send that pair back to the automatic "
                        "alignment first.",
                    )
        return data

    def save(self, user):
        """Record the choice (one history row, with the reason); the message to show."""
        x, y = self.cleaned_data["provision_a"], self.cleaned_data["provision_b"]
        action = self.cleaned_data["action"]
        reason = self.cleaned_data["reason"].strip() or DEFAULT_REASONS[action]
        names = f"{x.label} of A and {y.label} of B"
        record = self.record
        if action == RESET:
            record._change_reason = reason
            record.delete()
            return f"{names} are back to the automatic alignment."
        kind = ProvisionPairing.Kind.PAIR if action == PAIR else ProvisionPairing.Kind.UNPAIR
        if record is None:
            record = ProvisionPairing.ordered(x, y, kind=kind, created_by=user)
        record.kind = kind
        record._change_reason = reason
        record.save()
        done = "paired" if action == PAIR else "kept apart"
        return f"{names} are now {done} by hand, for everyone comparing these two proposals."
