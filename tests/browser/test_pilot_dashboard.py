"""Issue #16 in Chromium: an employer starts a pilot over a project with a history (applications,
completed work, interviews and hires, payouts, ledger entries) and reads its dashboard — charts drawn
by chart.js under the strict CSP, each with its table — at desktop width and at 375 px, with axe."""

import pytest
from playwright.sync_api import Page, expect

from rung.orgs.models import Organisation
from rung.pilots.models import Pilot
from rung.pilots.tests.conftest import people
from rung.pilots.tests.fill import fill, fund, make_project
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(org: Organisation, alice):
    """The history is written before the live server starts (see the browser conftest's note on
    the shared in-memory SQLite connection)."""
    project = make_project(org, "Donor data clean-up")
    fund(project, fee_minor=48000)
    fill(project, people(), mentor=alice)
    return project


def test_an_employer_creates_a_pilot_and_reads_its_dashboard(project, org: Organisation, alice, new_page):

    page: Page = new_page(bypass_csp=False)
    log_in(page, alice.email)
    page.goto(f"/pilots/orgs/{org.slug}/")
    check_page_structure(page)
    page.get_by_role("link", name="Start a pilot").click()
    page.get_by_label("Name").fill("Spring pilot")
    page.get_by_label("Starts on").fill("2026-03-01")
    page.get_by_label("Ends on").fill("2026-09-01")
    page.get_by_label("Donor data clean-up").check()
    page.get_by_label("Interview conversion target (%)").fill("50")
    page.get_by_label("Hired within six months target (%)").fill("30")
    page.get_by_label("Intern NPS target").fill("40")
    page.get_by_role("button", name="Start the pilot").click()

    expect(page.get_by_role("heading", level=1, name="Spring pilot")).to_be_visible()
    pilot = Pilot.objects.get(name="Spring pilot")
    assert list(pilot.projects.all()) == [project]
    funnel = page.get_by_role("table", name="From application to hire")
    expect(funnel.get_by_role("row", name="Applied 16")).to_be_visible()
    expect(funnel.get_by_role("row").filter(has_text="Hired within six months")).to_contain_text("2")
    expect(page.get_by_role("heading", name="Diversity of the pool")).to_be_visible()
    expect(page.get_by_text("fewer than 5").first).to_be_visible()
    # chart.js drew the funnel (a canvas it has sized), with no CSP or script error in the console.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-funnel'))")
    # The site's chart script lays the funnel on its side and counts in whole numbers.
    axis = page.evaluate(
        "() => { const c = Chart.getChart(document.getElementById('chart-funnel'));"
        " return [c.options.indexAxis, c.options.scales.x.ticks.precision]; }"
    )
    assert axis == ["y", 0]
    check_page_structure(page)

    for width in (1280, 375):
        audited = new_page(width=width, bypass_csp=True)
        log_in(audited, alice.email)
        audited.goto(f"/pilots/orgs/{org.slug}/{pilot.uuid}/")
        expect(audited.get_by_role("heading", level=1, name="Spring pilot")).to_be_visible()
        assert axe_violations(audited) == [], width
        if width == 375:
            assert overflow(audited) == []
