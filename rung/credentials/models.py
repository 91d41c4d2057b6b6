import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.audit.models import AppendOnlyModel

# W3C Bitstring Status List: at least 16 KiB of bits, so one credential's index says little about
# who holds it (herd privacy). Indexes are handed out at random, and a list counts as full at half.
STATUS_LIST_LENGTH = 131072


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", "Revocation"


class StatusList(models.Model):
    """One Bitstring Status List, served signed at /credentials/status/<uuid>.

    Each issuer DID has its own lists: a verifier checks that a list and a credential have the
    same issuer, and with did:key a rotation makes a new DID.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer_did = models.CharField(max_length=300)
    purpose = models.CharField(max_length=20, choices=StatusPurpose.choices, default=StatusPurpose.REVOCATION)
    length = models.PositiveIntegerField(default=STATUS_LIST_LENGTH)
    full = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Status list {self.uuid} ({self.purpose})"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/credentials/status/{self.uuid}"


def canonical_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class IssuedCredential(AppendOnlyModel):
    """A credential Rung signed. Append-only: the signed JSON never changes; revocation is a Revocation.

    The document is kept as the exact text that was signed (not a JSON column, whose storage may
    reorder keys), so what a person downloads is byte for byte what Rung issued.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null for credentials an organisation issued through the VC API to someone outside Rung.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="credentials"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_credentials"
    )
    # What the credential is for, e.g. "engagement:<uuid>"; one credential per engagement.
    engagement_ref = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300)
    issuer_did = models.CharField(max_length=300)
    verification_method = models.CharField(max_length=400)
    document_text = models.TextField()
    document_sha256 = models.CharField(max_length=64)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    # Like the audit trail: who pressed the button is history, not a live relation.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The credential's own `id` when its requester chose one (VC API); empty means urn:uuid:<uuid>.
    document_id = models.CharField(max_length=500, blank=True)
    # A credential re-issued to the holder's DID names the one it replaced (which is then revoked).
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credentials_one_credential_per_bit"),
            models.UniqueConstraint(
                fields=["engagement_ref"],
                condition=~models.Q(engagement_ref=""),
                name="credentials_one_credential_per_engagement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uuid})"

    @property
    def document(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.document_text)
        return value

    @property
    def credential_id(self) -> str:
        return self.document_id or f"urn:uuid:{self.uuid}"


class Revocation(AppendOnlyModel):
    """The record that a credential no longer stands. Its bit in the status list is set from this row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.OneToOneField(IssuedCredential, on_delete=models.PROTECT, related_name="revocation")
    reason = models.TextField(max_length=2000)
    revoked_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # "staff" or the slug of the organisation the person acted for, as it was at the time.
    acting_as = models.CharField(max_length=100)

    class Meta:
        ordering = ["-revoked_at"]

    def __str__(self) -> str:
        return f"Revocation of {self.credential_id}"


class ShareLink(models.Model):
    """Whether a credential's public page (/verify/<uuid>/) answers. The holder turns it on and off."""

    credential = models.OneToOneField(IssuedCredential, on_delete=models.CASCADE, related_name="share_link")
    enabled = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Share link of {self.credential_id}: {'on' if self.enabled else 'off'}"


class ImportedCredential(models.Model):
    """A credential from elsewhere that a candidate added to their wallet, with what verifying it found."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_credentials")
    document_text = models.TextField()
    document_sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=300, blank=True)
    issuer_id = models.CharField(max_length=500, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    issued_on = models.DateTimeField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "document_sha256"], name="credentials_import_once_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Imported credential'} ({'verified' if self.verified else 'not verified'})"

    @property
    def document(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.document_text)
        return value


class KnownIssuer(models.Model):
    """An outside issuer whose keys staff vouch for: its id (did:web or URL) and a cached DID document.

    Rung never fetches an issuer's document while verifying; staff add or refresh it here (the
    admin, or `rung credentials issuers`), and the verifier reads the cached copy.
    """

    issuer_id = models.CharField(max_length=500, unique=True, help_text="e.g. did:web:badges.example.edu")
    name = models.CharField(max_length=200)
    did_document = models.JSONField()
    active = models.BooleanField(default=True, help_text="Untick to stop trusting this issuer's keys")
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer_id})"


class OrganisationKey(models.Model):
    """One Ed25519 signing key of an organisation's issuer identity (did:web:<host>:orgs:<slug>).

    Kept in the database rather than in Rung's key file: there is one identity per organisation,
    and every web process must be able to sign for any of them. The private key is sealed with a
    key derived by scrypt from CREDENTIALS_KEY_PASSPHRASE and this row's salt; rotation retires a
    key (it stays in the DID document, so what it signed keeps verifying) and adds a new one.
    """

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(max_length=100, unique=True)  # the Ed25519 Multikey, z6Mk…
    salt = models.CharField(max_length=40)
    sealed_private_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True),
                name="credentials_one_active_key_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({'active' if self.retired_at is None else 'retired'})"


class PlatformKey(models.Model):
    """One of Rung's own Ed25519 signing keys, when CREDENTIALS_KEY_STORE is "database" (the default).

    In the database rather than in a file on one machine, so every web process and worker signs with
    the same key and a rotation reaches them all. Sealed like the key file's (scrypt from
    CREDENTIALS_KEY_PASSPHRASE with `salt`, then Fernet); a key file imported keeps its sealed keys
    and salt as they were. Retired keys stay (the DID document lists them, so what they signed keeps
    verifying); exactly one is active.
    """

    key_id = models.CharField(max_length=100, unique=True)  # the Ed25519 Multikey, z6Mk…
    salt = models.CharField(max_length=40)
    scrypt_n = models.PositiveIntegerField()
    scrypt_r = models.PositiveIntegerField()
    scrypt_p = models.PositiveIntegerField()
    sealed_private_key = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    imported_from = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="credentials_one_active_platform_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({'active' if self.active else 'retired'})"


class HolderBinding(AppendOnlyModel):
    """A DID a candidate proved they control (a signed DID Authentication presentation).

    The newest binding of a person is the one credentials name as credentialSubject.id; older ones
    stay as history. The challenge is stored so that one signed answer cannot be used twice.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holder_bindings")
    did = models.CharField(max_length=300)
    challenge = models.CharField(max_length=300, unique=True)
    presentation_text = models.TextField()
    bound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-bound_at", "-id"]

    def __str__(self) -> str:
        return f"{self.did} bound by user {self.user_id}"
