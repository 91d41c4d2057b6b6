from typing import Any

from django import forms

from rung.recognition.models import DEFAULT_LEVELS, CohortKind


class EndorseCredentialForm(forms.Form):
    statement = forms.CharField(
        label="Your endorsement",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text="A few sentences about the work you saw. Rung signs it with your name; the intern can hide it.",
    )


class EndorseSkillForm(EndorseCredentialForm):
    skill = forms.ChoiceField(label="Skill", choices=())

    def __init__(self, *args: Any, skills: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = skills or []  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    title = forms.CharField(label="Title", max_length=150, help_text="e.g. Outstanding micro-intern, spring round")
    description = forms.CharField(
        label="What the round recognises", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cohort_kind = forms.ChoiceField(label="Who can be nominated", choices=CohortKind.choices)
    projects = forms.MultipleChoiceField(label="Projects (for a set of projects)", required=False, choices=())
    season_start = forms.DateField(
        label="Season: first day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    season_end = forms.DateField(
        label="Season: last day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opens_at = forms.DateTimeField(
        label="Nominations open (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="Nominations close (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    criteria = forms.CharField(
        label="Criteria (the rubric)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One criterion a line: name, then optionally “|” and a description, and “|” and a weight (1–10).",
    )
    levels = forms.CharField(
        label="Levels, lowest first", initial=", ".join(DEFAULT_LEVELS), help_text="Two to six, separated by commas."
    )
    spread = forms.IntegerField(
        label="Calibration spread (percentage points)",
        initial=20,
        min_value=1,
        max_value=100,
        help_text="Panelists' totals differing by more than this flag a nomination for discussion.",
    )
    winners_count = forms.IntegerField(label="Number of winners", initial=1, min_value=1, max_value=20)

    def __init__(self, *args: Any, projects: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = projects or []  # type: ignore[attr-defined]


class PanelistForm(forms.Form):
    email = forms.EmailField(label="Panelist's e-mail address")


class NominateForm(forms.Form):
    nominee = forms.ChoiceField(label="Intern you nominate", choices=())
    statement = forms.CharField(
        label="Why you nominate them",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text="Say what they did and why it stood out. The panel reads it without the nominee's name.",
    )
    evidence_links = forms.CharField(
        label="Evidence links (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Up to five web links, one a line.",
    )
    conflict_note = forms.CharField(
        label="Conflict of interest (leave empty if none)",
        required=False,
        max_length=300,
        help_text="e.g. “my cousin”, “we share a flat”. It is recorded, and you will not judge their work.",
    )

    def __init__(self, *args: Any, nominees: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = nominees or []  # type: ignore[attr-defined]
