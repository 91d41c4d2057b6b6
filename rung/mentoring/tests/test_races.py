"""Capacity holds under concurrency (PostgreSQL, real threads): two coordinators pairing or
publishing at once never put a mentor over the number of mentees they offered."""

import pytest

from rung.engagements.tests.test_races import _race
from rung.mentoring import services
from rung.mentoring.models import Pairing
from rung.mentoring.tests.conftest import make_mentor
from rung.orgs.models import Membership, Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_coordinators_pairing_the_last_seat_at_once_fill_it_once(org, interns, alice):
    solo = make_mentor(org, "solo@acme.example", "Solo", capacity=1)
    manager = make_mentor(org, "mo@acme.example", "Mo Manager", accredited=False)
    Membership.objects.filter(user=manager).update(role=Role.MANAGER)
    outcomes = _race(
        lambda: services.pair_by_hand(interns[0], mentor=solo, actor=alice),
        lambda: services.pair_by_hand(interns[1], mentor=solo, actor=manager),
    )
    assert outcomes == ["capacity", "ok"]
    assert Pairing.objects.filter(mentor=solo).count() == 1


def test_two_coordinators_publishing_one_proposal_at_once_publish_it_once(org, interns, alice):
    make_mentor(org, "two@acme.example", "Two", capacity=2)
    manager = make_mentor(org, "mo@acme.example", "Mo Manager", accredited=False)
    Membership.objects.filter(user=manager).update(role=Role.MANAGER)
    run = services.propose_matching(org, actor=alice)
    outcomes = _race(
        lambda: services.publish_matching(run, actor=alice),
        lambda: services.publish_matching(run, actor=manager),
    )
    assert outcomes == ["conflict", "ok"]
    assert Pairing.objects.count() == 2
