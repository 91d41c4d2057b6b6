from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.profiles import services
from rung.profiles.models import CandidateProfile, Skill
from rung.profiles.schemas import CompletenessOut, ProfileIn, ProfileOut, SkillOut, WindowSchema
from rung.profiles.selectors import get_or_create_profile, profile_completeness

router = Router(tags=["profile"])


def _out(profile: CandidateProfile) -> ProfileOut:
    completeness = profile_completeness(profile)
    return ProfileOut(
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
        skills=[SkillOut(slug=s.slug, name=s.name, curated=s.curated) for s in profile.skills.all()],
        windows=[WindowSchema(starts_on=w.starts_on, ends_on=w.ends_on) for w in profile.windows.all()],
        completeness=CompletenessOut(percent=completeness.percent, missing=completeness.missing),
    )


@router.get("", response=ProfileOut, summary="Your candidate profile, with what is missing")
def get_profile(request: HttpRequest) -> ProfileOut:
    return _out(get_or_create_profile(request_user(request)))


@router.put("", response={200: ProfileOut, 400: ErrorOut}, summary="Replace your candidate profile")
def put_profile(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    data = services.ProfileInput(
        **payload.model_dump(exclude={"links", "skills", "other_skills", "windows"}),
        links=[str(url) for url in payload.links],
        skill_slugs=payload.skills,
        other_skills=payload.other_skills,
        windows=[(w.starts_on, w.ends_on) for w in payload.windows],
    )
    return _out(services.update_profile(request_user(request), data=data))


@router.get("/skills", response=list[SkillOut], summary="The skill vocabulary", auth=None)
@paginate(Pagination)
def list_skills(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    skills = Skill.objects.filter(curated=True)
    if q:
        skills = skills.filter(name__icontains=q)
    return skills
