from typing import Any

from django import forms

from rung.credentials.services import MAX_DOCUMENT_BYTES, CredentialError, parse_document


class CredentialDocumentForm(forms.Form):
    """Paste a credential's JSON or upload its file; either gives one parsed JSON document."""

    text = forms.CharField(
        required=False,
        label="Paste the credential",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "autocomplete": "off"}),
        help_text="The whole JSON file, starting with {.",
    )
    file = forms.FileField(required=False, label="Or upload its file", help_text="A .json file, up to 256 KiB.")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("file")
        text = (cleaned.get("text") or "").strip()
        if upload is not None:
            if upload.size > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError(
                    f"That file is too big to be a credential (over {MAX_DOCUMENT_BYTES // 1024} KiB)."
                )
            raw: str | bytes = upload.read()
        elif text:
            raw = text
        else:
            raise forms.ValidationError("Paste the credential's JSON, or choose its file.")
        try:
            cleaned["document"] = parse_document(raw)
        except CredentialError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The holder is told this reason by e-mail; anyone verifying the credential only sees that it was "
        "revoked, and when.",
    )
