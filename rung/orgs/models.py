import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class OrgKind(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    EDUCATION = "education", "Education partner"


class Verification(models.TextChoices):
    PENDING = "pending", "Awaiting verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Not verified"


# Which verification states staff may move an organisation between.
VERIFICATION_TRANSITIONS: dict[str, set[str]] = {
    Verification.PENDING: {Verification.VERIFIED, Verification.REJECTED},
    Verification.REJECTED: {Verification.VERIFIED, Verification.PENDING},
    Verification.VERIFIED: {Verification.REJECTED},
}


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    MENTOR = "mentor", "Mentor"
    VIEWER = "viewer", "Viewer"


# What each role may do. Written once; services and selectors ask `role_can`.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.OWNER: {"view", "manage_members", "manage_owners", "edit_org", "post_projects", "review", "mentor"},
    Role.MANAGER: {"view", "manage_members", "edit_org", "post_projects", "review"},
    Role.REVIEWER: {"view", "review"},
    Role.MENTOR: {"view", "mentor"},
    Role.VIEWER: {"view"},
}


def role_can(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, set())


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=OrgKind.choices)
    email_domain = models.CharField(max_length=120, help_text="The domain its staff use for e-mail, e.g. acme.com")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=3000)
    verification = models.CharField(max_length=10, choices=Verification.choices, default=Verification.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED

    @property
    def can_publish(self) -> bool:
        # Fake employers are a known fraud on job platforms: nothing goes live unverified.
        return self.is_verified


class Membership(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "user__email"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="orgs_one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"


class Invitation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
