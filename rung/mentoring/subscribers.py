"""Who hears about mentoring: notifications for pairings, check-ins, accreditation and concerns.
Subscribers only notify; they change nothing."""

from django.urls import reverse

from rung.accounts.models import User
from rung.lib.events import Event, subscribe
from rung.mentoring.models import CheckIn, Concern, Pairing
from rung.notifications.services import notify
from rung.orgs.models import Membership, role_can


def _coordinators(pairing: Pairing) -> list[User]:
    memberships = Membership.objects.filter(organisation_id=pairing.engagement.project.organisation_id).select_related(
        "user"
    )
    return [m.user for m in memberships if role_can(m.role, "manage_members")]


def _pairing(pk: int) -> Pairing:
    return Pairing.objects.select_related("engagement__project__organisation", "engagement__candidate", "mentor").get(
        pk=pk
    )


def _name(user: User) -> str:
    return user.full_name or user.email


@subscribe("pairing.proposed")
def ask_the_mentor(event: Event) -> None:
    pairing = _pairing(event.payload["pairing_id"])
    notify(
        [pairing.mentor],
        verb="pairing.proposed",
        title=f"Would you mentor {_name(pairing.engagement.candidate)}?",
        body=(
            f"{pairing.engagement.project.organisation.name} asks you to mentor an intern on "
            f"“{pairing.engagement.project.title}”. Please answer by {pairing.respond_by:%d %B %Y}."
        ),
        url=reverse("mentoring:pairing", args=[pairing.uuid]),
    )


@subscribe("pairing.accepted")
def tell_the_mentee(event: Event) -> None:
    pairing = _pairing(event.payload["pairing_id"])
    notify(
        [pairing.engagement.candidate, *_coordinators(pairing)],
        verb="pairing.accepted",
        title=f"{_name(pairing.mentor)} is mentoring on “{pairing.engagement.project.title}”",
        body="The check-ins are scheduled; each of you can add them to a calendar from the pairing page.",
        url=reverse("mentoring:pairing", args=[pairing.uuid]),
    )


@subscribe("pairing.declined")
def tell_the_coordinators(event: Event) -> None:
    pairing = _pairing(event.payload["pairing_id"])
    notify(
        _coordinators(pairing),
        verb="pairing.declined",
        title=f"A mentor could not take {_name(pairing.engagement.candidate)}",
        body=f"{pairing.get_status_display()}. Rung has looked for the next best mentor who is free.",
        url=reverse("mentoring:coordinate", args=[pairing.engagement.project.organisation.slug]),
    )


def _checkin(pk: int) -> CheckIn:
    return CheckIn.objects.select_related(
        "pairing__engagement__project__organisation", "pairing__engagement__candidate", "pairing__mentor"
    ).get(pk=pk)


@subscribe("checkin.due_soon")
def remind_both(event: Event) -> None:
    checkin = _checkin(event.payload["checkin_id"])
    notify(
        [checkin.pairing.mentor, checkin.pairing.engagement.candidate],
        verb="checkin.due_soon",
        title=f"{checkin.title} on {checkin.due_at:%A %d %B, %H:%M} UTC",
        body=checkin.agenda[:400],
        url=reverse("mentoring:pairing", args=[checkin.pairing.uuid]),
    )


@subscribe("checkin.overdue")
def flag_overdue(event: Event) -> None:
    checkin = _checkin(event.payload["checkin_id"])
    notify(
        [checkin.pairing.mentor, *_coordinators(checkin.pairing)],
        verb="checkin.overdue",
        title=f"“{checkin.title}” with {_name(checkin.pairing.engagement.candidate)} was not recorded",
        body="It was due more than a day ago. Record it as held, missed or moved.",
        url=reverse("mentoring:pairing", args=[checkin.pairing.uuid]),
    )


@subscribe("accreditation.awarded")
def congratulate(event: Event) -> None:
    mentor = User.objects.get(pk=event.payload["mentor_id"])
    notify(
        [mentor],
        verb="accreditation.awarded",
        title="You are an accredited mentor",
        body="You passed the training and your mentees' ratings show the practice. It is valid for a year.",
        url=reverse("mentoring:training"),
    )


@subscribe("concern.reported")
def alert_staff(event: Event) -> None:
    concern = Concern.objects.get(pk=event.payload["concern_id"])
    notify(
        User.objects.filter(is_staff=True, is_active=True),
        verb="concern.reported",
        title="A safeguarding concern was raised",
        body="Open the safeguarding queue to read it. Its content is not sent by e-mail.",
        url=reverse("mentoring:concerns"),
    )
    notify(
        [concern.reporter],
        verb="concern.received",
        title="Your concern reached Rung's staff",
        body="Only staff read it. You will be told the outcome.",
        url="",
        email=False,
    )


@subscribe("concern.closed")
def tell_the_reporter(event: Event) -> None:
    concern = Concern.objects.select_related("reporter").get(pk=event.payload["concern_id"])
    notify(
        [concern.reporter],
        verb="concern.closed",
        title="The concern you raised has been looked into",
        body=f"{concern.get_status_display()}: {concern.outcome[:400]}",
        url="",
    )
