"""A CLR transcript bundles the student's credentials, so it needs their consent to share them. The partner
and the student are told clearly what is missing and how to grant it; refusals are messages, never 500s."""

import pytest

from rung.credentials.models import IssuedCredential
from rung.credentials.services import revoke_credential
from rung.education import services
from rung.education.models import CreditClaim, CreditStatus, Transcript
from rung.education.tests.conftest import active_agreement, affiliate, complete

pytestmark = pytest.mark.django_db

PARTNER_SAYS = "A transcript cannot be issued yet."
STUDENT_SAYS = "University of Example cannot issue your transcript yet."


@pytest.fixture
def approved(engagement, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    active_agreement(pat_m, auto_approve=True)
    affiliation = affiliate(candidate, rey_m)
    complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    assert CreditClaim.objects.get().status == CreditStatus.APPROVED
    return affiliation


@pytest.fixture
def withheld(approved, candidate):
    return services.set_consent(approved, student=candidate, items={"credentials": False})


def test_the_partner_is_told_what_is_missing_and_gets_no_button(client_for, pat, withheld):
    body = client_for(pat).get("/education/partners/uni/").content.decode()
    assert PARTNER_SAYS in body
    assert "Nia Candidate has 1 approved credit, but does not share <em>credentials</em>" in body
    assert "Ask them to tick “Credentials” under “What University of Example may see” on their Credit page" in body
    assert f"/education/affiliations/{withheld.uuid}/transcript/" not in body


def test_the_partner_gets_the_button_once_the_student_shares(client_for, pat, approved):
    body = client_for(pat).get("/education/partners/uni/").content.decode()
    assert PARTNER_SAYS not in body
    assert f"/education/affiliations/{approved.uuid}/transcript/" in body


def test_the_student_is_told_how_to_grant_it(client_for, candidate, withheld):
    body = client_for(candidate).get("/education/").content.decode()
    assert STUDENT_SAYS in body
    assert "You have 1 approved credit there, but you do not share your credentials with it." in body
    assert "tick “Credentials” below and save" in body


def test_a_student_who_shares_sees_no_such_notice(client_for, candidate, approved):
    body = client_for(candidate).get("/education/").content.decode()
    assert STUDENT_SAYS not in body
    assert "For a transcript, share your credentials." not in body


def test_a_student_without_credit_yet_is_told_gently(client_for, candidate, rey_m):
    affiliate(candidate, rey_m, share=False)
    body = client_for(candidate).get("/education/").content.decode()
    assert "For a transcript, share your credentials." in body
    assert STUDENT_SAYS not in body


def test_issuing_anyway_is_refused_with_the_explanation_not_a_500(client_for, pat, withheld):
    before = IssuedCredential.objects.count()
    response = client_for(pat).post(f"/education/affiliations/{withheld.uuid}/transcript/", follow=True)
    assert response.status_code == 200
    assert "does not share credentials with you" in response.content.decode()
    assert "on their Credit page" in response.content.decode()
    assert IssuedCredential.objects.count() == before
    assert not Transcript.objects.exists()


def test_the_api_refuses_with_a_400_naming_the_missing_consent(api_for, pat, withheld):
    response = api_for(pat).post(f"/api/v1/education/affiliations/{withheld.uuid}/transcript")
    assert response.status_code == 400
    assert response.json()["code"] == "no_consent"
    assert "does not share credentials with you" in response.json()["detail"]


def test_shared_but_revoked_credentials_are_explained_differently(client_for, pat, pat_m, alice, approved):
    credential = CreditClaim.objects.get().credential
    assert credential is not None
    revoke_credential(credential, actor=alice, reason="Issued by mistake")
    with pytest.raises(services.EducationError) as caught:
        services.issue_transcript(approved, membership=pat_m)
    assert caught.value.code == "no_credentials"
    assert "revoked" in caught.value.message
    response = client_for(pat).post(f"/education/affiliations/{approved.uuid}/transcript/", follow=True)
    assert response.status_code == 200
    assert "have not been issued yet, or they were revoked" in response.content.decode()


def test_the_explanation_and_refusals_reach_nobody_else(client_for, charlie, vic, withheld):
    assert client_for(charlie).get("/education/partners/uni/").status_code == 404
    assert client_for(charlie).post(f"/education/affiliations/{withheld.uuid}/transcript/").status_code == 404
    # A viewer at the partner sees the students but may not issue, so is shown neither button nor notice.
    body = client_for(vic).get("/education/partners/uni/").content.decode()
    assert PARTNER_SAYS not in body
    assert client_for(vic).post(f"/education/affiliations/{withheld.uuid}/transcript/").status_code == 403
