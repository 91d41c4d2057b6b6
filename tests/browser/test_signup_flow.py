"""A newcomer's first minutes, in a real browser: sign up, confirm the e-mail, log in."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rung.accounts.models import User
from tests.browser.support import PASSWORD, check_page_structure, link_in, log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_newcomer_signs_up_confirms_the_email_and_reaches_the_dashboard(
    page: Page, mailoutbox, site_url_is_live_server, screenshot_dir: Path
):
    page.goto("/")
    check_page_structure(page)
    page.get_by_role("link", name="Sign up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    check_page_structure(page)
    page.get_by_label("Full name").fill("Nia Obi")
    page.get_by_label("E-mail address").fill("Nia@Example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_role("main")).to_contain_text("nia@example.com")
    check_page_structure(page)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nia@example.com"]
    link = link_in(message)
    assert link.startswith(site_url_is_live_server + "/accounts/verify/")

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text("your e-mail address is confirmed")

    log_in(page, "nia@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia")
    check_page_structure(page)
    assert User.objects.get(email="nia@example.com").is_verified
    screenshot(page, screenshot_dir, "signup-dashboard.png")


def test_a_wrong_password_is_announced_and_does_not_log_in(page: Page):
    User.objects.create_user("alice@acme.example", PASSWORD, full_name="Alice Owner", email_verified_at=timezone.now())

    log_in(page, "alice@acme.example", "not the password at all")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That e-mail and password do not match an account.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_have_count(0)
    # The address is kept, the password is not.
    expect(page.get_by_label("E-mail address")).to_have_value("alice@acme.example")
    expect(page.get_by_label("Password")).to_have_value("")
    check_page_structure(page)


def test_logging_in_before_confirming_the_email_asks_to_confirm_it(page: Page, mailoutbox):
    User.objects.create_user("nia@example.com", PASSWORD, full_name="Nia Obi")

    log_in(page, "nia@example.com")

    expect(page.get_by_role("alert")).to_contain_text("Please confirm your e-mail address first")
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_have_count(0)
    # A fresh link is sent, as the message promises.
    assert [m.to for m in mailoutbox] == [["nia@example.com"]]
