import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.mentoring.models import Protocol
from rung.orgs.models import Organisation
from rung.pathways.models import Pathway
from rung.projects.models import Project


class Pilot(models.Model):
    """An employer's experiment: some projects over some dates, measured against its goals.

    Every target is optional; a missing target shows the figure without a goal beside it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pilots")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    projects = models.ManyToManyField(Project, related_name="pilots", blank=True)
    protocol = models.ForeignKey(
        Protocol,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The mentorship protocol the pilot's mentors follow, if any",
    )
    pathway = models.ForeignKey(
        Pathway,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The career ladder the pilot leads to, if any",
    )
    target_interview_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Interviewed, as a share of completed micro-internships (%)",
    )
    target_hired_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Hired within six months, as a share of completed micro-internships (%)",
    )
    target_nps = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text="Interns' net promoter score, −100 to 100",
    )
    target_payment_days = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Median days from a milestone's approval to the intern's payment",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="pilots_ends_after_start"),
            models.UniqueConstraint(fields=["organisation", "name"], name="pilots_unique_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Diversity of the pool ---------------------------------------------------------------------
# Self-reported and opt-in. Kept in its own table, keyed by the person, never joined to an
# application on any page or endpoint: only the pilot dashboards read it, as counts of 5 or more.


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "In another way"


class Ethnicity(models.TextChoices):
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black"
    MIXED = "mixed", "Mixed or multiple"
    WHITE = "white", "White"
    OTHER = "other", "Another ethnic group"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class AgeBand(models.TextChoices):
    UNDER_21 = "under_21", "Under 21"
    FROM_21 = "21_24", "21 to 24"
    FROM_25 = "25_29", "25 to 29"
    FROM_30 = "30_39", "30 to 39"
    FROM_40 = "40_plus", "40 or over"


# Field name → (question, choices). The deployment chooses which are asked (PILOTS_DIVERSITY_FIELDS).
DIVERSITY_FIELDS: dict[str, tuple[str, type[models.TextChoices]]] = {
    "gender": ("Gender", Gender),
    "ethnicity": ("Ethnic group", Ethnicity),
    "first_generation": ("First in your family to go to university", YesNo),
    "disability": ("Disabled, or with a long-term health condition", YesNo),
    "age_band": ("Age", AgeBand),
}


class DiversityAnswers(models.Model):
    """One person's self-reported answers. Blank means "prefer not to say"; withdrawing deletes the row."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diversity_answers")
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=12, choices=Ethnicity.choices, blank=True)
    first_generation = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    disability = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "diversity answers"

    def __str__(self) -> str:
        return f"Diversity answers #{self.pk}"
