"""Issue #16 in one walk: an employer builds a career ladder and starts a pilot over its project and
that ladder, moves an intern up, records an interview and a hire and reads the pilot's dashboard; the
intern sees where they stand on their dashboard and confirms the outcome (desktop and 375 px)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rung.accounts.models import User
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.outcomes.models import CandidateResponse, Outcome
from rung.pathways.models import Decision
from rung.pilots.models import Pilot
from rung.projects import services as projects
from rung.projects.tests.conftest import make_input
from rung.reviews.tests.conftest import accept, all_scores, milestones, review, sign_both, start_now, submit
from tests.browser.support import PASSWORD, axe_violations, check_page_structure, log_in, overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(email: str, full_name: str) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=full_name, email_verified_at=timezone.now())


@pytest.fixture
def world(settings, tmp_path):
    """Acme, its owner Alice and reviewer Bob, and Nia, who has completed a micro-internship there
    (through the real flow: apply, offer, accept, sign, hand in, review)."""
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.MEDIA_ROOT = tmp_path / "media"
    alice, bob = _person("alice@acme.example", "Alice Owner"), _person("bob@acme.example", "Bob Reviewer")
    nia = _person("nia@student.example", "Nia Candidate")
    org = Organisation.objects.create(
        name="Acme Analytics",
        slug="acme",
        kind=OrgKind.EMPLOYER,
        email_domain="acme.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    owner = Membership.objects.create(organisation=org, user=alice, role=Role.OWNER)
    reviewer = Membership.objects.create(organisation=org, user=bob, role=Role.REVIEWER)
    project = projects.create_project(org, membership=owner, data=make_input())
    projects.fund_project(project, membership=owner)
    project = projects.publish_project(project, membership=owner)
    engagement = start_now(sign_both(accept(project, nia, reviewer), employer=alice, candidate=nia))
    for m in milestones(engagement):
        review(submit(m, nia), bob, scores=all_scores(m, 3))
    return {"alice": alice, "nia": nia}


def test_from_a_micro_internship_to_a_hire(new_page, world, screenshot_dir: Path):
    employer = new_page(bypass_csp=True)
    log_in(employer, "alice@acme.example")
    expect(employer.get_by_role("link", name="Career ladders")).to_be_visible()

    # The ladder: an interview after one completed micro-internship, then the role.
    employer.goto("/pathways/orgs/acme/new/")
    check_page_structure(employer)
    employer.get_by_label("Title of the ladder").fill("Junior analyst ladder")
    step1 = employer.get_by_role("group", name="Step 1")
    step1.get_by_label("Kind").select_option("interview")
    step1.get_by_label("Title", exact=True).fill("Interview")
    step1.get_by_label("Completed micro-internships at least").fill("1")
    step2 = employer.get_by_role("group", name="Step 2")
    step2.get_by_label("Kind").select_option("role")
    step2.get_by_label("Title", exact=True).fill("Junior analyst")
    step2.get_by_label("Job title (for a full role)").fill("Junior data analyst")
    step2.get_by_label("Completed micro-internships at least").fill("1")
    employer.get_by_role("button", name="Create the ladder").click()

    expect(employer.get_by_role("heading", level=1, name="Junior analyst ladder")).to_be_visible()
    card = employer.locator(".card", has_text="Nia Candidate")
    expect(card).to_contain_text("1 of 1 criteria met for interview")
    assert axe_violations(employer) == []
    card.get_by_label("Reason for moving up").fill("Clear, careful work on the survey.")
    card.get_by_role("button", name="Move up").click()
    expect(employer.locator(".card", has_text="Nia Candidate")).to_contain_text(
        "1 of 1 criteria met for junior analyst"
    )
    assert Decision.objects.get().reason == "Clear, careful work on the survey."

    # The pilot: this project and this ladder, with goals.
    employer.goto("/pilots/orgs/acme/")
    check_page_structure(employer)
    employer.get_by_role("link", name="Start a pilot").click()
    today = timezone.now().date()
    employer.get_by_label("Name").fill("Survey pilot")
    employer.get_by_label("Starts on").fill((today - timedelta(days=60)).isoformat())
    employer.get_by_label("Ends on").fill((today + timedelta(days=120)).isoformat())
    employer.get_by_label("Clean and chart our volunteer survey").check()
    employer.get_by_label("Career pathway").select_option(label="Junior analyst ladder")
    employer.get_by_label("Interview conversion target (%)").fill("50")
    employer.get_by_label("Hired within six months target (%)").fill("30")
    employer.get_by_role("button", name="Start the pilot").click()
    expect(employer.get_by_role("heading", level=1, name="Survey pilot")).to_be_visible()
    pilot = Pilot.objects.get(name="Survey pilot")
    assert pilot.pathway is not None
    assert pilot.pathway.title == "Junior analyst ladder"
    assert pilot.projects.get().title == "Clean and chart our volunteer survey"
    # Nobody has been interviewed yet: the funnel stops at the completed work.
    funnel = employer.get_by_role("table", name="From application to hire")
    expect(funnel.get_by_role("row", name="Completed 1", exact=False)).to_be_visible()
    expect(funnel.get_by_role("row").filter(has_text="Interviewed for a role")).to_contain_text("0")

    # The interview, then the hire.
    employer.goto("/outcomes/orgs/acme/")
    check_page_structure(employer)
    employer.get_by_label("Candidate").select_option(label="Nia Candidate (nia@student.example)")
    employer.get_by_label("Stage").select_option("interviewed")
    employer.get_by_role("button", name="Record").click()
    expect(employer.get_by_role("cell", name="Interviewed", exact=True)).to_be_visible()
    outcome = Outcome.objects.get()
    row = employer.get_by_role("row", name="Nia Candidate")
    row.get_by_label("New stage").select_option("hired")
    row.get_by_label("Role").fill("Junior data analyst")
    row.get_by_label("Employment type").select_option("full_time")
    start = timezone.now().date() + timedelta(days=30)
    row.get_by_label("Start date").fill(start.isoformat())
    row.get_by_role("button", name="Update").click()
    expect(employer.get_by_role("cell", name="Hired", exact=True)).to_be_visible()
    assert axe_violations(employer) == []
    screenshot(employer, screenshot_dir, "pathway-employer-outcomes.png")
    outcome.refresh_from_db()
    assert (outcome.stage, outcome.start_date) == ("hired", start)

    # The dashboard now counts the interview and the hire within six months of the work.
    employer.goto(f"/pilots/orgs/acme/{pilot.uuid}/")
    funnel = employer.get_by_role("table", name="From application to hire")
    for stage in ("Applied", "Started", "Completed", "Interviewed for a role", "Hired within six months"):
        expect(funnel.get_by_role("row").filter(has_text=stage).get_by_role("cell").first).to_have_text("1")
    assert axe_violations(employer) == []
    screenshot(employer, screenshot_dir, "pathway-pilot-dashboard.png")

    # The intern, on a phone: where they stand, and the outcome to confirm.
    intern = new_page(width=375, height=800, bypass_csp=True)
    log_in(intern, "nia@student.example")
    ladders = intern.locator(".card", has_text="Your career ladders")
    expect(ladders).to_contain_text("“Junior analyst ladder”: 1 of 1 criteria met for junior analyst")
    expect(ladders).to_contain_text("1 outcome to confirm")
    assert overflow(intern) == []
    ladders.get_by_role("link", name="Interviews, offers and hires").click()
    check_page_structure(intern)
    expect(intern.get_by_role("heading", name="Acme Analytics: Hired")).to_be_visible()
    assert overflow(intern) == []
    assert axe_violations(intern) == []
    intern.get_by_label("Yes, this is right").check()
    intern.get_by_role("button", name="Send my answer").click()
    expect(intern.get_by_text("Thank you: the employer can see your answer.")).to_be_visible()
    screenshot(intern, screenshot_dir, "pathway-intern-375.png")
    outcome.refresh_from_db()
    assert outcome.candidate_response == CandidateResponse.CONFIRMED

    intern.goto("/pathways/")
    check_page_structure(intern)
    expect(intern.get_by_text("1 of 1 criteria met for junior analyst")).to_be_visible()
    assert overflow(intern) == []
    assert axe_violations(intern) == []
