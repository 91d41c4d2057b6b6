import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.applications.models import Application
from rung.audit.models import AppendOnlyModel, StatusHistory
from rung.lib.errors import DomainError
from rung.projects.models import Project, ProjectMilestone


class EngagementStatus(models.TextChoices):
    AWAITING_SIGNATURES = "awaiting_signatures", "Waiting for both signatures"
    ACTIVE = "active", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


ENGAGEMENT_TRANSITIONS: dict[str, set[str]] = {
    EngagementStatus.AWAITING_SIGNATURES: {EngagementStatus.ACTIVE, EngagementStatus.CANCELLED},
    EngagementStatus.ACTIVE: {EngagementStatus.COMPLETED, EngagementStatus.CANCELLED},
    EngagementStatus.COMPLETED: set(),
    EngagementStatus.CANCELLED: set(),
}


class Engagement(models.Model):
    """One candidate doing one project, on the terms of its current signed contract."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="engagements")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="engagement")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentored_engagements"
    )
    status = models.CharField(
        max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.AWAITING_SIGNATURES
    )
    # The terms in force (copied from the project, changed only by a signed amendment).
    start_date = models.DateField()
    end_date = models.DateField()
    stipend_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    scope = models.TextField(blank=True, help_text="The scope of work in force (the project summary, or as amended)")
    review_rounds = models.PositiveSmallIntegerField(
        default=2, help_text="Rounds of changes a reviewer may ask for on each milestone"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.candidate} on {self.project}"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "Not yet submitted"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"


MILESTONE_TRANSITIONS: dict[str, set[str]] = {
    MilestoneStatus.PENDING: {MilestoneStatus.SUBMITTED, MilestoneStatus.CANCELLED},
    MilestoneStatus.SUBMITTED: {MilestoneStatus.APPROVED, MilestoneStatus.CHANGES_REQUESTED, MilestoneStatus.CANCELLED},
    MilestoneStatus.CHANGES_REQUESTED: {MilestoneStatus.SUBMITTED, MilestoneStatus.CANCELLED},
    MilestoneStatus.APPROVED: set(),
    MilestoneStatus.CANCELLED: set(),
}


class EngagementMilestone(models.Model):
    """A project milestone with real dates and money, for one engagement."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="milestones")
    project_milestone = models.ForeignKey(
        ProjectMilestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    share_percent = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING)
    change_rounds_used = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Latest submission for review")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_approved = models.BooleanField(default=False, help_text="Approved because the review deadline passed")

    class Meta:
        ordering = ["position", "due_date"]
        constraints = [models.UniqueConstraint(fields=["engagement", "position"], name="engagements_milestone_pos")]

    def __str__(self) -> str:
        return f"{self.title} ({self.engagement})"


class ContractStatus(models.TextChoices):
    AWAITING_SIGNATURES = "awaiting_signatures", "Waiting for signatures"
    SIGNED = "signed", "Signed by both"
    SUPERSEDED = "superseded", "Replaced by a signed amendment"
    WITHDRAWN = "withdrawn", "Withdrawn before signing"


# The contract state machine, written once; services check every change against it.
CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.AWAITING_SIGNATURES: {ContractStatus.SIGNED, ContractStatus.WITHDRAWN},
    ContractStatus.SIGNED: {ContractStatus.SUPERSEDED},
    ContractStatus.SUPERSEDED: set(),
    ContractStatus.WITHDRAWN: set(),
}
# Once a contract is signed, these fields never change again (checked by save, update and,
# on PostgreSQL, a trigger).
FROZEN_CONTRACT_STATUSES = frozenset({ContractStatus.SIGNED, ContractStatus.SUPERSEDED})
FROZEN_CONTRACT_FIELDS = ("text", "text_sha256", "terms", "version", "template_version", "engagement_id")
_FROZEN_NAMES = {*FROZEN_CONTRACT_FIELDS, "engagement"}


class SignedContractError(DomainError):
    code = "contract_signed"

    def __init__(self) -> None:
        super().__init__(
            "A signed contract cannot be changed. Propose an amendment instead; both sides sign it.",
        )


class ContractQuerySet(models.QuerySet["Contract"]):
    def update(self, **kwargs: Any) -> int:
        unfreezes = "status" in kwargs and kwargs["status"] not in FROZEN_CONTRACT_STATUSES
        if (unfreezes or _FROZEN_NAMES & set(kwargs)) and self.filter(status__in=FROZEN_CONTRACT_STATUSES).exists():
            raise SignedContractError()
        return super().update(**kwargs)


class Contract(models.Model):
    """The exact text both sides sign. Version 1 is the original; later versions are amendments.

    Once both signatures are in, the text and its hash never change (enforced in services and
    by `save`); until an amendment is signed by both, the previous signed version rules.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="contracts")
    version = models.PositiveSmallIntegerField()
    template_version = models.CharField(max_length=20)
    terms = models.JSONField(help_text="The structured terms the text was rendered from")
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.AWAITING_SIGNATURES)
    change_summary = models.TextField(blank=True, help_text="For amendments: what changes and why")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "version"]
        constraints = [models.UniqueConstraint(fields=["engagement", "version"], name="engagements_contract_version")]

    def __str__(self) -> str:
        return f"Contract v{self.version} for {self.engagement}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Services never edit a signed text, but a shell, the admin or a future mistake might:
        # what both sides signed must stay exactly what they signed.
        if not self._state.adding and self.pk is not None:
            stored = Contract.objects.filter(pk=self.pk).values("status", *FROZEN_CONTRACT_FIELDS).first()
            if stored is not None and stored["status"] in FROZEN_CONTRACT_STATUSES:
                changed = any(getattr(self, f) != stored[f] for f in FROZEN_CONTRACT_FIELDS)
                if changed or self.status not in FROZEN_CONTRACT_STATUSES:
                    raise SignedContractError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status in FROZEN_CONTRACT_STATUSES:
            raise SignedContractError()
        return super().delete(*args, **kwargs)

    @property
    def is_amendment(self) -> bool:
        return self.version > 1


class SignatureRole(models.TextChoices):
    EMPLOYER = "employer", "For the employer"
    CANDIDATE = "candidate", "The intern"


class Signature(AppendOnlyModel):
    """Who signed which exact text, when and from where. Never changed or removed."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=SignatureRole.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    typed_name = models.CharField(max_length=150)
    consent = models.BooleanField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["contract", "role"], name="engagements_one_signature_per_side")]

    def __str__(self) -> str:
        return f"{self.typed_name} ({self.get_role_display()}) at {self.signed_at:%Y-%m-%d %H:%M}"


class EngagementEvent(StatusHistory):
    """Append-only history of engagement and milestone status changes."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="events")
    milestone = models.ForeignKey(
        EngagementMilestone, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.from_status or '—'} → {self.to_status}"

    @property
    def to_label(self) -> str:
        choices = MilestoneStatus if self.milestone_id else EngagementStatus
        return str(dict(choices.choices).get(self.to_status, self.to_status))
