"""The education API through the real URLconf: the main actions, and the people who must not do them."""

import pytest

from rung.education.models import CreditClaim
from rung.education.tests.conftest import active_agreement, affiliate, complete

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "title": "Placement",
    "scope": "skills",
    "skills": ["python"],
    "course_code": "DATA2001",
    "credit_unit": "ECTS",
    "credit_amount": "2.5",
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
    "min_hours": 10,
}


def test_a_student_asks_the_partner_and_chooses_what_it_sees(api_for, candidate, uni, rey):
    response = api_for(candidate).post(
        "/api/v1/education/affiliations", {"partner": "uni", "method": "partner"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["uuid"]
    assert api_for(rey).post(f"/api/v1/education/affiliations/{pk}/confirm").json()["status"] == "verified"
    response = api_for(candidate).put(
        f"/api/v1/education/affiliations/{pk}/consent", {"hours": True}, content_type="application/json"
    )
    assert response.json()["consent"]["hours"] is True
    assert api_for(candidate).get("/api/v1/education/affiliations").json()["count"] == 1


def test_outsiders_cannot_touch_an_affiliation(api_for, candidate, charlie, rey_m):
    affiliation = affiliate(candidate, rey_m)
    client = api_for(charlie)
    assert (
        client.put(
            f"/api/v1/education/affiliations/{affiliation.uuid}/consent",
            {"hours": False},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/education/affiliations/{affiliation.uuid}/confirm").status_code == 404
    assert client.post(f"/api/v1/education/affiliations/{affiliation.uuid}/transcript").status_code == 404


def test_an_unknown_partner_is_not_found(api_for, candidate):
    response = api_for(candidate).post(
        "/api/v1/education/affiliations",
        {"partner": "nowhere", "email": "a@b.example"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_agreements_are_written_and_signed_by_the_partner_only(api_for, pat, rey, charlie, uni):
    assert (
        api_for(charlie)
        .post("/api/v1/education/partners/uni/agreements", AGREEMENT, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api_for(rey)
        .post("/api/v1/education/partners/uni/agreements", AGREEMENT, content_type="application/json")
        .status_code
        == 403
    )
    response = api_for(pat).post(
        "/api/v1/education/partners/uni/agreements", AGREEMENT, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["uuid"]
    assert api_for(charlie).get(f"/api/v1/education/agreements/{pk}").status_code == 404
    signed = api_for(pat).post(
        f"/api/v1/education/agreements/{pk}/sign",
        {"typed_name": "Pat Registrar", "consent": True},
        content_type="application/json",
    )
    assert signed.json()["status"] == "active"
    assert len(signed.json()["text_sha256"]) == 64


def test_an_affiliated_student_reads_a_signed_agreement_and_cannot_sign_it(api_for, candidate, pat, rey_m, pat_m):
    response = api_for(pat).post(
        "/api/v1/education/partners/uni/agreements", AGREEMENT, content_type="application/json"
    )
    pk = response.json()["uuid"]
    affiliate(candidate, rey_m, share=False)
    assert api_for(candidate).get(f"/api/v1/education/agreements/{pk}").status_code == 404  # a draft
    api_for(pat).post(
        f"/api/v1/education/agreements/{pk}/sign",
        {"typed_name": "Pat Registrar", "consent": True},
        content_type="application/json",
    )
    read = api_for(candidate).get(f"/api/v1/education/agreements/{pk}")
    assert read.status_code == 200
    assert read.json()["status"] == "active"
    refused = api_for(candidate).post(
        f"/api/v1/education/agreements/{pk}/sign",
        {"typed_name": "Nia", "consent": True},
        content_type="application/json",
    )
    assert refused.status_code == 404


@pytest.mark.parametrize("bad", [{"credit_amount": "NaN"}, {"valid_from": "soon"}, {"credit_unit": "marks"}])
def test_bad_agreements_get_a_clear_400_and_write_nothing(api_for, pat, uni, bad):
    response = api_for(pat).post(
        "/api/v1/education/partners/uni/agreements", AGREEMENT | bad, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert not uni.credit_agreements.exists()


def test_a_reviewer_decides_and_outsiders_or_the_student_cannot(
    api_for, engagement, candidate, bob, rey, rey_m, pat_m, charlie, django_capture_on_commit_callbacks, settings
):
    settings.PAYOUT_PROVIDER = "sandbox"
    active_agreement(pat_m)
    affiliate(candidate, rey_m)
    complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    url = f"/api/v1/education/claims/{claim.uuid}/decision"
    body = {"approve": True, "comment": "Good work"}
    assert api_for(charlie).post(url, body, content_type="application/json").status_code == 404
    assert api_for(candidate).post(url, body, content_type="application/json").status_code == 403
    assert api_for(charlie).get("/api/v1/education/partners/uni/claims").status_code == 404
    assert api_for(rey).get("/api/v1/education/partners/uni/claims?status=pending").json()["count"] == 1
    response = api_for(rey).post(url, body, content_type="application/json")
    assert response.json()["status"] == "approved"
    assert api_for(rey).get("/api/v1/education/partners/uni/dashboard").json()["claims"]["approved"] == 1
    assert api_for(charlie).get("/api/v1/education/partners/uni/dashboard").status_code == 404
