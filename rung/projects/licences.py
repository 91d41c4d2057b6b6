"""Paid templates: the author (an organisation, or Rung staff for Rung's own templates) sets a price,
terms and the split; another organisation buys a licence once, through the same ledger sale as
showcased work (`rung.ledger.licensing.sell_template_licence`), and gets a signed licence record.
Only a licence holder, the author, or anyone for a free template, starts projects from it
(`may_use_template`).
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials import records
from rung.ledger import licensing as ledger_licensing
from rung.ledger.providers import PaymentProvider
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.money import MoneyError, format_money, percent_of, to_minor
from rung.lib.validation import amount_problem, currency_problem
from rung.orgs.models import Membership, Organisation, OrgKind, role_can
from rung.projects.models import ProjectTemplate, TemplateLicence


class TemplateLicenceError(DomainError):
    code = "template_licence"


def fee_percent() -> int:
    """The platform's share of each template licence (TEMPLATE_LICENCE_FEE_PERCENT, default 15)."""
    return int(getattr(settings, "TEMPLATE_LICENCE_FEE_PERCENT", 15))


def _is_manager(user: User, organisation: Organisation) -> bool:
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    return membership is not None and role_can(membership.role, "post_projects")


def may_price(user: User, template: ProjectTemplate) -> bool:
    """The author prices a template: a manager of its organisation, or staff for Rung's own."""
    if template.organisation_id is None:
        return bool(user.is_staff)
    return template.organisation is not None and _is_manager(user, template.organisation)


def set_template_price(
    template: ProjectTemplate, *, actor: User, price: str, currency: str, permitted_use: str, attribution: str
) -> ProjectTemplate:
    """The author sets (or, with a price of 0, removes) the template's price and terms. Licences already
    bought keep the price and terms they were bought at (their signed records say so)."""
    if not may_price(actor, template):
        raise PermissionDenied("Only the template's author sets its price.")
    if problem := currency_problem(currency):
        raise TemplateLicenceError(problem, field="currency")
    if problem := amount_problem(price):
        raise TemplateLicenceError(problem, field="price")
    try:
        price_minor = to_minor(price, currency)
    except MoneyError as exc:
        raise TemplateLicenceError(exc.message, field="price") from None
    if price_minor < 0:
        raise TemplateLicenceError("A price cannot be negative.", field="price")
    for name, text in (("permitted_use", permitted_use), ("attribution", attribution)):
        if "\x00" in text:
            raise TemplateLicenceError("The text contains a NUL character (\\0); remove it.", field=name)
    permitted_use, attribution = permitted_use.strip(), attribution.strip()
    if price_minor:
        if len(permitted_use) < 10 or len(permitted_use) > 2000:
            raise TemplateLicenceError(
                "Say what the buyer may do with the template (10 to 2,000 characters).", field="permitted_use"
            )
        if not attribution or len(attribution) > 200:
            raise TemplateLicenceError(
                "Say how the buyer credits the author (at most 200 characters).", field="attribution"
            )
    # Rung's own templates: the whole price is the platform's.
    fee = 100 if template.organisation_id is None else fee_percent()
    with transaction.atomic():
        ProjectTemplate.objects.filter(pk=template.pk).update(
            price_minor=price_minor,
            currency=currency.strip().upper() if price_minor else "",
            permitted_use=permitted_use if price_minor else "",
            attribution=attribution if price_minor else "",
            fee_percent=fee if price_minor else 0,
        )
        template.refresh_from_db()
        record(
            "project.template.priced",
            actor=actor,
            obj=template,
            data={"price_minor": price_minor, "currency": template.currency, "fee_percent": template.fee_percent},
        )
    return template


def visible_template(user: User, template_uuid: str) -> ProjectTemplate:
    """A template the user may look at: a public one, one of their organisations' own, or any for staff.
    Any other is NotFound, so whether it exists is not theirs to learn."""
    template = ProjectTemplate.objects.select_related("organisation").filter(uuid=template_uuid).first()
    if template is None:
        raise NotFound("No such template.")
    own = (
        template.organisation_id is not None
        and Membership.objects.filter(organisation_id=template.organisation_id, user=user).exists()
    )
    if not (template.public or own or user.is_staff):
        raise NotFound("No such template.")
    return template


def licence_for(template: ProjectTemplate, organisation: Organisation) -> TemplateLicence | None:
    return TemplateLicence.objects.filter(template=template, buyer=organisation).first()


def may_use_template(template: ProjectTemplate, organisation: Organisation) -> bool:
    """A free template, the author's own, or one the organisation holds a licence to."""
    if not template.is_paid or template.organisation_id == organisation.pk:
        return True
    return TemplateLicence.objects.filter(template=template, buyer=organisation).exists()


def split_for(template: ProjectTemplate) -> tuple[int, int]:
    """(author's royalty, platform fee) in minor units; they add up to the price."""
    fee = percent_of(template.price_minor, template.fee_percent)
    return template.price_minor - fee, fee


# --- The signed record -----------------------------------------------------------------------


def _record(licence_uuid: uuid.UUID, template: ProjectTemplate, buyer: Organisation, at: str) -> dict[str, Any]:
    return {
        "type": "RungTemplateLicence",
        "id": f"urn:uuid:{licence_uuid}",
        "issued": at,
        "template": {
            "name": template.name,
            "id": f"urn:uuid:{template.uuid}",
            "url": f"{settings.SITE_URL}{reverse('projects:template', args=[template.uuid])}",
        },
        "author": template.organisation.name if template.organisation else "Rung",
        "licensee": buyer.name,
        "terms": {
            "exclusive": False,
            "attribution": template.attribution,
            "permittedUse": template.permitted_use,
        },
        "price": {"amount": format_money(template.price_minor, template.currency), "currency": template.currency},
    }


def verify_record(licence: TemplateLicence) -> bool:
    """Whether the stored record is exactly what Rung signed."""
    return records.verify_record(licence.record_text, licence.signature)


# --- Buying ------------------------------------------------------------------------------------


def buy_template_licence(
    template: ProjectTemplate, *, buyer: Organisation, actor: User, provider: PaymentProvider | None = None
) -> TemplateLicence:
    """Another organisation buys a licence, once: a repeat or a race returns the first licence.

    Funded first: the buyer's Rung balance pays, topped up through the payment provider when it holds
    too little (see `ledger.licensing._sell`); when the top-up fails nothing is written.
    """
    existing = licence_for(template, buyer)
    if existing is not None:
        return existing
    if not template.public and template.organisation_id != buyer.pk:
        raise TemplateLicenceError("That template is not in the catalogue.", code="not_found")
    if not template.is_paid:
        raise TemplateLicenceError("This template is free; start a project from it.", code="free")
    if not _is_manager(actor, buyer):
        raise PermissionDenied("Only an owner or manager of the organisation can buy licences for it.")
    if template.organisation_id == buyer.pk:
        raise TemplateLicenceError("This is your organisation's own template; it needs no licence.", code="own")
    if buyer.kind != OrgKind.EMPLOYER:
        raise TemplateLicenceError("Only employers buy project templates.", code="not_employer")
    if not buyer.is_verified:
        raise TemplateLicenceError(
            "Rung staff have not verified this organisation yet; it can buy licences once it is verified.",
            code="unverified",
        )
    author_minor, fee_minor = split_for(template)
    licence_uuid = uuid.uuid4()
    now = timezone.now()
    signed = records.sign_record(_record(licence_uuid, template, buyer, now.isoformat()))
    try:
        with transaction.atomic():
            # The unique (template, buyer) row is claimed first: a racing purchase waits on it and then
            # finds this one, so the sale below, and the royalty in it, happens once.
            licence = TemplateLicence.objects.create(
                uuid=licence_uuid,
                template=template,
                buyer=buyer,
                bought_by=actor,
                price_minor=template.price_minor,
                currency=template.currency,
                author_minor=author_minor,
                fee_minor=fee_minor,
                record_text=signed.text,
                signature=signed.signature,
                verification_method=signed.verification_method,
                bought_at=now,
            )
            ledger_licensing.sell_template_licence(
                sale_uuid=licence.uuid,
                buyer=buyer,
                currency=template.currency,
                price_minor=template.price_minor,
                fee_minor=fee_minor,
                author=template.organisation,
                actor=actor,
                provider=provider,
                memo=f"Licence of the template “{template.name[:80]}”",
            )
            record("project.template.licence_bought", actor=actor, obj=licence, data={"buyer": buyer.slug})
    except IntegrityError:
        found = licence_for(template, buyer)
        if found is None:
            raise
        return found
    return licence


def licences_of(organisation: Organisation, user: User) -> list[TemplateLicence]:
    """The template licences an organisation holds, for its members and staff."""
    if not user.is_staff and not Membership.objects.filter(organisation=organisation, user=user).exists():
        raise PermissionDenied("Only members of this organisation can see its licences.")
    return list(TemplateLicence.objects.filter(buyer=organisation).select_related("template", "buyer"))


def may_see_licence(user: User, licence: TemplateLicence) -> bool:
    if user.is_staff:
        return True
    return Membership.objects.filter(organisation_id=licence.buyer_id, user=user).exists()
