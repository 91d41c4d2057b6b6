"""Pages for students (affiliations, consent, credit, progress, transcripts) and for partners
(dashboard, agreements, review, stacks, transcripts, the CSV export). Thin: fetch with permission,
call a service, redirect."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.credentials.services import revoke_credential
from rung.education import selectors, services
from rung.education.models import CONSENT_ITEMS, AgreementScope, CreditUnit, Transcript
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.validation import bounded_int
from rung.orgs.models import Organisation, OrgKind, role_can

View = Callable[..., HttpResponse]


def _guarded(view: View) -> View:
    """NotFound → 404, PermissionDenied → 403; other refusals are shown as messages by the views."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404("Not found") from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return login_required(wrapper)


def _refused(request: HttpRequest, exc: DomainError, to: str) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(to)


# --- students -----------------------------------------------------------------------------------


@_guarded
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "education/home.html",
        {
            "affiliations": selectors.affiliations_of(user),
            "partners": selectors.partners_to_join(),
            "claims": selectors.claims_of(user)[:50],
            "progress": selectors.progress_of(user),
            "transcripts": selectors.transcripts_of(user),
            "consent_items": CONSENT_ITEMS,
            "nav": "education",
        },
    )


@require_POST
@_guarded
def affiliate(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    partner = selectors.partners_to_join().filter(slug=request.POST.get("partner", "")).first()
    if partner is None:
        messages.error(request, "Choose an education partner from the list.")
        return redirect("education:home")
    try:
        if request.POST.get("method") == "partner":
            services.ask_partner_to_confirm(
                student=user, partner=partner, student_number=request.POST.get("student_number", "")
            )
            messages.success(request, f"{partner.name} has been asked to confirm you.")
        else:
            services.request_affiliation_code(student=user, partner=partner, email=request.POST.get("email", ""))
            messages.success(request, "We have e-mailed you a code. Enter it below.")
    except DomainError as exc:
        return _refused(request, exc, "education:home")
    return redirect("education:home")


@require_POST
@_guarded
def enter_code(request: HttpRequest, affiliation_uuid: str) -> HttpResponse:
    user = request_user(request)
    affiliation = selectors.get_affiliation_for_student(user, affiliation_uuid)
    try:
        services.confirm_affiliation_code(affiliation, student=user, code=request.POST.get("code", ""))
    except DomainError as exc:
        return _refused(request, exc, "education:home")
    messages.success(request, f"You are linked with {affiliation.partner.name}.")
    return redirect("education:home")


@require_POST
@_guarded
def consent(request: HttpRequest, affiliation_uuid: str) -> HttpResponse:
    user = request_user(request)
    affiliation = selectors.get_affiliation_for_student(user, affiliation_uuid)
    items = {item: request.POST.get(item) == "on" for item in CONSENT_ITEMS}
    try:
        services.set_consent(affiliation, student=user, items=items)
    except DomainError as exc:
        return _refused(request, exc, "education:home")
    messages.success(request, f"Saved what {affiliation.partner.name} may see.")
    return redirect("education:home")


@require_POST
@_guarded
def end(request: HttpRequest, affiliation_uuid: str) -> HttpResponse:
    user = request_user(request)
    affiliation = selectors.get_affiliation_for_student(user, affiliation_uuid)
    try:
        services.end_affiliation(affiliation, actor=user)
    except DomainError as exc:
        return _refused(request, exc, "education:home")
    return redirect("education:home")


# --- partners -----------------------------------------------------------------------------------


@_guarded
def partner(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    org, membership = selectors.get_partner_for_user(user, slug)
    status = request.GET.get("status", "pending")
    status = status if status in ("pending", "approved", "declined") else "pending"
    figures = selectors.partner_dashboard(org)
    claims = Paginator(selectors.partner_claims(org, status=status), 25).get_page(
        bounded_int(request.GET.get("page"), default=1, low=1, high=10_000)
    )
    return render(
        request,
        "education/partner.html",
        {
            "org": org,
            "membership": membership,
            "can_manage": role_can(membership.role, "edit_org"),
            "can_review": role_can(membership.role, "review"),
            "figures": figures,
            "charts": selectors.dashboard_charts(figures),
            "affiliations": selectors.partner_affiliations(org)[:100],
            "agreements": selectors.partner_agreements(org),
            "stacks": org.stacks.all(),
            "transcripts": selectors.partner_transcripts(org)[:50],
            "claims": claims,
            "status": status,
            "units": CreditUnit.choices,
            "employers": Organisation.objects.filter(kind=OrgKind.EMPLOYER, verification="verified").order_by("name"),
            "templates": services.templates_visible_to(org).order_by("name"),
        },
    )


@require_POST
@_guarded
def confirm_student(request: HttpRequest, affiliation_uuid: str) -> HttpResponse:
    affiliation, membership = selectors.get_affiliation_for_partner(request_user(request), affiliation_uuid)
    try:
        services.confirm_affiliation(affiliation, membership=membership)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _refused(request, exc, f"/education/partners/{affiliation.partner.slug}/")
    return redirect("education:partner", affiliation.partner.slug)


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise services.EducationError(f"Enter the {field} as a date, e.g. 2026-09-01.", field=field) from None


def _decimal(value: str, field: str) -> Decimal:
    try:
        number = Decimal(value.strip() or "0")
    except InvalidOperation:
        raise services.EducationError(f"Enter the {field} as a number, e.g. 2.5.", field=field) from None
    if not number.is_finite():
        raise services.EducationError(f"Enter the {field} as a number, e.g. 2.5.", field=field)
    return number


def _lines(text: str, keys: tuple[str, str]) -> list[dict[str, str]]:
    """Lines of 'a = b' (rubric: criterion = level; outcomes: project outcome = course outcome)."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        left, _, right = line.partition("=")
        rows.append({keys[0]: left.strip(), keys[1]: right.strip()})
    return rows


def _agreement_input(post: Any) -> services.AgreementInput:
    scope = post.get("scope", "")
    employer = None
    if scope == AgreementScope.EMPLOYER:
        employer = Organisation.objects.filter(slug=post.get("employer", ""), kind=OrgKind.EMPLOYER).first()
    return services.AgreementInput(
        title=post.get("title", ""),
        scope=scope,
        employer=employer,
        skills=[s.strip() for s in post.get("skills", "").split(",") if s.strip()],
        template=post.get("template", "") if scope == AgreementScope.TEMPLATE else "",
        course_code=post.get("course_code", ""),
        course_name=post.get("course_name", ""),
        credit_unit=post.get("credit_unit", ""),
        credit_amount=_decimal(post.get("credit_amount", ""), "credit"),
        valid_from=_date(post.get("valid_from", ""), "start date"),
        valid_until=_date(post.get("valid_until", ""), "end date"),
        min_hours=bounded_int(post.get("min_hours"), default=0, low=0, high=2000),
        rubric_levels=_lines(post.get("rubric_levels", ""), ("criterion", "level")),
        outcome_map=_lines(post.get("outcome_map", ""), ("outcome", "course_outcome")),
        auto_approve=post.get("auto_approve") == "on",
        employer_cosign=post.get("employer_cosign") == "on",
    )


@require_POST
@_guarded
def new_agreement(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = selectors.get_partner_for_user(request_user(request), slug, permission="edit_org")
    try:
        agreement = services.create_agreement(membership=membership, partner=org, data=_agreement_input(request.POST))
    except DomainError as exc:
        return _refused(request, exc, f"/education/partners/{org.slug}/#new-agreement")
    return redirect("education:agreement", agreement.uuid)


@_guarded
def agreement(request: HttpRequest, agreement_uuid: str) -> HttpResponse:
    found, membership = selectors.get_agreement_to_read(request_user(request), agreement_uuid)
    versions = type(found).objects.filter(series=found.series).order_by("-version")
    return render(
        request,
        "education/agreement.html",
        {
            "agreement": found,
            "membership": membership,
            "is_partner": membership is not None and membership.organisation_id == found.partner_id,
            "can_sign": membership is not None and role_can(membership.role, "edit_org"),
            "conditions": selectors.conditions_of(found),
            "covers": services.scope_in_words(found),
            "signatures": found.signatures.select_related("signer", "organisation"),
            # A student reads the signed versions only; members see the drafts too.
            "versions": versions if membership is not None else versions.exclude(text=""),
            "preview": services.render_terms(found) if not found.text else found.text,
        },
    )


@require_POST
@_guarded
def sign(request: HttpRequest, agreement_uuid: str) -> HttpResponse:
    found, membership = selectors.get_agreement_for_user(request_user(request), agreement_uuid)
    try:
        services.sign_agreement(
            found,
            membership=membership,
            typed_name=request.POST.get("typed_name", ""),
            consent=request.POST.get("consent") == "on",
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _refused(request, exc, f"/education/agreements/{found.uuid}/")
    messages.success(request, "Signed.")
    return redirect("education:agreement", found.uuid)


@require_POST
@_guarded
def revise(request: HttpRequest, agreement_uuid: str) -> HttpResponse:
    found, membership = selectors.get_agreement_for_user(request_user(request), agreement_uuid)
    try:
        new = services.revise_agreement(found, membership=membership)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _refused(request, exc, f"/education/agreements/{found.uuid}/")
    return redirect("education:agreement", new.uuid)


@_guarded
def claim(request: HttpRequest, claim_uuid: str) -> HttpResponse:
    found, membership = selectors.get_claim_for_user(request_user(request), claim_uuid)
    return render(
        request,
        "education/claim.html",
        {
            "claim": found,
            "membership": membership,
            "can_review": membership is not None and role_can(membership.role, "review"),
            "conditions": selectors.conditions_of(found.agreement),
        },
    )


@require_POST
@_guarded
def decide(request: HttpRequest, claim_uuid: str) -> HttpResponse:
    found, membership = selectors.get_claim_for_user(request_user(request), claim_uuid)
    if membership is None:
        raise DjangoPermissionDenied("Only the partner's reviewers decide credit.")
    try:
        services.decide_claim(
            found,
            membership=membership,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
            failed_condition=request.POST.get("failed_condition", ""),
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _refused(request, exc, f"/education/claims/{found.uuid}/")
    messages.success(request, "Decision recorded; the student has been told.")
    return redirect("education:claim", found.uuid)


@require_POST
@_guarded
def new_stack(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = selectors.get_partner_for_user(request_user(request), slug, permission="edit_org")
    try:
        services.create_stack(
            membership=membership,
            partner=org,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            required_credits=bounded_int(request.POST.get("required_credits"), default=0, low=0, high=1000),
            required_skill=request.POST.get("required_skill", ""),
            award_amount=_decimal(request.POST.get("award_amount", ""), "award"),
            award_unit=request.POST.get("award_unit", ""),
        )
    except DomainError as exc:
        return _refused(request, exc, f"/education/partners/{org.slug}/#stacks")
    return redirect("education:partner", org.slug)


@require_POST
@_guarded
def issue_transcript(request: HttpRequest, affiliation_uuid: str) -> HttpResponse:
    affiliation, membership = selectors.get_affiliation_for_partner(
        request_user(request), affiliation_uuid, permission="edit_org"
    )
    try:
        transcript = services.issue_transcript(affiliation, membership=membership)
    except DomainError as exc:
        return _refused(request, exc, f"/education/partners/{affiliation.partner.slug}/")
    messages.success(request, "Transcript issued and signed as your organisation.")
    return redirect("education:partner", transcript.partner.slug)


@require_POST
@_guarded
def revoke_transcript(request: HttpRequest, transcript_uuid: str) -> HttpResponse:
    user = request_user(request)
    transcript = Transcript.objects.filter(uuid=transcript_uuid).select_related("partner", "credential").first()
    if transcript is None:
        raise Http404("Not found")
    selectors.get_partner_for_user(user, transcript.partner.slug, permission="edit_org")
    try:
        revoke_credential(transcript.credential, actor=user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return _refused(request, exc, f"/education/partners/{transcript.partner.slug}/")
    messages.success(request, "Transcript revoked; the student has been told.")
    return redirect("education:partner", transcript.partner.slug)


@_guarded
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = selectors.get_partner_for_user(request_user(request), slug, permission="edit_org")
    response = HttpResponse(selectors.awarded_credit_csv(org), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org.slug}-awarded-credit.csv"'
    return response
