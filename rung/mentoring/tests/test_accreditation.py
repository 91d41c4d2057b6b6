"""Accreditation issues a verifiable "Accredited mentor" credential: valid 12 months, renewable near
its end (the old credential stays verifiable until it lapses), revoked when an upheld safeguarding
concern withdraws the accreditation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rung.credentials.models import IssuedCredential
from rung.credentials.verify import verify_credential
from rung.mentoring import safeguarding, services, training
from rung.mentoring.models import (
    Accreditation,
    CheckIn,
    CheckInStatus,
    Pairing,
    PairingMode,
    PairingStatus,
    TrainingAttempt,
    TrainingModule,
)
from rung.mentoring.selectors import is_accredited
from rung.mentoring.tests.conftest import make_mentor


def _practise(mentor, engagement, alice, *, held=6, rating=5) -> None:
    now = timezone.now()
    pairing = Pairing.objects.create(
        engagement=engagement, mentor=mentor, status=PairingStatus.ACTIVE, mode=PairingMode.BY_HAND,
        proposed_by=alice, respond_by=now,
    )  # fmt: skip
    for i in range(held):
        CheckIn.objects.create(
            pairing=pairing, kind="weekly", title=f"Week {i}", agenda="How it goes", due_at=now - timedelta(days=i + 1),
            status=CheckInStatus.HELD, recorded_at=now, rating=rating,
        )  # fmt: skip


def _train(mentor) -> None:
    for module in TrainingModule.objects.all():
        TrainingAttempt.objects.create(user=mentor, module=module, answers=[], percent=100, passed=True)


@pytest.fixture
def trainee(org):
    return make_mentor(org, "tia@acme.example", "Tia Trainee", accredited=False)


@pytest.fixture
def ready(trainee, interns, alice):
    _practise(trainee, interns[0], alice)
    _train(trainee)
    return trainee


def _credential(accreditation: Accreditation) -> IssuedCredential:
    assert accreditation.credential_uuid is not None
    return IssuedCredential.objects.get(uuid=accreditation.credential_uuid)


def test_no_accreditation_without_training_or_practice(trainee, interns, alice):
    _practise(trainee, interns[0], alice, held=5, rating=4)
    _train(trainee)
    assert training.maybe_accredit(trainee) is None
    _practise(trainee, interns[1], alice, held=1, rating=1)  # six held, but the mean falls below 4
    assert training.maybe_accredit(trainee) is None
    assert not IssuedCredential.objects.exists()


def test_accreditation_issues_a_verifiable_credential_for_twelve_months(ready):
    accreditation = training.maybe_accredit(ready)
    assert accreditation is not None
    credential = _credential(accreditation)
    document = credential.document
    assert credential.recipient == ready
    assert document["name"] == "Accredited mentor"
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert credential.valid_until == accreditation.valid_until.replace(microsecond=0)
    days = (accreditation.valid_until - accreditation.awarded_at).days
    assert days == round(30.44 * settings.MENTOR_ACCREDITATION_MONTHS)
    assert "6 check-ins held; mean mentee rating 5.00" in credential.document_text
    assert verify_credential(document).verified
    # Idempotent: a second call changes nothing.
    assert training.maybe_accredit(ready) is None
    assert IssuedCredential.objects.count() == 1


def test_renewal_only_near_the_end_and_the_old_credential_stays_verifiable(ready):
    first = training.maybe_accredit(ready)
    assert first is not None
    with pytest.raises(training.TrainingError, match="You can renew from"):
        training.renew_accreditation(ready)
    Accreditation.objects.filter(pk=first.pk).update(valid_until=timezone.now() + timedelta(days=10))
    second = training.renew_accreditation(ready)
    assert second.pk != first.pk
    assert second.valid_until > timezone.now() + timedelta(days=360)
    old, new = _credential(first), _credential(second)
    assert old.pk != new.pk
    assert verify_credential(old.document).verified
    assert verify_credential(new.document).verified
    with pytest.raises(training.TrainingError, match="You can renew from"):
        training.renew_accreditation(ready)


def test_renewal_needs_an_accreditation_in_force(trainee):
    with pytest.raises(training.TrainingError, match="no accreditation in force"):
        training.renew_accreditation(trainee)


def test_an_upheld_concern_withdraws_the_accreditation_and_revokes_its_credentials(ready, interns, sam):
    first = training.maybe_accredit(ready)
    assert first is not None
    Accreditation.objects.filter(pk=first.pk).update(valid_until=timezone.now() + timedelta(days=10))
    second = training.renew_accreditation(ready)
    concern = safeguarding.report_concern(
        interns[0], reporter=interns[0].candidate, text="The mentor said something unkind.", about=ready
    )
    safeguarding.move_concern(concern, actor=sam, to="in_review")
    assert is_accredited(ready)
    safeguarding.move_concern(concern, actor=sam, to="upheld", note="We spoke to both and upheld it.")
    assert not is_accredited(ready)
    for accreditation in (first, second):
        accreditation.refresh_from_db()
        assert accreditation.withdrawn_at is not None
        credential = _credential(accreditation)
        assert credential.revocation.acting_as == "platform rule"
        assert not verify_credential(credential.document).verified
    # The upheld concern also blocks a new accreditation.
    assert training.maybe_accredit(ready) is None


def test_a_resolved_concern_leaves_the_accreditation(ready, interns, sam):
    accreditation = training.maybe_accredit(ready)
    assert accreditation is not None
    concern = safeguarding.report_concern(interns[0], reporter=interns[0].candidate, text="Unsure.", about=ready)
    safeguarding.move_concern(concern, actor=sam, to="in_review")
    safeguarding.move_concern(concern, actor=sam, to="resolved", note="A misunderstanding.")
    assert is_accredited(ready)
    assert verify_credential(_credential(accreditation).document).verified


def test_a_missing_signing_key_accredits_and_issues_later(ready, monkeypatch):
    from rung.credentials import achievements
    from rung.credentials.services import CredentialError

    def broken(*args, **kwargs):
        raise CredentialError("no key", code="no_signing_key")

    monkeypatch.setattr(training, "issue_achievement_credential", broken)
    accreditation = training.maybe_accredit(ready)
    assert accreditation is not None
    assert accreditation.credential_uuid is None
    monkeypatch.setattr(training, "issue_achievement_credential", achievements.issue_achievement_credential)
    training.maybe_accredit(ready)
    accreditation.refresh_from_db()
    assert verify_credential(_credential(accreditation).document).verified


# --- pages and API --------------------------------------------------------------------------------


def test_the_profile_and_training_pages_link_the_credential_and_offer_renewal(ready, client_for):
    accreditation = training.maybe_accredit(ready)
    assert accreditation is not None
    client = client_for(ready)
    for name in ("mentoring:profile", "mentoring:training"):
        page = client.get(reverse(name)).content.decode()
        assert "Accredited mentor" in page
        assert reverse("credentials:shared", args=[accreditation.credential_uuid]) in page
        assert "You can renew from" in page
    refused = client.post(reverse("mentoring:renew"), follow=True).content.decode()
    assert "You can renew from" in refused
    assert Accreditation.objects.filter(mentor=ready).count() == 1
    Accreditation.objects.filter(pk=accreditation.pk).update(valid_until=timezone.now() + timedelta(days=5))
    assert "Renew for another year" in client.get(reverse("mentoring:training")).content.decode()
    client.post(reverse("mentoring:renew"))
    assert Accreditation.objects.filter(mentor=ready).count() == 2
    # The credential's public page verifies it.
    page = client_for(ready).get(reverse("credentials:shared", args=[accreditation.credential_uuid]))
    assert page.status_code == 200


def test_the_matching_pages_show_the_badge_beside_accredited_mentors(org, interns, mentor, alice, client_for):
    make_mentor(org, "una@acme.example", "Una Unaccredited", accredited=False)
    page = client_for(alice).get(reverse("mentoring:coordinate", args=[org.slug])).content.decode()
    assert 'Maya Mentor <span class="badge ok">Accredited</span>' in page
    assert "Una Unaccredited <span" not in page
    run = services.propose_matching(org, actor=alice)
    page = client_for(alice).get(reverse("mentoring:run", args=[run.uuid])).content.decode()
    assert 'Maya Mentor <span class="badge ok">Accredited mentor</span>' in page


def test_accreditation_through_the_api(ready, api_for, charlie):
    accreditation = training.maybe_accredit(ready)
    assert accreditation is not None
    as_mentor = api_for(ready)
    body = as_mentor.get("/api/v1/mentoring/accreditation").json()
    assert body["accredited"] is True
    assert body["accreditations"][0]["credential"] == str(accreditation.credential_uuid)
    early = as_mentor.post("/api/v1/mentoring/accreditation/renew")
    assert early.status_code == 400
    assert "renew from" in early.json()["detail"]
    Accreditation.objects.filter(pk=accreditation.pk).update(valid_until=timezone.now() + timedelta(days=5))
    renewed = as_mentor.post("/api/v1/mentoring/accreditation/renew")
    assert renewed.status_code == 201, renewed.content
    assert len(renewed.json()["accreditations"]) == 2
    # Someone else sees only their own (none) and cannot renew.
    assert api_for(charlie).get("/api/v1/mentoring/accreditation").json() == {
        "accredited": False, "renewable_from": None, "accreditations": []
    }  # fmt: skip
    assert api_for(charlie).post("/api/v1/mentoring/accreditation/renew").status_code == 400
