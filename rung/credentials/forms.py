from typing import Any

from django import forms

from rung.credentials import vcjwt
from rung.credentials.imports import parse_document
from rung.credentials.services import MAX_DOCUMENT_BYTES, CredentialError


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
        candidate = raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else raw.strip()
        if vcjwt.looks_like_jwt(candidate) and not candidate.startswith("{"):
            cleaned["document"] = candidate  # a VC-JWT: compact text, not JSON
            return cleaned
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


class HolderBindingForm(forms.Form):
    challenge = forms.CharField(widget=forms.HiddenInput, max_length=300)
    presentation = forms.CharField(
        label="The signed presentation from your wallet",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text="A DID Authentication presentation (JSON) for the challenge and domain above, signed with your "
        "did:key.",
    )

    def clean_presentation(self) -> object:
        try:
            return parse_document(self.cleaned_data["presentation"])
        except CredentialError as exc:
            raise forms.ValidationError(exc.message) from None
