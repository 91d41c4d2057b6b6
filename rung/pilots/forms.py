from django import forms

from rung.pilots.models import DIVERSITY_FIELDS


class PilotForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Ends on", widget=forms.DateInput(attrs={"type": "date"}))
    projects = forms.MultipleChoiceField(
        label="Projects in the pilot", required=False, widget=forms.CheckboxSelectMultiple
    )
    protocol = forms.ChoiceField(label="Mentorship protocol", required=False)
    pathway = forms.ChoiceField(label="Career pathway", required=False)
    target_interview_percent = forms.IntegerField(
        label="Interview conversion target (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Interviewed, of those who completed",
    )
    target_hired_percent = forms.IntegerField(
        label="Hired within six months target (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Hired, of those who completed",
    )
    target_nps = forms.IntegerField(label="Intern NPS target", required=False, min_value=-100, max_value=100)
    target_payment_days = forms.DecimalField(
        label="Median days from approval to payment, at most",
        required=False,
        min_value=0,
        max_value=365,
        decimal_places=1,
        max_digits=5,
    )

    def __init__(
        self,
        *args: object,
        projects: list[tuple[str, str]],
        protocols: list[tuple[str, str]],
        pathways: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["projects"].choices = projects  # type: ignore[attr-defined]
        self.fields["protocol"].choices = [("", "None"), *protocols]  # type: ignore[attr-defined]
        self.fields["pathway"].choices = [("", "None"), *pathways]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The pilot cannot end before it starts.")
        return data


class DiversityForm(forms.Form):
    """Built from the questions this deployment asks; every answer may be left as "prefer not to say"."""

    def __init__(self, *args: object, asked: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in asked:
            question, choices = DIVERSITY_FIELDS[name]
            self.fields[name] = forms.ChoiceField(
                label=question, required=False, choices=[("", "Prefer not to say"), *choices.choices]
            )
