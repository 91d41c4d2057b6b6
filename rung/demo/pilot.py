"""The demo pilot, modelled on the case the field cites: 3-week paid projects with mentors and a
pathway to a junior role, where 5 of 12 interns (42 %) are hired within six months.

Its history is made by the real services over simulated dates: the clock is moved back (with
time-machine) to each moment of a timeline that starts about seven months ago, and every step runs
"then" — projects funded and published, applications, shortlisting and offers, contracts signed by
both sides, submissions and reviews (which release the stipends in the ledger), payouts created and
settled days later through the sandbox payout provider (a named fake that moves no money), surveys
and ratings, the interview, offer and hire outcomes, and the 3- and 6-month follow-ups, scheduled by
the real sweep and answered through their one-click links. Every figure on the dashboard is computed
from those rows. The whole timeline lies in the past, so no deadline, offer or follow-up is left for
a sweep to act on later."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from rung.accounts.models import User
from rung.applications import services as application_services
from rung.applications.models import Application
from rung.engagements import services as engagement_services
from rung.engagements.mentor import set_mentor
from rung.engagements.models import Engagement, SignatureRole
from rung.ledger import payouts as ledger_payouts
from rung.ledger.models import Payout
from rung.ledger.providers import SandboxPayoutProvider, SandboxProvider
from rung.ledger.services import request_deposit
from rung.orgs.models import Membership, Organisation, Role
from rung.outcomes import services as outcome_services
from rung.outcomes.models import FollowUp, FollowUpStatus, Outcome
from rung.pilots import selectors as pilot_selectors
from rung.pilots import services as pilot_services
from rung.pilots.models import Pilot
from rung.projects import services as project_services
from rung.projects.models import Project, Rubric
from rung.reviews import services as review_services
from rung.reviews.selectors import rubric_for

INTERNS = 12
HIRED = 5  # 5 of 12: the case's 42 %
INTERVIEWED = 7
PILOT_NAME = "Junior analyst pilot"
ROLE = "Junior data analyst"
# The timeline starts on a Monday this many weeks ago (about seven months), so that its weekdays —
# and so the business days from approval to payment — are the same whenever the demo is built, and
# the 6-month follow-ups are answered before today.
WEEKS_AGO = 32
# Business days from each intern's approval to the payout arriving: 10 of 12 within the 3-day target.
PAYOUT_DELAYS = (1, 2, 1, 3, 2, 1, 5, 2, 1, 2, 4, 1)
RECOMMEND = (10, 9, 8, 10, 6, 9)


def business_days_after(day: date, n: int) -> date:
    """The n-th weekday after `day`."""
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def timeline_start(today: date) -> date:
    return today - timedelta(days=today.weekday(), weeks=WEEKS_AGO)


@dataclass
class _Step:
    at: datetime
    run: Callable[[], None]


class _Timeline:
    """Steps at simulated moments, run in date order with the clock stopped at each one's moment."""

    def __init__(self) -> None:
        self.steps: list[_Step] = []
        self.real_now = timezone.now()

    def at(self, day: date, hour: int, minute: int = 0) -> Callable[[Callable[[], None]], Callable[[], None]]:
        moment = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        if moment >= self.real_now:
            raise AssertionError(f"The demo pilot's timeline reaches {moment:%Y-%m-%d %H:%M}, which is not past.")

        def add(run: Callable[[], None]) -> Callable[[], None]:
            self.steps.append(_Step(moment, run))
            return run

        return add

    def run(self) -> None:
        for step in sorted(self.steps, key=lambda s: s.at):  # stable: same-moment steps keep their order
            with _clock(step.at):
                step.run()


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def _project(title: str, published: date) -> project_services.ProjectInput:
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
        application_deadline=published + timedelta(days=7),
        start_date=published + timedelta(days=14),
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
    interns = interns[:INTERNS]
    boss = owner.user
    day0 = timeline_start(timezone.now().date())
    timeline = _Timeline()
    projects: list[Project] = []
    engagements: dict[int, Engagement] = {}
    pilots: list[Pilot] = []

    # Week 0: the two projects are funded (the sandbox confirms at once) and published, and the pilot set up.
    @timeline.at(day0, 9)
    def publish() -> None:
        for title in ("Donor retention analysis", "Volunteer hours dashboard"):
            project = project_services.create_project(org, membership=owner, data=_project(title, day0))
            request_deposit(
                organisation=org,
                project_uuid=project.uuid,
                stipend_minor=project.stipend_minor,
                seats=project.seats,
                currency=project.currency,
                actor=boss,
                provider=SandboxProvider(),
            )
            projects.append(project_services.publish_project(project, membership=owner))

    @timeline.at(day0, 11)
    def set_up_pilot() -> None:
        pilots.append(
            pilot_services.create_pilot(
                org,
                membership=owner,
                data=pilot_services.PilotInput(
                    name=PILOT_NAME,
                    starts_on=day0,
                    ends_on=day0 + timedelta(weeks=30),
                    project_uuids=[str(p.uuid) for p in projects],
                    target_interview_percent=50,
                    target_hired_percent=30,
                    target_nps=40,
                    target_payment_days=Decimal(3),
                ),
            )
        )

    for i, intern in enumerate(interns):
        _intern_history(
            timeline, i, intern, day0=day0, owner=owner, mentor=mentor, projects=projects, engagements=engagements
        )
    _follow_ups(timeline, engagements, day0)
    timeline.run()
    # Self-reported answers, as interns give them on their "About me" page: stored apart from the work,
    # and on the dashboard only groups of 5 or more show a count.
    asked = set(pilot_selectors.diversity_fields())
    for i, intern in enumerate(interns):
        answers = {name: value for name, value in _diversity_answers(i).items() if name in asked}
        pilot_services.save_diversity_answers(intern, answers=answers)
    return pilots[0]


def _diversity_answers(i: int) -> dict[str, str]:
    """Six women and five men (the twelfth prefers not to say); five first-generation students."""
    return {
        "gender": "" if i == INTERNS - 1 else ("woman" if i % 2 == 0 else "man"),
        "first_generation": "yes" if i % 3 == 0 or i == 10 else "no",
        "age_band": "under_21" if i < 5 else "21_24",
    }


def _intern_history(
    timeline: _Timeline,
    i: int,
    intern: User,
    *,
    day0: date,
    owner: Membership,
    mentor: User | None,
    projects: list[Project],
    engagements: dict[int, Engagement],
) -> None:
    """Schedule one intern's path: applied in week 0, offered and signed in week 1, the work in weeks
    2–4, paid, surveyed and rated, and (for some) interviewed, offered a role and hired."""
    boss = owner.user
    applications: list[Application] = []

    def current() -> Engagement:  # read afresh at each step: the services have moved it on since
        return Engagement.objects.select_related("project").get(pk=engagements[i].pk)

    @timeline.at(day0 + timedelta(days=1 + i % 4), 10, i)
    def apply() -> None:
        project = projects[i % 2]
        applications.append(
            application_services.apply(project, candidate=intern, answers=["Missing values and duplicates."])
        )

    @timeline.at(day0 + timedelta(days=8), 10, i)  # the Tuesday after the deadline
    def decide() -> None:
        application_services.shortlist(applications[0], membership=owner)
        application_services.make_offer(applications[0], membership=owner)

    @timeline.at(day0 + timedelta(days=9), 12, i)
    def accept() -> None:
        engagement_services.accept_offer(applications[0], candidate=intern)
        engagements[i] = Engagement.objects.get(application=applications[0])

    @timeline.at(day0 + timedelta(days=10), 9, i)
    def sign() -> None:
        engagement = current()
        contract = engagement.contracts.get(version=1)
        engagement_services.sign_contract(
            contract, signer=boss, role=SignatureRole.EMPLOYER, typed_name=boss.full_name, consent=True
        )
        engagement_services.sign_contract(
            contract, signer=intern, role=SignatureRole.CANDIDATE, typed_name=intern.full_name, consent=True
        )
        if mentor is not None and i % 3 != 2:  # 8 of 12 have a mentor
            set_mentor(engagement, mentor=mentor, actor=boss)

    submitted = day0 + timedelta(days=28 + i % 3)  # Monday to Wednesday of the last week
    changes = i % 4 == 3  # one in four needs a round of changes first
    approved = business_days_after(submitted, 3 if changes else 1)

    @timeline.at(submitted, 16, i)
    def submit() -> None:
        milestone = current().milestones.get()
        review_services.submit_work(
            milestone,
            candidate=intern,
            notes="Report and notebook attached.",
            links=["https://portfolio.example/report"],
        )

    if changes:

        @timeline.at(business_days_after(submitted, 1), 11, i)
        def ask_for_changes() -> None:
            engagement = current()
            review_services.review_submission(
                engagement.milestones.get().submissions.latest("pk"),
                reviewer=boss,
                review=review_services.ReviewInput(
                    decision="changes",
                    feedback="Good start: please explain how you handled duplicates.",
                    scores={c.pk: 2 for c in rubric_for(engagement.project).criteria.all()},
                ),
            )

        @timeline.at(business_days_after(submitted, 2), 15, i)
        def resubmit() -> None:
            review_services.submit_work(
                current().milestones.get(),
                candidate=intern,
                notes="Added the section on duplicates.",
                links=["https://portfolio.example/report-v2"],
            )

    payout_ids: list[int] = []

    @timeline.at(approved, 11, i)
    def approve() -> None:
        engagement = current()
        review_services.review_submission(
            engagement.milestones.get().submissions.latest("pk"),
            reviewer=boss,
            review=review_services.ReviewInput(
                decision="approve",
                feedback="Clear, careful work that our client can act on.",
                scores={c.pk: 3 + (i % 2) for c in rubric_for(engagement.project).criteria.all()},
            ),
        )
        # What the payout task does on commit, run now (it would run at today's date after the demo
        # commits): the payout is created at approval and handed to the provider below.
        payout = ledger_payouts.create_payout(
            engagement_uuid=engagement.uuid, intern=intern, currency=engagement.currency, provider_name="sandbox"
        )
        assert payout is not None
        payout_ids.append(payout.pk)
        engagement.refresh_from_db()
        review_services.issue_completion_credential(engagement)

    @timeline.at(business_days_after(approved, PAYOUT_DELAYS[i]), 14, i)
    def pay() -> None:
        ledger_payouts.send_payout(Payout.objects.get(pk=payout_ids[0]), provider=SandboxPayoutProvider())

    @timeline.at(approved + timedelta(days=1), 19, i)
    def intern_feedback() -> None:
        engagement = current()
        outcome_services.answer_intern_survey(engagement, candidate=intern, recommend=RECOMMEND[i % 6])
        review_services.rate_experience(
            engagement,
            candidate=intern,
            mentoring=5 if engagement.mentor_id else 3,
            clarity=4 + (i % 2),
            respect=5,
            pay_timeliness=5 if PAYOUT_DELAYS[i] <= 3 else 2,
        )

    @timeline.at(business_days_after(approved, 2), 10, i)
    def employer_feedback() -> None:
        engagement = current()
        review_services.rate_intern(engagement, rater=boss, overall=4 + (i % 2))
        would_hire = "yes" if i < INTERVIEWED else ("maybe" if i % 2 else "no")
        outcome_services.answer_employer_survey(engagement, actor=boss, platform_score=9, would_hire=would_hire)

    if i >= INTERVIEWED:
        return
    end = day0 + timedelta(days=34)  # the projects' end date
    outcomes: list[Outcome] = []

    @timeline.at(business_days_after(end, 10 + i), 15)
    def interview() -> None:
        outcomes.append(
            outcome_services.record_outcome(
                owner.organisation,
                candidate=intern,
                actor=boss,
                data=outcome_services.OutcomeInput(stage="interviewed", role_title=ROLE),
            )
        )

    if i >= HIRED:
        return

    @timeline.at(business_days_after(end, 20 + i), 10)
    def offer_role() -> None:
        outcomes[0] = outcome_services.advance_outcome(
            outcomes[0], actor=boss, data=outcome_services.OutcomeInput(stage="offered", role_title=ROLE)
        )

    @timeline.at(business_days_after(end, 23 + i), 10)
    def hire() -> None:
        engagement = current()
        outcomes[0] = outcome_services.advance_outcome(
            outcomes[0],
            actor=boss,
            data=outcome_services.OutcomeInput(
                stage="hired",
                role_title=ROLE,
                employment_type="full_time",
                start_date=engagement.end_date + timedelta(days=30 * (1 + i % 3)),
            ),
        )

    @timeline.at(business_days_after(end, 24 + i), 18)
    def confirm_hire() -> None:
        outcome_services.respond_to_outcome(outcomes[0], candidate=intern, confirm=True)


def _follow_ups(timeline: _Timeline, engagements: dict[int, Engagement], day0: date) -> None:
    """The follow-up sweep runs on the days the 3- and 6-month follow-ups fall due; most interns
    answer within a few days (the hired ones that they work at Northwind)."""
    end = day0 + timedelta(days=34)
    for months, answering in ((3, 10), (6, 9)):
        due = outcome_services.add_months(end, months)

        @timeline.at(due, 6)
        def sweep() -> None:
            outcome_services.sweep_follow_ups()

        for i in range(answering):

            def answer(i: int = i, months: int = months) -> None:
                follow_up = FollowUp.objects.get(engagement=engagements[i], months=months)
                assert follow_up.status == FollowUpStatus.SENT
                hired = i < HIRED
                elsewhere = not hired and (i < INTERVIEWED or (months == 6 and i % 2 == 0))
                outcome_services.answer_follow_up(
                    token=outcome_services.follow_up_token(follow_up),
                    answer=outcome_services.FollowUpAnswer(
                        employed=hired or elsewhere,
                        employer_name="Northwind Analytics" if hired else ("Harbour Data Co." if elsewhere else ""),
                        role_title=ROLE if hired else ("Data assistant" if elsewhere else ""),
                        through_this_employer=True if hired else (False if elsewhere else None),
                    ),
                )

            timeline.at(due + timedelta(days=1 + i % 3), 20, i)(answer)
