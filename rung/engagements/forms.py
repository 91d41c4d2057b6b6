from datetime import date
from typing import Any

from django import forms

from rung.engagements.models import EngagementMilestone, MilestoneStatus
from rung.lib.money import from_minor


class SignForm(forms.Form):
    typed_name = forms.CharField(
        max_length=150,
        label="Type your full name to sign",
        help_text="Exactly as on your account. This is your electronic signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Left optional here so the service gives the one clear refusal for a missing tick.
    consent = forms.BooleanField(
        required=False,
        label="I have read this contract and agree to it, and I agree to sign it electronically.",
    )
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are you cancelling?",
        help_text="The other side reads this.",
    )


class AmendmentForm(forms.Form):
    change_summary = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What changes and why",
        help_text="Both sides read this before signing.",
    )
    scope = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 5}), label="Scope of work")
    stipend = forms.CharField(max_length=20, label="Total stipend")

    def __init__(
        self,
        *args: Any,
        milestones: list[EngagementMilestone],
        scope: str,
        stipend_minor: int,
        currency: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["scope"].initial = scope
        self.fields["stipend"].initial = str(from_minor(stipend_minor, currency))
        self.fields["stipend"].help_text = f"In {currency}. A rise must already be held in the project's escrow."
        self.milestone_fields: dict[str, str] = {}
        for m in milestones:
            if m.status in (MilestoneStatus.APPROVED, MilestoneStatus.CANCELLED):
                continue
            name = f"due_{m.pk}"
            self.fields[name] = forms.DateField(
                label=f"Due date: {m.title}", initial=m.due_date, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.milestone_fields[name] = str(m.uuid)

    def milestone_dates(self) -> dict[str, date]:
        return {uuid: self.cleaned_data[name] for name, uuid in self.milestone_fields.items()}
