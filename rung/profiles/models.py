import uuid
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Skill(models.Model):
    """A skill. Curated ones form the controlled vocabulary; people may add their own."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=70, unique=True)
    curated = models.BooleanField(default=False, help_text="Part of the controlled vocabulary")
    category = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="profiles_skill_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class RemotePreference(models.TextChoices):
    REMOTE = "remote", "Remote only"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On site"
    ANY = "any", "Any of these"


TIMEZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones() if "/" in tz)


class CandidateProfile(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles")
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True, choices=TIMEZONE_CHOICES)
    location = models.CharField(max_length=120, blank=True, help_text="City and country")
    remote_preference = models.CharField(max_length=10, choices=RemotePreference.choices, default=RemotePreference.ANY)
    institution = models.CharField(max_length=150, blank=True)
    programme = models.CharField(max_length=150, blank=True)
    expected_graduation = models.DateField(null=True, blank=True)
    links = models.JSONField(default=list, blank=True)
    # An optional photo, re-encoded on upload (no EXIF, bounded size) and only ever served through a
    # view that checks who asks: never in a blind pass or a blind panel (see docs/profiles.md).
    photo = models.FileField(max_length=255, blank=True)
    photo_alt = models.CharField(max_length=200, blank=True)
    photo_on_portfolio = models.BooleanField(default=False, help_text="Show the photo on the public portfolio")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class AvailabilityWindow(models.Model):
    profile = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="windows")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="profiles_window_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


class ConflictKind(models.TextChoices):
    DECLARED = "declared", "Declared"
    MENTORING = "mentoring", "Mentor of this person"


class Conflict(models.Model):
    """A conflict of interest between two people: declared (a relative, a friend…) or arising from
    mentoring. Whoever has one never reviews, rates or decides on the other's work or application,
    and a mentor with one is never proposed to that person."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ConflictKind.choices, default=ConflictKind.DECLARED)
    reason = models.CharField(max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["holder", "person", "kind"], name="profiles_one_conflict_per_kind"),
            models.CheckConstraint(condition=~models.Q(holder=models.F("person")), name="profiles_conflict_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} ↔ {self.person} ({self.get_kind_display()})"
