"""/api/v1/money: the whole money story, and every endpoint tried by people who may not use it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.ledger.models import DepositStatus, Payout, PayoutStatus
from rung.ledger.selectors import check_ledger
from rung.ledger.services import release_milestone
from rung.ledger.tasks import run_payouts_task, send_payout_task
from rung.projects.models import Project, ProjectStatus

from .conftest import start_payout

# Deadlines must lie between today and the planning horizon (two years).
_SOON = timezone.now().date() + timedelta(days=30)

pytestmark = pytest.mark.django_db

PROJECT = {
    "organisation": "acme",
    "title": "Map our delivery routes",
    "summary": "We want to see where our vans go and where they wait. Turn a month of GPS logs into a clear map.",
    "learning_outcomes": ["Work with geospatial data"],
    "skills": ["python"],
    "duration_weeks": 3,
    "estimated_hours": 45,
    "stipend": "1350.00",
    "currency": "EUR",
    "seats": 1,
    "application_deadline": _SOON.isoformat(),
    "start_date": (_SOON + timedelta(days=9)).isoformat(),
    "milestones": [
        {"title": "Cleaned logs", "due_offset_days": 7, "share_percent": 30},
        {"title": "Map and memo", "due_offset_days": 21, "share_percent": 70},
    ],
}


def _json(client, method, path, data=None):
    return getattr(client, method)(path, data or {}, content_type="application/json")


def test_the_whole_money_story_fund_confirm_publish_release_and_pay(api_for, alice, bob, sam, org, settings):
    settings.PAYMENT_PROVIDER = "invoice"
    settings.PAYOUT_PROVIDER = "sandbox"
    owner, staff = api_for(alice), api_for(sam)
    dana = make_user("dana@student.example", "Dana Intern")

    # The owner writes a draft and asks to fund it: a bank transfer, pending until staff match it.
    created = _json(owner, "post", "/api/v1/projects", PROJECT)
    assert created.status_code == 201, created.content
    project_uuid = created.json()["uuid"]
    funded = owner.post(f"/api/v1/projects/{project_uuid}/fund")
    assert funded.status_code == 201
    assert funded.json()["status"] == "pending"
    reference = funded.json()["reference"]
    assert owner.post(f"/api/v1/projects/{project_uuid}/publish").json()["code"] == "unfunded"
    deposits = owner.get("/api/v1/money/orgs/acme/deposits").json()
    assert deposits["count"] == 1
    pending = deposits["items"][0]
    assert (pending["amount_minor"], pending["escrow_minor"], pending["fee_minor"]) == (1485_00, 1350_00, 135_00)
    assert reference in pending["instructions"]
    assert check_ledger() == []

    # Staff find it among the unmatched deposits and confirm it against the bank statement.
    unmatched = staff.get("/api/v1/money/staff/deposits/unmatched").json()
    assert [d["reference"] for d in unmatched["items"]] == [reference]
    confirm = f"/api/v1/money/staff/deposits/{pending['uuid']}/confirm"
    wrong = _json(staff, "post", confirm, {"reference": reference, "amount": "1350.00"})
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["errors"][0]["field"]) == (
        400,
        "amount_mismatch",
        "amount",
    )
    matched = {"reference": reference.lower(), "amount": "1485", "bank_reference": "B1"}
    confirmed = _json(staff, "post", confirm, matched)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert staff.get("/api/v1/money/staff/deposits/unmatched").json()["count"] == 0
    assert check_ledger() == []

    # Now it can be published.
    published = owner.post(f"/api/v1/projects/{project_uuid}/publish")
    assert published.json()["status"] == "published"
    assert Project.objects.get(uuid=project_uuid).status == ProjectStatus.PUBLISHED
    assert check_ledger() == []

    # The first milestone (30 %) is approved; the lifecycle would call this in the same transaction.
    engagement = uuid.uuid4()
    release_milestone(
        project_uuid=project_uuid,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=dana,
        amount_minor=405_00,
        currency="EUR",
        approved_at=timezone.now(),
    )
    assert check_ledger() == []
    earnings = api_for(dana).get("/api/v1/money/earnings").json()
    assert earnings["totals"] == [
        {
            "currency": "EUR",
            "earned_minor": 405_00,
            "owed_minor": 405_00,
            "in_transit_minor": 0,
            "pending_minor": 405_00,
            "paid_minor": 0,
        }
    ]

    # The payout run (cron or task) pays it through the sandbox, which settles at once.
    result = run_payouts_task.enqueue()
    assert (result.return_value["created"], result.return_value["settled"]) == (1, 1)
    assert check_ledger() == []

    earnings = api_for(dana).get("/api/v1/money/earnings").json()
    totals = earnings["totals"][0]
    assert (totals["earned_minor"], totals["pending_minor"], totals["paid_minor"]) == (405_00, 0, 405_00)
    [payout] = earnings["payouts"]
    assert (payout["status"], payout["amount_minor"], payout["late"]) == ("settled", 405_00, False)
    assert payout["business_days_to_settle"] == 0

    statement = owner.get("/api/v1/money/orgs/acme/statement").json()
    assert statement["totals"] == [
        {
            "currency": "EUR",
            "deposited_minor": 1485_00,
            "fees_minor": 135_00,
            "in_escrow_minor": 945_00,
            "released_minor": 405_00,
            "refunded_minor": 0,
            "funding_balance_minor": 0,
        }
    ]
    assert statement["escrow"] == [{"project_uuid": project_uuid, "currency": "EUR", "balance_minor": 945_00}]
    assert {m["kind"] for m in statement["movements"]} == {"deposit", "escrow_funding", "release"}

    platform = staff.get("/api/v1/money/staff/platform").json()
    assert platform["consistent"] is True
    assert platform["problems"] == []
    eur = {b["account_kind"]: b["balance_minor"] for b in platform["balances"] if b["currency"] == "EUR"}
    assert eur == {
        "external_world": -1485_00 + 405_00,
        "employer_funding": 0,
        "escrow": 945_00,
        "platform_fees": 135_00,
        "intern_payable": 0,
        "payouts_in_transit": 0,
    }
    assert staff.get("/api/v1/money/staff/payouts", {"status": "settled"}).json()["count"] == 1

    # A reviewer of the organisation sees its money but cannot confirm deposits.
    assert api_for(bob).get("/api/v1/money/orgs/acme/statement").status_code == 200


def test_staff_settle_and_fail_batch_payouts_through_the_api(api_for, sam, fund, release, project, intern):
    fund(project)
    engagements = [uuid.uuid4(), uuid.uuid4()]
    for engagement in engagements:
        release(project, engagement, 40_00)
        start_payout(engagement, intern)
    staff = api_for(sam)
    listed = staff.get("/api/v1/money/staff/payouts", {"status": "pending"}).json()
    assert listed["count"] == 2
    assert listed["items"][0]["intern_email"] == intern.email
    first, second = Payout.objects.order_by("pk")
    refused = _json(staff, "post", f"/api/v1/money/staff/payouts/{first.uuid}/settle", {"reference": "X"})
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_transition")
    from rung.ledger.payouts import export_payout_batch

    export_payout_batch(staff=sam)
    settled = _json(staff, "post", f"/api/v1/money/staff/payouts/{first.uuid}/settle", {"reference": "BANK-1"})
    assert (settled.json()["status"], settled.json()["provider_reference"]) == ("settled", "BANK-1")
    failed = _json(staff, "post", f"/api/v1/money/staff/payouts/{second.uuid}/fail", {"reason": "Closed account"})
    assert (failed.json()["status"], failed.json()["failure_reason"]) == ("failed", "Closed account")
    missing_reason = _json(staff, "post", f"/api/v1/money/staff/payouts/{second.uuid}/fail", {"reason": ""})
    assert missing_reason.status_code == 422
    late = _json(staff, "post", f"/api/v1/money/staff/payouts/{first.uuid}/delay", {"cause": "employer"})
    assert (late.status_code, late.json()["code"]) == (400, "not_late")
    assert check_ledger() == []


def test_staff_cancel_a_deposit_through_the_api(api_for, sam, invoice, project):
    deposit = invoice(project)
    response = _json(api_for(sam), "post", f"/api/v1/money/staff/deposits/{deposit.uuid}/cancel", {"reason": "Dup"})
    assert (response.status_code, response.json()["status"]) == (200, DepositStatus.CANCELLED)
    again = _json(api_for(sam), "post", f"/api/v1/money/staff/deposits/{deposit.uuid}/cancel", {"reason": "Dup"})
    assert (again.status_code, again.json()["code"]) == (400, "bad_transition")


def test_the_deposit_list_is_paginated_and_costs_the_same_per_page(
    api_for, alice, org, fund, django_assert_max_num_queries
):
    client = api_for(alice)
    fund(uuid.uuid4())
    with django_assert_max_num_queries(15) as one:
        client.get("/api/v1/money/orgs/acme/deposits")
    first = len(one)  # counted at once: the query log is a bounded deque
    for _ in range(6):
        fund(uuid.uuid4())
    with django_assert_max_num_queries(first):
        page = client.get("/api/v1/money/orgs/acme/deposits", {"page": 2, "page_size": 3}).json()
    assert (page["count"], len(page["items"])) == (7, 3)


# --- Outsiders -----------------------------------------------------------------------------


def test_an_outsider_sees_no_organisations_money(api_for, charlie, org, invoice, project):
    deposit = invoice(project)
    client = api_for(charlie)
    for path in (
        "/api/v1/money/orgs/acme/statement",
        "/api/v1/money/orgs/acme/deposits",
        f"/api/v1/money/orgs/acme/deposits/{deposit.uuid}",
    ):
        response = client.get(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path


def test_a_candidate_sees_only_their_own_earnings(api_for, charlie, fund, release, project, engagement, sam):
    fund(project)
    release(project, engagement, 60_00)  # owed to charlie, the intern fixture
    other = make_user("erin@student.example", "Erin Intern")
    assert api_for(other).get("/api/v1/money/earnings").json() == {"totals": [], "payouts": []}
    assert api_for(charlie).get("/api/v1/money/earnings").json()["totals"][0]["owed_minor"] == 60_00


STAFF_ENDPOINTS = [
    ("get", "/api/v1/money/staff/platform", None),
    ("get", "/api/v1/money/staff/deposits/unmatched", None),
    ("post", "/api/v1/money/staff/deposits/{deposit}/confirm", {"reference": "{reference}", "amount": "220.00"}),
    ("post", "/api/v1/money/staff/deposits/{deposit}/cancel", {"reason": "x"}),
    ("get", "/api/v1/money/staff/payouts", None),
    ("post", "/api/v1/money/staff/payouts/{payout}/settle", {"reference": "x"}),
    ("post", "/api/v1/money/staff/payouts/{payout}/fail", {"reason": "x"}),
    ("post", "/api/v1/money/staff/payouts/{payout}/delay", {"cause": "employer"}),
]


@pytest.mark.parametrize(("method", "path", "body"), STAFF_ENDPOINTS)
def test_only_staff_use_the_staff_endpoints(
    api_for, alice, bob, charlie, org, invoice, fund, release, intern, method, path, body
):
    project = uuid.uuid4()
    deposit = invoice(project)
    fund(project)
    engagement = uuid.uuid4()
    release(project, engagement, 50_00)
    payout = start_payout(engagement, intern)
    url = path.format(deposit=deposit.uuid, payout=payout.uuid)
    data = {k: v.format(reference=deposit.reference) for k, v in (body or {}).items()}
    for person in (alice, bob, charlie):  # the owner, a reviewer (who cannot confirm deposits), an outsider
        response = _json(api_for(person), method, url, data) if method == "post" else api_for(person).get(url)
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied"), person
    deposit.refresh_from_db()
    payout.refresh_from_db()
    assert (deposit.status, payout.status) == (DepositStatus.PENDING, PayoutStatus.PENDING)


def test_the_api_needs_a_token_or_a_session(client):
    assert client.get("/api/v1/money/earnings").status_code == 401


def test_send_payout_task_sends_a_pending_sandbox_payout_once(fund, release, project, engagement, intern):
    fund(project)
    release(project, engagement, 60_00)
    payout = start_payout(engagement, intern, provider="sandbox")
    assert send_payout_task.enqueue(payout.pk).return_value == "settled"
    assert send_payout_task.enqueue(payout.pk).return_value == "settled"
    assert send_payout_task.enqueue(10**9).return_value == "missing"
    assert Payout.objects.get().status == PayoutStatus.SETTLED
    assert check_ledger() == []


def test_send_payout_task_leaves_batch_export_payouts_for_staff(fund, release, project, engagement, intern):
    fund(project)
    release(project, engagement, 60_00)
    payout = start_payout(engagement, intern)
    assert send_payout_task.enqueue(payout.pk).return_value == "pending"
