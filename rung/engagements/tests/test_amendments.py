from datetime import timedelta

import pytest

from rung.engagements import services
from rung.engagements.models import ContractStatus, SignatureRole
from rung.engagements.tests.conftest import milestones, sign_both, submit_and_approve
from rung.ledger.providers import SandboxProvider
from rung.ledger.selectors import check_ledger, escrow_balance
from rung.ledger.services import request_deposit
from rung.lib.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _propose(engagement, actor, **changes):
    return services.propose_amendment(engagement, actor=actor, change_summary="Charts need another week.", **changes)


def test_the_old_terms_rule_until_both_sign(active, alice, candidate, published):
    first, second = milestones(active)
    later = second.due_date + timedelta(days=7)
    amendment = _propose(active, candidate, milestone_dates={str(second.uuid): later}, stipend_minor=850_00)
    assert amendment.version == 2
    assert amendment.status == ContractStatus.AWAITING_SIGNATURES
    text = " ".join(amendment.text.split())
    assert "replacing version 1" in text
    assert "The total stipend is EUR 850.00" in text
    services.sign_contract(amendment, signer=alice, role=SignatureRole.EMPLOYER, typed_name="Alice Owner", consent=True)
    active.refresh_from_db()
    second.refresh_from_db()
    # One signature is not enough: nothing has changed yet.
    assert active.stipend_minor == 900_00
    assert second.due_date != later
    assert active.contracts.get(version=1).status == ContractStatus.SIGNED

    services.sign_contract(
        amendment, signer=candidate, role=SignatureRole.CANDIDATE, typed_name="Nia Candidate", consent=True
    )
    active.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert active.stipend_minor == 850_00
    assert (first.amount_minor, second.amount_minor) == (340_00, 510_00)
    assert second.due_date == later
    assert active.end_date == later
    assert active.contracts.get(version=1).status == ContractStatus.SUPERSEDED
    assert active.contracts.get(version=2).status == ContractStatus.SIGNED
    in_force = services.contract_in_force(active)
    assert in_force is not None
    assert in_force.version == 2
    # The 50.00 no longer owed for this seat goes back to the employer; the other seat stays funded.
    assert escrow_balance(project_uuid=published.uuid, currency="EUR") == 900_00 + 850_00
    assert check_ledger() == []


def test_approving_under_a_pending_amendment_pays_the_old_amount_and_makes_it_stale(active, alice, bob, candidate):
    first, _ = milestones(active)
    amendment = _propose(active, candidate, stipend_minor=850_00)
    submit_and_approve(first, candidate=candidate, reviewer=bob)
    first.refresh_from_db()
    assert first.amount_minor == 360_00
    with pytest.raises(services.EngagementError) as refused:
        sign_both(active, employer=alice, candidate=candidate, contract=amendment)
    assert refused.value.code == "amendment_stale"
    assert check_ledger() == []


def test_a_new_stipend_keeps_approved_milestones_and_splits_the_rest(active, alice, bob, candidate):
    first, second = milestones(active)
    submit_and_approve(first, candidate=candidate, reviewer=bob)
    amendment = _propose(active, alice, stipend_minor=800_00)
    assert "Already approved and paid; unchanged." in " ".join(amendment.text.split())
    sign_both(active, employer=alice, candidate=candidate, contract=amendment)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.amount_minor, second.amount_minor) == (360_00, 440_00)
    assert check_ledger() == []


def test_a_rise_must_already_be_in_escrow(active, alice, candidate, org, published):
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, alice, stipend_minor=1000_00)
    assert refused.value.code == "unfunded"
    request_deposit(
        organisation=org,
        project_uuid=published.uuid,
        stipend_minor=100_00,
        seats=1,
        currency="EUR",
        actor=alice,
        provider=SandboxProvider(),
    )
    amendment = _propose(active, alice, stipend_minor=1000_00)
    sign_both(active, employer=alice, candidate=candidate, contract=amendment)
    active.refresh_from_db()
    assert active.stipend_minor == 1000_00
    assert sum(m.amount_minor for m in milestones(active)) == 1000_00
    assert check_ledger() == []


def test_a_stipend_below_the_fair_pay_floor_is_refused(active, alice):
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, alice, stipend_minor=100_00)
    assert refused.value.code == "below_floor"


def test_amendment_refusals(engagement, active, alice, bob, candidate, charlie):
    first, _ = milestones(active)
    with pytest.raises(services.EngagementError) as refused:
        services.propose_amendment(active, actor=alice, change_summary="  ", stipend_minor=850_00)
    assert refused.value.field == "change_summary"
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, alice, stipend_minor=900_00)
    assert refused.value.code == "no_change"
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, alice, milestone_dates={str(first.uuid): active.start_date - timedelta(days=1)})
    assert refused.value.field == "milestone_dates"
    for outsider in (bob, charlie):
        with pytest.raises(PermissionDenied):
            _propose(active, outsider, stipend_minor=850_00)
    _propose(active, alice, scope="A narrower scope: only clean the data and chart the three main questions.")
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, candidate, stipend_minor=850_00)
    assert refused.value.code == "amendment_pending"


def test_an_approved_milestone_keeps_its_date(active, bob, candidate, alice):
    first, _ = milestones(active)
    submit_and_approve(first, candidate=candidate, reviewer=bob)
    with pytest.raises(services.EngagementError) as refused:
        _propose(active, alice, milestone_dates={str(first.uuid): first.due_date + timedelta(days=2)})
    assert refused.value.field == "milestone_dates"


def test_no_amendment_before_the_contract_is_signed(engagement, alice):
    with pytest.raises(services.EngagementError) as refused:
        _propose(engagement, alice, stipend_minor=850_00)
    assert refused.value.code == "not_active"


@pytest.mark.parametrize("who", ["alice", "candidate"])
def test_either_side_may_withdraw_an_unsigned_amendment(request, active, alice, candidate, who):
    amendment = _propose(active, alice, stipend_minor=850_00)
    services.sign_contract(amendment, signer=alice, role=SignatureRole.EMPLOYER, typed_name="Alice Owner", consent=True)
    withdrawn = services.withdraw_amendment(amendment, actor=request.getfixturevalue(who))
    assert withdrawn.status == ContractStatus.WITHDRAWN
    with pytest.raises(services.EngagementError) as refused:
        services.sign_contract(
            amendment, signer=candidate, role=SignatureRole.CANDIDATE, typed_name="Nia Candidate", consent=True
        )
    assert refused.value.code == "not_signable"
    active.refresh_from_db()
    assert active.stipend_minor == 900_00
    # A new one can follow, numbered after the withdrawn one.
    assert _propose(active, candidate, stipend_minor=880_00).version == 3


def test_withdrawal_refusals(active, alice, bob, candidate):
    with pytest.raises(services.EngagementError) as refused:
        services.withdraw_amendment(active.contracts.get(version=1), actor=alice)
    assert refused.value.code == "not_amendment"
    amendment = _propose(active, alice, stipend_minor=850_00)
    with pytest.raises(PermissionDenied):
        services.withdraw_amendment(amendment, actor=bob)
    sign_both(active, employer=alice, candidate=candidate, contract=amendment)
    with pytest.raises(services.EngagementError) as refused:
        services.withdraw_amendment(amendment, actor=alice)
    assert refused.value.code == "not_pending"
