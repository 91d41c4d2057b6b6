"""An employer sets up an organisation, invites a colleague, and Rung staff verify it."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rung.accounts.models import User
from rung.orgs.models import Membership, Organisation, Role, Verification
from tests.browser.support import PASSWORD, check_page_structure, link_in, log_in, screenshot

pytestmark = pytest.mark.browser


def _verified_user(email: str, full_name: str, *, staff: bool = False) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=full_name, is_staff=staff, email_verified_at=timezone.now()
    )


def test_an_owner_sets_up_an_organisation_invites_a_reviewer_and_staff_verify_it(
    new_page, mailoutbox, site_url_is_live_server, screenshot_dir: Path
):
    _verified_user("olu@acme.example", "Olu Owner")
    _verified_user("bob@acme.example", "Bob Reviewer")
    _verified_user("sam@rung.example", "Sam Staff", staff=True)
    owner: Page = new_page()
    staff: Page = new_page()

    # The owner sets up the organisation from the dashboard.
    log_in(owner, "olu@acme.example")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Hello, Olu")
    owner.get_by_role("link", name="Set up an organisation").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Set up an organisation")
    check_page_structure(owner)
    owner.get_by_label(re.compile(r"^Name\b")).fill("Acme Analytics")
    owner.get_by_label("Employer").check()
    owner.get_by_label("E-mail domain").fill("acme.example")
    owner.get_by_label("Website").fill("acme.example")
    owner.get_by_label("Description").fill("We turn messy spreadsheets into decisions.")
    owner.get_by_role("button", name="Create organisation").click()

    expect(owner).to_have_url(re.compile(r"/orgs/acme-analytics/$"))
    heading = owner.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Acme Analytics")
    expect(heading.locator(".badge")).to_have_text("Awaiting verification")
    expect(owner.get_by_role("status")).to_contain_text("Acme Analytics is set up")
    check_page_structure(owner)
    org = Organisation.objects.get(slug="acme-analytics")
    assert org.website == "https://acme.example"
    assert org.verification == Verification.PENDING

    # The owner invites a colleague as a reviewer.
    invite = owner.get_by_role("region", name="Invite someone")
    invite.get_by_label("E-mail address").fill("Bob@Acme.example")
    invite.get_by_label("Role").select_option(label="Reviewer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_role("status")).to_contain_text("Invitation sent to bob@acme.example")
    expect(owner.get_by_role("region", name="Invite someone")).to_contain_text("bob@acme.example as reviewer")
    check_page_structure(owner)
    screenshot(owner, screenshot_dir, "org-awaiting-verification.png")

    by_recipient = {tuple(m.to): m for m in mailoutbox}
    assert set(by_recipient) == {("sam@rung.example",), ("bob@acme.example",)}
    invitation_link = link_in(by_recipient[("bob@acme.example",)])

    # Staff find it in the verification queue and verify it.
    log_in(staff, "sam@rung.example")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    expect(staff.get_by_role("region", name="Staff")).to_contain_text("1 organisation awaiting verification")
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Verification").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Organisations awaiting verification")
    card = staff.get_by_role("region", name=re.compile("Acme Analytics"))
    expect(card).to_contain_text("acme.example")
    expect(card).to_contain_text("olu@acme.example (owner)")
    check_page_structure(staff)
    screenshot(staff, screenshot_dir, "verification-queue.png")
    card.get_by_role("button", name="Verify Acme Analytics").click()
    expect(staff.get_by_role("status")).to_contain_text("Acme Analytics: Verified")
    expect(staff.get_by_role("main")).to_contain_text("Nothing is waiting.")
    check_page_structure(staff)

    # The owner sees the result.
    owner.reload()
    expect(owner.get_by_role("heading", level=1).locator(".badge")).to_have_text("Verified")
    expect(owner.get_by_text("Rung staff have not verified this organisation yet")).to_have_count(0)
    screenshot(owner, screenshot_dir, "org-verified.png")
    assert any(m.to == ["olu@acme.example"] for m in mailoutbox)

    # The colleague accepts the invitation from the e-mail.
    colleague = new_page()
    log_in(colleague, "bob@acme.example")
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Hello, Bob")
    colleague.goto(invitation_link)
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Join Acme Analytics")
    check_page_structure(colleague)
    colleague.get_by_role("button", name="Accept invitation").click()
    expect(colleague.get_by_role("status")).to_contain_text("Welcome to Acme Analytics.")
    check_page_structure(colleague)
    assert Membership.objects.get(organisation=org, user__email="bob@acme.example").role == Role.REVIEWER


def test_the_confirmation_after_verifying_names_the_new_status(page: Page):
    olu = _verified_user("olu@acme.example", "Olu Owner")
    _verified_user("sam@rung.example", "Sam Staff", staff=True)
    org = Organisation.objects.create(name="Acme Analytics", slug="acme", kind="employer", email_domain="acme.example")
    Membership.objects.create(organisation=org, user=olu, role=Role.OWNER)

    log_in(page, "sam@rung.example")
    page.goto("/orgs/verification/")
    page.get_by_role("button", name="Verify Acme Analytics").click()

    expect(page.get_by_role("main")).to_contain_text("Nothing is waiting.")
    expect(page.get_by_role("status")).to_have_text("Acme Analytics: Verified.", timeout=1000)
