"""Every change to a candidate profile."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError
from rung.profiles.models import AvailabilityWindow, CandidateProfile, Conflict, ConflictKind, Skill
from rung.profiles.selectors import get_or_create_profile

MAX_SKILLS = 30
MAX_LINKS = 10
MAX_WINDOWS = 12


class ProfileError(DomainError):
    pass


@dataclass
class ProfileInput:
    headline: str = ""
    bio: str = ""
    hours_per_week: int | None = None
    timezone: str = ""
    location: str = ""
    remote_preference: str = "any"
    institution: str = ""
    programme: str = ""
    expected_graduation: date | None = None
    links: list[str] = field(default_factory=list)
    skill_slugs: list[str] = field(default_factory=list)
    other_skills: list[str] = field(default_factory=list)
    windows: list[tuple[date, date]] = field(default_factory=list)


def resolve_skills(slugs: list[str], free_names: list[str]) -> list[Skill]:
    """Curated skills by slug, plus free additions (matched case-insensitively, else created)."""
    skills = list(Skill.objects.filter(slug__in=slugs))
    unknown = set(slugs) - {s.slug for s in skills}
    if unknown:
        raise ProfileError(f"Unknown skill: {', '.join(sorted(unknown))}.", field="skills", code="unknown_skill")
    for raw in free_names:
        name = " ".join(raw.split())[:60]
        if not name:
            continue
        existing = Skill.objects.filter(name__iexact=name).first()
        if existing is None:
            slug = slugify(name)[:70] or "skill"
            if Skill.objects.filter(slug=slug).exists():
                slug = f"{slug[:60]}-{Skill.objects.count()}"
            existing = Skill.objects.create(name=name, slug=slug, curated=False)
        skills.append(existing)
    return list({s.pk: s for s in skills}.values())


def update_profile(user: User, *, data: ProfileInput) -> CandidateProfile:
    if data.hours_per_week is not None and not 1 <= data.hours_per_week <= 60:
        raise ProfileError("Hours per week must be between 1 and 60.", field="hours_per_week")
    if len(data.links) > MAX_LINKS:
        raise ProfileError(f"Add at most {MAX_LINKS} links.", field="links")
    for start, end in data.windows:
        if end < start:
            raise ProfileError("An availability window must end on or after the day it starts.", field="windows")
    if len(data.windows) > MAX_WINDOWS:
        raise ProfileError(f"Add at most {MAX_WINDOWS} availability windows.", field="windows")
    with transaction.atomic():
        profile = get_or_create_profile(user)
        skills = resolve_skills(data.skill_slugs, data.other_skills)
        if len(skills) > MAX_SKILLS:
            raise ProfileError(f"Choose at most {MAX_SKILLS} skills.", field="skills")
        for name in (
            "headline",
            "bio",
            "hours_per_week",
            "timezone",
            "location",
            "remote_preference",
            "institution",
            "programme",
            "expected_graduation",
            "links",
        ):
            setattr(profile, name, getattr(data, name))
        try:
            profile.full_clean(exclude=["user", "skills"])
        except ValidationError as exc:
            name, errors = next(iter(exc.message_dict.items()))
            raise ProfileError(errors[0], field=name) from None
        profile.save()
        profile.skills.set(skills)
        profile.windows.all().delete()
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(profile=profile, starts_on=s, ends_on=e) for s, e in sorted(data.windows)
        )
        record("profile.updated", actor=user, obj=profile)
    return profile


def profile_to_input(profile: CandidateProfile) -> ProfileInput:
    return ProfileInput(
        headline=profile.headline,
        bio=profile.bio,
        hours_per_week=profile.hours_per_week,
        timezone=profile.timezone,
        location=profile.location,
        remote_preference=profile.remote_preference,
        institution=profile.institution,
        programme=profile.programme,
        expected_graduation=profile.expected_graduation,
        links=list(profile.links),
        skill_slugs=[s.slug for s in profile.skills.filter(curated=True)],
        other_skills=[s.name for s in profile.skills.filter(curated=False)],
        windows=[(w.starts_on, w.ends_on) for w in profile.windows.all()],
    )


# --- conflicts of interest ---------------------------------------------------------------------


def declare_conflict(holder: User, *, person: User, reason: str, kind: str = ConflictKind.DECLARED) -> Conflict:
    """Record that `holder` must not judge `person` (idempotent per kind)."""
    reason = reason.strip()
    if holder.pk == person.pk:
        raise DomainError("You cannot declare a conflict of interest with yourself.", field="person")
    if not reason:
        raise DomainError("Say briefly what the conflict is (e.g. “my cousin”).", field="reason")
    if len(reason) > 300:
        raise DomainError("Keep the reason under 300 characters.", field="reason")
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            holder=holder, person=person, kind=kind, defaults={"reason": reason}
        )
        if created:
            record("conflict.declared", actor=holder, obj=conflict, data={"kind": kind})
    return conflict


def has_conflict(holder: User, person: User) -> bool:
    return Conflict.objects.filter(holder=holder, person=person).exists()


def refuse_if_conflicted(actor: User, person: User, *, doing: str) -> None:
    """Services that judge a person call this first: a conflicted actor is told why they may not."""
    conflict = Conflict.objects.filter(holder=actor, person=person).order_by("kind").first()
    if conflict is None:
        return
    if conflict.kind == ConflictKind.MENTORING:
        message = f"You mentor this person, so you cannot {doing}: mentoring is kept apart from assessment."
    else:
        message = f"You declared a conflict of interest with this person, so you cannot {doing}."
    raise DomainError(message, code="conflict_of_interest")
