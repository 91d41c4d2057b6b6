"""The demo pilot, modelled on the case the field cites: 3-week paid projects with mentors and a
pathway to a junior role, where 5 of 12 interns (42 %) are hired within six months.

Everything goes through the real services — applications, offers, contracts, submissions and
approvals (which release the stipends in the ledger), the interns' surveys, the pathway, and the
interview, offer and hire outcomes — so every figure on the dashboard is computed from data. The one
shortcut past the services is the one the rest of the demo takes: time cannot be made to pass, so
the work opens today (its start date is moved to today) and the hires start after the work ends."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from rung.accounts.models import User
from rung.applications import services as application_services
from rung.engagements import services as engagement_services
from rung.engagements.models import Engagement, SignatureRole
from rung.ledger.providers import SandboxProvider
from rung.ledger.services import request_deposit
from rung.orgs.models import Membership, Organisation, Role
from rung.outcomes import services as outcome_services
from rung.pilots import services as pilot_services
from rung.pilots.models import Pilot
from rung.projects import services as project_services
from rung.projects.models import Rubric
from rung.reviews import services as review_services
from rung.reviews.selectors import rubric_for

INTERNS = 12
HIRED = 5  # 5 of 12: the case's 42 %
INTERVIEWED = 7
PILOT_NAME = "Junior analyst pilot"


def _project(org: Organisation, owner: Membership, title: str) -> project_services.ProjectInput:
    today = timezone.now().date()
    rubric = Rubric.objects.filter(organisation__isnull=True).order_by("name").first()
    return project_services.ProjectInput(
        title=title,
        summary="Three weeks of paid work on a real question from a charity client, with a mentor.",
        learning_outcomes=["Clean and join messy data", "Explain a finding to a non-specialist"],
        duration_weeks=3,
        estimated_hours=45,
        stipend="1000.00",
        currency="GBP",
        seats=6,
        application_deadline=today + timedelta(days=3),
        start_date=today + timedelta(days=7),
        milestones=[project_services.MilestoneInput("Final report and notebook", 21, 100)],
        skill_slugs=["python", "sql"],
        work_mode="remote",
        location="",
        screening_questions=["What would you check first in a new data set?"],
        rubric_uuid=str(rubric.uuid) if rubric else None,
    )


def build_pilot(org: Organisation, interns: list[User], *, mentor: User | None = None) -> Pilot | None:
    if Pilot.objects.filter(organisation=org, name=PILOT_NAME).exists():
        return None  # already built: the demo can run twice
    owner = Membership.objects.filter(organisation=org, role=Role.OWNER).select_related("user").first()
    if owner is None or len(interns) < INTERNS:
        return None
    projects = []
    for title in ("Donor retention analysis", "Volunteer hours dashboard"):
        project = project_services.create_project(org, membership=owner, data=_project(org, owner, title))
        request_deposit(
            organisation=org,
            project_uuid=project.uuid,
            stipend_minor=project.stipend_minor,
            seats=project.seats,
            currency=project.currency,
            actor=owner.user,
            provider=SandboxProvider(),
        )
        projects.append(project_services.publish_project(project, membership=owner))
    engagements: list[Engagement] = []
    for i, intern in enumerate(interns[:INTERNS]):
        project = projects[i % 2]
        application = application_services.apply(project, candidate=intern, answers=["Missing values and duplicates."])
        application_services.shortlist(application, membership=owner)
        application_services.make_offer(application, membership=owner)
        engagement_services.accept_offer(application, candidate=intern)
        engagements.append(Engagement.objects.get(application=application))
    for i, engagement in enumerate(engagements):
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
        Engagement.objects.filter(pk=engagement.pk).update(start_date=timezone.now().date())
        if mentor is not None and i % 3 != 2:
            Engagement.objects.filter(pk=engagement.pk).update(mentor=mentor)
        engagement.refresh_from_db()
        rubric = rubric_for(engagement.project)
        for milestone in engagement.milestones.order_by("position"):
            submission = review_services.submit_work(
                milestone,
                candidate=engagement.candidate,
                notes="Report and notebook attached.",
                links=["https://portfolio.example/report"],
            )
            if i % 4 == 3:  # one in four needs a round of changes first
                review_services.review_submission(
                    submission,
                    reviewer=owner.user,
                    review=review_services.ReviewInput(
                        decision="changes",
                        feedback="Good start: please explain how you handled duplicates.",
                        scores={c.pk: 2 for c in rubric.criteria.all()},
                    ),
                )
                submission = review_services.submit_work(
                    milestone,
                    candidate=engagement.candidate,
                    notes="Added the section on duplicates.",
                    links=["https://portfolio.example/report-v2"],
                )
            review_services.review_submission(
                submission,
                reviewer=owner.user,
                review=review_services.ReviewInput(
                    decision="approve",
                    feedback="Clear, careful work that our client can act on.",
                    scores={c.pk: 3 + (i % 2) for c in rubric.criteria.all()},
                ),
            )
        engagement.refresh_from_db()
        outcome_services.answer_intern_survey(
            engagement, candidate=engagement.candidate, recommend=(10, 9, 8, 10, 6, 9)[i % 6]
        )
    for i, engagement in enumerate(engagements[:INTERVIEWED]):
        engagement.refresh_from_db()
        outcome = outcome_services.record_outcome(
            org,
            candidate=engagement.candidate,
            actor=owner.user,
            data=outcome_services.OutcomeInput(stage="interviewed", role_title="Junior data analyst"),
        )
        if i < HIRED:
            outcome = outcome_services.advance_outcome(
                outcome,
                actor=owner.user,
                data=outcome_services.OutcomeInput(stage="offered", role_title="Junior data analyst"),
            )
            outcome_services.advance_outcome(
                outcome,
                actor=owner.user,
                data=outcome_services.OutcomeInput(
                    stage="hired",
                    role_title="Junior data analyst",
                    employment_type="full_time",
                    start_date=engagement.end_date + timedelta(days=30 * (1 + i % 3)),
                ),
            )
    return pilot_services.create_pilot(
        org,
        membership=owner,
        data=pilot_services.PilotInput(
            name=PILOT_NAME,
            starts_on=timezone.now().date(),
            ends_on=timezone.now().date() + timedelta(days=180),
            project_uuids=[str(p.uuid) for p in projects],
            target_interview_percent=50,
            target_hired_percent=30,
            target_nps=40,
            target_payment_days=Decimal(3),
        ),
    )
