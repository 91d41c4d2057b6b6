"""Mentoring in a real browser: a coordinator runs optimal matching and publishes it, the mentor
accepts, records the kickoff and completes the training (passing every knowledge check), and the
mentee rates the check-in. Every mentoring page is then checked at desktop width and at 375 px (no
horizontal scroll, axe-core finding nothing serious)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rung.applications.tests.conftest import candidate, reviewer_membership  # noqa: F401
from rung.mentoring.models import CheckIn, Pairing, PairingStatus, TrainingAttempt, TrainingModule
from rung.mentoring.tests.conftest import big_project, interns, make_mentor  # noqa: F401
from rung.projects.tests.conftest import owner_membership, sandbox_payments  # noqa: F401
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meera(org):
    return make_mentor(org, "meera@acme.example", "Meera Mentor", skills=("python",), capacity=3)


def test_the_mentoring_walk_through(new_page, org, alice, interns, meera):  # noqa: F811
    page = new_page(width=1280, bypass_csp=True)
    # The coordinator proposes an optimal matching and publishes it.
    log_in(page, alice.email)
    page.goto(f"/mentoring/orgs/{org.slug}/")
    check_page_structure(page)
    expect(page.get_by_label("Accredited mentors only")).to_be_checked()
    page.get_by_role("button", name="Propose a matching").click()
    expect(page.get_by_role("heading", level=1, name=f"Matching proposal for {org.name}")).to_be_visible()
    expect(page.get_by_text("Accredited mentor").first).to_be_visible()
    page.get_by_role("button", name="Publish: ask these mentors").click()
    expect(page.get_by_text("Published:")).to_be_visible()
    pairing = Pairing.objects.filter(mentor=meera).order_by("pk").first()
    assert pairing is not None
    page.context.clear_cookies()

    # The mentor accepts, then records the kickoff (its time is moved into the past: only the clock is simulated).
    log_in(page, meera.email)
    page.goto(f"/mentoring/pairings/{pairing.uuid}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Active").first).to_be_visible()
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE
    kickoff = CheckIn.objects.filter(pairing=pairing).order_by("due_at").first()
    assert kickoff is not None
    CheckIn.objects.filter(pk=kickoff.pk).update(due_at=timezone.now() - timedelta(hours=2))
    page.goto(f"/mentoring/check-ins/{kickoff.uuid}/")
    page.get_by_label("Held").check()
    page.get_by_label("Shared summary").fill("We read the brief and agreed the first week's plan.")
    page.get_by_label("Agreed actions").fill("Set up the repository")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Held").first).to_be_visible()
    kickoff.refresh_from_db()
    assert kickoff.status == "held"

    # The mentor completes the training, each knowledge check passed on the page.
    for module in TrainingModule.objects.all():
        page.goto(f"/mentoring/training/{module.slug}/")
        for question in module.questions.all():
            page.locator(f"#q{question.pk}-{question.correct}").check()
        page.get_by_role("button", name="Check my answers").click()
        expect(page.get_by_text("Passed").first).to_be_visible()
    assert TrainingAttempt.objects.filter(user=meera, passed=True).count() == TrainingModule.objects.count()
    page.goto("/mentoring/training/")
    expect(page.get_by_role("heading", name="Accreditation")).to_be_visible()
    page.context.clear_cookies()

    # The mentee rates the check-in.
    log_in(page, pairing.engagement.candidate.email)
    page.goto(f"/mentoring/check-ins/{kickoff.uuid}/")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Clear and kind.")
    page.get_by_role("button", name="Send rating").click()
    kickoff.refresh_from_db()
    assert kickoff.rating == 4


@pytest.mark.parametrize("width", [1280, 375])
def test_every_mentoring_page_reflows_and_passes_axe(new_page, org, alice, interns, meera, width):  # noqa: F811
    from rung.mentoring import services

    run = services.propose_matching(org, actor=alice)
    services.publish_matching(run, actor=alice)
    pairing = Pairing.objects.filter(mentor=meera).order_by("pk").first()
    assert pairing is not None
    services.respond_to_pairing(pairing, actor=meera, accept=True)
    checkin = CheckIn.objects.filter(pairing=pairing).order_by("due_at").first()
    module = TrainingModule.objects.order_by("order").first()
    assert module is not None
    pages = {
        alice.email: [
            f"/mentoring/orgs/{org.slug}/",
            f"/mentoring/matching/{run.uuid}/",
            f"/mentoring/orgs/{org.slug}/settings/",
            f"/mentoring/orgs/{org.slug}/mentors/{meera.uuid}/",
        ],
        meera.email: [
            "/mentoring/",
            "/mentoring/profile/",
            "/mentoring/training/",
            f"/mentoring/training/{module.slug}/",
            f"/mentoring/pairings/{pairing.uuid}/",
            *([f"/mentoring/check-ins/{checkin.uuid}/"] if checkin else []),
        ],
        pairing.engagement.candidate.email: [
            "/mentoring/goals/",
            f"/mentoring/engagements/{pairing.engagement.uuid}/mentors/",
            f"/mentoring/engagements/{pairing.engagement.uuid}/concern/",
        ],
    }
    page = new_page(width=width, bypass_csp=True)
    problems: dict[str, list[str]] = {}
    for email, paths in pages.items():
        page.context.clear_cookies()
        log_in(page, email)
        for path in paths:
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            check_page_structure(page)
            found = axe_violations(page) + (overflow(page) if width == 375 else [])
            if found:
                problems[path] = found
    assert problems == {}
