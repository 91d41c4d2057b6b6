from typing import Any

from django import forms


class ApplyForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=1500, widget=forms.Textarea(attrs={"rows": 3}), label="Anything else? (optional)"
    )

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, question in enumerate(questions):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=question, max_length=1500, widget=forms.Textarea(attrs={"rows": 3})
            )
        self.order_fields([f"answer_{i}" for i in range(len(questions))] + ["note"])

    def answers(self) -> list[str]:
        return [v for k, v in sorted(self.cleaned_data.items()) if k.startswith("answer_")]


class OfferForm(forms.Form):
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="A note with the offer (optional)",
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Private note",
        help_text="For your organisation's reviewers and managers only; the candidate never sees it.",
        error_messages={"required": "Write the note first."},
    )
