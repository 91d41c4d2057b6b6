"""The rules of affiliation, consent, agreements (immutability, versions, co-signing), conditions,
evidence review and stacks, and their refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from rung.audit.models import AppendOnlyError, AuditEvent
from rung.education import services
from rung.education.models import (
    AffiliationStatus,
    AgreementScope,
    AgreementSignature,
    AgreementStatus,
    CreditClaim,
    CreditStatus,
    CreditUnit,
)
from rung.education.tests.conftest import active_agreement, affiliate, agreement_input, complete, member
from rung.lib.errors import PermissionDenied
from rung.orgs.models import Membership, Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db


# --- affiliation -------------------------------------------------------------------------------


def _code_from_outbox() -> str:
    import re

    match = re.search(r"Your code is (\d{6})", str(mail.outbox[-1].body))
    assert match
    return match.group(1)


def test_a_code_mailed_to_an_address_at_the_partner_confirms_the_affiliation(
    uni, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.request_affiliation_code(student=candidate, partner=uni, email="Nia@Uni.example")
    assert mail.outbox[-1].to == ["nia@uni.example"]
    code = _code_from_outbox()
    confirmed = services.confirm_affiliation_code(affiliation, student=candidate, code=code)
    assert confirmed.status == AffiliationStatus.VERIFIED
    assert confirmed.code_hash == ""
    assert AuditEvent.objects.filter(verb="education.affiliation.verified").count() == 1


def test_an_address_elsewhere_is_refused(uni, candidate):
    with pytest.raises(services.EducationError, match=r"uni\.example or student\.example"):
        services.request_affiliation_code(student=candidate, partner=uni, email="nia@gmail.example")
    assert not candidate.affiliations.exists()


def test_an_employer_is_not_an_education_partner(org, candidate):
    with pytest.raises(services.EducationError, match="not an education partner"):
        services.request_affiliation_code(student=candidate, partner=org, email="nia@acme.example")


def test_wrong_codes_are_counted_and_stop_after_five(uni, candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.request_affiliation_code(student=candidate, partner=uni, email="nia@uni.example")
    code = _code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.MAX_CODE_ATTEMPTS):
        with pytest.raises(services.EducationError, match="not right"):
            services.confirm_affiliation_code(affiliation, student=candidate, code=wrong)
    affiliation.refresh_from_db()
    assert affiliation.code_attempts == services.MAX_CODE_ATTEMPTS
    with pytest.raises(services.EducationError, match="Too many"):
        services.confirm_affiliation_code(affiliation, student=candidate, code=code)
    assert affiliation.status == AffiliationStatus.PENDING


def test_an_expired_code_is_refused(uni, candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.request_affiliation_code(student=candidate, partner=uni, email="nia@uni.example")
    type(affiliation).objects.filter(pk=affiliation.pk).update(code_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.EducationError, match="expired"):
        services.confirm_affiliation_code(affiliation, student=candidate, code=_code_from_outbox())


def test_someone_else_cannot_use_the_code(uni, candidate, charlie, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        affiliation = services.request_affiliation_code(student=candidate, partner=uni, email="nia@uni.example")
    with pytest.raises(PermissionDenied):
        services.confirm_affiliation_code(affiliation, student=charlie, code=_code_from_outbox())


def test_the_partner_confirms_by_hand_and_a_viewer_or_outsider_cannot(uni, candidate, rey_m, vic, alice, org):
    affiliation = services.ask_partner_to_confirm(student=candidate, partner=uni, student_number="S123")
    with pytest.raises(PermissionDenied):
        services.confirm_affiliation(affiliation, membership=member(vic, uni))
    with pytest.raises(PermissionDenied):
        services.confirm_affiliation(affiliation, membership=member(alice, org))
    assert services.confirm_affiliation(affiliation, membership=rey_m).status == AffiliationStatus.VERIFIED


def test_one_live_affiliation_per_partner(uni, candidate, rey_m):
    affiliate(candidate, rey_m)
    with pytest.raises(services.EducationError, match="already"):
        services.ask_partner_to_confirm(student=candidate, partner=uni)


def test_consent_is_per_item_and_only_the_students(uni, candidate, rey_m, charlie):
    affiliation = affiliate(candidate, rey_m, share=False)
    assert not any(affiliation.consent.values())
    affiliation = services.set_consent(affiliation, student=candidate, items={"hours": True})
    assert affiliation.consent == {
        "credentials": False,
        "rubric": False,
        "feedback": False,
        "hours": True,
        "submissions": False,
    }
    with pytest.raises(PermissionDenied):
        services.set_consent(affiliation, student=charlie, items={"rubric": True})
    with pytest.raises(services.EducationError, match="Unknown item: grades"):
        services.set_consent(affiliation, student=candidate, items={"grades": True})


# --- agreements ----------------------------------------------------------------------------------


def test_only_owners_or_managers_of_the_partner_write_agreements(uni, rey_m, pat_m, alice, org):
    with pytest.raises(PermissionDenied):
        services.create_agreement(membership=rey_m, partner=uni, data=agreement_input())
    with pytest.raises(PermissionDenied):
        services.create_agreement(membership=member(alice, org), partner=uni, data=agreement_input())
    assert services.create_agreement(membership=pat_m, partner=uni, data=agreement_input()).status == "draft"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "Give the agreement a title"),
        ({"course_code": ""}, "course or module code"),
        ({"credit_amount": Decimal(0)}, "more than 0"),
        ({"credit_amount": Decimal("2.505")}, "two decimals"),
        ({"credit_amount": Decimal("1E+40")}, "two decimals"),
        ({"credit_amount": Decimal("NaN")}, "two decimals"),
        ({"credit_unit": "marks"}, "Choose the unit"),
        ({"valid_until": timezone.now().date() - timedelta(days=60)}, "must end on or after"),
        ({"skills": ["no-such-skill"]}, "from the skill list"),
        ({"scope": AgreementScope.EMPLOYER}, "which employer"),
        ({"rubric_levels": [{"criterion": "Quality"}]}, "criterion and level"),
        ({"employer_cosign": True}, "co-signed"),
    ],
)
def test_bad_agreements_are_refused_and_nothing_is_written(pat_m, uni, overrides, field):
    with pytest.raises(services.EducationError, match=field):
        services.create_agreement(membership=pat_m, partner=uni, data=agreement_input(**overrides))
    assert not uni.credit_agreements.exists()


def test_an_exemption_carries_no_amount(pat_m, uni):
    agreement = services.create_agreement(
        membership=pat_m, partner=uni, data=agreement_input(credit_unit=CreditUnit.EXEMPTION, credit_amount=Decimal(5))
    )
    assert agreement.credit_amount == 0
    assert agreement.credit_label == "Exemption from DATA2001"


def test_signing_freezes_a_hashed_text_and_activates(pat_m, uni):
    agreement = active_agreement(pat_m)
    assert agreement.status == AgreementStatus.ACTIVE
    import hashlib

    assert agreement.text_sha256 == hashlib.sha256(agreement.text.encode()).hexdigest()
    assert "DATA2001" in agreement.text
    assert "at least 20 hours" in agreement.text
    signature = agreement.signatures.get()
    assert signature.text_sha256 == agreement.text_sha256
    with pytest.raises(AppendOnlyError):
        signature.delete()


def test_an_active_agreement_never_changes_changes_are_new_versions(pat_m, uni):
    v1 = active_agreement(pat_m)
    with pytest.raises(services.EducationError, match="never changes"):
        services.update_draft(v1, membership=pat_m, data=agreement_input(min_hours=5))
    v2 = services.revise_agreement(v1, membership=pat_m)
    assert (v2.version, v2.series, v2.status) == (2, v1.series, AgreementStatus.DRAFT)
    with pytest.raises(services.EducationError, match="draft already"):
        services.revise_agreement(v1, membership=pat_m)
    services.update_draft(v2, membership=pat_m, data=agreement_input(min_hours=5))
    v1.refresh_from_db()
    assert v1.status == AgreementStatus.ACTIVE, "the old version stays in force until the new one is signed"
    services.sign_agreement(v2, membership=pat_m, typed_name="Pat Registrar", consent=True)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (AgreementStatus.SUPERSEDED, AgreementStatus.ACTIVE)
    assert v1.min_hours == 20
    assert v2.min_hours == 5
    assert v1.text_sha256 != v2.text_sha256


def test_the_employer_co_signs_and_only_then_it_is_active(pat_m, uni, org, alice, bob):
    agreement = services.create_agreement(
        membership=pat_m,
        partner=uni,
        data=agreement_input(scope=AgreementScope.EMPLOYER, employer=org, skills=[], employer_cosign=True),
    )
    with pytest.raises(services.EducationError, match="partner signs first"):
        services.sign_agreement(agreement, membership=member(alice, org), typed_name="Alice Owner", consent=True)
    services.sign_agreement(agreement, membership=pat_m, typed_name="Pat Registrar", consent=True)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    with pytest.raises(PermissionDenied):  # a reviewer cannot sign for the employer
        services.sign_agreement(agreement, membership=member(bob, org), typed_name="Bob Reviewer", consent=True)
    with pytest.raises(services.EducationError, match="Tick the box"):
        services.sign_agreement(agreement, membership=member(alice, org), typed_name="Alice Owner", consent=False)
    services.sign_agreement(agreement, membership=member(alice, org), typed_name="Alice Owner", consent=True)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    roles = set(AgreementSignature.objects.filter(agreement=agreement).values_list("role", "text_sha256"))
    assert roles == {("partner", agreement.text_sha256), ("employer", agreement.text_sha256)}


def test_another_employer_cannot_sign(pat_m, uni, org, charlie):
    other = Organisation.objects.create(name="Globex", slug="globex", kind=OrgKind.EMPLOYER, email_domain="g.example")
    Membership.objects.create(organisation=other, user=charlie, role=Role.OWNER)
    agreement = services.create_agreement(
        membership=pat_m, partner=uni, data=agreement_input(scope=AgreementScope.EMPLOYER, employer=org, skills=[])
    )
    with pytest.raises(PermissionDenied):
        services.sign_agreement(agreement, membership=member(charlie, other), typed_name="Charlie", consent=True)


def test_withdrawing_needs_a_reason(pat_m):
    agreement = active_agreement(pat_m)
    with pytest.raises(services.EducationError, match="Say why"):
        services.withdraw_agreement(agreement, membership=pat_m, reason="")
    assert services.withdraw_agreement(agreement, membership=pat_m, reason="Course closed").status == "withdrawn"


# --- conditions ----------------------------------------------------------------------------------


def _evidence(**overrides):
    evidence = {
        "completed_on": timezone.now().date().isoformat(),
        "learning_outcomes": ["Clean real survey data"],
        "hours": 30,
        "rubric": [{"criterion": "Quality", "level": "Good", "levels": ["Poor", "Fair", "Good", "Excellent"]}],
    }
    evidence.update(overrides)
    return evidence


def test_conditions_are_met_or_name_what_is_missing(pat_m):
    agreement = active_agreement(pat_m, rubric_levels=[{"criterion": "Quality", "level": "Good"}])
    assert [c.met for c in services.evaluate_conditions(agreement, _evidence())] == [True, True, True, True]
    checks = services.evaluate_conditions(
        agreement,
        _evidence(hours=10, rubric=[{"criterion": "Quality", "level": "Fair", "levels": ["Poor", "Fair", "Good"]}]),
    )
    assert [c.met for c in checks] == [True, False, False, True]
    assert checks[1].detail == "10 hours under the contract."
    unshared = {k: v for k, v in _evidence().items() if k not in ("hours", "rubric")}
    checks = services.evaluate_conditions(agreement, unshared)
    assert [c.met for c in checks] == [True, None, None, True]
    assert "not shared" in checks[1].detail
    late = services.evaluate_conditions(
        agreement, _evidence(completed_on=(agreement.valid_until + timedelta(days=1)).isoformat())
    )
    assert late[0].met is False
    assert services.evaluate_conditions(agreement, _evidence(learning_outcomes=[]))[-1].met is False


# --- evidence review -----------------------------------------------------------------------------


@pytest.fixture
def done(engagement, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    return engagement


def test_completed_covered_work_reaches_the_partner_with_consented_evidence_only(
    done, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks
):
    agreement = active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m)
    services.set_consent(affiliation, student=candidate, items={"feedback": False})
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert (claim.agreement, claim.status) == (agreement, CreditStatus.PENDING)
    assert claim.evidence["hours"] == 30
    assert claim.evidence["rubric"]
    assert "feedback" not in claim.evidence
    assert "submissions" not in claim.evidence
    assert claim.credential is not None, "the completion credential joined the claim"
    assert [c["met"] for c in claim.checks] == [True, True, True]


def test_nothing_reaches_a_partner_the_student_is_not_affiliated_with(
    done, candidate, bob, pat_m, django_capture_on_commit_callbacks
):
    active_agreement(pat_m)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    assert not CreditClaim.objects.exists()


def test_work_outside_the_scope_is_not_covered(done, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks):
    active_agreement(pat_m, skills=["sql"] if _skill("sql") else ["python"], title="Other")
    CreditClaim.objects.all().delete()
    affiliate(candidate, rey_m)
    from rung.education.models import CreditAgreement

    CreditAgreement.objects.update(status=AgreementStatus.WITHDRAWN)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    assert not CreditClaim.objects.exists()


def _skill(slug: str) -> bool:
    from rung.profiles.models import Skill

    return Skill.objects.filter(slug=slug).exists()


def test_automatic_approval_when_every_condition_is_met(
    done, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks
):
    active_agreement(pat_m, auto_approve=True)
    affiliate(candidate, rey_m)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert (claim.status, claim.automatic, claim.decided_by) == (CreditStatus.APPROVED, True, None)
    assert AuditEvent.objects.filter(verb="education.credit.approved").count() == 1


def test_no_automatic_approval_when_evidence_is_not_shared(
    done, candidate, bob, rey_m, pat_m, django_capture_on_commit_callbacks
):
    active_agreement(pat_m, auto_approve=True)
    affiliate(candidate, rey_m, share=False)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert claim.status == CreditStatus.PENDING
    assert "hours" not in claim.evidence
    assert "rubric" not in claim.evidence
    assert claim.credential is None


def test_a_reviewer_declines_naming_the_condition_and_approves_once(
    done, candidate, bob, rey_m, pat_m, vic, uni, django_capture_on_commit_callbacks
):
    agreement = active_agreement(pat_m, min_hours=40)
    affiliate(candidate, rey_m)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    claim = CreditClaim.objects.get()
    assert claim.checks[1]["met"] is False
    with pytest.raises(PermissionDenied):
        services.decide_claim(claim, membership=member(vic, uni), approve=True, comment="")
    with pytest.raises(services.EducationError, match="which condition"):
        services.decide_claim(claim, membership=rey_m, approve=False, comment="Not enough hours for the module.")
    with pytest.raises(services.EducationError, match="Explain"):
        services.decide_claim(claim, membership=rey_m, approve=False, comment="no", failed_condition="x")
    label = services.condition_labels(agreement)[1]
    declined = services.decide_claim(
        claim, membership=rey_m, approve=False, comment="The module needs 40 hours of work.", failed_condition=label
    )
    assert (declined.status, declined.failed_condition) == (CreditStatus.DECLINED, "At least 40 hours")
    with pytest.raises(services.EducationError, match="decided already"):
        services.decide_claim(claim, membership=rey_m, approve=True, comment="")
    event = AuditEvent.objects.get(verb="education.credit.declined")
    assert event.data["failed_condition"] == "At least 40 hours"


# --- stacks --------------------------------------------------------------------------------------


def test_stack_rules_and_progress(pat_m, rey_m, uni, candidate):
    with pytest.raises(services.EducationError, match="between 1 and 50"):
        services.create_stack(
            membership=pat_m, partner=uni, name="Cert", required_credits=0, award_amount=Decimal(5), award_unit="ECTS"
        )
    with pytest.raises(PermissionDenied):
        services.create_stack(
            membership=rey_m, partner=uni, name="Cert", required_credits=3, award_amount=Decimal(5), award_unit="ECTS"
        )
    stack = services.create_stack(
        membership=pat_m,
        partner=uni,
        name="Certificate in Applied Analytics",
        required_credits=2,
        required_skill="python",
        award_amount=Decimal(5),
        award_unit="ECTS",
    )
    assert services.stack_progress([stack], [])[0].remaining == 2
    assert not services.stack_progress([stack], [])[0].complete
