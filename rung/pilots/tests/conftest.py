"""The pilot fixture every dashboard test reads: 16 candidates on one funded project, each stopping at
a known stage (see `people`)."""

from datetime import timedelta

import pytest

from rung.pilots import selectors
from rung.pilots.models import Pilot
from rung.pilots.tests.fill import Person, _t0, fill, fund, make_project

W, M, NB = {"gender": "woman"}, {"gender": "man"}, {"gender": "non_binary"}


def people() -> list[Person]:
    return [
        Person("applied", diversity=W),
        Person("applied", diversity=M),
        Person("applied", diversity=M),
        Person("applied", rejected=True, decided_after_days=1, diversity=M),
        Person("shortlisted", diversity=W),
        Person("shortlisted", diversity=NB),
        Person("offered", diversity=M),
        Person("started", mentor=True, kill_fee_minor=15000, diversity=W),
        Person("completed", rounds=1, level=2, recommend=5, decided_after_days=3, diversity=M),
        Person("completed", rounds=1, level=2, recommend=9, decided_after_days=3, diversity=W),
        Person("completed", rounds=1, level=2, recommend=10, decided_after_days=3, diversity=M),
        Person("interviewed", mentor=True, recommend=8, paid_after_days=2, diversity=W),
        Person("role_offered", recommend=9, paid_after_days=5, diversity=NB),
        Person("hired", mentor=True, level=4, recommend=10, paid_after_days=0.5, diversity=W),
        Person("hired", mentor=True, level=4, recommend=10, paid_after_days=0.5, diversity=M),
        Person("hired", rounds=2, hire_months_after_end=8, paid_after_days=None, decided_after_days=10, diversity=M),
    ]


@pytest.fixture
def pilot(org, alice) -> Pilot:
    project = make_project(org, "Data clean-up")
    fund(project, fee_minor=48000)
    fill(project, people(), mentor=alice)
    pilot = Pilot.objects.create(
        organisation=org,
        name="Spring pilot",
        starts_on=_t0().date(),
        ends_on=_t0().date() + timedelta(days=90),
        target_interview_percent=50,
        target_hired_percent=30,
        target_nps=40,
        target_payment_days=3,
    )
    pilot.projects.add(project)
    return pilot


@pytest.fixture
def board(pilot) -> selectors.Dashboard:
    return selectors.pilot_dashboard(pilot)
