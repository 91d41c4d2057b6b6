"""Keyboard use, page structure and the Content-Security-Policy, checked in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rung.accounts.models import User
from tests.browser.conftest import ConsoleLog
from tests.browser.support import PASSWORD, check_page_structure, log_in, orphan_labels

pytestmark = pytest.mark.browser

# Put the browser's "sequential focus navigation starting point" at the very top of the
# page, as if the person had just arrived without any autofocus, so that the next Tab is
# the first tab stop of the page.
_FOCUS_FROM_THE_TOP_JS = """
() => {
  const marker = document.createElement("span");
  marker.tabIndex = -1;
  document.body.prepend(marker);
  marker.focus();
  marker.remove();
}
"""


def _focused(page: Page) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el.id ? `${el.tagName.toLowerCase()}#${el.id}` : el.outerHTML.slice(0, 80); }"
    )


def test_on_the_login_page_the_skip_link_comes_first_and_leads_to_the_form(page: Page):
    page.goto("/accounts/login/")
    check_page_structure(page)
    # Nothing is autofocused, so a screen reader starts at the top and hears the heading first.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # it is moved off-screen until it has focus

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log in")).to_be_focused()


def test_a_keyboard_user_can_log_in_without_a_mouse(page: Page):
    User.objects.create_user("alice@acme.example", PASSWORD, full_name="Alice Owner", email_verified_at=timezone.now())
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")  # jump to the main content
    page.keyboard.press("Tab")
    page.keyboard.type("alice@acme.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alice")


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password-reset/"],
)
def test_public_pages_start_with_the_skip_link_have_one_h1_and_label_every_field(page: Page, path: str):
    page.goto(path)
    check_page_structure(page)
    assert orphan_labels(page) == []
    page.evaluate(_FOCUS_FROM_THE_TOP_JS)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_signed_in_pages_have_one_h1_and_label_every_field(page: Page):
    User.objects.create_user(
        "sam@rung.example", PASSWORD, full_name="Sam Staff", is_staff=True, email_verified_at=timezone.now()
    )
    log_in(page, "sam@rung.example")
    for path in [
        "/",
        "/profile/",
        "/orgs/",
        "/orgs/new/",
        "/orgs/verification/",
        "/accounts/settings/",
        "/accounts/settings/password/",
    ]:
        page.goto(path)
        check_page_structure(page)


def test_an_invalid_form_is_announced_and_each_error_is_tied_to_its_field(page: Page):
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill("Nia Obi")
    page.get_by_label("E-mail address").fill("nia@example.com")
    page.get_by_label("Password").fill("12345")
    page.get_by_role("button", name="Create account").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(summary).to_be_focused()  # focus moves to the summary, so the errors are read out first
    link = summary.get_by_role("link", name="Password: This password is too short", exact=False)
    expect(link).to_have_attribute("href", "#id_password")
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        "At least 10 characters; not a common password and not all numbers. "
        "This password is too short. It must contain at least 10 characters. "
        "This password is too common. This password is entirely numeric."
    )
    # What was typed (but the password) is kept.
    expect(page.get_by_label("Full name")).to_have_value("Nia Obi")
    check_page_structure(page)


def test_the_kind_of_organisation_radio_group_has_an_accessible_name(page: Page):
    User.objects.create_user("olu@acme.example", PASSWORD, full_name="Olu Owner", email_verified_at=timezone.now())
    log_in(page, "olu@acme.example")
    page.goto("/orgs/new/")
    assert orphan_labels(page) == []
    expect(page.get_by_role("group", name="Kind of organisation")).to_be_visible()


def test_the_content_security_policy_blocks_an_injected_inline_script_and_the_tests_notice(
    page: Page, console_log: ConsoleLog
):
    """A check of the check: a CSP violation really is reported, so its absence means something."""
    page.goto("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.append(s); }"
        )
    assert page.evaluate("() => window.injected === undefined"), "The inline script ran: CSP is not enforced"
    assert console_log.csp_violations, console_log.errors
    assert all("Content Security Policy" in e for e in console_log.errors), console_log.errors
    console_log.errors.clear()  # expected here; every other test fails on any such error
