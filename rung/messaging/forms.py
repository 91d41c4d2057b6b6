from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from rung.messaging.services import MAX_BODY, MAX_FILES, MAX_NOTE, MAX_REASON
from rung.reviews.files import allowed_extensions, max_bytes
from rung.reviews.forms import MultipleFileField


class ServiceCheckedText(forms.CharField):
    """Text whose rules (NUL characters included) the service checks, so the page and the API say the same."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class MessageForm(forms.Form):
    body = ServiceCheckedText(
        required=False,
        strip=False,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_BODY}),
    )
    attachments = MultipleFileField(required=False, label="Attach files")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = allowed_extensions()
        field = self.fields["attachments"]
        field.help_text = (
            f"Optional. Up to {MAX_FILES} files of at most {max_bytes() // (1024 * 1024)} MB each: "
            f"{', '.join('.' + k for k in kinds)}."
        )
        # A hint for the file picker only: the server checks every file's content whatever it is called.
        field.widget.attrs["accept"] = ",".join("." + k for k in kinds)


class ReportForm(forms.Form):
    reason = ServiceCheckedText(
        label="What is wrong with this message?",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_REASON}),
        help_text="For example: it is abusive, asks for payment outside Rung, or shares someone's private data. "
        "Only Rung staff read this.",
    )


class ModerationForm(forms.Form):
    note = ServiceCheckedText(
        label="Why (kept in the audit trail)",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTE}),
    )
