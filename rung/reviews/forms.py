from typing import Any

from django import forms

from rung.projects.models import Rubric
from rung.reviews.files import allowed_extensions
from rung.reviews.models import Decision
from rung.reviews.services import FEEDBACK_MIN_CHARS, MAX_FILES, MAX_LINKS, REFLECTION_MIN_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SubmitForm(forms.Form):
    attachments = MultipleFileField(required=False, label="Files")
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One web address per line (http:// or https://), at most {MAX_LINKS}.",
    )
    notes = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you did, what to look at first, anything you are unsure about.",
    )

    keep_files = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Files from your last version",
        help_text="Ticked files carry over into the new version. Untick one to replace or drop it.",
    )

    def __init__(self, *args: Any, max_mb: int = 20, previous_files: Any = (), **kwargs: Any) -> None:
        previous = list(previous_files)
        if previous:
            kwargs.setdefault("initial", {})["keep_files"] = [str(f.uuid) for f in previous]
        super().__init__(*args, **kwargs)
        keep = self.fields["keep_files"]
        keep.choices = [(str(f.uuid), f.original_name) for f in previous]  # type: ignore[attr-defined]
        if not previous:
            del self.fields["keep_files"]
        else:
            self.order_fields(["keep_files", "attachments", "links", "notes"])
        kinds = allowed_extensions()
        field = self.fields["attachments"]
        field.help_text = f"Up to {MAX_FILES} files of at most {max_mb} MB each: {', '.join('.' + k for k in kinds)}."
        # A hint for the file picker only: the server checks every file's content whatever it is called.
        field.widget.attrs["accept"] = ",".join("." + k for k in kinds)

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]


def criterion_field(criterion_id: int) -> str:
    return f"criterion_{criterion_id}"


class RubricForm(forms.Form):
    """One required choice of level per criterion, rendered as a table of radio buttons."""

    def __init__(self, *args: Any, rubric: Rubric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.criteria = list(rubric.criteria.all())
        for criterion in self.criteria:
            self.fields[criterion_field(criterion.pk)] = forms.TypedChoiceField(
                label=criterion.name,
                coerce=int,
                choices=[(level.score, level.label) for level in criterion.levels.all()],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a level for “{criterion.name}”."},
            )

    @property
    def max_levels(self) -> int:
        return max((len(c.levels.all()) for c in self.criteria), default=1)

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[criterion_field(c.pk)] for c in self.criteria}

    def rows(self) -> list[dict[str, Any]]:
        """For the template: each criterion with its levels, the chosen one and any error."""
        rows = []
        for criterion in self.criteria:
            bound = self[criterion_field(criterion.pk)]
            chosen = str(bound.value()) if bound.value() not in (None, "") else ""
            rows.append(
                {
                    "criterion": criterion,
                    "name": bound.html_name,
                    "errors": bound.errors,
                    "levels": [
                        {"level": level, "checked": chosen == str(level.score)} for level in criterion.levels.all()
                    ],
                }
            )
        return rows


class ReviewForm(RubricForm):
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"At least {FEEDBACK_MIN_CHARS} characters: what worked, and what to do differently.",
    )
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)


class SelfAssessmentForm(RubricForm):
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=f"At least {REFLECTION_MIN_CHARS} characters: what went well, what you would do differently.",
    )


ONE_TO_FIVE = [(i, str(i)) for i in range(1, 6)]


def _rating(label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=ONE_TO_FIVE, coerce=int, widget=forms.RadioSelect, help_text=help_text
    )


class ExperienceRatingForm(forms.Form):
    mentoring = _rating("Mentoring", "1 = no help when I needed it, 5 = excellent guidance.")
    clarity = _rating("Clarity of the work", "1 = I never knew what was wanted, 5 = always clear.")
    respect = _rating("Respect", "1 = I was treated badly, 5 = treated as a colleague.")
    pay_timeliness = _rating("Pay on time", "1 = very late, 5 = paid promptly.")
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class InternRatingForm(forms.Form):
    overall = _rating("Overall", "1 = well below what we expected, 5 = outstanding.")
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
