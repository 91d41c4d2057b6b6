from typing import Any

from django import forms

from rung.orgs.models import Organisation
from rung.pathways.models import StepKind
from rung.projects.models import Project, ProjectTemplate
from rung.projects.selectors import projects_of_org, templates_for

STEPS_ON_THE_FORM = 4


class PathwayForm(forms.Form):
    title = forms.CharField(label="Title of the ladder", max_length=120)
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=3000, widget=forms.Textarea
    )
    skills = forms.CharField(
        label="Skills (optional)",
        required=False,
        max_length=600,
        help_text="Skill slugs, separated by commas: micro-internships with any of them lead onto this ladder. "
        "Leave empty to count every micro-internship with you.",
    )
    projects = forms.ModelMultipleChoiceField(
        label="Projects that lead onto it (optional)",
        queryset=Project.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose among your organisation's own projects."},
    )
    templates = forms.ModelMultipleChoiceField(
        label="Catalogue templates whose skills lead onto it (optional)",
        queryset=ProjectTemplate.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Micro-internships sharing a skill with a chosen template count.",
        error_messages={"invalid_choice": "Choose among the public catalogue and your organisation's templates."},
    )

    def __init__(self, *args: Any, org: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what this organisation may use: its own projects, the public and its own templates.
        self.fields["projects"].queryset = projects_of_org(org.pk)  # type: ignore[attr-defined]
        self.fields["templates"].queryset = templates_for(org.pk).order_by("name")  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """One step of the ladder, with its progression rubric as optional thresholds."""

    kind = forms.ChoiceField(label="Kind", choices=[("", "— (no step)"), *StepKind.choices], required=False)
    title = forms.CharField(label="Title", max_length=120, required=False)
    role_title = forms.CharField(label="Job title (for a full role)", max_length=120, required=False)
    level = forms.CharField(label="Level", max_length=40, required=False)
    salary_min = forms.CharField(label="Salary from (optional)", max_length=20, required=False)
    salary_max = forms.CharField(label="Salary to (optional)", max_length=20, required=False)
    currency = forms.CharField(label="Currency", max_length=3, required=False)
    completed = forms.IntegerField(
        label="Completed micro-internships at least", min_value=0, max_value=50, required=False
    )
    first_time = forms.IntegerField(label="Approved first time, % at least", min_value=0, max_value=100, required=False)
    on_time = forms.IntegerField(label="Handed in on time, % at least", min_value=0, max_value=100, required=False)
    rubric_criterion = forms.CharField(label="Rubric criterion (name)", max_length=80, required=False)
    rubric_level = forms.IntegerField(label="Rubric level at least", min_value=0, max_value=10, required=False)
    mentor = forms.BooleanField(label="The mentor recommends it at the wrap-up", required=False)


class MoveUpForm(forms.Form):
    candidate = forms.UUIDField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=10)
    reason = forms.CharField(label="Reason (the candidate reads it)", max_length=1000, widget=forms.Textarea)
