from typing import Any

from django import forms
from django.core.validators import URLValidator

from rung.profiles.models import TIMEZONE_CHOICES, RemotePreference
from rung.profiles.widgets import SkillPicker, skill_choices


class ProfileForm(forms.Form):
    headline = forms.CharField(
        max_length=140,
        required=False,
        help_text="One line, e.g. “Second-year data science student who loves tidy charts”.",
    )
    bio = forms.CharField(label="About you", required=False, max_length=2000, widget=forms.Textarea)
    skills = forms.MultipleChoiceField(
        required=False, widget=SkillPicker, help_text="Tick the skills you have; add others below."
    )
    other_skills = forms.CharField(
        required=False, label="Other skills", help_text="Separate with commas, e.g. “Figma, Welsh”."
    )
    hours_per_week = forms.IntegerField(required=False, min_value=1, max_value=60, label="Hours per week")
    timezone = forms.ChoiceField(required=False, choices=[("", "— choose —"), *TIMEZONE_CHOICES], label="Time zone")
    location = forms.CharField(required=False, max_length=120, help_text="City and country")
    remote_preference = forms.ChoiceField(choices=RemotePreference.choices, label="Where you like to work")
    institution = forms.CharField(required=False, max_length=150, label="School, university or bootcamp")
    programme = forms.CharField(required=False, max_length=150, label="Programme or subject")
    expected_graduation = forms.DateField(
        required=False, label="Expected graduation", widget=forms.DateInput(attrs={"type": "date"})
    )
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One web address per line: portfolio, GitHub, LinkedIn…",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = self.fields["skills"]
        assert isinstance(skills, forms.MultipleChoiceField)
        skills.choices = skill_choices()

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{line}” is not a web address (it should start with https://).") from None
        if len(lines) > 10:
            raise forms.ValidationError("Add at most 10 links.")
        return lines

    def clean_other_skills(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["other_skills"].split(",") if part.strip()]


class WindowForm(forms.Form):
    starts_on = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("starts_on")) != bool(data.get("ends_on")):
            raise forms.ValidationError("Give both the first and the last day, or leave both empty.")
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError("The window must end on or after the day it starts.")
        return data


WindowFormSet = forms.formset_factory(WindowForm, extra=2, max_num=12, validate_max=True)
