"""How the API knows who is asking: personal tokens (RFC 6750 bearer tokens) with scopes, or the session.

Every API operation needs `read` (GET, HEAD, OPTIONS) or `write` (anything else), and on top `money`
for what touches money and `credentials` for what touches credentials; `required_scopes` is the one
place that says which. A browser session has every scope: it is the person themselves.
"""

import re

from django.http import HttpRequest
from ninja.security import SessionAuth
from ninja.security.http import HttpAuthBase

from rung.accounts.models import ApiToken, Scope, User
from rung.accounts.services import token_for_api_request
from rung.lib.errors import PermissionDenied
from rung.lib.ratelimit_middleware import record_bad_token

# RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token, and RFC 9110 section 11.1 makes the
# scheme name case-insensitive ("bearer" and "BEARER" are the same scheme).
_BEARER_CREDENTIALS = re.compile(r"^(?P<scheme>[!#$%&'*+.^_`|~0-9A-Za-z-]+) +(?P<token>[A-Za-z0-9._~+/-]+=*)$")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
API_ROOT = "/api/v1/"
# Paths (below /api/v1/) whose operations touch money or credentials wherever their router is.
_MONEY = re.compile(r"^(money/|payout-details$|projects/[^/]+/fund$|engagements/[^/]+/cancel(lation)?$)")
# Endorsements and a round's results are signed credentials too (EndorsementCredential, the award),
# so they need the scope wherever their router sits.
_CREDENTIALS = re.compile(r"^(credentials(/|$)|recognition/endorsements(/|$)|recognition/rounds/[^/]+/finalise$)")


def required_scopes(method: str, path: str) -> set[str]:
    """The scopes a token needs for this request."""
    relative = path[len(API_ROOT) :] if path.startswith(API_ROOT) else path.lstrip("/")
    needed = {Scope.READ.value if method.upper() in SAFE_METHODS else Scope.WRITE.value}
    if _MONEY.match(relative):
        needed.add(Scope.MONEY.value)
    if _CREDENTIALS.match(relative):
        needed.add(Scope.CREDENTIALS.value)
    return needed


def parse_bearer(header: str) -> str | None:
    """The token of an Authorization header using the Bearer scheme, or None."""
    match = _BEARER_CREDENTIALS.match(header)
    if match is None or match.group("scheme").lower() != "bearer":
        return None
    return match.group("token")


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"


class TokenAuth(HttpAuthBase):
    """Personal API tokens, sent as `Authorization: Bearer rung_…`."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = (
        "A personal API token from your account settings, with the scopes the operation needs "
        "(read or write, plus money or credentials where they are concerned)."
    )

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        raw = parse_bearer(header)
        token = token_for_api_request(raw) if raw is not None else None
        if token is None:
            record_bad_token(request)
            return None
        self.check_scopes(request, token)
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        return token.user

    def check_scopes(self, request: HttpRequest, token: ApiToken) -> None:
        missing = required_scopes(request.method or "GET", request.path) - set(token.scope_list)
        if missing:
            names = ", ".join(sorted(missing))
            raise InsufficientScope(
                f"This token lacks the {names} scope{'s' if len(missing) > 1 else ''} this operation needs. "
                "Create a token with it in your account settings."
            )


class SessionOnlyAuth(SessionAuth):
    """The browser session and nothing else: for operations a token must never do (making tokens)."""

    openapi_description = "Only a logged-in browser session; API tokens cannot do this."


def request_token(request: HttpRequest) -> ApiToken | None:
    """The token the request authenticated with, or None for a browser session."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None
