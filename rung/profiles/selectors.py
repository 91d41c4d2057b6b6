from rung.accounts.models import User
from rung.profiles.models import CandidateProfile, Completeness, Skill

# What a strong profile has, and how we say it to the candidate when it is missing.
_CHECKS: list[tuple[str, str]] = [
    ("headline", "a headline that says what you do"),
    ("skills", "at least three skills"),
    ("hours_per_week", "how many hours a week you can work"),
    ("windows", "when you are available"),
    ("timezone", "your time zone"),
    ("location", "where you are based"),
    ("education", "your education"),
    ("links", "a link to your work (portfolio, GitHub, LinkedIn…)"),
]


def get_or_create_profile(user: User) -> CandidateProfile:
    profile, _ = CandidateProfile.objects.get_or_create(user=user)
    return profile


def profile_completeness(profile: CandidateProfile) -> Completeness:
    present = {
        "headline": bool(profile.headline.strip()),
        "skills": profile.skills.count() >= 3,
        "hours_per_week": bool(profile.hours_per_week),
        "windows": profile.windows.exists(),
        "timezone": bool(profile.timezone),
        "location": bool(profile.location.strip()),
        "education": bool(profile.institution.strip()),
        "links": bool(profile.links),
    }
    missing = [label for key, label in _CHECKS if not present[key]]
    percent = round(100 * (len(_CHECKS) - len(missing)) / len(_CHECKS))
    return Completeness(percent=percent, missing=missing)


def curated_skills() -> list[Skill]:
    return list(Skill.objects.filter(curated=True))
