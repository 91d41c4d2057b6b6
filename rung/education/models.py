import uuid as uuidlib
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.audit.models import AppendOnlyModel
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement
from rung.orgs.models import Organisation
from rung.profiles.models import Skill
from rung.projects.models import ProjectTemplate

# What a student may let a partner see, each item on its own. Written once; services, selectors and
# the evidence snapshot ask this list.
CONSENT_ITEMS: dict[str, str] = {
    "credentials": "Credentials",
    "rubric": "Rubric results",
    "feedback": "Reviewers' feedback",
    "hours": "Contract hours",
    "submissions": "Submitted work",
}


class AffiliationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    VERIFIED = "verified", "Confirmed"
    ENDED = "ended", "Ended"


AFFILIATION_TRANSITIONS: dict[str, set[str]] = {
    AffiliationStatus.PENDING: {AffiliationStatus.VERIFIED, AffiliationStatus.ENDED},
    AffiliationStatus.VERIFIED: {AffiliationStatus.ENDED},
    AffiliationStatus.ENDED: set(),
}


class AffiliationMethod(models.TextChoices):
    EMAIL = "email", "Code sent to an address at the partner"
    PARTNER = "partner", "Confirmed by the partner"


class Affiliation(models.Model):
    """A student's link with an education partner, and what the student lets it see."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False)
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations")
    status = models.CharField(max_length=10, choices=AffiliationStatus.choices, default=AffiliationStatus.PENDING)
    method = models.CharField(max_length=10, choices=AffiliationMethod.choices)
    student_number = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True, help_text="The student's address at the partner, for the code")
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    share_credentials = models.BooleanField(default=False)
    share_rubric = models.BooleanField(default=False)
    share_feedback = models.BooleanField(default=False)
    share_hours = models.BooleanField(default=False)
    share_submissions = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "partner"],
                condition=~models.Q(status="ended"),
                name="education_one_live_affiliation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} at {self.partner}"

    def shares(self, item: str) -> bool:
        return bool(getattr(self, f"share_{item}"))

    @property
    def consent(self) -> dict[str, bool]:
        return {item: self.shares(item) for item in CONSENT_ITEMS}


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Replaced by a newer version"
    WITHDRAWN = "withdrawn", "Withdrawn"


AGREEMENT_TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.DRAFT: {AgreementStatus.ACTIVE, AgreementStatus.WITHDRAWN},
    AgreementStatus.ACTIVE: {AgreementStatus.SUPERSEDED, AgreementStatus.WITHDRAWN},
    AgreementStatus.SUPERSEDED: set(),
    AgreementStatus.WITHDRAWN: set(),
}


class AgreementScope(models.TextChoices):
    EMPLOYER = "employer", "Any project of one employer"
    SKILLS = "skills", "Any project with one of the given skills"
    TEMPLATE = "template", "Any project started from one catalogue template"


class CreditUnit(models.TextChoices):
    ECTS = "ECTS", "ECTS credits"
    CREDIT_HOURS = "credit hours", "Credit hours"
    CATS = "CATS points", "CATS points"
    EXEMPTION = "exemption", "Exemption from a module"


class CreditAgreement(models.Model):
    """One version of a partner's promise of credit for covered work. Active versions never change."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False)
    series = models.UUIDField(default=uuidlib.uuid4, db_index=True, help_text="Shared by every version")
    version = models.PositiveSmallIntegerField(default=1)
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="credit_agreements")
    status = models.CharField(max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    title = models.CharField(max_length=160)
    scope = models.CharField(max_length=10, choices=AgreementScope.choices)
    employer = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_agreements_covering"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="credit_agreements")
    template = models.ForeignKey(
        ProjectTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_agreements",
        help_text="For the template scope: projects started from this catalogue template",
    )
    min_hours = models.PositiveSmallIntegerField(default=0)
    rubric_levels = models.JSONField(
        default=list, blank=True, help_text='[{"criterion": name, "level": lowest acceptable level}]'
    )
    outcome_map = models.JSONField(
        default=list, blank=True, help_text='[{"outcome": project outcome, "course_outcome": the course\'s}]'
    )
    credit_amount = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    credit_unit = models.CharField(max_length=16, choices=CreditUnit.choices)
    course_code = models.CharField(max_length=40)
    course_name = models.CharField(max_length=160, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    auto_approve = models.BooleanField(default=False, help_text="Approve automatically when every condition is met")
    employer_cosign = models.BooleanField(default=False, help_text="The employer co-signs before it is active")
    text = models.TextField(blank=True, help_text="The terms as signed")
    text_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner", "title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="education_agreement_version"),
            models.UniqueConstraint(
                fields=["series"], condition=models.Q(status="active"), name="education_one_active_version"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="education_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def credit_label(self) -> str:
        if self.credit_unit == CreditUnit.EXEMPTION:
            return f"Exemption from {self.course_code}"
        amount = self.credit_amount.normalize()
        return f"{amount:f} {self.credit_unit} ({self.course_code})"


class SignatureRole(models.TextChoices):
    PARTNER = "partner", "Education partner"
    EMPLOYER = "employer", "Employer"


class AgreementSignature(AppendOnlyModel):
    """Who signed which text of an agreement version, and when. Never changed."""

    agreement = models.ForeignKey(CreditAgreement, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=SignatureRole.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=120)
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "role"], name="education_one_signature_per_side")]


class CreditStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


CREDIT_TRANSITIONS: dict[str, set[str]] = {
    CreditStatus.PENDING: {CreditStatus.APPROVED, CreditStatus.DECLINED},
    CreditStatus.APPROVED: set(),
    CreditStatus.DECLINED: set(),
}


class CreditClaim(models.Model):
    """Covered work by an affiliated student, with the evidence they consented to, for review."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(CreditAgreement, on_delete=models.PROTECT, related_name="claims")
    affiliation = models.ForeignKey(Affiliation, on_delete=models.PROTECT, related_name="claims")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="credit_claims")
    credential = models.ForeignKey(
        IssuedCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_claims"
    )
    status = models.CharField(max_length=10, choices=CreditStatus.choices, default=CreditStatus.PENDING)
    checks = models.JSONField(default=list, help_text='[{"condition", "met", "detail"}] at the time of review')
    evidence = models.JSONField(default=dict, help_text="The consented evidence, as it stood")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    failed_condition = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "engagement"], name="education_one_claim_per_agreement")
        ]

    def __str__(self) -> str:
        return f"Credit for {self.engagement} under {self.agreement}"


class Stack(models.Model):
    """Approved credits that together make a larger award, e.g. a certificate."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="stacks")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=2000)
    required_credits = models.PositiveSmallIntegerField(help_text="How many approved credits it takes")
    required_skill = models.CharField(max_length=80, blank=True, help_text="A skill slug one of them must have")
    award_amount = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    award_unit = models.CharField(max_length=16, choices=CreditUnit.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(required_credits__gte=1), name="education_stack_size")]

    def __str__(self) -> str:
        return self.name


class Transcript(models.Model):
    """A CLR 2.0 transcript a partner issued to a student (the signed document is the credential)."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="transcripts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transcripts")
    credential = models.OneToOneField(IssuedCredential, on_delete=models.PROTECT, related_name="transcript")
    claims = models.ManyToManyField(CreditClaim, related_name="transcripts")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Transcript of {self.student} from {self.partner}"
