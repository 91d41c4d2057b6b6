"""Guards every request passes before any view reads it, and the API's promise that every answer
under /api/v1/ is JSON in the one error shape.

Refused here, so that no view, form or schema has to remember them (docs/architecture.md):

- a body larger than REQUEST_MAX_BODY_MB, judged by its Content-Length before a byte is read (413);
- a multipart body without a valid boundary (Django would raise deep inside the parser);
- a NUL character in the path, the query string, a form field or a JSON string (PostgreSQL cannot
  store one in text, and no person types one);
- an API body that is not JSON, a form or a multipart upload (415), e.g. JSON sent as text/plain.

HTML pages get a plain 400/413 page; /api/v1/ gets `{"detail", "code", "errors"}`.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render
from django.utils.http import parse_header_parameters

API_PREFIX = "/api/v1/"
# The interactive docs page is HTML on purpose.
API_HTML_PATHS = frozenset({f"{API_PREFIX}docs"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_BODY_TYPES = frozenset({"application/json", "multipart/form-data", "application/x-www-form-urlencoded"})

# What an API client reads when a status comes from Django itself rather than from an endpoint.
STATUS_WORDS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request is not valid."),
    401: ("not_authenticated", "Log in, or send a valid API token as `Authorization: Bearer <token>`."),
    403: ("forbidden", "You may not do that."),
    404: ("not_found", "There is nothing at this address in the API. See /api/v1/docs for what there is."),
    405: ("method_not_allowed", "This address does not answer that method."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`."),
    500: ("server_error", "Something went wrong on our side; nothing was saved half-way. Try again in a moment."),
}


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field


def max_body_bytes() -> int:
    return int(settings.REQUEST_MAX_BODY_MB) * 1024 * 1024


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, *, code: str, detail: str, errors: list[dict[str, str]] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, "errors": errors or []}, status=status)


def nul_path(value: Any) -> str | None:
    """Where a NUL character hides in a decoded JSON value (keys included), e.g. "milestones.1.title".

    Walked with a stack, not recursion: a deeply nested body must not overflow Python's stack.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return name.replace("\x00", "")
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in enumerate(item))
    return None


def _nul_field(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for key, values in pairs:
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "") or "?"
    return None


def _nul(field: str) -> Refused:
    return Refused(
        400, "nul_character", f"“{field}” contains a NUL character (\\0), which is never valid text.", field=field
    )


def _check_size(request: HttpRequest) -> None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        raise Refused(400, "bad_request", "The Content-Length header is not a number.") from None
    if length < 0:
        raise Refused(400, "bad_request", "The Content-Length header is not a number.")
    if length > max_body_bytes():
        raise Refused(
            413,
            "too_large",
            f"The request body is {length // (1024 * 1024)} MB; Rung accepts at most {settings.REQUEST_MAX_BODY_MB} MB "
            "in one request. Share large work as a link instead.",
        )


def _content_type(request: HttpRequest) -> tuple[str, dict[str, str]]:
    media, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    return media.lower(), params


def _check_multipart(media: str, params: dict[str, str]) -> None:
    if not media.startswith("multipart/"):
        return
    boundary = params.get("boundary")
    if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
        raise Refused(400, "bad_multipart", "The multipart body has no valid boundary in its Content-Type header.")


def _has_body(request: HttpRequest) -> bool:
    return request.method in BODY_METHODS and (request.META.get("CONTENT_LENGTH") or "0") not in ("", "0")


def _check_api_media(request: HttpRequest, media: str) -> None:
    if is_api(request) and _has_body(request) and media not in API_BODY_TYPES:
        shown = media or "none"
        raise Refused(
            415,
            "unsupported_media_type",
            f"The body was sent as “{shown}”; send JSON with `Content-Type: application/json`.",
        )


def _check_text(request: HttpRequest, media: str) -> None:
    if "\x00" in request.path:
        raise _nul("path")
    field = _nul_field(request.GET.lists())
    if field:
        raise _nul(field)
    if not _has_body(request):
        return
    if media == "application/json" or media.endswith("+json"):
        try:
            decoded = json.loads(request.body)
        except (ValueError, RecursionError):
            return  # not JSON Rung can read: the endpoint answers that in its own words
        found = nul_path(decoded)
        if found:
            raise _nul(found)
    elif request.method == "POST" and media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Only the text fields: uploaded files may hold any bytes.
        field = _nul_field(request.POST.lists())
        if field:
            raise _nul(field)


def _wants_json(request: HttpRequest) -> bool:
    # The API, and JSON clients of plain JSON views (the W3C VC API at /credentials/verify…).
    media = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    return is_api(request) or media == "application/json" or media.endswith("+json")


def refusal_response(request: HttpRequest, refusal: Refused) -> HttpResponse:
    if _wants_json(request):
        errors = [{"field": refusal.field, "message": refusal.detail}] if refusal.field else []
        return api_error(refusal.status, code=refusal.code, detail=refusal.detail, errors=errors)
    return render(request, "400.html", {"message": refusal.detail}, status=refusal.status)


def as_api_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An error Django (not an endpoint) answered under /api/v1/ becomes JSON in the error shape."""
    if not is_api(request) or request.path in API_HTML_PATHS or response.status_code < 400:
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    code, detail = STATUS_WORDS.get(response.status_code, ("error", "The request could not be answered."))
    converted = api_error(response.status_code, code=code, detail=detail)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            converted[header] = response[header]
    return converted


class RequestGuardMiddleware:
    """Put it after AuthenticationMiddleware (pages render with the user) and before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _check_size(request)
            media, params = _content_type(request)
            _check_multipart(media, params)
            _check_api_media(request, media)
            _check_text(request, media)
        except Refused as refusal:
            return refusal_response(request, refusal)
        except RequestDataTooBig:
            return refusal_response(
                request,
                Refused(413, "too_large", "The request's form data is too large; shorten it or upload it as a file."),
            )
        except (MultiPartParserError, SuspiciousOperation):
            return refusal_response(request, Refused(400, "bad_request", "The request body could not be read."))
        return as_api_json(request, self.get_response(request))
