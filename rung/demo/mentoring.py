"""Demo mentoring: Meera (Northwind's mentor) has finished the training and is accredited, the
optimal matcher pairs her with Northwind's interns, she accepted, and the kickoff was held and
rated; a second mentor is part-way through the training. Runs the real services; only the clock is
simulated (the kickoff is moved into the past so that it can be recorded as held)."""

from datetime import timedelta

from django.utils import timezone

from rung.accounts.models import User
from rung.mentoring import checkins, services, training
from rung.mentoring.models import (
    Accreditation,
    CheckIn,
    CheckInStatus,
    Pairing,
    PairingStatus,
    StepKind,
    TrainingModule,
)
from rung.mentoring.services import MentoringError
from rung.orgs.models import Membership, Organisation, Role

EVENINGS = [{"day": d, "start": "17:00", "end": "20:00"} for d in range(5)]


def _pass_training(user: User, modules: list[TrainingModule]) -> None:
    for module in modules:
        if not user.training_attempts.filter(module=module, passed=True).exists():
            training.submit_attempt(user, module=module, answers=[q.correct for q in module.questions.all()])


def build_mentoring(org: Organisation, mentor: User, trainee: User) -> None:
    if Pairing.objects.filter(mentor=mentor).exists():
        return  # already built: the demo can run twice
    services.save_mentor_profile(
        mentor,
        data=services.MentorProfileInput(
            expertise=["python", "data-visualisation", "sql"],
            languages=["en", "hi"],
            timezone="Europe/London",
            weekly_windows=EVENINGS,
            capacity=4,
            offers=["first_generation", "career_changers"],
            bio="Data lead at Northwind. I was the first in my family at university.",
        ),
    )
    modules = list(TrainingModule.objects.all())
    _pass_training(mentor, modules)
    if not Accreditation.objects.filter(mentor=mentor).exists():
        # Her evidence of practice predates the demo's data: recorded as carried over.
        now = timezone.now()
        Accreditation.objects.create(
            mentor=mentor, awarded_at=now, valid_until=now + timedelta(days=365), checkins_held=8, mean_rating="4.60"
        )
    for accreditation in Accreditation.objects.filter(mentor=mentor, credential_uuid__isnull=True):
        # The verifiable "Accredited mentor" credential, signed like every other one.
        training.issue_accreditation_credential(accreditation)
    owner = Membership.objects.filter(organisation=org, role=Role.OWNER).select_related("user").first()
    assert owner is not None
    try:
        run = services.propose_matching(org, actor=owner.user)
    except MentoringError:
        return
    services.publish_matching(run, actor=owner.user)
    for pairing in Pairing.objects.filter(mentor=mentor, status=PairingStatus.PROPOSED):
        services.respond_to_pairing(pairing, actor=mentor, accept=True)
    first = Pairing.objects.filter(mentor=mentor, status=PairingStatus.ACTIVE).order_by("pk").first()
    if first is not None:
        kickoff = first.checkins.filter(kind=StepKind.KICKOFF).first()
        if kickoff is not None:
            CheckIn.objects.filter(pk=kickoff.pk).update(due_at=timezone.now() - timedelta(hours=3))
            kickoff.refresh_from_db()
            checkins.record_checkin(
                kickoff,
                actor=mentor,
                data=checkins.CheckInRecord(
                    status=CheckInStatus.HELD,
                    summary="We read the brief together and agreed what a good first milestone looks like.",
                    actions=["Share a first chart by Friday", "List the questions for the data owner"],
                    private_notes="A little anxious about SQL joins; offered a short walkthrough.",
                ),
            )
            checkins.rate_checkin(kickoff, actor=first.engagement.candidate, rating=5, comment="Clear and kind.")

    services.save_mentor_profile(
        trainee,
        data=services.MentorProfileInput(
            expertise=["ux-research"], languages=["en"], timezone="Europe/London", weekly_windows=EVENINGS[:2],
            capacity=1, bio="Careers adviser, new to mentoring.",
        ),
    )  # fmt: skip
    _pass_training(trainee, modules[:2])
