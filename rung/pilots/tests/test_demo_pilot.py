"""The demo pilot: built through the real services, its dashboard shows the case's conversion."""

import pytest

from rung.demo.generator import build_demo
from rung.pilots import selectors
from rung.pilots.models import Pilot


@pytest.mark.django_db
def test_the_demo_pilot_converts_about_42_percent_computed_from_data(settings, django_capture_on_commit_callbacks):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    pilot = Pilot.objects.get(name="Junior analyst pilot")
    board = selectors.pilot_dashboard(pilot)
    completed, hired = board.stage("completed"), board.stage("hired")
    assert completed.count == 12
    assert hired.count == 5
    assert round(100 * hired.count / completed.count) == 42
    assert board.stage("interviewed").count == 7
    assert board.satisfaction.nps_answers == 12
    (gbp,) = board.cost
    assert gbp.stipends_minor == 12 * 100000
    with_mentor, without = board.mentoring
    assert with_mentor.started == 8
    assert without.started == 4
