import pytest
from django.core.management import call_command

from rung.accounts.models import User
from rung.applications.models import Application
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement
from rung.ledger.selectors import check_ledger
from rung.orgs.models import Organisation
from rung.projects.models import Project
from rung.reviews.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"


def test_the_demo_builds_a_consistent_world_and_is_safe_to_rerun(sandbox, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # payouts and the credential follow commit
        call_command("demo")
    out = capsys.readouterr().out
    for email in (
        "maya@student.example",
        "olivia@northwind.example",
        "ravi@northwind.example",
        "meera@northwind.example",
        "ed@riverside.example",
        "staff@rung.example",
    ):
        assert email in out
        assert User.objects.get(email=email).check_password("rung-demo-2026")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Project.objects.count(),
        Application.objects.count(),
        Engagement.objects.count(),
        IssuedCredential.objects.count(),
    )
    assert Project.objects.count() >= 20
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "submitted",
        "shortlisted",
        "offered",
        "accepted",
        "rejected",
        "withdrawn",
    }
    assert Organisation.objects.filter(verification="pending").exists()  # one employer awaits verification
    assert IssuedCredential.objects.filter(recipient__email="maya@student.example").exists()
    assert check_ledger() == []

    call_command("demo")
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Project.objects.count(),
        Application.objects.count(),
        Engagement.objects.count(),
        IssuedCredential.objects.count(),
    ) == counts
    assert check_ledger() == []


def test_the_demo_listings_are_all_different_pieces_of_work(sandbox, django_capture_on_commit_callbacks):
    import difflib

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    titles = list(Project.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    for i, a in enumerate(titles):
        for b in titles[i + 1 :]:
            ratio = difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()
            assert ratio < 0.75, f"near-duplicate listings: {a!r} and {b!r}"


def test_the_summer_round_runs_in_summer():
    from datetime import date

    from rung.demo.projects import summer_dates

    for today in (date(2026, 1, 10), date(2026, 5, 20), date(2026, 7, 1), date(2026, 12, 1)):
        deadline, start = summer_dates(today)
        assert today < deadline < start
        assert start.month == 6
        assert start.day >= 21
    assert summer_dates(date(2026, 12, 1))[1].year == 2027


def test_the_small_demo_has_every_role_and_stage(sandbox, django_capture_on_commit_callbacks):
    from rung.demo.generator import build_demo

    with django_capture_on_commit_callbacks(execute=True):
        logins = build_demo(small=True)
    assert {login.role for login in logins} == {
        "candidate",
        "employer owner",
        "reviewer",
        "mentor",
        "education partner",
        "staff",
    }
    assert Project.objects.filter(status="published").count() >= 4
    assert Project.objects.filter(title__startswith="Summer round").exists()
    assert Engagement.objects.filter(status="completed").exists()
    assert IssuedCredential.objects.filter(recipient__email="maya@student.example").exists()
    assert Submission.objects.filter(status="awaiting_review").exists()  # the reviewer has a queue
    assert check_ledger() == []


def test_the_demo_mentor_is_accredited_and_paired_by_the_optimal_matcher(sandbox, django_capture_on_commit_callbacks):
    from rung.mentoring.models import CheckIn, MatchRun, Pairing, PairingMode, PairingStatus, TrainingAttempt
    from rung.mentoring.selectors import is_accredited

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
    meera = User.objects.get(email="meera@northwind.example")
    assert is_accredited(meera)
    from rung.credentials.models import IssuedCredential
    from rung.credentials.verify import verify_credential

    badge = IssuedCredential.objects.get(recipient=meera, name="Accredited mentor")
    assert badge.document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert verify_credential(badge.document).verified
    assert meera.accreditations.get().credential_uuid == badge.uuid
    pairings = Pairing.objects.filter(mentor=meera, status=PairingStatus.ACTIVE)
    assert pairings.exists()
    assert set(pairings.values_list("mode", flat=True)) == {PairingMode.OPTIMAL}
    assert MatchRun.objects.filter(status="published").count() == 1
    assert CheckIn.objects.filter(pairing__mentor=meera, status="held", rating=5).count() == 1
    assert CheckIn.objects.filter(pairing__mentor=meera, status="scheduled").exists()
    nadia = User.objects.get(email="nadia@riverside.example")
    assert TrainingAttempt.objects.filter(user=nadia, passed=True).count() == 2
    assert not is_accredited(nadia)


def test_the_demo_education_partner_has_an_agreement_credit_and_a_transcript(
    sandbox, django_capture_on_commit_callbacks
):
    from rung.credentials.clr import clr_schema_errors
    from rung.credentials.verify import verify_credential
    from rung.education.models import CreditAgreement, CreditClaim, Transcript

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=None)
    riverside = Organisation.objects.get(email_domain="riverside.example")
    agreement = CreditAgreement.objects.get(partner=riverside)
    assert agreement.status == "active"
    assert set(agreement.signatures.values_list("role", flat=True)) == {"partner", "employer"}
    claim = CreditClaim.objects.get(affiliation__student__email="maya@student.example")
    assert (claim.status, claim.automatic) == ("approved", True)
    transcript = Transcript.objects.get(partner=riverside)
    assert transcript.student.email == "maya@student.example"
    document = transcript.credential.document
    assert clr_schema_errors(document) == []
    assert verify_credential(document).verified
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=None)
    assert Transcript.objects.filter(partner=riverside).count() == 1


def test_the_demo_pilot_has_a_history_and_every_dashboard_figure_is_computed_from_it(
    sandbox, settings, django_capture_on_commit_callbacks
):
    import math
    from datetime import timedelta

    from django.utils import timezone

    from rung.applications.models import ApplicationStatus
    from rung.applications.services import sweep
    from rung.demo.generator import build_demo
    from rung.demo.pilot import PILOT_NAME
    from rung.engagements.models import EngagementStatus
    from rung.ledger.models import Payout, PayoutStatus, business_days_between
    from rung.outcomes.models import FollowUp, FollowUpStatus, InternSurvey, Outcome
    from rung.outcomes.services import add_months, sweep_follow_ups
    from rung.pilots.models import DiversityAnswers, Pilot
    from rung.pilots.selectors import pilot_dashboard
    from rung.reviews.services import auto_approve_overdue

    def known[T](value: T | None) -> T:
        assert value is not None
        return value

    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    pilot = Pilot.objects.get(name=PILOT_NAME)
    today = timezone.now().date()
    engagements = list(Engagement.objects.filter(project__pilots=pilot).select_related("candidate"))
    assert len(engagements) == 12

    # The history lies in the past: published about seven months ago, nothing left to fall due.
    projects = list(Project.objects.filter(pilots=pilot))
    assert all(
        today - timedelta(days=240) < known(p.published_at).date() < today - timedelta(days=200) for p in projects
    )
    assert all(p.application_deadline < today and p.end_date < today for p in projects)
    assert pilot.starts_on < pilot.ends_on <= today
    assert not Application.objects.filter(project__in=projects).exclude(status=ApplicationStatus.ACCEPTED).exists()
    assert {e.status for e in engagements} == {EngagementStatus.COMPLETED}
    assert all(known(e.completed_at).date() < today - timedelta(days=150) for e in engagements)

    # Funnel: hired within six months, counted by hand from the outcome rows and the engagements' ends.
    ends = {e.candidate_id: e.end_date for e in engagements}
    hires = Outcome.objects.filter(candidate_id__in=ends, stage="hired")
    hired = sum(ends[o.candidate_id] <= known(o.start_date) <= add_months(ends[o.candidate_id], 6) for o in hires)
    assert all(known(o.start_date) < today and o.candidate_response == "confirmed" for o in hires)
    board = pilot_dashboard(pilot)
    assert (board.stage("hired").count, board.stage("completed").count) == (hired, len(engagements)) == (5, 12)
    assert round(100 * board.stage("hired").count / board.stage("completed").count) == 42
    interviewed = Outcome.objects.filter(candidate_id__in=ends, interviewed_at__isnull=False).count()
    assert board.stage("interviewed").count == interviewed == 7

    # Quality and satisfaction.
    assert board.quality.approved == 12
    changed = Submission.objects.filter(milestone__engagement__in=engagements, status="changes_requested").count()
    assert changed > 0
    assert board.quality.rounds_total == changed
    surveys = list(InternSurvey.objects.filter(engagement__in=engagements).values_list("recommend", flat=True))
    promoters, detractors = sum(r >= 9 for r in surveys), sum(r <= 6 for r in surveys)
    assert board.satisfaction.nps_answers == len(surveys) == 12
    assert board.satisfaction.nps == round(100 * (promoters - detractors) / len(surveys))
    assert board.satisfaction.experience_ratings == board.satisfaction.intern_ratings == 12
    assert board.satisfaction.employer_answers == 12

    # Payment timeliness: every payout settled through the sandbox, days from the ledger's dates.
    payouts = list(Payout.objects.filter(engagement_uuid__in=[e.uuid for e in engagements]))
    assert len(payouts) == 12
    assert {(p.status, p.provider) for p in payouts} == {(PayoutStatus.SETTLED, "sandbox")}
    days = sorted((known(p.settled_at) - known(p.approved_at)).total_seconds() / 86400 for p in payouts)

    def nearest_rank(p: float) -> float:
        return round(days[math.ceil(p * len(days)) - 1], 2)

    t = board.timeliness
    assert t.settled == 12
    assert t.median_days == nearest_rank(0.5)
    assert t.median_days > 0
    assert t.p90_days == nearest_rank(0.9)
    assert t.p90_days > t.median_days
    target = settings.PAYOUT_TARGET_BUSINESS_DAYS
    within = sum(business_days_between(known(p.approved_at), known(p.settled_at)) <= target for p in payouts)
    assert (t.within_target.k, t.within_target.n) == (within, 12)
    assert 0 < within < 12
    assert t.decided == 12
    assert t.decision_median_days is not None

    # Cost per hire and mentoring, with and without.
    (cost,) = board.cost
    assert cost.stipends_minor == sum(e.stipend_minor for e in engagements)
    assert cost.platform_fees_minor > 0
    assert cost.hired == 5
    with_mentor = {split.with_mentor: split for split in board.mentoring}
    mentored = sum(e.mentor_id is not None for e in engagements)
    assert (with_mentor[True].started, with_mentor[False].started) == (mentored, 12 - mentored) == (8, 4)

    # Diversity of the pool, by hand from the stored answers: six women and five men applied and were
    # shortlisted (a ratio of 1 between them); four women and three men were interviewed, fewer than 5
    # each, so those counts are withheld and no ratio is shown.
    gender = next(t for t in board.diversity if t.field == "gender")
    by_value = {g.value: g for g in gender.groups}
    answers = DiversityAnswers.objects.filter(user__in=[e.candidate for e in engagements])
    assert by_value["woman"].applied == answers.filter(gender="woman").count() == 6
    assert by_value["man"].applied == answers.filter(gender="man").count() == 5
    assert by_value[""].applied is None  # the one who prefers not to say: fewer than 5
    shortlisted = gender.stage_keys.index("shortlisted")
    assert [
        (s.count, s.ratio) for s in (by_value["woman"].stages[shortlisted], by_value["man"].stages[shortlisted])
    ] == [
        (6, 1.0),
        (5, 1.0),
    ]
    interviewed = gender.stage_keys.index("interviewed")
    assert [by_value[v].stages[interviewed].count for v in ("woman", "man")] == [None, None]

    # The 3- and 6-month follow-ups were sent by the sweep and answered through their links.
    follow_ups = FollowUp.objects.filter(engagement__in=engagements)
    assert follow_ups.filter(months=3, status=FollowUpStatus.ANSWERED).count() == 10
    assert follow_ups.filter(months=6, status=FollowUpStatus.ANSWERED).count() == 9
    assert not follow_ups.exclude(status__in=(FollowUpStatus.ANSWERED, FollowUpStatus.SENT)).exists()
    assert follow_ups.filter(months=6, through_this_employer=True).count() == 5

    # Today's sweeps find nothing of the pilot's to close, expire, approve or send.
    before = list(follow_ups.values_list("pk", "status"))
    sweep()
    auto_approve_overdue()
    sweep_follow_ups()
    assert list(follow_ups.values_list("pk", "status")) == before
    assert not Application.objects.filter(project__in=projects).exclude(status=ApplicationStatus.ACCEPTED).exists()
