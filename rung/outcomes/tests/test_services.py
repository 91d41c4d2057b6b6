from datetime import UTC, date, datetime, timedelta

import pytest

from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.notifications.models import Notification
from rung.outcomes import services
from rung.outcomes.models import CandidateResponse, Outcome, OutcomeEvent, OutcomeSource, OutcomeStage
from rung.outcomes.services import OutcomeInput

pytestmark = pytest.mark.django_db

HIRE = OutcomeInput(
    stage="hired", role_title="Junior analyst", employment_type="full_time", start_date=date(2027, 1, 4)
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # Start dates are checked against today's horizon; keep 2027 within it.
    monkeypatch.setattr(services.timezone, "now", lambda: datetime(2026, 12, 1, 12, tzinfo=UTC))


def test_it_records_an_invitation_and_asks_the_candidate(org, alice, make_intern, django_capture_on_commit_callbacks):
    person, engagement = make_intern()
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = services.record_outcome(org, candidate=person, actor=alice, data=OutcomeInput(stage="invited"))
    assert outcome.engagement == engagement
    assert outcome.invited_at is not None
    assert outcome.interviewed_at is None
    assert outcome.candidate_response == CandidateResponse.PENDING
    assert list(OutcomeEvent.objects.filter(outcome=outcome).values_list("to_status", flat=True)) == ["invited"]
    assert AuditEvent.objects.filter(verb="outcome.recorded", object_id=str(outcome.uuid)).exists()
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=person, verb="outcome.recorded").exists()


def test_a_hire_reported_first_marks_every_earlier_stage(org, alice, make_intern):
    person, _ = make_intern()
    outcome = services.record_outcome(org, candidate=person, actor=alice, data=HIRE)
    assert outcome.invited_at
    assert outcome.interviewed_at
    assert outcome.offered_at
    assert outcome.hired_at


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (OutcomeInput(stage="hired", role_title="Analyst", employment_type="full_time"), "start_date"),
        (OutcomeInput(stage="hired", employment_type="full_time", start_date=date(2027, 1, 4)), "role_title"),
        (OutcomeInput(stage="hired", role_title="Analyst", start_date=date(2027, 1, 4)), "employment_type"),
        (OutcomeInput(stage="promoted"), "stage"),
        (OutcomeInput(stage="invited", employment_type="gig"), "employment_type"),
        (
            OutcomeInput(stage="hired", role_title="A", employment_type="full_time", start_date=date(2099, 1, 1)),
            "start_date",
        ),
    ],
)
def test_it_refuses_incomplete_or_unknown_outcomes(org, alice, make_intern, data, field):
    person, _ = make_intern()
    with pytest.raises(DomainError) as refused:
        services.record_outcome(org, candidate=person, actor=alice, data=data)
    assert refused.value.field == field
    assert not Outcome.objects.exists()


def test_it_refuses_someone_who_never_worked_for_the_employer(org, alice, charlie, make_intern):
    with pytest.raises(DomainError, match="only for people who have worked"):
        services.record_outcome(org, candidate=charlie, actor=alice, data=OutcomeInput(stage="invited"))
    assert not Outcome.objects.exists()


def test_outsiders_and_viewers_cannot_record(org, charlie, make_intern):
    from conftest import make_user
    from rung.orgs.models import Membership, Role

    person, _ = make_intern()
    with pytest.raises(NotFound):
        services.record_outcome(org, candidate=person, actor=charlie, data=OutcomeInput(stage="invited"))
    viewer = make_user("vera@acme.example", "Vera Viewer")
    Membership.objects.create(organisation=org, user=viewer, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.record_outcome(org, candidate=person, actor=viewer, data=OutcomeInput(stage="invited"))
    assert not Outcome.objects.exists()


def test_it_moves_only_forward_and_asks_again(org, alice, make_intern):
    person, _ = make_intern()
    outcome = services.record_outcome(org, candidate=person, actor=alice, data=OutcomeInput(stage="interviewed"))
    services.respond_to_outcome(outcome, candidate=person, confirm=True)
    outcome = services.advance_outcome(outcome, actor=alice, data=OutcomeInput(stage="offered"))
    assert outcome.candidate_response == CandidateResponse.PENDING
    with pytest.raises(DomainError, match="cannot become"):
        services.advance_outcome(outcome, actor=alice, data=OutcomeInput(stage="invited"))
    with pytest.raises(DomainError, match="cannot become"):
        services.advance_outcome(outcome, actor=alice, data=OutcomeInput(stage="not_selected"))
    outcome = services.advance_outcome(outcome, actor=alice, data=HIRE)
    assert outcome.stage == OutcomeStage.HIRED
    assert outcome.start_date == date(2027, 1, 4)
    with pytest.raises(DomainError, match="cannot become"):
        services.advance_outcome(outcome, actor=alice, data=OutcomeInput(stage="declined"))
    assert list(outcome.history.values_list("to_status", flat=True)) == ["interviewed", "offered", "hired"]


def test_a_pushed_reference_is_idempotent_and_advances(org, alice, make_intern):
    person, _ = make_intern()
    first = services.record_outcome(
        org,
        candidate=person,
        actor=alice,
        data=OutcomeInput(stage="invited"),
        source=OutcomeSource.API,
        external_ref="ats-1",
    )
    again = services.record_outcome(
        org, candidate=person, actor=alice, data=OutcomeInput(stage="invited"), external_ref="ats-1"
    )
    assert again.pk == first.pk
    assert Outcome.objects.count() == 1
    moved = services.record_outcome(
        org, candidate=person, actor=alice, data=OutcomeInput(stage="interviewed"), external_ref="ats-1"
    )
    assert moved.pk == first.pk
    assert moved.stage == "interviewed"
    other, _ = make_intern()
    with pytest.raises(DomainError, match="another candidate"):
        services.record_outcome(
            org, candidate=other, actor=alice, data=OutcomeInput(stage="invited"), external_ref="ats-1"
        )


def test_the_candidate_confirms_or_disputes_with_a_reason(org, alice, make_intern, charlie):
    person, _ = make_intern()
    outcome = services.record_outcome(org, candidate=person, actor=alice, data=OutcomeInput(stage="invited"))
    with pytest.raises(NotFound):
        services.respond_to_outcome(outcome, candidate=charlie, confirm=True)
    with pytest.raises(DomainError, match="say what is wrong"):
        services.respond_to_outcome(outcome, candidate=person, confirm=False, note="  ")
    outcome = services.respond_to_outcome(outcome, candidate=person, confirm=False, note="I was never invited.")
    assert outcome.candidate_response == CandidateResponse.DISPUTED
    assert outcome.candidate_note == "I was never invited."


def test_add_months_clamps_to_the_end_of_the_month():
    assert services.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert services.add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert services.add_months(date(2026, 11, 30), -3) == date(2026, 8, 30)
    assert services.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert services.add_months(date(2026, 6, 1), 0) == date(2026, 6, 1)
    assert date(2026, 8, 31) + timedelta(days=0) == date(2026, 8, 31)
