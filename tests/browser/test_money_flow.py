"""An employer funds a draft by bank transfer, staff match the transfer, the employer publishes; the intern is paid."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rung.accounts.models import User
from rung.ledger.models import Deposit, DepositStatus, PayoutStatus
from rung.ledger.payouts import run_payouts
from rung.ledger.providers import SandboxProvider
from rung.ledger.selectors import check_ledger
from rung.ledger.services import release_milestone, request_deposit
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects import services as projects
from rung.projects.models import ProjectStatus
from tests.browser.support import PASSWORD, check_page_structure, log_in, screenshot

pytestmark = pytest.mark.browser


def _person(email: str, full_name: str, *, staff: bool = False) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=full_name, is_staff=staff, email_verified_at=timezone.now()
    )


def _draft(org: Organisation, owner: Membership) -> projects.Project:
    today = timezone.now().date()
    return projects.create_project(
        org,
        membership=owner,
        data=projects.ProjectInput(
            title="Chart our volunteer survey",
            summary="We surveyed 2,000 volunteers. Help us clean the data and chart what they told us.",
            learning_outcomes=["Clean real survey data"],
            duration_weeks=2,
            estimated_hours=30,
            stipend="900.00",
            currency="EUR",
            seats=2,
            application_deadline=today + timedelta(days=10),
            start_date=today + timedelta(days=20),
            milestones=[
                projects.MilestoneInput("Cleaned dataset", 5, 40),
                projects.MilestoneInput("Charts and memo", 14, 60),
            ],
        ),
    )


def test_an_employer_funds_by_bank_transfer_staff_confirm_it_and_the_intern_is_paid(
    new_page, settings, screenshot_dir: Path
):
    settings.PAYMENT_PROVIDER = "invoice"
    alice = _person("alice@acme.example", "Alice Owner")
    _person("sam@rung.example", "Sam Staff", staff=True)
    dana = _person("dana@student.example", "Dana Intern")
    org = Organisation.objects.create(
        name="Acme Analytics",
        slug="acme",
        kind=OrgKind.EMPLOYER,
        email_domain="acme.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    draft = _draft(org, Membership.objects.create(organisation=org, user=alice, role=Role.OWNER))
    employer: Page = new_page()
    staff: Page = new_page()

    # The employer funds the draft: a bank transfer, so the deposit waits for the money.
    log_in(employer, "alice@acme.example")
    employer.goto(f"/projects/{draft.uuid}/")
    employer.get_by_role("button", name="Fund 2 seats").click()
    expect(employer.get_by_role("status")).to_contain_text("Deposit requested")
    deposit = Deposit.objects.get()
    assert (deposit.status, deposit.amount_minor) == (DepositStatus.PENDING, 1980_00)

    employer.goto("/money/org/acme/")
    expect(employer.get_by_role("heading", level=1)).to_have_text("Money")
    waiting = employer.get_by_role("region", name="Waiting for your bank transfer")
    expect(waiting).to_contain_text("EUR 1,980.00 for 2 seats in escrow plus the 10.00% platform fee")
    expect(waiting.locator(".money-reference")).to_have_text(deposit.reference)
    expect(waiting).to_contain_text(f"Transfer EUR 1,980.00 quoting the reference {deposit.reference}")
    expect(employer.get_by_role("region", name="Deposits")).to_contain_text("Awaiting payment")
    check_page_structure(employer)
    screenshot(employer, screenshot_dir, "money-employer-pending.png")

    # Publishing is refused until the money is in.
    employer.goto(f"/projects/{draft.uuid}/")
    employer.get_by_role("button", name="Publish").click()
    expect(employer.get_by_role("status")).to_contain_text("Fund the project first")

    # Staff match the transfer on their deposits page: the reference and the amount must agree.
    log_in(staff, "sam@rung.example")
    staff.goto("/money/staff/")
    expect(staff.get_by_role("main")).to_contain_text("1 deposit waiting for a bank transfer")
    check_page_structure(staff)
    staff.get_by_role("link", name="deposits to match").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Deposits to match")
    check_page_structure(staff)
    card = staff.get_by_role("region", name=re.compile(deposit.reference))
    expect(card).to_contain_text("EUR 1,980.00 from Acme Analytics")
    card.get_by_label("Reference on the transfer").fill(deposit.reference.lower())
    card.get_by_label("Amount received (EUR)").fill("1980.00")
    card.get_by_label("Bank's transaction reference (optional)").fill("BANK-2025-0042")
    screenshot(staff, screenshot_dir, "money-staff-deposits.png")
    card.get_by_role("button", name=f"Confirm {deposit.reference}").click()
    expect(staff.get_by_role("status")).to_contain_text(f"Deposit {deposit.reference} from Acme Analytics confirmed")
    expect(staff.get_by_role("main")).to_contain_text("No deposit is waiting for a transfer.")

    # The employer publishes.
    employer.goto(f"/projects/{draft.uuid}/")
    employer.get_by_role("button", name="Publish").click()
    expect(employer.get_by_role("status")).to_contain_text("Published")
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.PUBLISHED

    # A milestone is approved (the lifecycle calls this service) and the payout run pays it.
    release_milestone(
        project_uuid=draft.uuid,
        engagement_uuid=uuid.uuid4(),
        milestone_uuid=uuid.uuid4(),
        intern=dana,
        amount_minor=360_00,
        currency="EUR",
        approved_at=timezone.now(),
        actor=alice,
    )
    run = run_payouts(provider_name="sandbox")
    assert (run.created, run.settled) == (1, 1)
    assert check_ledger() == []

    # The employer sees the deposit received, the release, and a receipt.
    employer.goto("/money/org/acme/")
    expect(employer.get_by_role("region", name="Waiting for your bank transfer")).to_have_count(0)
    expect(employer.get_by_role("region", name="Deposits")).to_contain_text("Received")
    movements = employer.get_by_role("region", name="Releases, fees, refunds and kill fees")
    expect(movements).to_contain_text("Released to an intern (milestone approved)")
    expect(movements).to_contain_text("EUR 360.00")
    expect(employer.get_by_role("region", name="Escrow by project")).to_contain_text("EUR 1,440.00")
    check_page_structure(employer)
    screenshot(employer, screenshot_dir, "money-employer.png")
    employer.get_by_role("link", name=f"Receipt for {deposit.reference}", exact=True).click()
    expect(employer.get_by_role("heading", level=1)).to_have_text(f"Receipt for deposit {deposit.reference}")
    expect(employer.get_by_role("main")).to_contain_text("BANK-2025-0042")
    check_page_structure(employer)
    screenshot(employer, screenshot_dir, "money-receipt.png")
    with employer.expect_download() as download:
        employer.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"rung-receipt-{deposit.reference}.pdf"

    # The intern sees what was earned and the payout that arrived.
    intern = new_page()
    log_in(intern, "dana@student.example")
    intern.goto("/money/earnings/")
    expect(intern.get_by_role("heading", level=1)).to_have_text("My earnings")
    totals = intern.get_by_role("region", name="Totals")
    expect(totals).to_contain_text("EarnedEUR 360.00")
    expect(totals).to_contain_text("PaidEUR 360.00")
    payouts = intern.get_by_role("region", name="Payouts")
    expect(payouts).to_contain_text("Paid")
    expect(payouts).to_contain_text("0 business days after approval")
    check_page_structure(intern)
    screenshot(intern, screenshot_dir, "money-earnings.png")
    with intern.expect_download() as download:
        intern.get_by_role("link", name="Download statement (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert dana.payouts.get().status == PayoutStatus.SETTLED

    # Staff see the platform balanced.
    staff.goto("/money/staff/")
    expect(staff.get_by_role("main")).to_contain_text("The ledger is consistent")
    screenshot(staff, screenshot_dir, "money-staff-overview.png")
    staff.goto("/money/staff/payouts/")
    check_page_structure(staff)
    screenshot(staff, screenshot_dir, "money-staff-payouts.png")


def test_staff_export_a_batch_then_mark_one_payout_paid_and_another_failed(new_page, settings, screenshot_dir: Path):
    settings.PAYOUT_PROVIDER = "batch_export"
    owner = _person("alice@acme.example", "Alice Owner")
    _person("sam@rung.example", "Sam Staff", staff=True)
    interns = [_person("dana@student.example", "Dana Intern"), _person("eli@student.example", "Eli Intern")]
    org = Organisation.objects.create(
        name="Acme Analytics", slug="acme", kind=OrgKind.EMPLOYER, email_domain="acme.example"
    )
    Membership.objects.create(organisation=org, user=owner, role=Role.OWNER)
    project = uuid.uuid4()
    request_deposit(
        organisation=org,
        project_uuid=project,
        stipend_minor=500_00,
        seats=2,
        currency="EUR",
        actor=owner,
        provider=SandboxProvider(),
    )
    for intern, days_ago in zip(interns, (9, 0), strict=True):  # Dana's approval is long overdue
        release_milestone(
            project_uuid=project,
            engagement_uuid=uuid.uuid4(),
            milestone_uuid=uuid.uuid4(),
            intern=intern,
            amount_minor=250_00,
            currency="EUR",
            approved_at=timezone.now() - timedelta(days=days_ago),
        )
    from django.core import mail

    from rung.payees import services as payees

    for intern, iban in zip(interns, ("DE89370400440532013000", "NL91ABNA0417164300"), strict=True):
        payees.request_payout_details_change(
            user=intern,
            values={
                "account_holder": intern.full_name,
                "country": iban[:2],
                "iban": iban,
                "bic": "",
                "legal_name": intern.full_name,
                "address": "Hauptstraße 1, Berlin",
                "tax_residence": iban[:2],
            },
        )
        # The change applies only from the link e-mailed to the intern's own address.
        token = str(mail.outbox[-1].body).split("/confirm/")[1].split("/")[0]
        payees.confirm_payout_details_change(token=token, user=intern)
    assert run_payouts().created == 2

    staff = new_page()
    log_in(staff, "sam@rung.example")
    staff.goto("/money/staff/payouts/")
    late = staff.get_by_role("region", name=re.compile("Overdue and late"))
    expect(late).to_contain_text("Dana Intern")
    expect(late).not_to_contain_text("Eli Intern")
    check_page_structure(staff)
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Export batch CSV").click()
    csv_text = Path(download.value.path()).read_text()
    assert "dana@student.example" in csv_text
    assert "eli@student.example" in csv_text
    staff.goto("/money/staff/payouts/")
    sent = staff.get_by_role("region", name=re.compile("Sent, not yet confirmed"))
    expect(sent).to_contain_text("(2)")
    late.get_by_label("Who caused the delay of the payout to Dana Intern").select_option(label="Rung")
    late.get_by_label("Note on the delay of the payout to Dana Intern").fill("Batch missed on Friday")
    screenshot(staff, screenshot_dir, "money-staff-payouts-overdue.png")
    late.get_by_role("button", name="Record").click()
    expect(staff.get_by_role("status")).to_contain_text("Recorded who caused the delay: Rung")

    sent = staff.get_by_role("region", name=re.compile("Sent, not yet confirmed"))
    sent.get_by_label("Bank reference for the payout to Dana Intern").fill("BANK-77")
    sent.get_by_role("button", name="Paid to Dana Intern").click()
    expect(staff.get_by_role("status")).to_contain_text("Marked paid: EUR 250.00 to Dana Intern")
    sent = staff.get_by_role("region", name=re.compile("Sent, not yet confirmed"))
    sent.get_by_label("Why the payout to Eli Intern failed").fill("Account closed")
    sent.get_by_role("button", name="Failed payout to Eli Intern").click()
    expect(staff.get_by_role("status")).to_contain_text("is owed to Eli Intern again")
    expect(staff.get_by_role("region", name="Failed")).to_contain_text("Account closed")
    expect(staff.get_by_role("region", name="Exported batches")).to_contain_text("2 payouts, EUR 500.00")
    check_page_structure(staff)
    screenshot(staff, screenshot_dir, "money-staff-payouts-after.png")
    assert check_ledger() == []
