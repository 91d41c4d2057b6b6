"""Section 2 of issue #8 in Chromium: an intern and a reviewer talk in their engagement's conversation.

The intern starts the conversation from the engagement page; the reviewer sees the unread count in the
navigation and the inbox, answers with htmx (no page load), and the intern's open page shows the answer
by itself. Then the same conversation on a 375 px wide phone: nothing overflows.
"""

from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from conftest import make_user
from rung.engagements.models import Engagement
from rung.messaging.models import Message
from rung.orgs.models import Membership, Organisation
from rung.projects import services as projects
from rung.projects.tests.conftest import make_input
from rung.reviews.tests.conftest import accept, sign_both
from tests.browser.support import check_page_structure, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Hello! Where do I find the survey data?"
ANSWER = "It is in the shared drive; I have sent you the link."
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _engagement(org: Organisation, settings) -> Engagement:
    settings.PAYMENT_PROVIDER = "sandbox"
    owner = Membership.objects.get(organisation=org, role="owner")
    reviewer = Membership.objects.get(organisation=org, role="reviewer")
    project = projects.create_project(org, membership=owner, data=make_input(seats=1))
    projects.fund_project(project, membership=owner)
    project = projects.publish_project(project, membership=owner)
    intern = make_user("nia@student.example", "Nia Candidate")
    return sign_both(accept(project, intern, reviewer), employer=owner.user, candidate=intern)


def _overflows(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_an_intern_and_a_reviewer_exchange_messages_without_reloading(
    new_page, org: Organisation, settings, live_server, tmp_path, screenshot_dir: Path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    engagement = _engagement(org, settings)
    intern: Page = new_page()
    reviewer: Page = new_page()

    # The intern opens the engagement and starts its conversation.
    log_in(intern, "nia@student.example")
    intern.goto(f"/engagements/{engagement.uuid}/")
    intern.get_by_role("link", name="Conversation with everyone on this engagement").click()
    check_page_structure(intern)
    intern.get_by_role("textbox", name="Message").fill(QUESTION)
    intern.get_by_role("button", name="Send").click()
    log = intern.get_by_role("log", name="Messages in this conversation")
    expect(log.get_by_role("listitem").filter(has_text=QUESTION)).to_be_visible()
    expect(intern.get_by_role("heading", level=1)).to_contain_text("with Acme Analytics")
    check_page_structure(intern)

    # The reviewer sees it waiting, in the navigation and in the inbox.
    log_in(reviewer, "bob@acme.example")
    nav = reviewer.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Messages (1 unread)")).to_be_visible()
    nav.get_by_role("link", name="Messages (1 unread)").click()
    check_page_structure(reviewer)
    expect(reviewer.get_by_text("1 unread", exact=True)).to_be_visible()
    reviewer.get_by_role("link", name="“Clean and chart our volunteer survey” with Nia Candidate").click()
    expect(reviewer.get_by_role("log").get_by_text(QUESTION)).to_be_visible()
    expect(nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # read now

    # The reviewer answers with htmx: the page is not loaded again.
    reviewer.evaluate("() => { window.stillTheSamePage = true; }")
    reviewer.get_by_role("textbox", name="Message").fill(ANSWER)
    reviewer.get_by_role("button", name="Send").click()
    expect(reviewer.get_by_role("log").get_by_text(ANSWER)).to_be_visible()
    expect(reviewer.get_by_role("textbox", name="Message")).to_have_value("")
    assert reviewer.evaluate("() => window.stillTheSamePage === true")
    assert Message.objects.filter(body=ANSWER, sender__email="bob@acme.example").exists()

    # The intern's page, left open, shows the answer by itself (it polls every few seconds).
    intern.evaluate("() => { window.stillTheSamePage = true; }")
    expect(intern.get_by_role("log").get_by_text(ANSWER)).to_be_visible(timeout=15_000)
    assert intern.evaluate("() => window.stillTheSamePage === true")
    expect(intern.get_by_role("log").locator("li.msg")).to_have_count(2)

    # A file goes with htmx too, checked like a submission, and arrives as a download link.
    reviewer.get_by_label("Attach files").set_input_files(
        FilePayload(name="survey-notes.pdf", mimeType="application/pdf", buffer=PDF)
    )
    reviewer.get_by_role("button", name="Send").click()
    expect(intern.get_by_role("log").get_by_role("link", name="survey-notes.pdf")).to_be_visible(timeout=15_000)
    reviewer.get_by_label("Attach files").set_input_files(
        FilePayload(name="setup.pdf", mimeType="application/pdf", buffer=b"MZ\x90\x00" + b"\x00" * 64)
    )
    reviewer.get_by_role("button", name="Send").click()
    expect(reviewer.get_by_text("is a program, and programs cannot be uploaded").first).to_be_visible()
    assert Message.objects.count() == 3

    # An empty message is refused with a reason, and nothing is sent.
    reviewer.get_by_role("textbox", name="Message").fill("   ")
    reviewer.get_by_role("button", name="Send").click()
    expect(reviewer.get_by_text("Write a message (or attach a file) before sending.").first).to_be_visible()
    assert Message.objects.count() == 3

    # (Playwright's screenshots hide the caret with a style attribute on form fields, which htmx would
    # then copy onto swapped-in fields against the CSP: take them when no swap follows on that page.)
    screenshot(intern, screenshot_dir, "messaging-conversation.png")

    # On a phone, 375 px wide: the thread and the form reflow, nothing scrolls sideways.
    intern.set_viewport_size({"width": 375, "height": 800})
    intern.reload()
    expect(intern.get_by_role("log").get_by_text(ANSWER)).to_be_visible()
    assert not _overflows(intern)
    intern.get_by_role("textbox", name="Message").fill("Thanks, found it!")
    intern.get_by_role("button", name="Send").click()
    expect(intern.get_by_role("log").get_by_text("Thanks, found it!")).to_be_visible()
    assert not _overflows(intern)
    screenshot(intern, screenshot_dir, "messaging-conversation-375.png")
    intern.goto("/messages/")
    check_page_structure(intern)
    assert not _overflows(intern)
    expect(reviewer.get_by_role("log").get_by_text("Thanks, found it!")).to_be_visible(timeout=15_000)
