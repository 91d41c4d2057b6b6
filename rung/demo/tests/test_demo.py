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
