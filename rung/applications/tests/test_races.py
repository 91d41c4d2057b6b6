"""Seats under real concurrency: many candidates accept offers at the same instant (PostgreSQL)."""

import pytest

from rung.applications import services
from rung.applications.models import ApplicationStatus
from rung.engagements.services import accept_offer
from tests.support import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RACERS = 30


def test_simultaneous_acceptances_never_exceed_the_seats(published, reviewer_membership):
    from conftest import make_user

    offers = []
    for i in range(RACERS):
        person = make_user(f"racer{i}@student.example", f"Racer {i}")
        application = services.apply(published, candidate=person, answers=["Yes."])
        services.shortlist(application, membership=reviewer_membership)
        offers.append((services.make_offer(application, membership=reviewer_membership), person))

    outcomes = race(
        *[
            lambda application=application, person=person: accept_offer(application, candidate=person)
            for application, person in offers
        ],
        outcome=lambda _: "accepted",
    )

    assert published.applications.filter(status=ApplicationStatus.ACCEPTED).count() == published.seats
    assert outcomes.count("accepted") == published.seats
    assert outcomes.count("full") == RACERS - published.seats
