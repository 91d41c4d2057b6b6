"""Issue #15 in Chromium: an intern publishes finished work, the employer consents, and a curator
checks it against the playbook and features it in a catalogue, which anyone can then read. Each page
on a desktop and at 375 px, with axe-core finding nothing serious."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from rung.engagements.models import Engagement
from rung.orgs.models import Membership, Organisation
from rung.projects import services as projects
from rung.projects.tests.conftest import make_input
from rung.reviews.tests.conftest import accept, milestones, review, sign_both, start_now, submit
from rung.showcase import services as showcase
from rung.showcase.models import ShowcaseItem
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "I cleaned the volunteer survey, removed duplicates and charted who volunteers when."


def _completed(org: Organisation, settings) -> Engagement:
    settings.PAYMENT_PROVIDER = "sandbox"
    owner = Membership.objects.get(organisation=org, role="owner")
    reviewer = Membership.objects.get(organisation=org, role="reviewer")
    project = projects.create_project(org, membership=owner, data=make_input(seats=1))
    projects.fund_project(project, membership=owner)
    project = projects.publish_project(project, membership=owner)
    intern = make_user("nia@student.example", "Nia Candidate")
    engagement = start_now(sign_both(accept(project, intern, reviewer), employer=owner.user, candidate=intern))
    for milestone in milestones(engagement):
        review(submit(milestone, intern), reviewer.user)
    engagement.refresh_from_db()
    return engagement


def _check(page: Page) -> None:
    check_page_structure(page)
    assert axe_violations(page) == [], page.url


def test_an_intern_publishes_the_employer_consents_and_a_curator_features_it(
    new_page, org: Organisation, sam, settings, live_server, tmp_path, screenshot_dir: Path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    engagement = _completed(org, settings)
    showcase.create_catalogue(
        curator=sam, kind="theme", title="Data for good", intro="Interns helping small teams see their data."
    )

    # The intern drafts the item from the finished engagement and asks for consent.
    intern = new_page(bypass_csp=True)
    log_in(intern, "nia@student.example")
    intern.goto("/showcase/mine/")
    _check(intern)
    intern.get_by_role("link", name=f"Showcase “{engagement.project.title}”").click()
    _check(intern)
    intern.get_by_label("Title").fill("Who volunteers when")
    intern.get_by_label("Summary").fill(SUMMARY)
    intern.get_by_label("Links, one a line").fill("https://example.org/notebook")
    intern.get_by_role("checkbox", name="report.pdf").first.check()
    intern.get_by_label("Employers may invite me to apply to their projects").check()
    intern.get_by_role("button", name="Save").click()
    expect(intern.get_by_role("heading", level=1)).to_have_text("Who volunteers when")
    intern.get_by_role("button", name="Ask the employer for consent").click()
    expect(intern.get_by_text("The employer has been asked for consent.")).to_be_visible()
    _check(intern)

    # The employer's owner consents.
    owner = new_page(bypass_csp=True)
    log_in(owner, "alice@acme.example")
    owner.goto("/showcase/consent/")
    _check(owner)
    owner.get_by_role("link", name="Who volunteers when").click()
    owner.get_by_role("button", name="Consent to showing it").click()
    expect(owner.get_by_text("Consent given")).to_be_visible()

    # A curator passes every playbook check and features it in the catalogue.
    curator = new_page(bypass_csp=True)
    log_in(curator, "sam@rung.example")
    curator.goto("/showcase/curation/")
    _check(curator)
    curator.get_by_role("link", name="Who volunteers when").click()
    _check(curator)
    for check in showcase.current_playbook().checks:
        curator.get_by_role("button", name=f"Passes: {check['label']}").click()
    curator.get_by_label("Catalogue to feature it in").select_option(label="Data for good")
    curator.get_by_role("button", name="Feature", exact=True).click()
    expect(curator.get_by_text("Decision recorded.")).to_be_visible()
    item = ShowcaseItem.objects.get()
    assert item.status == "published"
    assert item.featured

    # Anyone reads the catalogue, on a desktop and on a phone.
    for width in (1280, 375):
        visitor = new_page(width=width, height=800, bypass_csp=True)
        visitor.goto("/showcase/catalogues/")
        visitor.get_by_role("link", name="Data for good").click()
        expect(visitor.get_by_role("link", name="Who volunteers when")).to_be_visible()
        _check(visitor)
        assert overflow(visitor, width) == [] if width == 375 else True
        visitor.get_by_role("link", name="Who volunteers when").click()
        expect(visitor.get_by_text(SUMMARY)).to_be_visible()
        _check(visitor)
        if width == 375:
            assert overflow(visitor, 375) == []
        screenshot(visitor, screenshot_dir, f"showcase-item-{width}.png")
