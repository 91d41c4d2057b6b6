"""Rate limits for the JSON API: per address and per bearer token, answered with 429 and Retry-After.

A middleware rather than ninja's throttles: it runs before authentication, so requests with bad
tokens are counted too, and it counts with one atomic increment in the shared cache, where
ninja's throttles read, change and write back a list (two processes can both let a request past).
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from rung.lib import ratelimit
from rung.lib.request_context import client_ip

# The JSON API and the W3C VC API endpoints, which scripts call as well.
API_PREFIXES = ("/api/", "/credentials/verify", "/credentials/issue", "/presentations/verify")
_BEARER = re.compile(r"^bearer +(\S+)\s*$", re.IGNORECASE)
BAD_TOKEN_SCOPE = "api-bad-token"


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer …` header (the scheme name is case-insensitive), if any."""
    match = _BEARER.match(request.headers.get("Authorization", ""))
    return match.group(1) if match else None


def too_many_requests(retry_after: int, detail: str) -> HttpResponse:
    response = JsonResponse({"detail": detail, "code": "rate_limited", "errors": []}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def record_bad_token(request: HttpRequest) -> None:
    """Called by the API's token authentication when a token is not valid."""
    ip = client_ip(request) or "unknown"
    ratelimit.hit(
        BAD_TOKEN_SCOPE,
        ip,
        limit=settings.API_RATE_LIMIT_BAD_TOKENS_PER_IP,
        window=settings.API_RATE_LIMIT_WINDOW_SECONDS,
    )


def check_api_limits(request: HttpRequest) -> HttpResponse | None:
    """Count this API request against its limits; a 429 response when one is exceeded."""
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    ip = client_ip(request) or "unknown"
    token = bearer_token(request)
    if token is not None and settings.API_RATE_LIMIT_BAD_TOKENS_PER_IP > 0:
        bad = ratelimit.peek(BAD_TOKEN_SCOPE, ip, window=window)
        if bad >= settings.API_RATE_LIMIT_BAD_TOKENS_PER_IP:
            limit = ratelimit.hit(BAD_TOKEN_SCOPE, ip, limit=settings.API_RATE_LIMIT_BAD_TOKENS_PER_IP, window=window)
            return too_many_requests(
                limit.retry_after,
                f"Too many requests with a token that is not valid from your address. "
                f"Try again in {limit.retry_after} seconds.",
            )
    by_ip = ratelimit.hit("api-ip", ip, limit=settings.API_RATE_LIMIT_PER_IP, window=window)
    if not by_ip.allowed:
        return too_many_requests(
            by_ip.retry_after,
            f"Too many requests from your address: at most {by_ip.limit} every {window} seconds. "
            f"Try again in {by_ip.retry_after} seconds.",
        )
    if token is not None:
        by_token = ratelimit.hit(
            "api-token", ratelimit.fingerprint(token), limit=settings.API_RATE_LIMIT_PER_TOKEN, window=window
        )
        if not by_token.allowed:
            return too_many_requests(
                by_token.retry_after,
                f"Too many requests with this token: at most {by_token.limit} every {window} seconds. "
                f"Try again in {by_token.retry_after} seconds.",
            )
    return None


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIXES):
            refused = check_api_limits(request)
            if refused is not None:
                return refused
        return self.get_response(request)
