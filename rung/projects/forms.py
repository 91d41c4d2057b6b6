from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from rung.lib.validation import amount_problem, date_problem
from rung.profiles.widgets import SkillPicker, skill_choices
from rung.projects import extensions
from rung.projects.fairpay import minimum_wages
from rung.projects.models import IpLicence, WorkMode

CURRENCIES = [
    ("EUR", "EUR — euro"),
    ("GBP", "GBP — pound sterling"),
    ("USD", "USD — US dollar"),
    ("CAD", "CAD — Canadian dollar"),
    ("AUD", "AUD — Australian dollar"),
    ("NZD", "NZD — New Zealand dollar"),
    ("CHF", "CHF — Swiss franc"),
]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _clean_dates(form: forms.Form) -> None:
    """A date in the past or beyond the planning horizon is an error on its own field."""
    for name, what in (("application_deadline", "application deadline"), ("start_date", "start date")):
        value = form.cleaned_data.get(name)
        problem = date_problem(value, what=what) if value else None
        if problem:
            form.add_error(name, problem)


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=120)
    summary = forms.CharField(
        widget=forms.Textarea, max_length=4000, help_text="What the intern will do and why it matters to you."
    )
    learning_outcomes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Learning outcomes",
        help_text="One per line, e.g. “Clean and join real survey data”. At least one.",
    )
    skills = forms.MultipleChoiceField(required=False, widget=SkillPicker)
    duration_weeks = forms.TypedChoiceField(
        coerce=int, choices=[(i, f"{i} week{'s' if i > 1 else ''}") for i in range(1, 5)], label="Duration"
    )
    estimated_hours = forms.IntegerField(min_value=1, max_value=160, label="Estimated hours in total")
    stipend = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Stipend per intern",
        help_text="Paid in full across the milestones. Funded into escrow before publishing.",
    )
    currency = forms.ChoiceField(choices=CURRENCIES)
    seats = forms.IntegerField(min_value=1, max_value=50, initial=1, help_text="How many interns you will take.")
    application_deadline = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    work_mode = forms.ChoiceField(choices=WorkMode.choices, label="Where the work happens")
    location = forms.CharField(required=False, max_length=120, help_text="Required for hybrid and on-site work.")
    jurisdiction = forms.ChoiceField(
        required=False,
        label="Country whose minimum wage applies",
        help_text="Where the intern or the work is; Rung checks its minimum wage.",
    )
    timezone_from = forms.IntegerField(required=False, min_value=-12, max_value=14, label="Time zones from (UTC±h)")
    timezone_to = forms.IntegerField(required=False, min_value=-12, max_value=14, label="Time zones to (UTC±h)")
    screening_questions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to three, one per line. Short answers only.",
    )
    rubric = forms.ChoiceField(required=False, help_text="How the work will be reviewed.")
    ip_licence = forms.ChoiceField(choices=IpLicence.choices, label="Intellectual property")
    blind_review = forms.BooleanField(
        required=False,
        initial=True,
        label="Blind first pass",
        help_text="Hide names, photos, e-mail and schools until you shortlist.",
    )
    offer_valid_days = forms.IntegerField(min_value=1, max_value=14, initial=5, label="Offers stay open (days)")
    review_rounds = forms.IntegerField(min_value=1, max_value=5, initial=2, label="Rounds of changes allowed")

    def __init__(self, *args: Any, rubrics: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()  # type: ignore[attr-defined]
        self.fields["jurisdiction"].choices = [("", "— none / not listed —")] + [  # type: ignore[attr-defined]
            (code, f"{w.name}: {w.rate} {w.currency}/h") for code, w in sorted(minimum_wages().items())
        ]
        self.fields["rubric"].choices = [("", "— choose later —"), *(rubrics or [])]  # type: ignore[attr-defined]
        if not self.is_bound:
            today = timezone.now().date()
            self.initial.setdefault("application_deadline", today + timedelta(days=14))
            self.initial.setdefault("start_date", today + timedelta(days=21))

    def clean_learning_outcomes(self) -> list[str]:
        outcomes = _lines(self.cleaned_data["learning_outcomes"])
        if not outcomes:
            raise forms.ValidationError("Say what the intern will learn: at least one learning outcome.")
        if len(outcomes) > 10 or any(len(o) > 300 for o in outcomes):
            raise forms.ValidationError("List at most ten learning outcomes, each under 300 characters.")
        return outcomes

    def clean_stipend(self) -> Any:
        # DecimalField would read "1e3" as 1000; an amount must be written the way it is paid.
        raw = self.data.get(self.add_prefix("stipend"), "")
        problem = amount_problem(raw)
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data["stipend"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _clean_dates(self)
        return data

    def clean_screening_questions(self) -> list[str]:
        questions = _lines(self.cleaned_data["screening_questions"])
        if len(questions) > 3:
            raise forms.ValidationError("Ask at most three questions.")
        return questions


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=120, required=False)
    description = forms.CharField(required=False, max_length=1000, widget=forms.TextInput)
    due_offset_days = forms.IntegerField(required=False, min_value=1, max_value=28, label="Due on day")
    share_percent = forms.IntegerField(required=False, min_value=1, max_value=100, label="Share of stipend (%)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [data.get(k) not in (None, "") for k in ("title", "due_offset_days", "share_percent")]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Give each milestone a title, a due day and a share, or leave the row empty.")
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=8, validate_max=True)


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, help_text="Applicants will read this."
    )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Template name")


class DuplicateForm(forms.Form):
    application_deadline = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _clean_dates(self)
        return data


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    skills = forms.MultipleChoiceField(required=False, widget=SkillPicker)
    currency = forms.ChoiceField(required=False, choices=[("", "Any currency"), *CURRENCIES])
    min_hourly = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, label="Pay at least (per hour)"
    )
    min_total = forms.DecimalField(
        required=False, min_value=0, max_digits=10, decimal_places=2, label="Pay at least (in total)"
    )
    max_hours_per_week = forms.IntegerField(required=False, min_value=1, max_value=60, label="At most (hours per week)")
    durations = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=[(i, f"{i} wk") for i in range(1, 5)],
        label="Duration",
    )
    start_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Starting from")
    start_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Starting by")
    work_modes = forms.MultipleChoiceField(
        required=False, choices=WorkMode.choices, widget=forms.CheckboxSelectMultiple, label="Where"
    )
    organisation = forms.CharField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(required=False, choices=[("recent", "Newest first"), ("relevance", "Best match")])
    flags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Only projects that")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()  # type: ignore[attr-defined]
        self.fields["flags"].choices = extensions.flag_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("min_hourly") is not None or data.get("min_total") is not None) and not data.get("currency"):
            # Beside the field, and only this field: the other filters still apply.
            self.add_error("currency", "Choose a currency to filter by pay.")
        return data

    def params_data(self) -> dict[str, Any]:
        """The filters that are valid, so that one mistake never throws the others away."""
        self.is_valid()
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            empty: Any = [] if isinstance(field, forms.MultipleChoiceField) else None
            if isinstance(field, (forms.CharField, forms.ChoiceField)) and not isinstance(
                field, forms.MultipleChoiceField
            ):
                empty = ""
            data[name] = self.cleaned_data.get(name, empty) if hasattr(self, "cleaned_data") else empty
        return data

    @property
    def open_panels(self) -> set[str]:
        """The filter panels to show unfolded: those holding a value or an error."""
        if not self.is_bound:
            return set()
        panels = {
            "pay": ("currency", "min_hourly", "min_total"),
            "time": ("max_hours_per_week", "durations", "start_from", "start_to"),
            "where": ("work_modes",),
            "skills": ("skills",),
            "flags": ("flags",),
        }
        return {panel for panel, names in panels.items() if any(self.data.get(n) or n in self.errors for n in names)}


class RubricForm(forms.Form):
    name = forms.CharField(max_length=120, label="Rubric name")
    description = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="When to use it."
    )


class CriterionForm(forms.Form):
    name = forms.CharField(required=False, max_length=80, label="Criterion")
    weight = forms.IntegerField(required=False, min_value=1, max_value=5, initial=1, label="Weight (1–5)")
    level_1 = forms.CharField(required=False, max_length=500, label="Beginning", widget=forms.TextInput)
    level_2 = forms.CharField(required=False, max_length=500, label="Developing", widget=forms.TextInput)
    level_3 = forms.CharField(required=False, max_length=500, label="Proficient", widget=forms.TextInput)
    level_4 = forms.CharField(required=False, max_length=500, label="Excellent", widget=forms.TextInput)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=8, validate_max=True)
