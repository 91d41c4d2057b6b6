"""The education API: students link and choose what partners see; partners write and sign agreements,
decide credit, issue transcripts and read their dashboard."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.education import selectors, services
from rung.education.models import Affiliation, CreditAgreement, CreditClaim
from rung.education.schemas import (
    EduAffiliationIn,
    EduAffiliationOut,
    EduAgreementIn,
    EduAgreementOut,
    EduClaimOut,
    EduCodeIn,
    EduConsentIn,
    EduDashboardOut,
    EduDecisionIn,
    EduSignIn,
    EduTranscriptOut,
)
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound, PermissionDenied
from rung.orgs.models import Organisation, OrgKind

router = Router(tags=["education"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _affiliation_out(a: Affiliation) -> EduAffiliationOut:
    return EduAffiliationOut(uuid=a.uuid, partner=a.partner.slug, status=a.status, method=a.method, consent=a.consent)


def _agreement_out(a: CreditAgreement) -> EduAgreementOut:
    return EduAgreementOut(
        uuid=a.uuid,
        series=a.series,
        version=a.version,
        partner=a.partner.slug,
        status=a.status,
        title=a.title,
        scope=a.scope,
        covers=services.scope_in_words(a),
        credit=a.credit_label,
        conditions=selectors.conditions_of(a),
        text_sha256=a.text_sha256,
    )


def _claim_out(c: CreditClaim) -> EduClaimOut:
    return EduClaimOut(
        uuid=c.uuid,
        agreement=c.agreement.uuid,
        project=c.engagement.project.title,
        student=c.affiliation.student.full_name or c.affiliation.student.email,
        status=c.status,
        automatic=c.automatic,
        checks=c.checks,
        evidence=c.evidence,
        comment=c.comment,
        failed_condition=c.failed_condition,
        decided_at=c.decided_at,
    )


@router.get("/affiliations", response=list[EduAffiliationOut], summary="Your affiliations with education partners")
@paginate(Pagination)
def list_affiliations(request: HttpRequest) -> list[EduAffiliationOut]:
    return [_affiliation_out(a) for a in selectors.affiliations_of(request_user(request))]


@router.post("/affiliations", response={201: EduAffiliationOut, **ERRORS}, summary="Link with an education partner")
def create_affiliation(request: HttpRequest, payload: EduAffiliationIn) -> Status[EduAffiliationOut]:
    user = request_user(request)
    partner = selectors.partners_to_join().filter(slug=payload.partner).first()
    if partner is None:
        raise NotFound("No such education partner.")
    if payload.method == "partner":
        affiliation = services.ask_partner_to_confirm(
            student=user, partner=partner, student_number=payload.student_number
        )
    else:
        affiliation = services.request_affiliation_code(student=user, partner=partner, email=payload.email)
    return Status(201, _affiliation_out(affiliation))


@router.post("/affiliations/{uuid:affiliation_uuid}/code", response={200: EduAffiliationOut, **ERRORS})
def enter_code(request: HttpRequest, affiliation_uuid: UUID, payload: EduCodeIn) -> EduAffiliationOut:
    user = request_user(request)
    affiliation = selectors.get_affiliation_for_student(user, str(affiliation_uuid))
    return _affiliation_out(services.confirm_affiliation_code(affiliation, student=user, code=payload.code))


@router.put(
    "/affiliations/{uuid:affiliation_uuid}/consent",
    response={200: EduAffiliationOut, **ERRORS},
    summary="Choose, item by item, what the partner may see",
)
def set_consent(request: HttpRequest, affiliation_uuid: UUID, payload: EduConsentIn) -> EduAffiliationOut:
    user = request_user(request)
    affiliation = selectors.get_affiliation_for_student(user, str(affiliation_uuid))
    items = {k: v for k, v in payload.dict().items() if v is not None}
    return _affiliation_out(services.set_consent(affiliation, student=user, items=items))


@router.post(
    "/affiliations/{uuid:affiliation_uuid}/confirm",
    response={200: EduAffiliationOut, **ERRORS},
    summary="The partner confirms a student",
)
def confirm(request: HttpRequest, affiliation_uuid: UUID) -> EduAffiliationOut:
    affiliation, membership = selectors.get_affiliation_for_partner(request_user(request), str(affiliation_uuid))
    return _affiliation_out(services.confirm_affiliation(affiliation, membership=membership))


@router.post(
    "/affiliations/{uuid:affiliation_uuid}/transcript",
    response={201: EduTranscriptOut, **ERRORS},
    summary="Issue a CLR 2.0 transcript of the student's approved credit",
)
def issue_transcript(request: HttpRequest, affiliation_uuid: UUID) -> Status[EduTranscriptOut]:
    affiliation, membership = selectors.get_affiliation_for_partner(
        request_user(request), str(affiliation_uuid), permission="edit_org"
    )
    transcript = services.issue_transcript(affiliation, membership=membership)
    return Status(
        201,
        EduTranscriptOut(
            uuid=transcript.uuid,
            credential=transcript.credential.uuid,
            issuer=transcript.credential.issuer_did,
            credits=transcript.claims.count(),
        ),
    )


@router.post(
    "/partners/{slug}/agreements", response={201: EduAgreementOut, **ERRORS}, summary="Write a draft credit agreement"
)
def create_agreement(request: HttpRequest, slug: str, payload: EduAgreementIn) -> Status[EduAgreementOut]:
    partner, membership = selectors.get_partner_for_user(request_user(request), slug, permission="edit_org")
    data = payload.dict()
    employer_slug = data.pop("employer")
    employer = Organisation.objects.filter(slug=employer_slug, kind=OrgKind.EMPLOYER).first() if employer_slug else None
    agreement = services.create_agreement(
        membership=membership, partner=partner, data=services.AgreementInput(employer=employer, **data)
    )
    return Status(201, _agreement_out(agreement))


@router.get("/agreements/{uuid:agreement_uuid}", response={200: EduAgreementOut, **ERRORS})
def get_agreement(request: HttpRequest, agreement_uuid: UUID) -> EduAgreementOut:
    agreement, _ = selectors.get_agreement_to_read(request_user(request), str(agreement_uuid))
    return _agreement_out(agreement)


@router.post(
    "/agreements/{uuid:agreement_uuid}/sign",
    response={200: EduAgreementOut, **ERRORS},
    summary="Sign for the partner (freezing the text), or co-sign for the employer",
)
def sign(request: HttpRequest, agreement_uuid: UUID, payload: EduSignIn) -> EduAgreementOut:
    agreement, membership = selectors.get_agreement_for_user(request_user(request), str(agreement_uuid))
    services.sign_agreement(agreement, membership=membership, typed_name=payload.typed_name, consent=payload.consent)
    agreement.refresh_from_db()
    return _agreement_out(agreement)


@router.get("/partners/{slug}/claims", response=list[EduClaimOut], summary="Credit at a partner, by status")
@paginate(Pagination)
def list_claims(request: HttpRequest, slug: str, status: str = Query("")) -> list[EduClaimOut]:
    partner, _ = selectors.get_partner_for_user(request_user(request), slug)
    if status not in ("", "pending", "approved", "declined"):
        status = ""
    return [_claim_out(c) for c in selectors.partner_claims(partner, status=status)]


@router.get("/claims/{uuid:claim_uuid}", response={200: EduClaimOut, **ERRORS})
def get_claim(request: HttpRequest, claim_uuid: UUID) -> EduClaimOut:
    claim, _ = selectors.get_claim_for_user(request_user(request), str(claim_uuid))
    return _claim_out(claim)


@router.post(
    "/claims/{uuid:claim_uuid}/decision",
    response={200: EduClaimOut, **ERRORS},
    summary="Approve or decline credit (a decline names the failed condition)",
)
def decide(request: HttpRequest, claim_uuid: UUID, payload: EduDecisionIn) -> EduClaimOut:
    claim, membership = selectors.get_claim_for_user(request_user(request), str(claim_uuid))
    if membership is None:
        raise PermissionDenied("Only the partner's reviewers decide credit.")
    decided = services.decide_claim(
        claim,
        membership=membership,
        approve=payload.approve,
        comment=payload.comment,
        failed_condition=payload.failed_condition,
    )
    return _claim_out(decided)


@router.get("/partners/{slug}/dashboard", response={200: EduDashboardOut, **ERRORS}, summary="The partner's figures")
def dashboard(request: HttpRequest, slug: str) -> EduDashboardOut:
    partner, _ = selectors.get_partner_for_user(request_user(request), slug)
    figures = selectors.partner_dashboard(partner)
    return EduDashboardOut(
        students=figures["students"],
        claims=figures["claims"],
        agreements=figures["agreements"],
        stacks=figures["stacks"],
        by_month=figures["by_month"],
    )
