from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts import services
from rung.accounts.auth import request_token
from rung.accounts.models import ApiToken
from rung.accounts.requests import request_user
from rung.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import PermissionDenied

router = Router(tags=["account"])


@router.get("/me", response=MeOut, summary="The person the request is authenticated as")
def me(request: HttpRequest) -> MeOut:
    user = request_user(request)
    return MeOut(
        uuid=user.uuid, email=user.email, full_name=user.full_name, is_verified=user.is_verified, is_staff=user.is_staff
    )


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens, newest first")
@paginate(Pagination)
def list_tokens(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request_user(request).api_tokens.all()


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 403: ErrorOut},
    summary="Create an API token (from a logged-in session only)",
    description="Only a logged-in browser session can create tokens: a token asking gets 403, so a leaked "
    "token cannot make others that outlive it.",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    if request_token(request) is not None:
        raise PermissionDenied(
            "API tokens cannot create tokens. Create one in your account settings while logged in.",
            code="token_cannot_mint",
        )
    token, raw = services.create_api_token(
        request_user(request), name=payload.name, scopes=payload.scopes, expires_at=payload.expires_at
    )
    fields = TokenOut.model_validate(token, from_attributes=True).model_dump()
    return Status(201, TokenCreatedOut(**fields, token=raw))


@router.post(
    "/tokens/{uuid:token_uuid}/revoke",
    response={200: TokenOut, 400: ErrorOut, 404: ErrorOut},
    summary="Revoke one of your API tokens",
    description="Revokes this token only; your other tokens and sessions keep working.",
)
def revoke_token(request: HttpRequest, token_uuid: UUID) -> ApiToken:
    user = request_user(request)
    token = get_object_or_404(ApiToken, uuid=token_uuid, user=user)
    return services.revoke_api_token(token, actor=user)
