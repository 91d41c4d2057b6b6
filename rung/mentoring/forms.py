from typing import Any

from django import forms

from rung.mentoring.models import OFFER_CHOICES, StepKind
from rung.mentoring.scoring import LANGUAGE_NAMES
from rung.profiles.models import TIMEZONE_CHOICES, Skill

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LANGUAGE_CHOICES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])
WINDOWS_HELP = "One window a line, in your own time zone: a day and a time range, e.g. <code>Monday 18:00-20:00</code>."


def windows_to_text(windows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{DAYS[int(w['day'])]} {w['start']}-{w['end']}" for w in windows)


def parse_window_lines(text: str) -> list[dict[str, object]]:
    """Read 'Monday 18:00-20:00' lines into windows; the service checks the times."""
    windows: list[dict[str, object]] = []
    for number, line in enumerate(filter(None, (raw.strip() for raw in text.splitlines())), start=1):
        parts = line.replace("–", "-").split()
        if len(parts) != 2 or "-" not in parts[1]:
            raise forms.ValidationError(f"Line {number}: write a day and a time range, e.g. Monday 18:00-20:00.")
        day = next((i for i, name in enumerate(DAYS) if name.lower().startswith(parts[0].lower()[:3])), None)
        if day is None or len(parts[0]) < 3:
            raise forms.ValidationError(f"Line {number}: “{parts[0]}” is not a day of the week.")
        start, _, end = parts[1].partition("-")
        windows.append({"day": day, "start": start, "end": end})
    return windows


class _WindowsField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        return parse_window_lines(super().to_python(value) or "")


def _skills_field(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Skill.objects.filter(curated=True).order_by("category", "name"),
        to_field_name="slug",
        required=False,
        label=label,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "skill-picker"}),
    )


class MentorProfileForm(forms.Form):
    expertise = _skills_field("Expertise")
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, label="Languages you mentor in", widget=forms.CheckboxSelectMultiple
    )
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label="Your time zone", initial="Europe/London")
    weekly_windows = _WindowsField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="When you are free each week",
        help_text=WINDOWS_HELP,
    )
    capacity = forms.IntegerField(min_value=1, max_value=10, initial=2, label="Mentees at once")
    offers = forms.MultipleChoiceField(
        choices=OFFER_CHOICES, required=False, label="You especially welcome", widget=forms.CheckboxSelectMultiple
    )
    bio = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Short bio")


class MenteeGoalsForm(forms.Form):
    goal_skills = _skills_field("Skills you want to grow")
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, required=False, label="Languages you speak", widget=forms.CheckboxSelectMultiple
    )
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label="Your time zone", initial="Europe/London")
    weekly_windows = _WindowsField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="When you are free each week",
        help_text=WINDOWS_HELP,
    )
    wants = forms.MultipleChoiceField(
        choices=OFFER_CHOICES, required=False, label="A mentor who welcomes", widget=forms.CheckboxSelectMultiple
    )


class ConflictForm(forms.Form):
    email = forms.EmailField(label="Their e-mail address")
    reason = forms.CharField(
        max_length=300, label="What the conflict is", help_text="e.g. “my cousin”, “a close friend”"
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why you cannot mentor this intern", required=False)


class RecordForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("held", "Held"), ("missed", "Missed"), ("moved", "Moved to another time")], widget=forms.RadioSelect
    )
    moved_to = forms.DateTimeField(
        required=False,
        label="New time (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Only when the check-in moved.",
    )
    summary = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Shared summary",
        help_text="Your mentee and the coordinators can read this.",
    )  # fmt: skip
    actions = forms.CharField(
        required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3}), label="Agreed actions",
        help_text="One a line.",
    )  # fmt: skip
    private_notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Private notes",
        help_text="Only you and your mentee can read these.",
    )  # fmt: skip
    recommendation = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        label="Your recommendation for the intern's next step", help_text="Wrap-up only. The employer sees it.",
    )  # fmt: skip


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        label="How useful was it? (1–5)",
    )
    comment = forms.CharField(required=False, max_length=500, label="Comment (optional)")


class ConcernForm(forms.Form):
    text = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), label="What worries you",
        help_text="Only Rung's staff read this. In an emergency, call the emergency services first.",
    )  # fmt: skip


class ConcernMoveForm(forms.Form):
    to = forms.ChoiceField(choices=[("in_review", "Start review"), ("resolved", "Resolved"), ("upheld", "Upheld")])
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Outcome or note"
    )


class MatchForm(forms.Form):
    projects = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Projects in the cohort"
    )
    accredited_only = forms.BooleanField(required=False, initial=True, label="Accredited mentors only")

    def __init__(self, *args: Any, project_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["projects"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = project_choices
        self.fields["projects"].help_text = "Leave all unticked for every live project of the organisation."


WEIGHT_LABELS = {
    "skill": "Per shared skill (the project's or the mentee's goals)",
    "overlap_hour": "Per hour a week both are available (up to 10 hours)",
    "language": "A shared language",
    "timezone": "Per hour closer than 12 hours apart",
    "preference": "Per thing the mentee asked for that the mentor offers",
    "ranked": "The mentee's own ranking (3× for their first choice, 2× second, 1× third)",
}


class MentoringSettingsForm(forms.Form):
    allow_unaccredited = forms.BooleanField(
        required=False,
        label="Let optimal matching propose mentors who are not (yet) accredited",
        help_text="Default: off — optimal matching uses accredited mentors only.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from rung.mentoring.models import DEFAULT_WEIGHTS

        super().__init__(*args, **kwargs)
        for key, default in DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{key}"] = forms.IntegerField(
                min_value=0, max_value=1000, label=WEIGHT_LABELS[key], help_text=f"Default: {default}."
            )

    def weights(self) -> dict[str, int]:
        return {
            name.removeprefix("weight_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }


class ProtocolForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of your protocol")
    minutes = forms.IntegerField(min_value=15, max_value=120, initial=30, label="Length of each check-in (minutes)")


class ProtocolStepForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        label="When",
        choices=[("", "— not used —"), *StepKind.choices],
        help_text="Kickoff: first two days. Weekly: each later week. Mid-point: halfway. Wrap-up: last days.",
    )
    title = forms.CharField(required=False, max_length=120, label="Title")
    agenda = forms.CharField(required=False, max_length=2000, label="Agenda", widget=forms.Textarea(attrs={"rows": 3}))
    prompts = forms.CharField(
        required=False, label="Prompts, one a line", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


ProtocolStepFormSet = forms.formset_factory(ProtocolStepForm, extra=2, max_num=12)
