from django import forms

from rung.outcomes.models import EmploymentType, OutcomeStage, WouldHire

SCORES = [(i, str(i)) for i in range(11)]


class OutcomeForm(forms.Form):
    candidate = forms.ChoiceField(label="Candidate", help_text="People who have worked on one of your projects")
    stage = forms.ChoiceField(label="Stage", choices=OutcomeStage.choices)
    role_title = forms.CharField(label="Role", max_length=160, required=False)
    employment_type = forms.ChoiceField(
        label="Employment type", choices=[("", "—"), *EmploymentType.choices], required=False
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="For a hire"
    )

    def __init__(self, *args: object, candidates: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["candidate"].choices = candidates  # type: ignore[attr-defined]


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label="New stage", choices=OutcomeStage.choices)
    role_title = forms.CharField(label="Role", max_length=160, required=False)
    employment_type = forms.ChoiceField(
        label="Employment type", choices=[("", "—"), *EmploymentType.choices], required=False
    )
    start_date = forms.DateField(label="Start date", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        label="Is this right?", choices=[("confirm", "Yes, this is right"), ("dispute", "No, this is wrong")]
    )
    note = forms.CharField(label="What is wrong?", required=False, max_length=2000, widget=forms.Textarea)


class FollowUpForm(forms.Form):
    employed = forms.ChoiceField(label="Are you employed now?", choices=[("yes", "Yes"), ("no", "No")])
    employer_name = forms.CharField(label="Where?", max_length=160, required=False)
    role_title = forms.CharField(label="In what role?", max_length=160, required=False)
    through_this_employer = forms.ChoiceField(
        label="Did the work come through this employer?",
        choices=[("", "—"), ("yes", "Yes"), ("no", "No")],
        required=False,
    )


class InternSurveyForm(forms.Form):
    recommend = forms.TypedChoiceField(
        label="How likely are you to recommend this employer's micro-internships to a friend? (0–10)",
        choices=SCORES,
        coerce=int,
    )
    comment = forms.CharField(label="Anything else? (optional)", required=False, max_length=2000, widget=forms.Textarea)


class EmployerSurveyForm(forms.Form):
    platform_score = forms.TypedChoiceField(
        label="How likely are you to recommend Rung to a colleague? (0–10)", choices=SCORES, coerce=int
    )
    would_hire = forms.ChoiceField(label="Would you hire this intern?", choices=WouldHire.choices)
