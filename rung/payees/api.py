"""/api/v1/payout-details: your own payout details, masked, and changes confirmed by e-mail."""

from django.http import HttpRequest
from ninja import Router, Status

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut
from rung.payees import selectors, services
from rung.payees.schemas import (
    MaskedPayoutDetailsOut,
    PayoutDetailsIn,
    PayoutDetailsOut,
    PendingPayoutDetailsOut,
)

router = Router(tags=["payout details"])


def _out(user: User, note: str = "") -> PayoutDetailsOut:
    details = selectors.details_for(user)
    pending = selectors.pending_change_for(user)
    return PayoutDetailsOut(
        details=None
        if details is None
        else MaskedPayoutDetailsOut(
            country=details.country,
            form=details.form,
            tax_residence=details.tax_residence,
            masked=details.masked,
            confirmed_at=details.confirmed_at,
        ),
        pending_change=None
        if pending is None
        else PendingPayoutDetailsOut(
            country=pending.country,
            form=pending.form,
            masked=pending.masked,
            requested_at=pending.created_at,
            expires_at=pending.expires_at,
        ),
        note=note,
    )


@router.get("", response={200: PayoutDetailsOut}, summary="Your payout details (masked)")
def get_payout_details(request: HttpRequest) -> PayoutDetailsOut:
    return _out(request_user(request))


@router.put(
    "",
    response={202: PayoutDetailsOut, 400: ErrorOut, 403: ErrorOut},
    summary="Change your payout details (applies once you open the link e-mailed to you)",
)
def put_payout_details(request: HttpRequest, payload: PayoutDetailsIn) -> Status[PayoutDetailsOut]:
    user = request_user(request)
    _, note = services.request_payout_details_change(user=user, values=payload.dict())
    return Status(202, _out(user, note))
