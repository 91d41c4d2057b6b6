from datetime import timedelta

import pytest

from rung.engagements.models import ContractStatus, EngagementStatus, Signature
from rung.engagements.tests.conftest import milestones
from rung.ledger.selectors import check_ledger

pytestmark = pytest.mark.django_db
BASE = "/api/v1/engagements"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_whole_contract_through_the_api(api_for, engagement, alice, candidate):
    me, employer = api_for(candidate), api_for(alice)
    listed = me.get(BASE).json()
    assert listed["count"] == 1
    assert listed["items"][0]["status"] == EngagementStatus.AWAITING_SIGNATURES
    detail = me.get(f"{BASE}/{engagement.uuid}").json()
    assert [m["amount_minor"] for m in detail["milestones"]] == [360_00, 540_00]
    assert detail["contract_in_force"] is None
    contract = me.get(f"{BASE}/{engagement.uuid}/contracts").json()[0]
    assert contract["hash_verified"] is True
    assert "MICRO-INTERNSHIP AGREEMENT" in contract["text"]
    sign_url = f"{BASE}/{engagement.uuid}/contracts/{contract['uuid']}/sign"

    refused = _post(me, sign_url, {"typed_name": "Nobody", "consent": True})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "typed_name"
    no_consent = _post(me, sign_url, {"typed_name": "Nia Candidate"})
    assert no_consent.json()["errors"][0]["field"] == "consent"

    signed = _post(
        me, sign_url, {"typed_name": "nia candidate", "consent": True, "text_sha256": contract["text_sha256"]}
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["signatures"][0]["role"] == "candidate"
    assert _post(me, sign_url, {"typed_name": "Nia Candidate", "consent": True}).json()["code"] == "already_signed"
    both = _post(employer, sign_url, {"typed_name": "Alice Owner", "consent": True}).json()
    assert both["status"] == ContractStatus.SIGNED
    detail = me.get(f"{BASE}/{engagement.uuid}").json()
    assert detail["status"] == EngagementStatus.ACTIVE
    assert detail["contract_in_force"] == contract["uuid"]


def test_amendments_through_the_api(api_for, active, alice, candidate):
    second = milestones(active)[1]
    proposed = _post(
        api_for(alice),
        f"{BASE}/{active.uuid}/amendments",
        {
            "change_summary": "One more week for the charts.",
            "milestone_dates": {str(second.uuid): (second.due_date + timedelta(days=7)).isoformat()},
        },
    )
    assert proposed.status_code == 201, proposed.content
    amendment = proposed.json()
    assert amendment["version"] == 2
    assert api_for(candidate).get(f"{BASE}/{active.uuid}").json()["pending_amendment"] == amendment["uuid"]
    withdrawn = _post(api_for(candidate), f"{BASE}/{active.uuid}/contracts/{amendment['uuid']}/withdraw")
    assert withdrawn.json()["status"] == ContractStatus.WITHDRAWN
    nothing = _post(api_for(alice), f"{BASE}/{active.uuid}/amendments", {"change_summary": "Nothing really."})
    assert nothing.status_code == 400
    assert nothing.json()["code"] == "no_change"


def test_cancelling_through_the_api_shows_the_cost_first(api_for, started, alice):
    client = api_for(alice)
    quote = client.get(f"{BASE}/{started.uuid}/cancellation").json()
    assert (quote["kill_fee_minor"], quote["refund_minor"]) == (225_00, 675_00)
    assert _post(client, f"{BASE}/{started.uuid}/cancel", {"reason": ""}).status_code == 400
    cancelled = _post(client, f"{BASE}/{started.uuid}/cancel", {"reason": "Budget cut."})
    assert cancelled.json()["status"] == EngagementStatus.CANCELLED
    again = _post(client, f"{BASE}/{started.uuid}/cancel", {"reason": "Budget cut."})
    assert again.json()["code"] == "already_cancelled"
    assert check_ledger() == []


def test_a_reviewer_can_read_but_not_act(api_for, engagement, bob):
    client = api_for(bob)
    assert client.get(f"{BASE}/{engagement.uuid}").status_code == 200
    contract = engagement.contracts.get()
    sign = _post(
        client,
        f"{BASE}/{engagement.uuid}/contracts/{contract.uuid}/sign",
        {"typed_name": "Bob Reviewer", "consent": True},
    )
    assert sign.status_code == 403
    assert _post(client, f"{BASE}/{engagement.uuid}/cancel", {"reason": "No."}).status_code == 403
    assert client.get(f"{BASE}/{engagement.uuid}/cancellation").status_code == 403


def test_outsiders_get_404_from_every_endpoint(api_for, engagement, charlie):
    client = api_for(charlie)
    contract = engagement.contracts.get()
    assert client.get(BASE).json()["count"] == 0
    for url in (
        f"{BASE}/{engagement.uuid}",
        f"{BASE}/{engagement.uuid}/contracts",
        f"{BASE}/{engagement.uuid}/contracts/{contract.uuid}",
        f"{BASE}/{engagement.uuid}/cancellation",
    ):
        assert client.get(url).status_code == 404, url
    for url, payload in (
        (
            f"{BASE}/{engagement.uuid}/contracts/{contract.uuid}/sign",
            {"typed_name": "Charlie Outsider", "consent": True},
        ),
        (f"{BASE}/{engagement.uuid}/contracts/{contract.uuid}/withdraw", {}),
        (f"{BASE}/{engagement.uuid}/amendments", {"change_summary": "Mine now.", "stipend_minor": 1}),
        (f"{BASE}/{engagement.uuid}/cancel", {"reason": "Mine now."}),
    ):
        response = _post(client, url, payload)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert not Signature.objects.exists()
