"""Seats under real concurrency: many candidates accept offers at the same instant (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from rung.applications import services
from rung.applications.models import ApplicationStatus
from rung.engagements.services import accept_offer
from rung.lib.errors import DomainError

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RACERS = 30


def test_simultaneous_acceptances_never_exceed_the_seats(published, reviewer_membership):
    if connection.vendor != "postgresql":
        pytest.skip("races need PostgreSQL's row locks and real concurrent connections")
    from conftest import make_user

    offers = []
    for i in range(RACERS):
        person = make_user(f"racer{i}@student.example", f"Racer {i}")
        application = services.apply(published, candidate=person, answers=["Yes."])
        services.shortlist(application, membership=reviewer_membership)
        offers.append((services.make_offer(application, membership=reviewer_membership), person))

    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(application, person) -> None:
        try:
            barrier.wait()
            accept_offer(application, candidate=person)
            result = "accepted"
        except DomainError as exc:
            result = exc.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race, args=offer) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert published.applications.filter(status=ApplicationStatus.ACCEPTED).count() == published.seats
    assert outcomes.count("accepted") == published.seats
    assert outcomes.count("full") == RACERS - published.seats
