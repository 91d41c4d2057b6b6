"""The demo shows recognition: an endorsement and a finished nomination round with an Award."""

import pytest

from rung.credentials.verify import verify_credential
from rung.recognition.models import Endorsement, NominationRound, Outcome, RoundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"


def test_the_small_demo_has_an_endorsement_and_a_finished_round(sandbox, django_capture_on_commit_callbacks) -> None:
    from rung.demo.generator import build_demo

    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    endorsement = Endorsement.objects.select_related("credential", "endorser", "intern").get()
    assert (endorsement.endorser.email, endorsement.intern.email) == ("ravi@northwind.example", "maya@student.example")
    assert endorsement.credential is not None
    assert verify_credential(endorsement.credential.document).verified
    nomination_round = NominationRound.objects.get()
    assert nomination_round.status == RoundStatus.FINALISED
    assert list(nomination_round.history.values_list("to_status", flat=True)) == [
        "draft",
        "open",
        "scoring",
        "finalised",
    ]
    winner = nomination_round.nominations.get(outcome=Outcome.WINNER)
    assert winner.flagged_at is not None  # calibration flagged it, and the panel settled it
    assert winner.award is not None
    assert winner.award.document["credentialSubject"]["achievement"]["achievementType"] == "Award"
    assert not nomination_round.nominations.filter(reason="").exists()
    # Safe to run twice.
    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    assert NominationRound.objects.count() == 1
    assert Endorsement.objects.count() == 1
