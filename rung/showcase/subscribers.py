"""Who hears about the showcase: the employer asked for consent, the author told of each decision,
staff told of reports, owners told of take-downs. Subscribers only notify; they change nothing."""

from django.urls import reverse

from rung.accounts.models import User
from rung.lib.events import Event, subscribe
from rung.notifications.services import notify
from rung.orgs.models import Membership
from rung.showcase.models import ApplyInvitation, ConsentStatus, LicencePurchase, Moderation, Report, ShowcaseItem


def _item(pk: int) -> ShowcaseItem:
    return ShowcaseItem.objects.select_related("author", "organisation", "engagement__project").get(pk=pk)


def _deciders(item: ShowcaseItem) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=item.organisation_id, role__in=["owner", "manager"]
    ).select_related("user")
    return [m.user for m in memberships]


def _name(user: User) -> str:
    return user.full_name or user.email


@subscribe("showcase.consent_requested")
def ask_the_employer(event: Event) -> None:
    item = _item(event.payload["item_id"])
    notify(
        _deciders(item),
        verb="showcase.consent_requested",
        title=f"{_name(item.author)} asks to showcase their work on “{item.engagement.project.title}”",
        body=(
            "They would like to publish a summary of the work, with the files they chose, in Rung's curated "
            "showcase. Please consent or decline (with a reason they will read)."
        ),
        url=reverse("showcase:item", args=[item.slug]),
    )


@subscribe("showcase.consent_decided", "showcase.consent_withdrawn")
def tell_the_author_about_consent(event: Event) -> None:
    item = _item(event.payload["item_id"])
    organisation = item.organisation.name
    if item.consent_status == ConsentStatus.APPROVED:
        title = f"{organisation} consented to showing “{item.title}”"
        body = "A curator will now look at it against the playbook. You will hear when it is published."
    elif item.consent_status == ConsentStatus.DECLINED:
        title = f"{organisation} declined to have “{item.title}” showcased"
        body = f"Their reason: {item.consent_reason}\nYou can change the item and ask again."
    else:
        title = f"{organisation} withdrew consent for “{item.title}”"
        body = f"The item is no longer public. Their reason: {item.consent_reason}"
    notify([item.author], verb=event.name, title=title, body=body, url=reverse("showcase:item", args=[item.slug]))


@subscribe("showcase.published")
def tell_the_author_it_is_published(event: Event) -> None:
    item = _item(event.payload["item_id"])
    notify(
        [item.author],
        verb="showcase.published",
        title=f"“{item.title}” is in the showcase",
        body="A curator published your work. Anyone with the address can see it now.",
        url=reverse("showcase:item", args=[item.slug]),
    )


@subscribe("showcase.curated")
def tell_the_author_about_curation(event: Event) -> None:
    item = _item(event.payload["item_id"])
    sent_back = event.payload["decision"] == "send_back"
    notify(
        [item.author],
        verb="showcase.curated",
        title=f"“{item.title}” was {'sent back with notes' if sent_back else 'declined'} by a curator",
        body=f"The curator's notes: {item.curator_notes}"
        + ("\nChange the item and send it again." if sent_back else ""),
        url=reverse("showcase:item", args=[item.slug]),
    )


@subscribe("showcase.invited_to_apply")
def tell_the_author_about_the_invitation(event: Event) -> None:
    invitation = ApplyInvitation.objects.select_related("item__author", "project__organisation").get(
        pk=event.payload["invitation_id"]
    )
    notify(
        [invitation.item.author],
        verb="showcase.invited_to_apply",
        title=f"{invitation.project.organisation.name} invites you to apply to “{invitation.project.title}”",
        body=f"They saw “{invitation.item.title}” in the showcase and wrote: {invitation.message}",
        url=reverse("projects:detail", args=[invitation.project.uuid]),
    )


@subscribe("showcase.reported")
def tell_staff_about_the_report(event: Event) -> None:
    report = Report.objects.get(pk=event.payload["report_id"])
    notify(
        User.objects.filter(is_staff=True, is_active=True),
        verb="showcase.reported",
        title=f"A public {report.get_target_kind_display().lower()} was reported",
        body="Someone reported a public item in the showcase. Please look at it in the moderation queue.",
        url=reverse("showcase:moderate", args=[report.target_kind, report.target_uuid]),
        email=False,
    )


@subscribe("showcase.taken_down", "showcase.restored")
def tell_the_owner(event: Event) -> None:
    moderation = Moderation.objects.select_related("owner").get(pk=event.payload["moderation_id"])
    if moderation.owner is None:
        return
    what = moderation.get_target_kind_display().lower()
    if event.name == "showcase.taken_down":
        title = f"Rung staff took your {what} down"
        body = (
            f"It is no longer public. The reason: {moderation.reason}\nReply to this e-mail if you think this is wrong."
        )
    else:
        title = f"Your {what} is public again"
        body = f"Rung staff restored it. Their note: {moderation.reason}"
    notify([moderation.owner], verb=event.name, title=title, body=body, url=reverse("showcase:mine"))


@subscribe("showcase.licence_sold")
def tell_the_author_and_the_employer(event: Event) -> None:
    from rung.lib.money import format_money

    purchase = LicencePurchase.objects.select_related("offer__item__author", "offer__item", "buyer").get(
        pk=event.payload["purchase_id"]
    )
    item = purchase.offer.item
    notify(
        [item.author],
        verb="showcase.licence_sold",
        title=f"{purchase.buyer.name} licensed “{item.title}”",
        body=(
            f"Your royalty is {format_money(purchase.author_minor, purchase.currency)}; it is paid out to you "
            "like a stipend, and your earnings statement shows it."
        ),
        url=reverse("ledger:earnings"),
    )
    if purchase.employer_minor:
        notify(
            _deciders(item),
            verb="showcase.licence_sold",
            title=f"{purchase.buyer.name} licensed “{item.title}”",
            body=f"Your share, {format_money(purchase.employer_minor, purchase.currency)}, is in your Rung balance.",
            url=reverse("showcase:item", args=[item.slug]),
            email=False,
        )
