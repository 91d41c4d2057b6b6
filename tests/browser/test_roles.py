"""Each person's own Rung in a real browser: a dashboard per role, the key pages of each role checked
with axe-core (0 serious or critical violations) and for reflow at 375 px (WCAG 1.4.10), and the
navigation that folds into a menu on a phone and works without JavaScript.

The world is the small demo (rung.demo, built through the real services): every role, projects at
every stage, an engagement waiting for review, a finished one with its credential.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rung.credentials.models import IssuedCredential
from rung.demo.generator import DEMO_PASSWORD, build_demo
from rung.engagements.models import Engagement
from rung.projects.models import Project, ProjectStatus
from rung.reviews.models import Submission, SubmissionStatus
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow, screenshot

pytestmark = pytest.mark.browser

MAYA = "maya@student.example"


@pytest.fixture
def demo(settings) -> None:
    # The live server's tests empty every table afterwards, seeded vocabularies included: put back
    # what the migrations seed before building the world (as conftest.py does for transactional tests).
    import importlib

    from django.apps import apps

    for module in (
        "rung.profiles.migrations.0002_seed_skills",
        "rung.projects.migrations.0002_rubric_library",
        "rung.projects.migrations.0007_template_catalogue",
        "rung.mentoring.migrations.0002_protocol_and_training",
    ):
        importlib.import_module(module).seed(apps, None)
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    build_demo(small=True)


def _open_project() -> Project:
    return Project.objects.filter(status=ProjectStatus.PUBLISHED, organisation__slug="northwind-analytics")[0]


def _pages(role: str) -> list[str]:
    """The key pages of each role, after the dashboard."""
    project = _open_project()
    assert project is not None
    if role == "anonymous":
        return [
            "/",
            reverse("projects:search"),
            reverse("projects:detail", args=[project.uuid]),
            reverse("credentials:verify"),
            reverse("accounts:login"),
        ]
    if role == "candidate":
        engagement = Engagement.objects.filter(candidate__email=MAYA)[0]
        credential = IssuedCredential.objects.filter(recipient__email=MAYA)[0]
        assert engagement is not None
        assert credential is not None
        other = Project.objects.filter(status=ProjectStatus.PUBLISHED).exclude(applications__candidate__email=MAYA)
        pages = [
            reverse("projects:search"),
            reverse("projects:detail", args=[project.uuid]),
            reverse("applications:mine"),
            reverse("engagements:detail", args=[engagement.uuid]),
            reverse("reviews:home"),
            reverse("reviews:milestone", args=[engagement.milestones.order_by("position")[0].uuid]),
            reverse("ledger:earnings"),
            reverse("credentials:wallet"),
            reverse("credentials:wallet_credential", args=[credential.uuid]),
            reverse("profiles:edit"),
        ]
        if other.exists():
            pages.append(reverse("applications:apply", args=[other[0].uuid]))
        return pages
    if role == "employer owner":
        engagement = Engagement.objects.filter(project__organisation__slug="northwind-analytics")[0]
        return [
            reverse("projects:detail", args=[project.uuid]),
            reverse("applications:review_list", args=[project.uuid]),
            reverse("projects:org_projects", args=["northwind-analytics"]),
            reverse("projects:create", args=["northwind-analytics"]),
            reverse("engagements:detail", args=[engagement.uuid]),
            reverse("ledger:org", args=["northwind-analytics"]),
        ]
    if role == "reviewer":
        submission = Submission.objects.filter(status=SubmissionStatus.AWAITING_REVIEW)[0]
        pages = [reverse("reviews:queue"), reverse("applications:review_list", args=[project.uuid])]
        if submission is not None:
            pages.append(reverse("reviews:review", args=[submission.uuid]))
        return pages
    if role == "mentor":
        engagement = Engagement.objects.filter(project__organisation__slug="northwind-analytics")[0]
        return [reverse("engagements:mine"), reverse("engagements:detail", args=[engagement.uuid])]
    if role == "education partner":
        return [reverse("orgs:detail", args=["riverside-university"]), reverse("credentials:verify")]
    if role == "staff":
        return [
            reverse("orgs:verification_queue"),
            reverse("orgs:staff_list"),
            reverse("dashboard:staff_find") + "?q=maya",
            reverse("ledger:staff"),
            reverse("ledger:staff_payouts"),
            reverse("projects:templates"),
        ]
    raise AssertionError(role)


LOGINS = {
    "anonymous": None,
    "candidate": MAYA,
    "employer owner": "olivia@northwind.example",
    "reviewer": "ravi@northwind.example",
    "mentor": "meera@northwind.example",
    "education partner": "ed@riverside.example",
    "staff": "staff@rung.example",
}
# What each dashboard must show (a heading of its own section).
DASHBOARD_SECTION = {
    "anonymous": "How it works",
    "candidate": "Your micro-internships",
    "employer owner": "Hiring",
    "reviewer": "Your review queue",
    "mentor": "Mentoring",
    "education partner": "Education partner",
    "staff": "Staff",
}


@pytest.mark.parametrize("role", list(LOGINS))
def test_each_role_has_its_own_dashboard_and_key_pages_pass_axe_and_reflow_at_375px(
    new_page: Callable[..., Page], demo: None, role: str, screenshot_dir: Path
):
    email = LOGINS[role]
    slug = role.replace(" ", "-")
    wide = new_page(bypass_csp=True)  # axe-core is injected as a script tag; see support.axe_violations
    narrow = new_page(width=375, height=740)
    for page in (wide, narrow):
        if email:
            log_in(page, email, DEMO_PASSWORD)
        page.goto("/")
    expect(wide.get_by_role("heading", level=2, name=DASHBOARD_SECTION[role], exact=True)).to_be_visible()
    screenshot(wide, screenshot_dir, f"role-{slug}-dashboard.png")
    screenshot(narrow, screenshot_dir, f"role-{slug}-dashboard-375.png")

    problems: dict[str, list[str]] = {}
    for path in ["/", *_pages(role)]:
        wide.goto(path)
        check_page_structure(wide)
        if found := axe_violations(wide):
            problems[f"axe {path}"] = found
        narrow.goto(path)
        if found := overflow(narrow):
            problems[f"375 px {path}"] = found
    assert problems == {}, "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in problems.items())


def test_on_a_phone_the_navigation_is_one_menu_that_opens_without_javascript(new_page: Callable[..., Page], demo):
    page = new_page(width=375, height=740, javascript=False)
    log_in(page, "olivia@northwind.example", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Post a project")).to_be_visible()  # up front, outside the menu
    expect(nav.get_by_role("link", name="Engagements")).to_be_hidden()
    nav.locator("summary", has_text="Menu").click()
    expect(nav.get_by_role("link", name="Engagements")).to_be_visible()
    expect(nav.get_by_role("link", name="Wallet")).to_have_count(0)  # not a candidate: no candidate menu
    assert overflow(page) == []


def test_on_a_wide_screen_the_navigation_is_shown_without_a_menu_button(new_page: Callable[..., Page], demo):
    page = new_page(javascript=False)
    log_in(page, "ravi@northwind.example", DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary")).to_be_hidden()
    expect(nav.get_by_role("link", name="Review queue")).to_be_visible()
    expect(nav.get_by_role("link", name="Post a project")).to_have_count(0)  # a reviewer does not post


def test_the_skills_picker_filters_as_you_type_and_keeps_ticked_skills(
    new_page: Callable[..., Page], demo, screenshot_dir
):
    page = new_page()
    page.goto(reverse("projects:search"))
    page.locator("summary", has_text="Skills").click()
    page.get_by_label("Python", exact=True).check()
    page.wait_for_load_state("networkidle")
    search = page.get_by_label("Filter the", exact=False)
    search.fill("design")
    expect(page.get_by_label("UI design", exact=True)).to_be_visible()
    expect(page.get_by_label("SQL", exact=True)).to_be_hidden()
    expect(page.get_by_label("Python", exact=True)).to_be_visible()  # ticked: stays in view
    expect(page.locator("[data-skill-filter-status]")).to_contain_text("skills shown")
    screenshot(page, screenshot_dir, "skills-picker-filtered.png")
    search.fill("")
    expect(page.get_by_label("SQL", exact=True)).to_be_visible()


def test_without_javascript_the_skills_picker_shows_every_skill_grouped(new_page: Callable[..., Page], demo):
    page = new_page(javascript=False)
    page.goto(reverse("profiles:edit"))  # redirects to log in first
    log_in(page, MAYA, DEMO_PASSWORD)
    page.goto(reverse("profiles:edit"))
    expect(page.locator("[data-skill-filter-row]")).to_be_hidden()
    expect(page.get_by_role("group", name="Design")).to_be_visible()
    expect(page.get_by_label("Figma", exact=True)).to_be_visible()
