"""Reads of payout details: only ever the masked form, and only the person's own."""

from dataclasses import dataclass

from django.db.models import QuerySet

from rung.accounts.models import User
from rung.payees.models import ChangeStatus, PayoutDetails, PayoutDetailsChange


@dataclass(frozen=True)
class MaskedDetails:
    country: str
    form: str
    tax_residence: str
    masked: str
    confirmed_at: str


def details_for(user: User) -> PayoutDetails | None:
    if not user.is_authenticated:
        return None
    return PayoutDetails.objects.filter(user=user).first()


def has_payout_details(user_id: int) -> bool:
    return PayoutDetails.objects.filter(user_id=user_id).exists()


def users_with_details(user_ids: list[int]) -> set[int]:
    return set(PayoutDetails.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))


def account_forms(user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each person's account country and form (both stored in the clear), to choose a batch file format."""
    rows = PayoutDetails.objects.filter(user_id__in=user_ids).values_list("user_id", "country", "form")
    return {user_id: (country, form) for user_id, country, form in rows}


def pending_change_for(user: User) -> PayoutDetailsChange | None:
    if not user.is_authenticated:
        return None
    return PayoutDetailsChange.objects.filter(user=user, status=ChangeStatus.PENDING).first()


def changes_for(user: User) -> QuerySet[PayoutDetailsChange]:
    return PayoutDetailsChange.objects.filter(user=user)
