from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.applications import selectors as application_selectors
from rung.applications.api import application_out
from rung.applications.schemas import ApplicationOut
from rung.engagements import selectors, services, winddown
from rung.engagements.models import Contract, Engagement
from rung.engagements.schemas import (
    AmendmentIn,
    CancellationQuoteOut,
    ContractOut,
    EngagementCancelIn,
    EngagementDetailOut,
    EngagementOut,
    MilestoneOut,
    SignatureOut,
    SignIn,
)
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import PermissionDenied
from rung.lib.request_context import client_ip
from rung.projects.api import project_out, writable_project
from rung.projects.schemas import ProjectCancelIn, ProjectOut

router = Router(tags=["engagements"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _out(e: Engagement) -> EngagementOut:
    return EngagementOut(
        uuid=e.uuid,
        project=e.project.uuid,
        project_title=e.project.title,
        organisation=e.project.organisation.name,
        candidate_name=e.candidate.full_name,
        status=e.status,
        start_date=e.start_date,
        end_date=e.end_date,
        stipend_minor=e.stipend_minor,
        currency=e.currency,
        created_at=e.created_at,
        started_at=e.started_at,
        completed_at=e.completed_at,
        cancelled_at=e.cancelled_at,
    )


def _detail(e: Engagement) -> EngagementDetailOut:
    contracts = selectors.contracts_of(e)
    current, amendment = selectors.current_and_pending(contracts)
    return EngagementDetailOut(
        **_out(e).model_dump(),
        scope=e.scope,
        review_rounds=e.review_rounds,
        cancel_reason=e.cancel_reason,
        milestones=[MilestoneOut.model_validate(m) for m in e.milestones.all()],
        contract_in_force=current.uuid if current is not None and current.status == "signed" else None,
        pending_amendment=amendment.uuid if amendment is not None else None,
        contracts=[c.uuid for c in contracts],
    )


def _contract_out(c: Contract, *, evidence: bool) -> ContractOut:
    """`evidence` (the signers' e-mail and IP address) is for the parties and staff only."""
    signatures = list(c.signatures.select_related("signer"))
    return ContractOut(
        uuid=c.uuid,
        version=c.version,
        status=c.status,
        template_version=c.template_version,
        change_summary=c.change_summary,
        created_at=c.created_at,
        signed_at=c.signed_at,
        text_sha256=c.text_sha256,
        hash_verified=services.verify_contract_hash(c),
        signatures=[
            SignatureOut(
                role=s.role,
                typed_name=s.typed_name,
                signer_email=s.signer.email if evidence else None,
                signed_at=s.signed_at,
                ip_address=s.ip_address if evidence else None,
                text_sha256=s.text_sha256,
            )
            for s in signatures
        ],
        text=c.text,
    )


def _engagement(request: HttpRequest, engagement_uuid: UUID) -> Engagement:
    return selectors.get_engagement_for_user(request_user(request), str(engagement_uuid))


def _evidence(request: HttpRequest, engagement: Engagement) -> bool:
    return selectors.viewer(request_user(request), engagement).sees_signature_evidence


def _party(request: HttpRequest, engagement: Engagement) -> str:
    side = selectors.viewer(request_user(request), engagement).side
    if side is None:
        # Members who are not a party see the engagement but cannot act in it.
        raise PermissionDenied("Only the intern, or an owner or manager of the employer, can do that.")
    return side


@router.get("", response=list[EngagementOut], summary="Your engagements (as intern, employer member or mentor)")
@paginate(Pagination)
def mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_out(e) for e in selectors.engagements_for(request_user(request))]


@router.get("/{uuid:engagement_uuid}", response={200: EngagementDetailOut, **ERRORS}, summary="One engagement")
def detail(request: HttpRequest, engagement_uuid: UUID) -> EngagementDetailOut:
    return _detail(_engagement(request, engagement_uuid))


@router.get(
    "/{uuid:engagement_uuid}/contracts",
    response={200: list[ContractOut], **ERRORS},
    summary="Every version of the contract: exact text, SHA-256, signatures, and whether the hash verifies",
)
def contracts(request: HttpRequest, engagement_uuid: UUID) -> list[ContractOut]:
    engagement = _engagement(request, engagement_uuid)
    evidence = _evidence(request, engagement)
    return [_contract_out(c, evidence=evidence) for c in selectors.contracts_of(engagement)]


@router.get(
    "/{uuid:engagement_uuid}/contracts/{uuid:contract_uuid}",
    response={200: ContractOut, **ERRORS},
    summary="One version of the contract",
)
def contract(request: HttpRequest, engagement_uuid: UUID, contract_uuid: UUID) -> ContractOut:
    engagement = _engagement(request, engagement_uuid)
    return _contract_out(
        selectors.get_contract(engagement, str(contract_uuid)), evidence=_evidence(request, engagement)
    )


@router.post(
    "/{uuid:engagement_uuid}/contracts/{uuid:contract_uuid}/sign",
    response={200: ContractOut, **ERRORS},
    summary="Sign your side: typed full name and consent",
)
def sign(request: HttpRequest, engagement_uuid: UUID, contract_uuid: UUID, payload: SignIn) -> ContractOut:
    engagement = _engagement(request, engagement_uuid)
    role = _party(request, engagement)
    signed = services.sign_contract(
        selectors.get_contract(engagement, str(contract_uuid)),
        signer=request_user(request),
        role=role,
        typed_name=payload.typed_name,
        consent=payload.consent,
        ip=client_ip(request),
        text_sha256=payload.text_sha256,
    )
    return _contract_out(signed, evidence=_evidence(request, engagement))


@router.post(
    "/{uuid:engagement_uuid}/amendments",
    response={201: ContractOut, **ERRORS},
    summary="Propose an amendment (scope, milestone dates, stipend); both sides must sign it",
)
def propose(request: HttpRequest, engagement_uuid: UUID, payload: AmendmentIn) -> Status[ContractOut]:
    engagement = _engagement(request, engagement_uuid)
    _party(request, engagement)
    contract = services.propose_amendment(
        engagement,
        actor=request_user(request),
        change_summary=payload.change_summary,
        scope=payload.scope,
        milestone_dates={str(k): v for k, v in payload.milestone_dates.items()},
        stipend_minor=payload.stipend_minor,
    )
    return Status(201, _contract_out(contract, evidence=_evidence(request, engagement)))


@router.post(
    "/{uuid:engagement_uuid}/contracts/{uuid:contract_uuid}/withdraw",
    response={200: ContractOut, **ERRORS},
    summary="Withdraw an amendment not yet signed by both",
)
def withdraw(request: HttpRequest, engagement_uuid: UUID, contract_uuid: UUID) -> ContractOut:
    engagement = _engagement(request, engagement_uuid)
    _party(request, engagement)
    contract = services.withdraw_amendment(
        selectors.get_contract(engagement, str(contract_uuid)), actor=request_user(request)
    )
    return _contract_out(contract, evidence=_evidence(request, engagement))


@router.get(
    "/{uuid:engagement_uuid}/cancellation",
    response={200: CancellationQuoteOut, **ERRORS},
    summary="What cancelling now would cost, for your side",
)
def cancellation_quote(request: HttpRequest, engagement_uuid: UUID) -> CancellationQuoteOut:
    engagement = _engagement(request, engagement_uuid)
    side = _party(request, engagement)
    quote = services.quote_cancellation(engagement, by_employer=side == "employer")
    return CancellationQuoteOut(
        started=quote.started,
        by_employer=quote.by_employer,
        released_minor=quote.released_minor,
        unreleased_minor=quote.unreleased_minor,
        kill_fee_minor=quote.kill_fee_minor,
        refund_minor=quote.refund_minor,
        currency=quote.currency,
        summary=quote.describe(),
    )


@router.post(
    "/{uuid:engagement_uuid}/cancel",
    response={200: EngagementDetailOut, **ERRORS},
    summary="Cancel under the contract (kill fee after the start if the employer cancels)",
)
def cancel(request: HttpRequest, engagement_uuid: UUID, payload: EngagementCancelIn) -> EngagementDetailOut:
    engagement = _engagement(request, engagement_uuid)
    _party(request, engagement)
    return _detail(services.cancel_engagement(engagement, actor=request_user(request), reason=payload.reason))


# --- Lifecycle steps at the applications' and projects' addresses ----------------------------------
# rung/api.py mounts these routers at /applications and /projects, ahead of those apps' own routers.

offers_router = Router(tags=["applications"])
project_end_router = Router(tags=["projects"])


@offers_router.post(
    "/{uuid:application_uuid}/accept",
    response={200: ApplicationOut, **ERRORS},
    summary="Candidate: accept an offer (creates the engagement and its contract)",
)
def accept_offer(request: HttpRequest, application_uuid: UUID) -> ApplicationOut:
    user = request_user(request)
    application = application_selectors.get_own_application(user, str(application_uuid))
    return application_out(services.accept_offer(application, candidate=user))


@project_end_router.post("/{uuid:project_uuid}/close", response={200: ProjectOut, **ERRORS})
def close_project(request: HttpRequest, project_uuid: UUID) -> ProjectOut:
    project, membership = writable_project(request, project_uuid)
    return project_out(winddown.close_project(project, membership=membership))


@project_end_router.post("/{uuid:project_uuid}/cancel", response={200: ProjectOut, **ERRORS})
def cancel_project(request: HttpRequest, project_uuid: UUID, payload: ProjectCancelIn) -> ProjectOut:
    project, membership = writable_project(request, project_uuid)
    return project_out(winddown.cancel_project(project, membership=membership, reason=payload.reason))
