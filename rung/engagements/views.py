"""Engagement pages: fetch with permission → service → redirect, or the page again with the refusal."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rung.accounts.requests import request_user
from rung.applications.views import own_application
from rung.engagements import contracts, selectors, services, winddown
from rung.engagements.forms import AmendmentForm, CancelForm, SignForm
from rung.engagements.models import (
    Contract,
    Engagement,
    EngagementStatus,
    MilestoneStatus,
    Signature,
    SignatureRole,
)
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.money import MoneyError, to_minor
from rung.lib.request_context import client_ip
from rung.projects.forms import CancelForm as ProjectCancelForm
from rung.projects.views import act_on_project, act_on_project_with_form


def _engagement(request: HttpRequest, engagement_uuid: Any) -> Engagement:
    try:
        return selectors.get_engagement_for_user(request_user(request), str(engagement_uuid))
    except NotFound:
        raise Http404("No such engagement") from None


def _contract(engagement: Engagement, contract_uuid: Any) -> Contract:
    try:
        return selectors.get_contract(engagement, str(contract_uuid))
    except NotFound:
        raise Http404("No such contract") from None


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    # Who has signed the first contract: "waiting for both" is wrong once one side has.
    signed_v1 = Signature.objects.filter(contract__engagement=OuterRef("pk"), contract__version=1)
    engagements = selectors.engagements_for(request_user(request)).annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_approved=Count("milestones", filter=Q(milestones__status=MilestoneStatus.APPROVED), distinct=True),
        intern_signed=Exists(signed_v1.filter(role=SignatureRole.CANDIDATE)),
        employer_signed=Exists(signed_v1.filter(role=SignatureRole.EMPLOYER)),
    )
    return render(request, "engagements/mine.html", {"engagements": engagements, "nav": "engagements"})


def _amendment_form(engagement: Engagement, data: Any = None) -> AmendmentForm:
    return AmendmentForm(
        data,
        milestones=list(engagement.milestones.all()),
        scope=engagement.scope,
        stipend_minor=engagement.stipend_minor,
        currency=engagement.currency,
    )


def _render_detail(
    request: HttpRequest,
    engagement: Engagement,
    *,
    forms: dict[str, Form] | None = None,
    form_for: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    who = selectors.viewer(user, engagement)
    all_contracts = selectors.contracts_of(engagement)
    current, amendment = selectors.current_and_pending(all_contracts)
    live = engagement.status in (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE)

    def signable(contract: Contract | None) -> bool:
        if contract is None or contract.status != "awaiting_signatures" or not who.is_party or not live:
            return False
        return all(s.role != who.side and s.signer_id != user.pk for s in contract.signatures.all())

    forms = forms or {}
    context: dict[str, Any] = {
        "engagement": engagement,
        "project": engagement.project,
        "who": who,
        "milestones": list(engagement.milestones.all()),
        "contracts": all_contracts,
        "current": current,
        "amendment": amendment,
        "current_signable": signable(current),
        "amendment_signable": signable(amendment),
        "sign_form": forms.get("sign") if form_for == "current" else None,
        "amendment_sign_form": forms.get("sign") if form_for == "amendment" else None,
        "amend_form": forms.get("amend")
        or (_amendment_form(engagement) if who.is_party and engagement.status == EngagementStatus.ACTIVE else None),
        "cancel_form": forms.get("cancel") or (CancelForm() if who.is_party and live else None),
        "quote": services.quote_cancellation(engagement, by_employer=who.side == "employer")
        if who.is_party and live
        else None,
        "events": list(engagement.events.select_related("milestone").order_by("at", "id")),
        "nav": "engagements",
    }
    for key in ("sign_form", "amendment_sign_form"):
        if context[key] is None:
            contract = current if key == "sign_form" else amendment
            if contract is not None:
                context[key] = SignForm(initial={"text_sha256": contract.text_sha256})
    return render(request, "engagements/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, engagement_uuid: Any) -> HttpResponse:
    return _render_detail(request, _engagement(request, engagement_uuid))


def _refused(form: Form, exc: DomainError) -> int:
    """Put the service's refusal on the form; the status code to answer with."""
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)
    return 403 if isinstance(exc, PermissionDenied) else 400


@login_required
@require_POST
def sign(request: HttpRequest, engagement_uuid: Any, contract_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    contract = _contract(engagement, contract_uuid)
    # A member who is not a party is refused by the service, with its reason.
    role = selectors.viewer(request_user(request), engagement).side or SignatureRole.EMPLOYER
    form = SignForm(request.POST)
    form_for = "amendment" if contract.is_amendment else "current"
    status = 400
    if form.is_valid():
        try:
            services.sign_contract(
                contract,
                signer=request_user(request),
                role=role,
                typed_name=form.cleaned_data["typed_name"],
                consent=form.cleaned_data["consent"],
                ip=client_ip(request),
                text_sha256=form.cleaned_data["text_sha256"],
            )
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "Signed. Your signature and the contract's hash are recorded.")
            return redirect("engagements:detail", engagement_uuid=engagement.uuid)
    return _render_detail(request, engagement, forms={"sign": form}, form_for=form_for, status=status)


@login_required
@require_POST
def amend(request: HttpRequest, engagement_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    form = _amendment_form(engagement, request.POST)
    status = 400
    if form.is_valid():
        try:
            stipend_minor = to_minor(form.cleaned_data["stipend"], engagement.currency)
        except MoneyError as exc:
            form.add_error("stipend", exc.message)
        else:
            try:
                services.propose_amendment(
                    engagement,
                    actor=request_user(request),
                    change_summary=form.cleaned_data["change_summary"],
                    scope=form.cleaned_data["scope"],
                    milestone_dates=form.milestone_dates(),
                    stipend_minor=stipend_minor,
                )
            except DomainError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, "Amendment proposed. Nothing changes until both sides sign it.")
                return redirect("engagements:detail", engagement_uuid=engagement.uuid)
    return _render_detail(request, engagement, forms={"amend": form}, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, engagement_uuid: Any, contract_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    contract = _contract(engagement, contract_uuid)
    try:
        services.withdraw_amendment(contract, actor=request_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Amendment withdrawn. The contract in force is unchanged.")
    return redirect("engagements:detail", engagement_uuid=engagement.uuid)


@login_required
@require_POST
def cancel(request: HttpRequest, engagement_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.cancel_engagement(engagement, actor=request_user(request), reason=form.cleaned_data["reason"])
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, "The engagement is cancelled, and the money settled as the contract says.")
            return redirect("engagements:detail", engagement_uuid=engagement.uuid)
    return _render_detail(request, engagement, forms={"cancel": form}, status=status)


def _download_name(contract: Contract, extension: str) -> str:
    return f"rung-contract-{str(contract.engagement.uuid)[:8]}-v{contract.version}.{extension}"


@login_required
@require_GET
def contract_html(request: HttpRequest, engagement_uuid: Any, contract_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    contract = _contract(engagement, contract_uuid)
    signatures = list(contract.signatures.all())
    html = contracts.contract_html(
        contract=contract,
        signatures=signatures,
        verified=services.verify_contract_hash(contract),
        evidence=selectors.viewer(request_user(request), engagement).sees_signature_evidence,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(contract, "html")}"'
    return response


@login_required
@require_GET
def contract_pdf(request: HttpRequest, engagement_uuid: Any, contract_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    contract = _contract(engagement, contract_uuid)
    signatures = list(contract.signatures.all())
    pdf = contracts.contract_pdf(
        contract=contract,
        signatures=signatures,
        verified=services.verify_contract_hash(contract),
        evidence=selectors.viewer(request_user(request), engagement).sees_signature_evidence,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(contract, "pdf")}"'
    return response


@login_required
@require_GET
def verify(request: HttpRequest, engagement_uuid: Any, contract_uuid: Any) -> HttpResponse:
    engagement = _engagement(request, engagement_uuid)
    contract = _contract(engagement, contract_uuid)
    context = {
        "engagement": engagement,
        "contract": contract,
        "computed": contracts.sha256_text(contract.text),
        "signatures": list(contract.signatures.all()),
        "verified": services.verify_contract_hash(contract),
        "nav": "engagements",
    }
    template = "engagements/_verify.html" if getattr(request, "htmx", False) else "engagements/verify.html"
    return render(request, template, context)


# --- Lifecycle steps that start in another app's page ------------------------------------------
# Accepting an offer creates the engagement; closing or cancelling a project winds its engagements
# down. Both flows are orchestrated here, so their pages are too; rung/urls.py mounts them at the
# applications' and projects' addresses (same paths and URL names as before).


@login_required
@require_POST
def accept_offer(request: HttpRequest, application_uuid: Any) -> HttpResponse:
    application = own_application(request, str(application_uuid))
    try:
        services.accept_offer(application, candidate=request_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("applications:mine")
    messages.success(request, "Offer accepted. Next: read the contract below and sign it.")
    engagement = Engagement.objects.filter(application=application).first()
    if engagement is not None:  # accepting creates the engagement: its contract is the next step
        return redirect("engagements:detail", engagement_uuid=engagement.uuid)
    return redirect("applications:mine")


@login_required
@require_POST
def close_project(request: HttpRequest, project_uuid: Any) -> HttpResponse:
    return act_on_project(request, str(project_uuid), winddown.close_project, "Closed to new applications.")


@login_required
@require_POST
def cancel_project(request: HttpRequest, project_uuid: Any) -> HttpResponse:
    return act_on_project_with_form(
        request,
        str(project_uuid),
        form_class=ProjectCancelForm,
        invalid="Say why the project is cancelled; applicants will read it.",
        action=winddown.cancel_project,
        success="The project was cancelled.",
    )
