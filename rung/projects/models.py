import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.audit.models import AppendOnlyModel, StatusHistory
from rung.lib.money import format_money
from rung.orgs.models import Organisation
from rung.profiles.models import Skill


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Open for applications"
    CLOSED = "closed", "Closed to applications"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


# The project state machine, written once; services check every change against it.
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.DRAFT: {ProjectStatus.PUBLISHED, ProjectStatus.CANCELLED},
    ProjectStatus.PUBLISHED: {ProjectStatus.CLOSED, ProjectStatus.CANCELLED},
    ProjectStatus.CLOSED: {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED},
    ProjectStatus.CANCELLED: set(),
    ProjectStatus.COMPLETED: set(),
}


class WorkMode(models.TextChoices):
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On site"


class IpLicence(models.TextChoices):
    ASSIGN = "assign", "Intellectual property assigned to the employer on payment"
    EXCLUSIVE = "exclusive", "Exclusive licence to the employer; the intern may show it in a portfolio"
    NON_EXCLUSIVE = "non_exclusive", "Non-exclusive licence to the employer; the intern keeps ownership"
    OPEN = "open", "Released under an open licence (CC BY 4.0 or MIT)"


class Rubric(models.Model):
    """Criteria × levels with descriptors and weights. Library rubrics have no organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="rubrics"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_library(self) -> bool:
        return self.organisation_id is None


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40)
    descriptor = models.TextField()

    class Meta:
        ordering = ["score"]
        constraints = [models.UniqueConstraint(fields=["criterion", "score"], name="projects_level_score_unique")]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class Project(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="projects")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)

    title = models.CharField(max_length=120)
    summary = models.TextField(max_length=4000)
    learning_outcomes = models.JSONField(default=list)
    skills = models.ManyToManyField(Skill, blank=True, related_name="projects")
    duration_weeks = models.PositiveSmallIntegerField()
    estimated_hours = models.PositiveSmallIntegerField()
    stipend_minor = models.BigIntegerField(help_text="Per seat, in minor units of the currency")
    currency = models.CharField(max_length=3)
    seats = models.PositiveSmallIntegerField(default=1)
    application_deadline = models.DateField()
    start_date = models.DateField()
    work_mode = models.CharField(max_length=10, choices=WorkMode.choices, default=WorkMode.REMOTE)
    location = models.CharField(max_length=120, blank=True)
    jurisdiction = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 country whose minimum wage applies, if any"
    )
    timezone_from = models.SmallIntegerField(null=True, blank=True, help_text="Earliest UTC offset, hours")
    timezone_to = models.SmallIntegerField(null=True, blank=True, help_text="Latest UTC offset, hours")
    screening_questions = models.JSONField(default=list, blank=True)
    rubric = models.ForeignKey(Rubric, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    template = models.ForeignKey(
        "ProjectTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text="The catalogue template this project was started from, if one",
    )
    ip_licence = models.CharField(max_length=16, choices=IpLicence.choices, default=IpLicence.NON_EXCLUSIVE)
    blind_review = models.BooleanField(default=True)
    offer_valid_days = models.PositiveSmallIntegerField(default=5)
    review_rounds = models.PositiveSmallIntegerField(default=2)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        # The GIN index on search_vector is created by a PostgreSQL-only migration step
        # (SQLite has no GIN); see migrations/0003_search_index.py.
        indexes = [models.Index(fields=["status", "-published_at"], name="projects_status_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_weeks__gte=1, duration_weeks__lte=4), name="projects_duration_1_to_4_weeks"
            ),
            models.CheckConstraint(condition=models.Q(stipend_minor__gt=0), name="projects_paid"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="projects_at_least_one_seat"),
            models.CheckConstraint(condition=models.Q(estimated_hours__gte=1), name="projects_some_hours"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(weeks=self.duration_weeks) - timedelta(days=1)

    @property
    def decision_deadline(self) -> date:
        return self.application_deadline + timedelta(days=settings.DECISION_DEADLINE_DAYS)

    @property
    def hourly_rate(self) -> Decimal:
        from rung.lib.money import from_minor

        return (from_minor(self.stipend_minor, self.currency) / self.estimated_hours).quantize(Decimal("0.01"))

    @property
    def hours_per_week(self) -> int:
        return -(-self.estimated_hours // self.duration_weeks)

    @property
    def is_open(self) -> bool:
        return self.status == ProjectStatus.PUBLISHED and self.application_deadline >= timezone.now().date()


class ProjectMilestone(models.Model):
    """A deliverable of the project: due some days after the start, worth a share of the stipend."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    due_offset_days = models.PositiveSmallIntegerField()
    share_percent = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "due_offset_days"]

    def __str__(self) -> str:
        return self.title


class ProjectTemplate(models.Model):
    """A reusable starting point. Staff curate the catalogue (featured, by skill)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="project_templates"
    )
    name = models.CharField(max_length=120)
    data = models.JSONField(help_text="The project's fields, as the form takes them")
    skills = models.ManyToManyField(Skill, blank=True, related_name="templates")
    featured = models.BooleanField(default=False)
    public = models.BooleanField(default=False, help_text="Shown to every employer in the catalogue")
    created_at = models.DateTimeField(default=timezone.now)
    # A paid template (price above zero): another organisation buys a licence before starting a
    # project from it. Set by the author (`licences.set_template_price`); 0 is free.
    price_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    permitted_use = models.TextField(blank=True)
    attribution = models.CharField(max_length=200, blank=True)
    fee_percent = models.PositiveSmallIntegerField(default=0, help_text="The platform's share of each licence")

    class Meta:
        ordering = ["-featured", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_minor=0) | Q(price_minor__gt=0, fee_percent__lte=100),
                name="projects_template_price_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paid(self) -> bool:
        return self.price_minor > 0

    @property
    def price_display(self) -> str:
        return format_money(self.price_minor, self.currency) if self.is_paid else ""


class TemplateLicence(AppendOnlyModel):
    """One organisation's licence to a paid template, bought once; the signed record is its proof."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(ProjectTemplate, on_delete=models.PROTECT, related_name="licences")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="template_licences")
    bought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    author_minor = models.BigIntegerField()
    fee_minor = models.BigIntegerField()
    record_text = models.TextField(help_text="The licence record as signed (canonical JSON)")
    signature = models.CharField(max_length=200, help_text="Ed25519 over record_text, base64url")
    verification_method = models.CharField(max_length=400)
    bought_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-bought_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "buyer"], name="projects_one_template_licence_per_buyer"),
            models.CheckConstraint(
                condition=Q(price_minor=models.F("author_minor") + models.F("fee_minor"), price_minor__gt=0),
                name="projects_template_licence_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Template licence {self.uuid}"


class ProjectEvent(StatusHistory):
    """Append-only history of a project's status changes."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")
