"""An intern whose payout waits adds payout details (desktop and phone), confirms them from the e-mail
and sees them masked; staff export the batch and get a SEPA credit transfer file."""

import re
import uuid
from importlib import resources
from pathlib import Path

import pytest
import xmlschema
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from rung.accounts.models import User
from rung.ledger.models import Payout, PayoutStatus
from rung.ledger.payouts import create_payout
from rung.ledger.providers import SandboxProvider
from rung.ledger.services import name_project, release_milestone, request_deposit
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from tests.browser.support import PASSWORD, axe_violations, check_page_structure, log_in, overflow, screenshot

pytestmark = pytest.mark.browser

# The schema sepaxml ships with the library (sepaxml/schemas/pain.001.001.03.xsd), read in place.
PAIN_001_XSD = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"


def _person(email: str, full_name: str, *, staff: bool = False) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=full_name, is_staff=staff, email_verified_at=timezone.now()
    )


def _waiting_payout(intern: User) -> Payout:
    """EUR 450.00 approved for the intern, whose payout waits: they never gave payout details."""
    alice = _person("alice@acme.example", "Alice Owner")
    acme = Organisation.objects.create(
        name="Acme Analytics",
        slug="acme",
        kind=OrgKind.EMPLOYER,
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    Membership.objects.create(organisation=acme, user=alice, role=Role.OWNER)
    project, engagement = uuid.uuid4(), uuid.uuid4()
    request_deposit(
        organisation=acme,
        project_uuid=project,
        stipend_minor=450_00,
        seats=1,
        currency="EUR",
        actor=alice,
        provider=SandboxProvider(),
    )
    name_project(project_uuid=project, title="Chart our volunteer survey")
    release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=intern,
        amount_minor=450_00,
        currency="EUR",
        approved_at=timezone.now(),
    )
    payout = create_payout(engagement_uuid=engagement, intern=intern, currency="EUR", provider_name="batch_export")
    assert payout is not None
    assert payout.status == PayoutStatus.WAITING
    return payout


def _confirmation_link() -> str:
    (message,) = [m for m in mail.outbox if m.subject.startswith("Confirm your new payout details")]
    match = re.search(r"https?://\S+/confirm/\S+/", str(message.body))
    assert match, message.body
    return match.group(0)


def _enter_details(page: Page) -> None:
    page.get_by_label("Account holder").fill("Dana Intern")
    page.get_by_label("Country of the bank").fill("DE")
    page.get_by_label("IBAN", exact=True).fill("DE89 3704 0044 0532 0130 00")
    page.get_by_label("Legal name").fill("Dana Intern")
    page.get_by_label("Postal address").fill("Hauptstraße 1\n10115 Berlin")
    page.get_by_label("Country of tax residence").fill("DE")
    page.get_by_role("button", name="Send confirmation link").click()


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_an_intern_adds_payout_details_confirms_them_by_email_and_sees_them_masked(
    new_page, site_url_is_live_server, settings, screenshot_dir: Path, width: int
):
    settings.PAYOUT_PROVIDER = "batch_export"
    dana = _person("dana@student.example", "Dana Intern")
    payout = _waiting_payout(dana)
    page = new_page(width=width, height=800, bypass_csp=True)  # bypass_csp: axe-core is injected
    log_in(page, "dana@student.example")

    # The dashboard says what is holding the money up, and where to put it right.
    banner = page.get_by_role("region", name="Add your payout details to be paid")
    expect(banner).to_contain_text("EUR 450.00 is approved and ready for you")
    if width == 375:
        assert overflow(page, 375) == []
    banner.get_by_role("link", name="Add payout details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Payout details")
    check_page_structure(page)
    assert axe_violations(page) == []
    if width == 375:
        assert overflow(page, 375) == []
    _enter_details(page)
    expect(page.get_by_role("status").first).to_contain_text("We sent a confirmation link to dana@student.example")
    expect(page.get_by_text("A change to DE89 •••• •••• 3000 is waiting")).to_be_visible()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.WAITING  # nothing applies before the link is opened

    page.goto(_confirmation_link())
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your payout details")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm the new payout details").click()
    expect(page.get_by_role("status").first).to_contain_text("Your payout details are now DE89 •••• •••• 3000")
    current = page.get_by_role("region", name="Current details")
    expect(current).to_contain_text("DE89 •••• •••• 3000")
    expect(current).not_to_contain_text("0532")
    expect(page.locator("main")).not_to_contain_text("DE89370400440532013000")
    assert axe_violations(page) == []
    if width == 375:
        assert overflow(page, 375) == []
    screenshot(page, screenshot_dir, f"payout-details-confirmed-{width}.png")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING  # released at once, for the next batch

    # The banner has done its job.
    page.goto("/money/earnings/")
    expect(page.get_by_role("region", name="Add your payout details to be paid")).to_have_count(0)


def test_staff_export_the_batch_and_get_the_sepa_file(new_page, site_url_is_live_server, settings):
    settings.PAYOUT_PROVIDER = "batch_export"
    settings.PAYOUT_DEBTOR_NAME = "Rung Platform e.V."
    settings.PAYOUT_DEBTOR_IBAN = "DE02120300000000202051"
    settings.PAYOUT_DEBTOR_BIC = "BYLADEM1001"
    dana = _person("dana@student.example", "Dana Intern")
    _person("sam@rung.example", "Sam Staff", staff=True)
    payout = _waiting_payout(dana)

    intern = new_page()
    log_in(intern, "dana@student.example")
    intern.goto("/accounts/payout-details/")
    _enter_details(intern)
    intern.goto(_confirmation_link())
    intern.get_by_role("button", name="Confirm the new payout details").click()
    expect(intern.get_by_role("status").first).to_contain_text("Your payout details are now")

    staff = new_page(bypass_csp=True)
    log_in(staff, "sam@rung.example")
    staff.goto("/money/staff/payouts/")
    check_page_structure(staff)
    assert axe_violations(staff) == []
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Export SEPA file (1 euro payout)").click()
    assert download.value.suggested_filename.endswith(".xml")
    xml = Path(download.value.path()).read_text()
    xmlschema.XMLSchema(str(PAIN_001_XSD)).validate(xml)
    assert "<IBAN>DE89370400440532013000</IBAN>" in xml
    assert '<InstdAmt Ccy="EUR">450.00</InstdAmt>' in xml
    assert "<Nm>Dana Intern</Nm>" in xml
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENT
    staff.goto("/money/staff/payouts/")
    expect(staff.get_by_role("region", name=re.compile("Sent, not yet confirmed"))).to_contain_text("Dana Intern")
