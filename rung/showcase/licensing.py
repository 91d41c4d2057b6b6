"""Licensing showcased work: offers (a price, terms, the split), purchases through the ledger, and the
signed licence record the buyer shows.

Who may offer follows the contract's IP licence (`models.LICENCE_RULES`): an intern who kept ownership
offers alone; work whose rights sit with the employer only when the employer opted in, and then the
employer takes its share; openly licensed work is never sold. The money moves in
`rung.ledger.licensing.sell_licence`: the buyer's balance (funded first) pays, and one balanced
transaction pays each royalty and the fee.
"""

import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import records
from rung.ledger import licensing as ledger_licensing
from rung.ledger import payouts as ledger_payouts
from rung.ledger.providers import PaymentProvider
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.lib.money import MoneyError, format_money, percent_of, to_minor
from rung.lib.validation import amount_problem, currency_problem
from rung.orgs.models import Organisation
from rung.showcase.models import (
    LICENCE_TRANSITIONS,
    LicenceOffer,
    LicencePurchase,
    OfferEvent,
    OfferStatus,
    ShowcaseItem,
    ShowcasePolicy,
)
from rung.showcase.services import ShowcaseError, can_decide_for


def fee_percent() -> int:
    """The platform's share of each licence sold (SHOWCASE_LICENCE_FEE_PERCENT, default 15)."""
    return int(getattr(settings, "SHOWCASE_LICENCE_FEE_PERCENT", 15))


def employer_percent_for(item: ShowcaseItem) -> int | None:
    """The original employer's share, or None when the work cannot be offered for licence at all."""
    rule = item.licence_rule
    policy = ShowcasePolicy.objects.filter(project_id=item.engagement.project_id).first()
    if rule.licensing == "nobody" or (policy is not None and policy.confidential):
        return None
    if rule.licensing == "employer_opt_in":
        if policy is None or not policy.licensing_opt_in:
            return None
        return policy.employer_share_percent if rule.employer_takes_share else 0
    return 0  # the rights stayed with the intern


def why_not_licensable(item: ShowcaseItem) -> str:
    rule = item.licence_rule
    if rule.licensing == "nobody":
        return "The work is released under an open licence, so there is nothing to sell."
    if rule.licensing == "employer_opt_in":
        return "The employer holds the rights under the contract and has not opted in to licensing this work."
    return "The employer marked the project confidential."


def _move_offer(offer: LicenceOffer, to: str, *, actor: User, note: str = "") -> None:
    old = offer.status
    if to not in LICENCE_TRANSITIONS[old]:
        raise ShowcaseError(
            f"An offer that is “{OfferStatus(old).label}” cannot become “{OfferStatus(to).label}”.",
            code="bad_transition",
        )
    if not LicenceOffer.objects.filter(pk=offer.pk, status=old).update(status=to, updated_at=timezone.now()):
        raise ShowcaseError("This offer changed a moment ago. Reload the page.", code="conflict")
    offer.status = to
    OfferEvent.objects.create(offer=offer, from_status=old, to_status=to, actor=actor, note=note)


def offer_licence(
    item: ShowcaseItem, *, author: User, price: str, currency: str, permitted_use: str, attribution: str
) -> LicenceOffer:
    """The author offers a published item for a non-exclusive licence."""
    from rung.showcase.selectors import is_public

    if item.author_id != author.pk:
        raise NotFound("No such showcase item.")
    if not is_public(item):
        raise ShowcaseError("Only published work can be offered for licence.")
    employer_percent = employer_percent_for(item)
    if employer_percent is None:
        raise ShowcaseError(why_not_licensable(item))
    if problem := currency_problem(currency):
        raise ShowcaseError(problem, field="currency")
    if problem := amount_problem(price):
        raise ShowcaseError(problem, field="price")
    try:
        price_minor = to_minor(price, currency)
    except MoneyError as exc:
        raise ShowcaseError(exc.message, field="price") from None
    if price_minor <= 0:
        raise ShowcaseError("Give the licence a price above zero.", field="price")
    for name, text in (("permitted_use", permitted_use), ("attribution", attribution)):
        if "\x00" in text:
            raise ShowcaseError("The text contains a NUL character (\\0); remove it.", field=name)
    permitted_use, attribution = permitted_use.strip(), attribution.strip()
    if len(permitted_use) < 10 or len(permitted_use) > 2000:
        raise ShowcaseError("Say what the buyer may do with the work (10 to 2,000 characters).", field="permitted_use")
    if not attribution or len(attribution) > 200:
        raise ShowcaseError("Say how the buyer credits you (at most 200 characters).", field="attribution")
    fee = fee_percent()
    author_percent = 100 - employer_percent - fee
    if author_percent <= 0:
        raise ShowcaseError("The employer's share and the fee leave nothing for the author.")
    try:
        with transaction.atomic():
            offer = LicenceOffer.objects.create(
                item=item,
                price_minor=price_minor,
                currency=currency.strip().upper(),
                permitted_use=permitted_use,
                attribution=attribution,
                author_percent=author_percent,
                employer_percent=employer_percent,
                fee_percent=fee,
                offered_by=author,
            )
            OfferEvent.objects.create(offer=offer, from_status="", to_status=OfferStatus.OFFERED, actor=author)
            record(
                "showcase.licence.offered",
                actor=author,
                obj=offer,
                data={
                    "price_minor": price_minor,
                    "currency": offer.currency,
                    "split": [author_percent, employer_percent, fee],
                },
            )
    except IntegrityError:
        raise ShowcaseError("This item already has a licence offer; pause or withdraw that one.") from None
    return offer


def set_offer_status(offer: LicenceOffer, *, actor: User, to: str) -> LicenceOffer:
    """The author pauses, resumes or withdraws the offer; the employer's deciders may withdraw it."""
    is_author = offer.item.author_id == actor.pk
    if not is_author and not (to == OfferStatus.WITHDRAWN and can_decide_for(actor, offer.item.organisation_id)):
        raise PermissionDenied("Only the author changes this licence offer.")
    if to not in OfferStatus.values:
        raise ShowcaseError("Choose offered, paused or withdrawn.", field="status")
    with transaction.atomic():
        _move_offer(offer, to, actor=actor)
        record(f"showcase.licence.{to}", actor=actor, obj=offer)
    return offer


# --- Buying ------------------------------------------------------------------------------------


def _record(purchase_uuid: uuid.UUID, offer: LicenceOffer, buyer: Organisation, at: str) -> dict[str, Any]:
    item = offer.item
    return {
        "type": "RungShowcaseLicence",
        "id": f"urn:uuid:{purchase_uuid}",
        "issued": at,
        "work": {
            "title": item.title,
            "url": f"{settings.SITE_URL}{reverse('showcase:item', args=[item.slug])}",
            "credential": f"urn:uuid:{item.credential.uuid}" if item.credential else None,
        },
        "author": item.author.full_name or "The intern",
        "originalEmployer": item.organisation.name,
        "licensee": buyer.name,
        "terms": {
            "exclusive": False,
            "attribution": offer.attribution,
            "permittedUse": offer.permitted_use,
            "contractIpLicence": item.ip_licence,
        },
        "price": {"amount": format_money(offer.price_minor, offer.currency), "currency": offer.currency},
    }


def buy_licence(
    offer: LicenceOffer, *, buyer: Organisation, actor: User, provider: PaymentProvider | None = None
) -> LicencePurchase:
    """Another organisation buys a licence, once: a repeat or a race returns the first purchase.

    Funded first: the buyer's Rung balance pays, topped up through the payment provider (the deployment's,
    unless one is given) when it holds too little (see `ledger.licensing._sell`)."""
    from rung.showcase.selectors import is_public

    existing = LicencePurchase.objects.filter(offer=offer, buyer=buyer).first()
    if existing is not None:
        return existing
    item = offer.item
    if offer.status != OfferStatus.OFFERED or not is_public(item):
        raise ShowcaseError("This work is not offered for licence now.")
    if not can_decide_for(actor, buyer.pk):
        raise PermissionDenied("Only an owner or manager of the organisation can buy licences for it.")
    if buyer.pk == item.organisation_id:
        raise ShowcaseError("The original employer already holds its licence under the contract.")
    fee = percent_of(offer.price_minor, offer.fee_percent)
    employer_share = percent_of(offer.price_minor, offer.employer_percent)
    split = ledger_licensing.LicenceSplit(
        author_minor=offer.price_minor - fee - employer_share, employer_minor=employer_share, fee_minor=fee
    )
    purchase_uuid = uuid.uuid4()
    now = timezone.now()
    signed = records.sign_record(_record(purchase_uuid, offer, buyer, now.isoformat()))
    try:
        with transaction.atomic():
            # The unique (offer, buyer) row is claimed first: a racing purchase waits on it and then
            # finds this one, so the sale below, and each royalty in it, happens once.
            purchase = LicencePurchase.objects.create(
                uuid=purchase_uuid,
                offer=offer,
                buyer=buyer,
                bought_by=actor,
                price_minor=offer.price_minor,
                currency=offer.currency,
                author_minor=split.author_minor,
                employer_minor=split.employer_minor,
                fee_minor=split.fee_minor,
                record_text=signed.text,
                signature=signed.signature,
                verification_method=signed.verification_method,
                bought_at=now,
            )
            ledger_licensing.sell_licence(
                sale_uuid=purchase.uuid,
                buyer=buyer,
                currency=offer.currency,
                split=split,
                author=item.author,
                author_engagement_uuid=item.engagement.uuid,
                employer=item.organisation if split.employer_minor else None,
                actor=actor,
                provider=provider,
                memo=f"Licence of “{item.title[:80]}”",
            )
            record("showcase.licence.bought", actor=actor, obj=purchase, data={"buyer": buyer.slug})
            emit("showcase.licence_sold", purchase_id=purchase.pk)
            transaction.on_commit(partial(_pay_author, item.pk))
    except IntegrityError:
        found = LicencePurchase.objects.filter(offer=offer, buyer=buyer).first()
        if found is None:
            raise
        return found
    return purchase


def _pay_author(item_id: int) -> None:
    """Royalties are paid out like stipends: what the author is owed on the engagement goes out now."""
    from rung.ledger.models import Payout, PayoutStatus
    from rung.ledger.providers import get_payout_provider

    item = ShowcaseItem.objects.select_related("engagement", "author").get(pk=item_id)
    engagement = item.engagement
    try:
        ledger_payouts.create_payout(engagement_uuid=engagement.uuid, intern=item.author, currency=engagement.currency)
    except DomainError:
        return  # the regular payout run (`rung ledger payouts`) picks it up
    for payout in Payout.objects.filter(engagement_uuid=engagement.uuid, status=PayoutStatus.PENDING).order_by("pk"):
        if get_payout_provider(payout.provider).automatic:
            ledger_payouts.send_payout(payout)


def verify_record(purchase: LicencePurchase) -> bool:
    """Whether the stored record is exactly what Rung signed."""
    return records.verify_record(purchase.record_text, purchase.signature)
