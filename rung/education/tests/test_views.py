"""Pages: what each person may see and do. Outsiders get 404, members without the role 403; the partner
sees only the evidence a student consented to; projects show the credit they count for."""

import pytest

from rung.education import services
from rung.education.models import CreditClaim
from rung.education.tests.conftest import active_agreement, affiliate, agreement_input, complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(engagement, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m, share=False)
    services.set_consent(affiliation, student=candidate, items={"hours": True})
    complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    return CreditClaim.objects.get()


def test_the_student_page_lists_partners_and_links(client_for, candidate, uni):
    body = client_for(candidate).get("/education/").content.decode()
    assert "University of Example" in body
    assert "Link with an education partner" in body


def test_the_student_pages_need_a_log_in(client):
    assert client.get("/education/").status_code == 302


def test_a_student_links_by_code_through_the_pages(client_for, candidate, uni, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    client = client_for(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/education/affiliate/", {"partner": "uni", "method": "email", "email": "nia@uni.example"})
    affiliation = candidate.affiliations.get()
    match = re.search(r"Your code is (\d{6})", str(mail.outbox[-1].body))
    assert match
    code = match.group(1)
    client.post(f"/education/affiliations/{affiliation.uuid}/code/", {"code": code})
    affiliation.refresh_from_db()
    assert affiliation.status == "verified"
    client.post(f"/education/affiliations/{affiliation.uuid}/consent/", {"rubric": "on", "hours": "on"})
    affiliation.refresh_from_db()
    assert affiliation.consent == {
        "credentials": False,
        "rubric": True,
        "feedback": False,
        "hours": True,
        "submissions": False,
    }


def test_a_bad_address_is_a_message_not_an_error(client_for, candidate, uni):
    response = client_for(candidate).post(
        "/education/affiliate/", {"partner": "uni", "method": "email", "email": "x@y.example"}, follow=True
    )
    assert response.status_code == 200
    assert "Use an address at" in response.content.decode()
    assert not candidate.affiliations.exists()


def test_someone_elses_affiliation_is_not_found(client_for, candidate, charlie, rey_m):
    affiliation = affiliate(candidate, rey_m)
    response = client_for(charlie).post(f"/education/affiliations/{affiliation.uuid}/consent/", {"rubric": "on"})
    assert response.status_code == 404
    affiliation.refresh_from_db()
    assert affiliation.share_rubric is True  # unchanged (affiliate shared it), not cleared by the outsider


def test_the_partner_sees_only_consented_evidence(client_for, claim, rey):
    body = client_for(rey).get(f"/education/claims/{claim.uuid}/").content.decode()
    assert "Contract hours: 30" in body
    assert "Rubric results" not in body
    assert "Feedback" not in body
    assert "rubric" not in claim.evidence
    assert "feedback" not in claim.evidence


def test_outsiders_and_other_organisations_do_not_see_a_claim(client_for, claim, charlie, alice):
    assert client_for(charlie).get(f"/education/claims/{claim.uuid}/").status_code == 404
    # The employer's owner saw the work, but is not the partner: the claim is not theirs to see.
    assert client_for(alice).get(f"/education/claims/{claim.uuid}/").status_code == 404


def test_the_student_sees_their_claim(client_for, claim, candidate):
    assert client_for(candidate).get(f"/education/claims/{claim.uuid}/").status_code == 200


def test_a_viewer_cannot_decide_and_a_reviewer_can(client_for, claim, vic, rey):
    assert client_for(vic).post(f"/education/claims/{claim.uuid}/decide/", {"decision": "approve"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "pending"
    client_for(rey).post(f"/education/claims/{claim.uuid}/decide/", {"decision": "approve", "comment": "Well done"})
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_student_cannot_decide_their_own_credit(client_for, claim, candidate):
    assert (
        client_for(candidate).post(f"/education/claims/{claim.uuid}/decide/", {"decision": "approve"}).status_code
        == 403
    )


def test_the_partner_page_is_for_members(client_for, uni, rey, charlie, alice, org):
    assert client_for(rey).get("/education/partners/uni/").status_code == 200
    assert client_for(charlie).get("/education/partners/uni/").status_code == 404
    # An employer's slug is no education partner.
    assert client_for(alice).get(f"/education/partners/{org.slug}/").status_code == 404


def test_writing_an_agreement_needs_an_owner_or_manager(client_for, uni, rey, pat):
    data = {
        "title": "Placement",
        "scope": "skills",
        "skills": "python",
        "credit_amount": "5",
        "credit_unit": "ECTS",
        "course_code": "X1",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
    }
    assert client_for(rey).post("/education/partners/uni/agreements/new/", data).status_code == 403
    response = client_for(pat).post("/education/partners/uni/agreements/new/", data)
    assert response.status_code == 302
    agreement = uni.credit_agreements.get()
    assert client_for(pat).get(f"/education/agreements/{agreement.uuid}/").status_code == 200


@pytest.mark.parametrize(
    "bad", [{"valid_from": "soon"}, {"credit_amount": "lots"}, {"credit_amount": "NaN"}, {"min_hours": "x"}]
)
def test_bad_agreement_input_is_a_message_and_writes_nothing(client_for, uni, pat, bad):
    data = {
        "title": "Placement",
        "scope": "skills",
        "skills": "python",
        "credit_amount": "5",
        "credit_unit": "ECTS",
        "course_code": "X1",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
    } | bad
    response = client_for(pat).post("/education/partners/uni/agreements/new/", data)
    assert response.status_code == 302
    if "min_hours" not in bad:
        assert not uni.credit_agreements.exists()


def test_an_outsider_cannot_see_an_agreement(client_for, pat_m, charlie):
    agreement = active_agreement(pat_m)
    assert client_for(charlie).get(f"/education/agreements/{agreement.uuid}/").status_code == 404


def test_a_student_reads_the_signed_agreement_their_credit_is_under(client_for, claim, candidate, pat_m):
    """The claim page links to its agreement: the student can open it, read-only, and sees no draft."""
    agreement = claim.agreement
    draft = services.revise_agreement(agreement, membership=pat_m)
    claim_page = client_for(candidate).get(f"/education/claims/{claim.uuid}/").content.decode()
    assert f"/education/agreements/{agreement.uuid}/" in claim_page
    response = client_for(candidate).get(f"/education/agreements/{agreement.uuid}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Type your full name to sign" not in body
    assert "Make a new version" not in body
    assert f"/education/agreements/{draft.uuid}/" not in body
    assert client_for(candidate).get(f"/education/agreements/{draft.uuid}/").status_code == 404
    # Reading is not signing.
    signed = client_for(candidate).post(
        f"/education/agreements/{agreement.uuid}/sign/", {"typed_name": "Nia", "consent": "on"}
    )
    assert signed.status_code == 404


def test_an_affiliated_student_reads_active_agreements_but_not_drafts(client_for, candidate, rey_m, pat_m):
    agreement = active_agreement(pat_m)
    draft = services.create_agreement(membership=pat_m, partner=pat_m.organisation, data=agreement_input())
    assert client_for(candidate).get(f"/education/agreements/{agreement.uuid}/").status_code == 404
    affiliate(candidate, rey_m, share=False)
    assert client_for(candidate).get(f"/education/agreements/{agreement.uuid}/").status_code == 200
    assert client_for(candidate).get(f"/education/agreements/{draft.uuid}/").status_code == 404


def test_the_csv_is_for_owners_and_managers(client_for, uni, pat, rey, charlie):
    assert client_for(pat).get("/education/partners/uni/awarded-credit.csv").status_code == 200
    assert client_for(rey).get("/education/partners/uni/awarded-credit.csv").status_code == 403
    assert client_for(charlie).get("/education/partners/uni/awarded-credit.csv").status_code == 404


def test_projects_show_the_credit_and_search_filters_by_it(client, published, pat_m, uni):
    body = client.get(f"/projects/{published.uuid}/").content.decode()
    assert "Counts for credit at" not in body
    active_agreement(pat_m)
    body = client.get(f"/projects/{published.uuid}/").content.decode()
    assert "Counts for credit at University of Example" in body
    assert "2.5 ECTS (DATA2001)" in body
    assert "At least 20 hours" in body
    results = client.get("/projects/?flags=credit").content.decode()
    assert published.title in results
    assert "Counts for credit at University of Example" in results


def test_the_search_filter_leaves_out_projects_without_credit(client, published, pat_m):
    active_agreement(pat_m, skills=["data-visualisation"])
    assert published.title in client.get("/projects/?flags=credit").content.decode()
    from rung.education.models import CreditAgreement

    CreditAgreement.objects.update(status="withdrawn")
    assert published.title not in client.get("/projects/?flags=credit").content.decode()
    assert published.title in client.get("/projects/").content.decode()


def test_the_dashboards_lead_to_credit(client_for, candidate, pat, uni):
    assert "/education/partners/uni/" in client_for(pat).get("/").content.decode()
    assert 'href="/education/"' in client_for(candidate).get("/").content.decode()


def test_students_see_their_progress_towards_stacks(client_for, claim, candidate, pat_m, uni, rey_m):
    from decimal import Decimal

    services.create_stack(
        membership=pat_m,
        partner=uni,
        name="Certificate in Applied Analytics",
        required_credits=2,
        required_skill="python",
        award_amount=Decimal(5),
        award_unit="ECTS",
    )
    body = client_for(candidate).get("/education/").content.decode()
    assert "0 of 2 approved credits" in body
    services.decide_claim(claim, membership=rey_m, approve=True, comment="Good")
    body = client_for(candidate).get("/education/").content.decode()
    assert "1 of 2 approved credits" in body
    assert "One of them in python: done" in body
    assert "Complete." not in body
