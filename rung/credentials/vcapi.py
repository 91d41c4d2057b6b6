"""The W3C CCG VC API at the site root: POST /credentials/verify, /presentations/verify, /credentials/issue.

Plain Django views, not a second NinjaAPI: these paths and bodies are fixed by the VC API
specification, not Rung resources, and a verifier must answer hostile bodies (huge, deeply nested,
not JSON, wrong types) with a 400 or 422 and never a 500. Reading the body ourselves, with a size
and depth limit before anything parses it further, makes that guarantee simple to see. Request
errors use Rung's API error shape ({"detail", "code", "errors": [{"field", "message"}]}); a
credential that does not verify gets the VC API result ({"verified": false, "checks", "warnings",
"errors"}) with status 422, plus "detail" and "code".

/credentials/issue takes only a personal API token (never the session cookie, so it needs no CSRF
protection) of an owner or manager of a verified organisation.
"""

import logging
from collections.abc import Callable, Mapping
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from rung.accounts.auth import parse_bearer
from rung.accounts.services import token_for_api_request
from rung.credentials import imports, services, vcjwt
from rung.credentials.services import MAX_DOCUMENT_BYTES, CredentialError
from rung.credentials.verify import verify_credential, verify_presentation
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.ratelimit_middleware import record_bad_token

log = logging.getLogger(__name__)

View = Callable[[HttpRequest], HttpResponse]


def error(status: int, detail: str, code: str, errors: list[dict[str, str]] | None = None) -> JsonResponse:
    body = {
        "detail": detail,
        "code": code,
        "errors": errors or [],
        # RFC 9457 problem details, as the VC API describes errors; "about:blank" means the HTTP
        # status says it all, and `detail` the rest.
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
    }
    return JsonResponse(body, status=status)


CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


def with_cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def public_cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """CORS for a public, credential-less endpoint: any origin may call it, preflight answered.

    Only the verification endpoints, DID documents and status lists use it: they read no cookies
    and change nothing, so another site's script calling them learns nothing it could not fetch.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return with_cors(HttpResponse(status=204))
        return with_cors(view(request, *args, **kwargs))

    return csrf_exempt(wrapper)


class BadRequest(Exception):
    def __init__(self, response: JsonResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def vc_api_view(view: Callable[[HttpRequest, dict[str, Any]], HttpResponse]) -> View:
    """POST only, CSRF-exempt (no cookies are honoured), the JSON body parsed safely, nothing escapes as a 500."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            response = error(405, "Use POST with a JSON body.", "method_not_allowed")
            response["Allow"] = "POST"
            return response
        try:
            return view(request, _read_body(request))
        except BadRequest as exc:
            return exc.response
        except Exception:
            log.exception("VC API request failed")
            return error(400, "Rung could not process this request.", "unprocessable")

    return wrapper


def _read_body(request: HttpRequest) -> dict[str, Any]:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > 2 * MAX_DOCUMENT_BYTES:
        raise BadRequest(
            error(400, f"The request body is too large (limit {MAX_DOCUMENT_BYTES // 1024} KiB).", "too_large")
        )
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BadRequest(error(400, "The request body is too large.", "too_large")) from None
    try:
        body = imports.parse_document(raw)
    except CredentialError as exc:
        raise BadRequest(error(400, exc.message, exc.code)) from None
    if not isinstance(body, dict):
        raise BadRequest(error(400, "The request body must be a JSON object.", "invalid"))
    options = body.get("options")
    if options is not None and not isinstance(options, dict):
        raise BadRequest(
            error(
                400, "options must be a JSON object.", "invalid", [{"field": "options", "message": "must be an object"}]
            )
        )
    return body


def _require_object(body: Mapping[str, Any], key: str, example: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise BadRequest(
            error(
                400,
                f'Send {{{example}, "options": {{}}}}.',
                "invalid",
                [{"field": key, "message": "is required and must be a JSON object"}],
            )
        )
    return value


def _result(result: dict[str, Any], verified: bool) -> JsonResponse:
    if verified:
        return JsonResponse(result, status=200)
    detail = (
        "The credential did not verify." if "credentialResults" not in result else "The presentation did not verify."
    )
    return JsonResponse({**result, "detail": detail, "code": "not_verified"}, status=422)


@public_cors
@vc_api_view
def verify_credential_view(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    given = body.get("verifiableCredential")
    # A VC-JWT (vc+jwt) is sent as its compact string; anything else must be a credential object.
    credential = (
        given
        if vcjwt.looks_like_jwt(given)
        else _require_object(body, "verifiableCredential", '"verifiableCredential": {…} or a VC-JWT string')
    )
    report = verify_credential(credential)
    return _result(report.as_vc_api(), report.verified)


@public_cors
@vc_api_view
def verify_presentation_view(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    presentation = _require_object(body, "verifiablePresentation", '"verifiablePresentation": {…}')
    options = body.get("options") or {}
    challenge, domain = options.get("challenge"), options.get("domain")
    report = verify_presentation(
        presentation,
        challenge=challenge if isinstance(challenge, str) else None,
        domain=domain if isinstance(domain, str) else None,
    )
    return _result(report.as_vc_api(), report.verified)


def _token_user(request: HttpRequest) -> Any:
    raw = parse_bearer(request.headers.get("Authorization", ""))
    token = token_for_api_request(raw) if raw else None
    if token is None:
        record_bad_token(request)
        raise BadRequest(
            error(401, "Send a valid personal API token as `Authorization: Bearer <token>`.", "not_authenticated")
        )
    if not token.has_scopes({"write", "credentials"}):
        raise BadRequest(
            error(403, "Issuing needs a token with the write and credentials scopes.", "insufficient_scope")
        )
    return token.user


@vc_api_view
def issue_credential_view(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    user = _token_user(request)
    credential = _require_object(body, "credential", '"credential": {…}')
    try:
        issued = services.issue_requested_credential(actor=user, credential=credential, options=body.get("options"))
    except DomainError as exc:
        # 400: the request or the credential does not conform; 422: it conforms but cannot be
        # secured (a context Rung cannot load offline, a term no context defines).
        status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
        if exc.code == "invalid_credential":
            status = 422
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return error(status, exc.message, exc.code, errors)
    return JsonResponse({"verifiableCredential": issued.document}, status=201)
