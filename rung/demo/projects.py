"""Demo projects and applications at every stage, created through the real services."""

import random
from datetime import date, timedelta

from django.utils import timezone

from rung.accounts.models import User
from rung.applications import services as application_services
from rung.applications.models import Application, ApplicationStatus
from rung.engagements import services as engagement_services
from rung.engagements import winddown
from rung.ledger.providers import SandboxProvider
from rung.ledger.services import request_deposit
from rung.orgs.models import Membership, Organisation
from rung.projects import services as project_services
from rung.projects.models import Project, ProjectStatus, Rubric

# Each idea: title, summary, skill slugs, weeks, hours, stipend, currency, learning outcomes.
# Every title is a different piece of work: the demo's search must not look like a list of copies.
Idea = tuple[str, str, list[str], int, int, str, str, list[str]]

NORTHWIND: list[Idea] = [
    (
        "Clean and chart our volunteer survey",
        "We surveyed 2,000 volunteers about why they stay. Clean the data "
        "and chart what they told us for our trustees.",
        ["python", "data-visualisation"],
        2,
        30,
        "900",
        "EUR",
        ["Clean real survey data", "Present findings to a non-technical board"],
    ),
    (
        "Build a donor-retention dashboard",
        "Turn three years of donation records into a dashboard that shows who gives again and who drifts away.",
        ["sql", "data-visualisation"],
        3,
        45,
        "1350",
        "EUR",
        ["Model retention cohorts", "Design a dashboard people actually use"],
    ),
    (
        "Write our API quick-start guide",
        "Developers tell us our docs are hard to start with. Write a quick-start and test it with two newcomers.",
        ["technical-writing", "apis"],
        2,
        24,
        "720",
        "EUR",
        ["Write for developers", "Run a small usability test"],
    ),
    (
        "Estimate the reach of a food-bank network",
        "Twelve food banks share a spreadsheet of visits. Estimate how many households they reach, "
        "with honest error bars.",
        ["statistics", "excel"],
        2,
        28,
        "840",
        "EUR",
        ["Estimate from incomplete records", "Explain uncertainty plainly"],
    ),
    (
        "Geocode and map our partner charities",
        "Put 400 partner charities on an interactive map so regional teams can see gaps in coverage.",
        ["python", "data-analysis"],
        1,
        20,
        "600",
        "EUR",
        ["Clean and geocode addresses", "Publish a map others can update"],
    ),
    (
        "Test the import scripts of our reporting tool",
        "Our Python scripts that import charity returns have no tests. Write them and run them on every change.",
        ["testing", "python", "git"],
        3,
        40,
        "1200",
        "EUR",
        ["Write characterisation tests", "Set up continuous integration"],
    ),
    (
        "Forecast next winter's helpline demand",
        "Use five years of call logs to forecast weekly helpline demand for next winter, "
        "so rotas can be planned early.",
        ["statistics", "machine-learning"],
        3,
        42,
        "1260",
        "EUR",
        ["Build and validate a simple forecast", "Communicate a forecast's limits"],
    ),
    (
        "Interview trustees about the reports they read",
        "Run six short interviews with trustees about our impact reports and tell us what to cut, keep and add.",
        ["ux-research", "presenting"],
        2,
        22,
        "660",
        "EUR",
        ["Run research interviews", "Turn interviews into recommendations"],
    ),
    (
        "Automate the monthly grants report",
        "Replace a two-day copy-and-paste routine with a SQL query and a one-click report.",
        ["sql", "excel"],
        2,
        26,
        "780",
        "EUR",
        ["Automate a manual report", "Document a process for colleagues"],
    ),
]

GREENLEAF: list[Idea] = [
    (
        "Audit our website for accessibility",
        "Check our ten most visited pages against WCAG 2.2 AA and write fixes our developer can apply.",
        ["accessibility", "testing"],
        1,
        20,
        "600",
        "GBP",
        ["Apply WCAG 2.2 in practice", "Write actionable bug reports"],
    ),
    (
        "Redesign the refill-club sign-up flow",
        "Our refill-club sign-up form loses half its visitors. Research why and design a shorter flow in Figma.",
        ["ux-research", "figma"],
        3,
        50,
        "1500",
        "GBP",
        ["Run five short user interviews", "Prototype and test a new flow"],
    ),
    (
        "Market scan of refill shops",
        "Map refill shops in three cities and estimate the market for our packaging-free range.",
        ["market-research", "excel"],
        2,
        30,
        "800",
        "EUR",
        ["Size a market from public data", "Present a recommendation"],
    ),
    (
        "Social media plan for a product launch",
        "Plan four weeks of posts for our new recycled-wool line, with copy and a simple calendar.",
        ["social-media", "copywriting"],
        1,
        16,
        "480",
        "GBP",
        ["Plan a campaign calendar", "Write on-brand copy"],
    ),
    (
        "Financial model for a second studio",
        "Build a simple three-year model for opening a second studio, with scenarios we can tweak.",
        ["financial-modelling", "excel"],
        4,
        60,
        "1800",
        "EUR",
        ["Build a driver-based model", "Explain scenarios to owners"],
    ),
    (
        "Illustrate our care guide for wool garments",
        "Draw eight clear illustrations that show customers how to wash, dry and mend wool.",
        ["illustration", "branding"],
        2,
        30,
        "900",
        "GBP",
        ["Illustrate instructions clearly", "Work within a brand's style"],
    ),
    (
        "Rewrite our product pages for search",
        "Rewrite twenty product pages so people searching for plastic-free gifts find us, without keyword stuffing.",
        ["seo", "copywriting"],
        2,
        24,
        "720",
        "GBP",
        ["Research search intent", "Write for people and search engines"],
    ),
    (
        "Design a newsletter template",
        "Design and code an accessible e-mail newsletter template our team can fill in every month.",
        ["email-marketing", "ui-design"],
        1,
        18,
        "540",
        "GBP",
        ["Design for e-mail clients", "Build an accessible template"],
    ),
    (
        "Compare courier prices for our shop",
        "Compare six couriers on price, speed and emissions for our three parcel sizes and recommend one.",
        ["sales-research", "operations"],
        1,
        16,
        "480",
        "GBP",
        ["Compare suppliers fairly", "Recommend with evidence"],
    ),
    (
        "Translate our shop into German",
        "Translate our shop's main pages and checkout into German, and list phrases that need a native check.",
        ["translation", "copywriting"],
        2,
        26,
        "780",
        "EUR",
        ["Translate for a market, not word for word", "Flag uncertainty honestly"],
    ),
    (
        "Set up our customer-support macros",
        "Read a month of support e-mails and write twelve friendly reply templates for the questions we get most.",
        ["customer-support", "technical-writing"],
        1,
        15,
        "450",
        "GBP",
        ["Analyse support requests", "Write a consistent tone of voice"],
    ),
]

# The unverified employer can only keep drafts.
QUICKHIRE: list[Idea] = [
    (
        "Prototype a job-board widget in React",
        "Build a small, accessible React widget that lists our open roles on any website.",
        ["react", "javascript"],
        2,
        30,
        "900",
        "EUR",
        ["Build a reusable component", "Ship something embeddable"],
    ),
    (
        "Plan our first hiring campaign",
        "Plan a four-week campaign to reach bootcamp graduates, with messages and a budget.",
        ["content-strategy", "project-management"],
        1,
        16,
        "480",
        "EUR",
        ["Plan a campaign", "Budget for reach"],
    ),
]

# A summer round really runs in summer: it starts in the second half of June and ends before
# the end of August, next summer if this one is under way.
SUMMER_ROUND: Idea = (
    "Summer round: river water-quality citizen science",
    "Over the summer holidays, help us check and chart the water samples volunteers take along the River Irwell.",
    ["data-analysis", "data-visualisation"],
    4,
    60,
    "1800",
    "EUR",
    ["Quality-check volunteer data", "Publish findings for the public"],
)

# The reviewer's words on each milestone of the project Maya finishes: one review per milestone.
FINISHED_WORK_FEEDBACK = (
    "A clear outline that covers every endpoint we asked for. Next time, say which readers you had in mind.",
    "Clear, well-organised work delivered on time. Next time, say more about the trade-offs you considered.",
    "The examples run as written and the troubleshooting section answers the questions we get most. Ready to publish.",
)


def summer_dates(today: date) -> tuple[date, date]:
    """The application deadline and start date of the summer round."""
    year = today.year if today < date(today.year, 5, 15) else today.year + 1
    return date(year, 6, 1), date(year, 6, 22)


def _input(rng: random.Random, idea: Idea, *, start_in: int) -> project_services.ProjectInput:
    title, summary, skills, weeks, hours, stipend, currency, outcomes = idea
    today = timezone.now().date()
    days = weeks * 7
    rubric = Rubric.objects.filter(organisation__isnull=True).order_by("name").first()
    return project_services.ProjectInput(
        title=title,
        summary=summary,
        learning_outcomes=outcomes,
        duration_weeks=weeks,
        estimated_hours=hours,
        stipend=stipend,
        currency=currency,
        seats=rng.choice([1, 1, 2, 3]),
        application_deadline=today + timedelta(days=start_in - 7),
        start_date=today + timedelta(days=start_in),
        milestones=[
            project_services.MilestoneInput("Plan agreed", 2, 20),
            project_services.MilestoneInput("Draft for feedback", max(3, days // 2), 30),
            project_services.MilestoneInput("Final deliverable", days, 50),
        ],
        skill_slugs=skills,
        work_mode=rng.choice(["remote", "remote", "hybrid"]),
        location="Manchester, UK",
        screening_questions=["What would you do first, and why?"],
        rubric_uuid=str(rubric.uuid) if rubric else None,
    )


def _publish(project: Project, membership: Membership) -> Project:
    request_deposit(
        organisation=project.organisation,
        project_uuid=project.uuid,
        stipend_minor=project.stipend_minor,
        seats=project.seats,
        currency=project.currency,
        actor=membership.user,
        provider=SandboxProvider(),
    )
    return project_services.publish_project(project, membership=membership)


def build_projects(rng: random.Random, employers: list[Organisation], candidates: list[User], *, limit: int = 0) -> int:
    """Every idea once: drafts, open ones with applications at every stage, closed and cancelled,
    and a summer round. `limit` builds only the first few ideas of each employer (for fast tests)."""
    if Project.objects.exists():
        return Project.objects.count()
    northwind, greenleaf, quickhire = employers
    plan: list[tuple[Organisation, Idea]] = []
    for org, ideas in ((northwind, NORTHWIND), (greenleaf, GREENLEAF), (quickhire, QUICKHIRE)):
        plan.extend((org, idea) for idea in (ideas[:limit] if limit else ideas))
    created = 0
    for index, (org, idea) in enumerate(plan):
        membership = Membership.objects.filter(organisation=org, role="owner").first()
        if membership is None:
            continue
        data = _input(rng, idea, start_in=rng.randint(12, 40))
        project = project_services.create_project(org, membership=membership, data=data)
        created += 1
        if not org.can_publish or index % 8 == 7:
            continue  # stays a draft (and the unverified employer cannot publish)
        project = _publish(project, membership)
        if index % 11 == 5:
            winddown.close_project(project, membership=membership)
        elif index % 13 == 6:
            winddown.cancel_project(project, membership=membership, reason="Budget moved to next quarter.")
            continue
        _applications(rng, project, membership, candidates)
    owner = Membership.objects.filter(organisation=northwind, role="owner").first()
    if owner is not None:
        data = _input(rng, SUMMER_ROUND, start_in=30)
        data.application_deadline, data.start_date = summer_dates(timezone.now().date())
        _publish(project_services.create_project(northwind, membership=owner, data=data), owner)
        created += 1
    return created


def _applications(rng: random.Random, project: Project, membership: Membership, candidates: list[User]) -> None:
    if project.status != ProjectStatus.PUBLISHED:
        return
    applicants = rng.sample(candidates, k=min(len(candidates), rng.randint(2, 7)))
    for candidate in applicants:
        try:
            application_services.apply(
                project,
                candidate=candidate,
                answers=["I would start by reading the brief and asking one good question."],
            )
        except application_services.ApplicationError:
            continue
    stages = ["submitted", "shortlisted", "offered", "accepted", "declined", "rejected", "withdrawn"]
    for application in Application.objects.filter(project=project).select_related("candidate"):
        stage = rng.choice(stages)
        try:
            _advance(application, stage, membership)
        except application_services.ApplicationError:
            continue


def _advance(application: Application, stage: str, membership: Membership) -> None:
    candidate = application.candidate
    if stage == "submitted":
        return
    if stage == "withdrawn":
        application_services.withdraw(application, candidate=candidate)
        return
    if stage == "rejected":
        application_services.reject(
            application,
            membership=membership,
            message=(
                "Thank you for applying. We chose a candidate whose experience matched this project most closely; "
                "please apply to our next one."
            ),
        )
        return
    application_services.shortlist(application, membership=membership)
    if stage == "shortlisted":
        return
    application_services.make_offer(application, membership=membership)
    if stage == "accepted":
        engagement_services.accept_offer(application, candidate=candidate)
    elif stage == "declined":
        application_services.decline_offer(application, candidate=candidate)
    assert Application.objects.get(pk=application.pk).status != ApplicationStatus.SUBMITTED


def build_engagements(maya: User) -> None:
    """Contracts signed, work handed in and reviewed: one finished engagement with its credential
    (Maya's, so the candidate login shows a wallet), one waiting for review, one awaiting signatures."""
    from rung.engagements import services as engagement_services
    from rung.engagements.models import Engagement, EngagementStatus, SignatureRole
    from rung.reviews import services as review_services
    from rung.reviews.selectors import rubric_for

    if Engagement.objects.filter(status=EngagementStatus.COMPLETED).exists():
        return
    # The soonest-starting open project (never the summer round, which must not be finished in winter).
    candidates = list(
        Project.objects.filter(status=ProjectStatus.PUBLISHED, organisation__slug="northwind-analytics")
        .exclude(title=SUMMER_ROUND[0])
        .order_by("start_date", "pk")
    )
    # Prefer a project Maya is already hired on, then one she has not applied to (the random
    # applications may have declined her elsewhere).
    accepted = set(
        Application.objects.filter(candidate=maya, status=ApplicationStatus.ACCEPTED).values_list(
            "project_id", flat=True
        )
    )
    applied = set(Application.objects.filter(candidate=maya).values_list("project_id", flat=True))
    project = next((p for p in candidates if p.pk in accepted), None) or next(
        (p for p in candidates if p.pk not in applied), candidates[0] if candidates else None
    )
    if project is None:
        return
    owner = Membership.objects.get(organisation=project.organisation, role="owner")
    reviewer = Membership.objects.filter(organisation=project.organisation, role="reviewer").first() or owner
    application = Application.objects.filter(project=project, candidate=maya).first()
    if application is None:
        application = application_services.apply(project, candidate=maya, answers=["Read the brief, then ask."])
    if application.status == ApplicationStatus.SUBMITTED:
        application_services.shortlist(application, membership=reviewer)
    if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED):
        application_services.make_offer(application, membership=reviewer)
    if application.status != ApplicationStatus.ACCEPTED:
        try:
            engagement_services.accept_offer(application, candidate=maya)
        except application_services.ApplicationError:
            return  # every seat already taken in this run of the demo
    engagements = list(
        Engagement.objects.filter(project__organisation=project.organisation)
        .select_related("candidate")
        .order_by("created_at")
    )
    for index, engagement in enumerate(sorted(engagements, key=lambda e: e.candidate != maya)):
        if index == len(engagements) - 1 and index > 0:
            break  # the last one stays waiting for signatures
        contract = engagement.contracts.get(version=1)
        engagement_services.sign_contract(
            contract, signer=owner.user, role=SignatureRole.EMPLOYER, typed_name=owner.user.full_name, consent=True
        )
        engagement_services.sign_contract(
            contract,
            signer=engagement.candidate,
            role=SignatureRole.CANDIDATE,
            typed_name=engagement.candidate.full_name,
            consent=True,
        )
        engagement.refresh_from_db()  # now active
        # Work opens on the contract's start date; the demo shows work under way, so its clock
        # stands at the start (the one shortcut past the services: time cannot be made to pass).
        Engagement.objects.filter(pk=engagement.pk, start_date__gt=timezone.now().date()).update(
            start_date=timezone.now().date()
        )
        engagement.refresh_from_db()
        milestones = list(engagement.milestones.order_by("position"))
        # Maya finishes the first project; everything else has work waiting for review.
        finish = engagement.candidate == maya and engagement.project_id == project.pk
        for step, milestone in enumerate(milestones if finish else milestones[:1]):
            submission = review_services.submit_work(
                milestone,
                candidate=engagement.candidate,
                notes="Here is the work, with a short note on choices.",
                links=["https://portfolio.example/work"],
            )
            if not finish:
                break  # handed in, waiting for review
            rubric = rubric_for(engagement.project)
            review_services.review_submission(
                submission,
                reviewer=reviewer.user,
                review=review_services.ReviewInput(
                    decision="approve",
                    feedback=FINISHED_WORK_FEEDBACK[step % len(FINISHED_WORK_FEEDBACK)],
                    scores={c.pk: 3 for c in rubric.criteria.all()},
                ),
            )
