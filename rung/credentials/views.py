"""Pages: public verification, the candidate's wallet, revocation for staff and organisations, and the
machine-readable documents verifiers fetch (Rung's DID document and its status lists)."""

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.credentials import endorsements, holders, imports, issuer, orgissuers, selectors, services, vcjwt
from rung.credentials.forms import CredentialDocumentForm, HolderBindingForm, RevokeForm
from rung.credentials.keys import KeyStoreError
from rung.credentials.models import ImportedCredential, IssuedCredential, StatusList
from rung.credentials.statuslist import CACHE_SECONDS, status_list_credential
from rung.credentials.vcapi import public_cors
from rung.credentials.verify import Report, verify_credential
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs.models import Organisation
from rung.profiles.models import Skill

logger = logging.getLogger(__name__)


def _fetch[T](get: Callable[[], T]) -> T:
    try:
        return get()
    except NotFound:
        raise Http404("No such credential") from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def share_url(credential: IssuedCredential) -> str:
    return settings.SITE_URL + reverse("credentials:shared", args=[credential.uuid])


def qr_data_uri(url: str) -> str:
    # A data: URI inside <img>: allowed by the site's CSP (img-src 'self' data:), no inline SVG or styles.
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#1b1f24"))


def linkedin_url(credential: IssuedCredential, url: str) -> str:
    """LinkedIn's documented "add to profile" link for a certification, filled in."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.name,
        "organizationName": credential.organisation.name if credential.organisation else settings.SITE_NAME,
        "issueYear": credential.issued_at.year,
        "issueMonth": credential.issued_at.month,
        "certUrl": url,
        "certId": str(credential.uuid),
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def _json_download(text: str, filename: str) -> HttpResponse:
    # The stored text, byte for byte what was signed (or imported).
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- public verification --------------------------------------------------------------------------


def verify_page(request: HttpRequest) -> HttpResponse:
    form = CredentialDocumentForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = verify_credential(form.cleaned_data["document"])
    invalid = request.method == "POST" and report is None
    return render(
        request,
        "credentials/verify.html",
        {"form": form, "report": report, "nav": "verify", "did_url": _did_document_url()},
        status=400 if invalid else 200,
    )


def _did_document_url() -> str:
    return settings.SITE_URL + "/.well-known/did.json"


def shared_credential(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    credential = selectors.get_shared_credential(credential_uuid)
    if credential is None:
        raise Http404("No such credential, or its holder does not share it")
    return render(
        request,
        "credentials/shared.html",
        {
            "credential": credential,
            "report": verify_credential(credential.document),
            "endorsements": endorsements.shown_for(credential),
            "did_url": _did_document_url(),
            "nav": "verify",
        },
    )


def shared_credential_json(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    credential = selectors.get_shared_credential(credential_uuid)
    if credential is None:
        raise Http404("No such credential, or its holder does not share it")
    return _json_download(credential.document_text, f"credential-{credential.uuid}.json")


# --- the wallet -----------------------------------------------------------------------------------


def _wallet_context(user: User, form: CredentialDocumentForm) -> dict[str, Any]:
    return {
        "issued": list(selectors.wallet_for_user(user)),
        "imported": list(selectors.imported_for_user(user)),
        "form": form,
        "nav": "wallet",
    }


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    return render(request, "credentials/wallet.html", _wallet_context(request_user(request), CredentialDocumentForm()))


@login_required
@require_POST
def import_credential(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CredentialDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = imports.import_credential(owner=user, document=form.cleaned_data["document"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if item.verified:
                messages.success(request, f"“{item.name}” was added to your wallet and verified.")
            else:
                messages.warning(request, f"“{item.name}” was added to your wallet, marked as not verified.")
            return redirect("credentials:imported", item_uuid=item.uuid)
    return render(request, "credentials/wallet.html", _wallet_context(user, form), status=400)


@login_required
def wallet_credential(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    credential = _fetch(lambda: selectors.get_wallet_credential(request_user(request), credential_uuid))
    url = share_url(credential)
    shared = credential.share_link.enabled
    return render(
        request,
        "credentials/wallet_credential.html",
        {
            "credential": credential,
            "report": verify_credential(credential.document),
            "endorsements": endorsements.shown_for(credential),
            "share_url": url,
            "shared": shared,
            "qr": qr_data_uri(url) if shared else "",
            "linkedin_url": linkedin_url(credential, url),
            "nav": "wallet",
        },
    )


@login_required
@require_POST
def set_share(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    credential = _fetch(lambda: selectors.get_wallet_credential(user, credential_uuid))
    enabled = request.POST.get("enabled") == "on"
    try:
        services.set_share_link(credential, actor=user, enabled=enabled)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Your public link is on: anyone with it can see and check this credential."
            if enabled
            else "Your public link is off: it now shows “not found”.",
        )
    return redirect("credentials:wallet_credential", credential_uuid=credential.uuid)


@login_required
def download(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    credential = _fetch(lambda: selectors.get_wallet_credential(request_user(request), credential_uuid))
    if request.GET.get("format") == "jwt":
        # Open Badges 3.0's other proof format: the same credential secured as a vc+jwt.
        try:
            token = services.vc_jwt_for(credential)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("credentials:wallet_credential", credential_uuid=credential.uuid)
        response = HttpResponse(token, content_type=vcjwt.MEDIA_TYPE)
        response["Content-Disposition"] = f'attachment; filename="credential-{credential.uuid}.jwt"'
        return response
    return _json_download(credential.document_text, f"credential-{credential.uuid}.json")


@login_required
def holder_binding(request: HttpRequest) -> HttpResponse:
    """Prove control of a did:key with a signed DID Authentication presentation; bind it."""
    user = request_user(request)
    form = HolderBindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            binding = holders.bind_holder_did(
                user=user, presentation=form.cleaned_data["presentation"], challenge=form.cleaned_data["challenge"]
            )
        except DomainError as exc:
            form.add_error("presentation" if exc.field == "presentation" else None, exc.message)
        else:
            messages.success(request, f"Your DID {binding.did} is bound: new credentials will name it.")
            return redirect("credentials:holder")
    # Every showing of the page, a failed attempt included, carries a fresh challenge.
    challenge = holders.holder_challenge(user)
    return render(
        request,
        "credentials/holder.html",
        {
            "form": form,
            "challenge": challenge,
            "domain": holders.holder_domain(),
            "current_did": services.current_holder_did(user),
            "reissuable": selectors.reissuable_for_holder(user),
            "nav": "wallet",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def reissue(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    credential = _fetch(lambda: selectors.get_wallet_credential(user, credential_uuid))
    try:
        new = holders.reissue_to_holder(credential, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credentials:holder")
    messages.success(request, "Re-issued to your DID; the old copy is revoked.")
    return redirect("credentials:wallet_credential", credential_uuid=new.uuid)


@login_required
def imported_credential(request: HttpRequest, item_uuid: UUID) -> HttpResponse:
    item: ImportedCredential = _fetch(lambda: selectors.get_imported_credential(request_user(request), item_uuid))
    return render(
        request,
        "credentials/imported_credential.html",
        {"item": item, "report": Report.from_dict(item.report), "nav": "wallet"},
    )


@login_required
@require_POST
def recheck_imported(request: HttpRequest, item_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    item = _fetch(lambda: selectors.get_imported_credential(user, item_uuid))
    imports.recheck_imported_credential(item, actor=user)
    messages.success(request, "Checked again just now." + ("" if item.verified else " It is still not verified."))
    return redirect("credentials:imported", item_uuid=item.uuid)


@login_required
@require_POST
def remove_imported(request: HttpRequest, item_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    item = _fetch(lambda: selectors.get_imported_credential(user, item_uuid))
    imports.remove_imported_credential(item, actor=user)
    messages.success(request, f"“{item.name or 'The credential'}” was removed from your wallet.")
    return redirect("credentials:wallet")


@login_required
def download_imported(request: HttpRequest, item_uuid: UUID) -> HttpResponse:
    item = _fetch(lambda: selectors.get_imported_credential(request_user(request), item_uuid))
    return _json_download(item.document_text, f"imported-credential-{item.uuid}.json")


# --- revocation (staff and issuing organisations) -------------------------------------------------


@login_required
def issued_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.issued_for_manager(request_user(request)), 50).get_page(request.GET.get("page"))
    return render(request, "credentials/issued_list.html", {"page_obj": page, "nav": "issued"})


@login_required
def revoke(request: HttpRequest, credential_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    credential, capacity = _fetch(lambda: selectors.get_credential_for_revoker(user, credential_uuid))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_credential(credential, actor=user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, f"“{credential.name}” is revoked. Verifiers will see it within a minute.")
            return redirect("credentials:issued")
    return render(
        request,
        "credentials/revoke.html",
        {
            "credential": credential,
            "capacity": capacity,
            "revocation": selectors.revocation_of(credential),
            "form": form,
            "nav": "issued",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- documents for verifiers ----------------------------------------------------------------------


def _public_json(data: dict[str, Any], *, status: int = 200, max_age: int = CACHE_SECONDS) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"indent": 2})
    # Browser-based verifiers on other sites must be able to read these.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@public_cors
@require_GET
def did_document(request: HttpRequest) -> JsonResponse:
    """did:web resolution: GET /.well-known/did.json gives Rung's DID document."""
    if not issuer.uses_did_web():
        return _public_json(
            {"detail": "This Rung issues as a did:key; it has no did:web.", "code": "not_found"}, status=404
        )
    try:
        document = issuer.did_document()
    except KeyStoreError:
        document = None
    if document is None:
        return _public_json({"detail": "Rung has no signing keys yet.", "code": "not_found"}, status=404, max_age=0)
    return _public_json(document, max_age=300)


@public_cors
@require_GET
def org_did_document(request: HttpRequest, slug: str) -> JsonResponse:
    """did:web resolution for did:web:<host>:orgs:<slug>: the organisation's DID document."""
    org = Organisation.objects.filter(slug=slug).first()
    document = orgissuers.org_did_document(org) if org is not None and issuer.uses_did_web() else None
    if document is None:
        return _public_json({"detail": "No such issuer.", "code": "not_found"}, status=404, max_age=0)
    return _public_json(document, max_age=300)


@public_cors
@require_GET
def status_list(request: HttpRequest, list_uuid: UUID) -> JsonResponse:
    found = StatusList.objects.filter(uuid=list_uuid).first()
    if found is None:
        return _public_json({"detail": "No such status list.", "code": "not_found"}, status=404)
    try:
        document = status_list_credential(found)
    except KeyStoreError:
        # Without its key Rung cannot vouch for the list; verifiers must treat the status as unknown.
        logger.exception("cannot sign status list %s", found.uuid)
        return _public_json(
            {"detail": "The status list is temporarily unavailable.", "code": "unavailable"}, status=503, max_age=0
        )
    return _public_json(document)


def skill(request: HttpRequest, slug: str) -> HttpResponse:
    """The page a credential's skill alignment links to."""
    found = Skill.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No such skill")
    return render(request, "credentials/skill.html", {"skill": found})
