"""Issue #3's acceptance test: the whole micro-internship story, played by three people in Chromium.

An employer posts and publishes a project, a candidate finds it and applies, a reviewer shortlists
blind and offers, both sides sign, the candidate hands in work, the reviewer scores it with the
rubric and approves; the intern is paid and gets a credential. Only the people and the verified
organisation are set up in code; everything else happens by clicking and typing on the real pages.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from conftest import make_user
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement, EngagementStatus
from rung.orgs.models import Organisation
from tests.browser.support import check_page_structure, log_in, screenshot

# Transactional, so the skill vocabulary and the library rubrics flushed by an earlier browser
# test are seeded again (see the root conftest).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Chart our volunteer survey"
QUESTION = "Which chart would you use to show survey answers, and why?"
MILESTONES = [("Cleaned dataset", "5", "40"), ("Charts and memo", "14", "60")]
# A minimal valid PDF: the server checks a file's content, not its name.
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FEEDBACK = "A tidy dataset and clear charts. Next time, label the axes and explain the outliers."


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_an_employer_posts_a_candidate_applies_is_hired_hands_in_work_and_is_paid_and_credentialed(
    new_page, org: Organisation, settings, live_server, tmp_path, screenshot_dir: Path
):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("nia@student.example", "Nia Candidate")
    employer: Page = new_page()
    candidate: Page = new_page()
    reviewer: Page = new_page()

    # 1. Alice writes the project, watches the hourly rate, saves the draft, funds and publishes it.
    log_in(employer, "alice@acme.example")
    employer.goto(f"/projects/new/{org.slug}/")
    expect(_heading(employer)).to_have_text("New micro-internship for Acme Analytics")
    check_page_structure(employer)
    the_project = employer.get_by_role("group", name="The project")
    the_project.get_by_label("Title").fill(TITLE)
    the_project.get_by_label("Summary").fill(
        "We surveyed 2,000 volunteers. Help us clean the data and chart what they told us."
    )
    the_project.get_by_label("Learning outcomes").fill("Clean real survey data\nPresent findings to a small team")
    time_and_pay = employer.get_by_role("group", name="Time and pay")
    time_and_pay.get_by_label("Duration").select_option(label="2 weeks")
    time_and_pay.get_by_label("Estimated hours in total").fill("30")
    time_and_pay.get_by_label("Stipend per intern").fill("900")
    # The hint under the pay fields follows the typing (900 EUR for 30 hours).
    expect(time_and_pay.get_by_text("per hour")).to_contain_text("30.00 EUR per hour. Fair: at or above the floor")
    time_and_pay.get_by_label("Seats").fill("1")
    for number, (title, due, share) in enumerate(MILESTONES, start=1):
        row = employer.get_by_role("group", name=f"Milestone {number}")
        row.get_by_label("Title").fill(title)
        row.get_by_label("Due on day").fill(due)
        row.get_by_label("Share of stipend (%)").fill(share)
    employer.get_by_label("Screening questions").fill(QUESTION)
    employer.get_by_role("button", name="Save draft").click()

    expect(employer.get_by_role("status")).to_contain_text("Draft saved")
    expect(_heading(employer)).to_have_text(TITLE)
    milestones = employer.get_by_role("region", name="Milestones")
    for title, due, share in MILESTONES:
        expect(milestones.get_by_role("row", name=f"{title} day {due} {share}%")).to_be_visible()
    employer.get_by_role("button", name="Fund 1 seat").click()
    expect(employer.get_by_role("status")).to_contain_text("in escrow")
    employer.get_by_role("button", name="Publish").click()
    expect(employer.get_by_role("status")).to_contain_text("Published")
    check_page_structure(employer)
    screenshot(employer, screenshot_dir, "lifecycle-01-project.png")

    # 2. The candidate finds it by searching, opens it and applies.
    log_in(candidate, "nia@student.example")
    candidate.get_by_role("navigation", name="Main").get_by_role("link", name="Find projects").click()
    search = candidate.get_by_role("search")
    search.get_by_role("textbox", name="Search").fill("volunteer survey")
    search.get_by_role("button", name="Search").click()
    expect(candidate.get_by_text("1 project open for applications")).to_be_visible()
    candidate.get_by_role("link", name=TITLE).click()
    expect(_heading(candidate)).to_have_text(TITLE)
    candidate.get_by_role("link", name=re.compile("^Apply")).click()
    expect(_heading(candidate)).to_have_text(f"Apply: {TITLE}")
    check_page_structure(candidate)
    candidate.get_by_label(QUESTION).fill("A bar chart: most people read it at a glance.")
    candidate.get_by_role("button", name="Send application").click()
    expect(candidate.get_by_role("status")).to_contain_text(f"Applied to {TITLE}")
    expect(_heading(candidate)).to_have_text("My applications")

    # 3. Bob reviews blind, shortlists (the name appears), then offers.
    log_in(reviewer, "bob@acme.example")
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Notifications")).click()
    expect(reviewer.get_by_role("main")).not_to_contain_text("Nia")
    reviewer.get_by_role("link", name=f"New application: {TITLE}").click()
    expect(_heading(reviewer)).to_have_text(f"Applicants for “{TITLE}”")
    applicant = reviewer.get_by_role("region", name=re.compile("^Applicant 1"))
    expect(applicant).to_contain_text("A bar chart: most people read it at a glance.")
    main = reviewer.get_by_role("main")
    expect(main).not_to_contain_text("Nia")
    expect(main).not_to_contain_text("nia@student.example")
    check_page_structure(reviewer)
    screenshot(reviewer, screenshot_dir, "lifecycle-02-applicants-blind.png")
    applicant.get_by_role("button", name="Shortlist").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Shortlisted")
    applicant = reviewer.get_by_role("region", name=re.compile("^Nia Candidate"))
    expect(applicant).to_contain_text("nia@student.example")
    applicant.get_by_role("button", name="Make an offer").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Offer sent")

    # 4. The candidate accepts the offer and signs the contract.
    candidate.reload()
    offer = candidate.get_by_role("region", name=TITLE)
    expect(offer).to_contain_text("Offer open until")
    offer.get_by_role("button", name="Accept offer").click()
    # Accepting leads straight to the engagement, where the contract waits to be signed.
    expect(candidate.get_by_role("status")).to_contain_text("Offer accepted. Next: read the contract")
    expect(_heading(candidate)).to_have_text(TITLE)
    expect(candidate.get_by_role("main")).to_contain_text("Waiting for both signatures")
    contract = candidate.get_by_role("region", name="Contract")
    contract.get_by_text("Read contract version 1").click()
    expect(contract.get_by_label("Contract version 1")).to_contain_text("Nia Candidate")
    contract.get_by_label("Type your full name to sign").fill("Nia Candidate")
    contract.get_by_label(re.compile("I have read this contract and agree to it")).check()
    check_page_structure(candidate)
    screenshot(candidate, screenshot_dir, "lifecycle-03-contract.png")
    contract.get_by_role("button", name="Sign version 1").click()
    expect(candidate.get_by_role("status")).to_contain_text("Signed.")
    expect(candidate.get_by_role("region", name="Contract")).to_contain_text("The intern: Nia Candidate")

    # 5. Alice signs for the employer; the engagement is in progress.
    employer.get_by_role("navigation", name="Main").get_by_role("link", name="Engagements").click()
    employer.get_by_role("link", name=TITLE).click()
    contract = employer.get_by_role("region", name="Contract")
    expect(contract.get_by_role("heading", name="Sign for Acme Analytics")).to_be_visible()
    contract.get_by_label("Type your full name to sign").fill("Alice Owner")
    contract.get_by_label(re.compile("I have read this contract and agree to it")).check()
    contract.get_by_role("button", name="Sign version 1").click()
    expect(employer.get_by_role("status")).to_contain_text("Signed.")
    expect(employer.get_by_role("main").get_by_text("In progress", exact=True)).to_be_visible()
    engagement = Engagement.objects.get()
    assert engagement.status == EngagementStatus.ACTIVE
    # Work opens on the contract's start date: let time pass to it (without sleeping).
    Engagement.objects.filter(pk=engagement.pk).update(start_date=timezone.now().date())

    # 6. The candidate hands in work for each milestone: a PDF, a link and a note.
    candidate.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    candidate.get_by_role("region", name=TITLE).get_by_role("link", name="Contract and milestones").click()
    expect(candidate.get_by_role("main").get_by_text("In progress", exact=True)).to_be_visible()
    for number, (title, _, _) in enumerate(MILESTONES, start=1):
        candidate.get_by_role("region", name="Milestones").get_by_role("link", name=title).click()
        expect(_heading(candidate)).to_have_text(title)
        check_page_structure(candidate)
        form = candidate.get_by_role("region", name="Hand in your work")
        upload: FilePayload = {"name": f"milestone-{number}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        form.get_by_label("Files").set_input_files(files=[upload])
        form.get_by_label("Links").fill(f"https://example.org/nia/survey/{number}")
        form.get_by_label("Notes").fill(f"Milestone {number}: start with the summary on page one.")
        form.get_by_role("button", name="Hand in").click()
        expect(candidate.get_by_role("status")).to_contain_text("Version 1 handed in")
        expect(candidate.get_by_role("region", name="Versions and reviews")).to_contain_text(f"milestone-{number}.pdf")
        candidate.get_by_role("link", name=TITLE).click()

    # 7. Bob scores each submission with the rubric and approves it; without feedback, nothing happens.
    for number, (title, _, _) in enumerate(MILESTONES, start=1):
        reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
        reviewer.get_by_role("link", name=f"{title} (v1)").click()
        expect(_heading(reviewer)).to_have_text(f"Review “{title}”, version 1")
        work = reviewer.get_by_role("region", name="The work")
        expect(work.get_by_role("link", name=f"milestone-{number}.pdf")).to_be_visible()
        expect(work).to_contain_text(f"Milestone {number}: start with the summary on page one.")
        rubric = reviewer.get_by_role("group", name=re.compile("^Rubric"))
        for row in rubric.get_by_role("row").all()[1:]:
            row.get_by_role("radio").nth(-2).check()  # the second-best level of every criterion
        check_page_structure(reviewer)
        if number == 1:
            reviewer.get_by_role("button", name="Approve and release the stipend").click()
            alert = reviewer.get_by_role("alert")
            expect(alert).to_contain_text("Nothing was decided yet")
            expect(alert.get_by_role("link", name="Feedback: This field is required.")).to_be_visible()
            expect(alert).to_be_focused()
            engagement.refresh_from_db()
            assert not engagement.milestones.filter(status="approved").exists()
            for row in rubric.get_by_role("row").all()[1:]:  # the chosen levels are kept
                expect(row.get_by_role("radio").nth(-2)).to_be_checked()
        reviewer.get_by_role("textbox", name="Feedback").fill(FEEDBACK)
        if number == len(MILESTONES):
            screenshot(reviewer, screenshot_dir, "lifecycle-04-review.png")
        reviewer.get_by_role("button", name="Approve and release the stipend").click()
        expect(reviewer.get_by_role("status")).to_contain_text("Approved: the stipend for this milestone is released.")

    # 8. The engagement is completed, the stipend paid, and the credential is in the wallet.
    employer.reload()
    expect(employer.get_by_role("main").get_by_text("Completed", exact=True)).to_be_visible()
    candidate.get_by_role("navigation", name="Main").get_by_role("link", name="Engagements").click()
    expect(candidate.get_by_role("region", name=TITLE)).to_contain_text("2 of 2 milestones approved")
    candidate.get_by_role("navigation", name="Main").get_by_role("link", name="Earnings").click()
    totals = candidate.get_by_role("region", name="Totals")
    expect(totals).to_contain_text("EarnedEUR 900.00")
    expect(totals).to_contain_text("PaidEUR 900.00")
    expect(candidate.get_by_role("region", name="Payouts")).to_contain_text("Paid")
    check_page_structure(candidate)
    candidate.get_by_role("navigation", name="Main").get_by_role("link", name="Wallet").click()
    issued = candidate.get_by_role("region", name="From Rung")
    expect(issued.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Acme Analytics")
    expect(issued.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Valid")
    check_page_structure(candidate)
    screenshot(candidate, screenshot_dir, "lifecycle-05-wallet.png")
    assert IssuedCredential.objects.filter(recipient__email="nia@student.example").count() == 1
