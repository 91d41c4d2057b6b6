"""The JSON API at /api/v1/: one NinjaAPI; each app adds its Router.

Every failure has one shape: {"detail": "...", "code": "...", "errors": [{"field", "message"}]}.
"""

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from rung.accounts.auth import TokenAuth
from rung.lib.errors import DomainError, NotFound, PermissionDenied

api = NinjaAPI(
    title="Rung API",
    version="1.0.0",
    description="Micro-internships: accounts, profiles and organisations. Authenticate with a personal API "
    "token (`Authorization: Bearer …`, RFC 6750) with the scopes an operation needs (read or write, plus "
    "money or credentials), or, from the browser, your session. Requests are rate-limited per token and per "
    "address: over a limit the answer is 429 with `Retry-After`.",
    urls_namespace="api-1.0.0",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs",
)


def error_response(
    request: HttpRequest, *, status: int, detail: str, code: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, "errors": errors or []}, status=status)


def _field_name(loc: list[Any]) -> str:
    # ninja reports where the problem is, e.g. ["body", "payload", "email"]; people need "email".
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(list(e.get("loc", []))), "message": str(e.get("msg", "is not valid"))} for e in exc.errors
    ]
    return error_response(request, status=422, detail="Some of the data is not valid.", code="invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code="not_authenticated",
        detail="Log in, or send a valid API token as `Authorization: Bearer <token>`.",
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, status=exc.status_code, detail=exc.message, code="error")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, detail="Not found.", code="not_found")


@api.exception_handler(json.JSONDecodeError)
def on_bad_json(request: HttpRequest, exc: json.JSONDecodeError) -> HttpResponse:
    return error_response(
        request,
        status=400,
        code="bad_json",
        detail=f"The request body is not valid JSON ({exc.msg} at character {exc.pos}).",
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return error_response(request, status=status, detail=exc.message, code=exc.code, errors=errors)


# --- The OpenAPI document tells the truth --------------------------------------------------------
# Statuses any operation can answer besides its own: the request guard (rung.lib.edge), ninja's own
# validation, authentication and the rate limits. Each is documented on every operation it can reach.
COMMON_RESPONSES: dict[str, str] = {
    "400": "Refused: a NUL character, an unreadable body, or a change the rules do not allow (see `detail`)",
    "401": "Not authenticated: log in, or send a valid API token",
    "403": "Not allowed: your role lacks the permission, or a browser session sent no CSRF token",
    "404": "Not found, or not yours to see",
    "413": "The request body is larger than Rung accepts",
    "415": "The body is not JSON (send `Content-Type: application/json`)",
    "422": "Some of the data does not fit the schema; `errors` says which field and why",
    "429": "Too many requests; retry after the `Retry-After` seconds",
}


def document_common_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error responses to every operation that can answer them."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        from rung.lib.api import ErrorOut

        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            reachable = {"400", "413", "429"}
            has_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
            if operation.get("security"):
                reachable |= {"401"}
                if method.lower() != "get":
                    reachable |= {"403"}  # session authentication checks CSRF on every unsafe method
            if has_path:
                reachable |= {"404"}
            if operation.get("parameters") or "requestBody" in operation:
                reachable |= {"422"}
            if "requestBody" in operation:
                reachable |= {"415"}
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in sorted(reachable):
                responses.setdefault(status, {"description": COMMON_RESPONSES[status], "content": error})
    return schema


def _install_openapi_truth() -> None:
    plain = api.get_openapi_schema

    def get_openapi_schema(**kwargs: Any) -> Any:
        return document_common_responses(plain(**kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


_install_openapi_truth()


def _register_routers() -> None:
    from rung.accounts.api import router as accounts_router
    from rung.applications.api import router as applications_router
    from rung.credentials.api import router as credentials_router
    from rung.education.api import router as education_router
    from rung.engagements.api import offers_router, project_end_router
    from rung.engagements.api import router as engagements_router
    from rung.ledger.api import router as ledger_router
    from rung.mentoring.api import router as mentoring_router
    from rung.messaging.api import router as messaging_router
    from rung.notifications.api import router as notifications_router
    from rung.orgs.api import router as orgs_router
    from rung.outcomes.api import router as outcomes_router
    from rung.pathways.api import router as pathways_router
    from rung.payees.api import router as payees_router
    from rung.pilots.api import router as pilots_router
    from rung.profiles.api import router as profiles_router
    from rung.projects.api import router as projects_router
    from rung.recognition.api import router as recognition_router
    from rung.reviews.api import router as reviews_router
    from rung.webhooks.api import router as webhooks_router

    api.add_router("/", accounts_router)
    api.add_router("/profile", profiles_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/credentials", credentials_router)
    # Accepting an offer and closing/cancelling a project are engagements' flows, served at the
    # applications' and projects' paths; added first so the apps' catch-all paths do not shadow them.
    api.add_router("/projects", project_end_router)
    api.add_router("/projects", projects_router)
    api.add_router("/applications", offers_router)
    api.add_router("/applications", applications_router)
    api.add_router("/engagements", engagements_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/money", ledger_router)
    api.add_router("/reviews", reviews_router)
    api.add_router("/conversations", messaging_router)
    api.add_router("/mentoring", mentoring_router)
    api.add_router("/payout-details", payees_router)
    api.add_router("/recognition", recognition_router)
    api.add_router("/education", education_router)
    api.add_router("/outcomes", outcomes_router)
    api.add_router("/pilots", pilots_router)
    api.add_router("/pathways", pathways_router)
    api.add_router("/webhooks", webhooks_router)


_register_routers()
