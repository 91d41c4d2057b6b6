"""Build the demo world. Safe to run again: everything is looked up before it is created."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.demo.conversations import build_conversations
from rung.demo.education import build_education
from rung.demo.mentoring import build_mentoring
from rung.demo.pilot import build_pilot
from rung.demo.projects import build_engagements, build_projects
from rung.demo.recognition import build_recognition
from rung.demo.showcase import build_showcase
from rung.orgs import services as org_services
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.profiles import services as profile_services
from rung.profiles.models import Skill

DEMO_PASSWORD = "rung-demo-2026"
SEED = 20261126


@dataclass(frozen=True)
class Login:
    role: str
    email: str


def _user(email: str, full_name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            full_name=full_name,
            is_staff=staff,
            is_superuser=staff,
            email_verified_at=timezone.now(),
        )
    return user


def _org(
    owner: User, *, name: str, kind: str, domain: str, website: str, description: str, verify_by: User | None
) -> Organisation:
    org = Organisation.objects.filter(email_domain=domain).first()
    if org is None:
        org = org_services.create_organisation(
            actor=owner, name=name, kind=kind, email_domain=domain, website=website, description=description
        )
    if verify_by is not None and org.verification == Verification.PENDING:
        org = org_services.set_verification(org, staff=verify_by, status=Verification.VERIFIED)
    return org


def _member(org: Organisation, user: User, role: str) -> None:
    Membership.objects.get_or_create(organisation=org, user=user, defaults={"role": role})


FIRST = [
    "Maya",
    "Jonas",
    "Amara",
    "Luis",
    "Priya",
    "Tomás",
    "Aiko",
    "Kwame",
    "Sofia",
    "Noah",
    "Leila",
    "Ivan",
    "Zainab",
    "Mateo",
    "Hana",
    "Ethan",
    "Fatima",
    "Oskar",
    "Chloe",
    "Dev",
]
LAST = [
    "Okafor",
    "Schmidt",
    "Nguyen",
    "García",
    "Sharma",
    "Silva",
    "Tanaka",
    "Mensah",
    "Rossi",
    "Cohen",
    "Haddad",
    "Petrov",
    "Bello",
    "Fernández",
    "Kim",
    "Walker",
    "Rahman",
    "Lindqvist",
    "Martin",
    "Patel",
]
HEADLINES = [
    "Statistics student who likes turning messy data into clear charts",
    "Career-changer from teaching, learning front-end development",
    "Final-year design student focused on accessible interfaces",
    "Economics undergraduate with a soft spot for spreadsheets",
    "Bootcamp graduate building small Django apps",
    "Marketing student who writes crisp, friendly copy",
    "",
]
INSTITUTIONS = [
    "Riverside University",
    "City Coding Bootcamp",
    "Northern Institute of Technology",
    "Open University",
    "",
]
TIMEZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "Africa/Lagos",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "",
]


def _candidate_profiles(rng: random.Random, count: int) -> list[User]:
    skills = list(Skill.objects.filter(curated=True).values_list("slug", flat=True))
    today = timezone.now().date()
    people = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        email = "maya@student.example" if i == 0 else f"{first.lower()}.{last.lower()}@student.example"
        user = _user(email.encode("ascii", "ignore").decode(), f"{first} {last}")
        people.append(user)
        if hasattr(user, "profile") and user.profile.headline:
            continue
        start = today + timedelta(days=rng.randint(3, 40))
        data = profile_services.ProfileInput(
            headline=HEADLINES[0] if i == 0 else rng.choice(HEADLINES),
            bio="I enjoy short, concrete projects where I can see the result of my work." if i % 3 else "",
            hours_per_week=rng.choice([None, 8, 10, 15, 20, 25]) if i else 15,
            timezone=rng.choice(TIMEZONES) if i else "Europe/London",
            location=rng.choice(["Manchester, UK", "Berlin, Germany", "Lagos, Nigeria", "Austin, USA", ""]),
            remote_preference=rng.choice(["remote", "hybrid", "any"]),
            institution=rng.choice(INSTITUTIONS) if i else "Riverside University",
            programme=rng.choice(["BSc Statistics", "MA Design", "Full-stack web", "BA Economics", ""]),
            expected_graduation=today + timedelta(days=rng.randint(100, 700)) if rng.random() < 0.7 else None,
            links=[f"https://portfolio.example/{first.lower()}"] if rng.random() < 0.6 or i == 0 else [],
            skill_slugs=rng.sample(skills, k=rng.randint(1, 6)) if i else ["python", "sql", "data-visualisation"],
            other_skills=["Welsh"] if i == 4 else [],
            windows=[(start, start + timedelta(days=rng.randint(14, 60)))] if rng.random() < 0.7 or i == 0 else [],
        )
        profile_services.update_profile(user, data=data)
    return people


@transaction.atomic
def build_demo(*, small: bool = False) -> list[Login]:
    """The whole demo world; `small` builds a few projects of each kind and fewer candidates, with
    every role and every stage still present (the browser tests use it)."""
    rng = random.Random(SEED)  # noqa: S311 - demo data must be repeatable, not secret
    staff = _user("staff@rung.example", "Sam Staff", staff=True)

    olivia = _user("olivia@northwind.example", "Olivia Northwind")
    ravi = _user("ravi@northwind.example", "Ravi Reviewer")
    meera = _user("meera@northwind.example", "Meera Mentor")
    northwind = _org(
        olivia,
        name="Northwind Analytics",
        kind=OrgKind.EMPLOYER,
        domain="northwind.example",
        website="https://northwind.example",
        description="A data consultancy helping charities measure what works.",
        verify_by=staff,
    )
    _member(northwind, ravi, Role.REVIEWER)
    _member(northwind, meera, Role.MENTOR)

    greta = _user("greta@greenleaf.example", "Greta Greenleaf")
    greenleaf = _org(
        greta,
        name="Greenleaf Studio",
        kind=OrgKind.EMPLOYER,
        domain="greenleaf.example",
        website="https://greenleaf.example",
        description="A small design studio for sustainable brands.",
        verify_by=staff,
    )
    _member(greenleaf, _user("hugo@greenleaf.example", "Hugo Manager"), Role.MANAGER)

    _org(
        _user("tariq@quickhire.example", "Tariq Quickhire"),
        name="QuickHire Labs",
        kind=OrgKind.EMPLOYER,
        domain="quickhire.example",
        website="https://quickhire.example",
        description="Just signed up; staff have not checked us yet.",
        verify_by=None,
    )

    ed = _user("ed@riverside.example", "Edith Careers")
    riverside = _org(
        ed,
        name="Riverside University",
        kind=OrgKind.EDUCATION,
        domain="riverside.example",
        website="https://riverside.example",
        description="Careers service of Riverside University.",
        verify_by=staff,
    )
    _member(riverside, _user("lee@riverside.example", "Lee Registrar"), Role.VIEWER)
    nadia = _user("nadia@riverside.example", "Nadia Newmentor")
    _member(riverside, nadia, Role.MENTOR)

    candidates = _candidate_profiles(rng, 8 if small else 20)
    quickhire = Organisation.objects.get(email_domain="quickhire.example")
    build_projects(rng, [northwind, greenleaf, quickhire], candidates, limit=3 if small else 0)
    build_education(riverside, northwind, candidates[0])
    build_engagements(candidates[0])
    build_conversations(candidates[0], candidates[1])
    build_mentoring(northwind, meera, nadia)
    pilot_interns = [_user(f"intern{i + 1}@pilot.example", f"Pilot Intern {i + 1}") for i in range(12)]
    build_pilot(northwind, pilot_interns, mentor=meera)
    build_recognition(northwind, owner=olivia, reviewer=ravi, mentor=meera)
    build_showcase(candidates[0], staff)
    return [
        Login("candidate", "maya@student.example"),
        Login("employer owner", olivia.email),
        Login("reviewer", ravi.email),
        Login("mentor", meera.email),
        Login("education partner", ed.email),
        Login("staff", staff.email),
    ]
