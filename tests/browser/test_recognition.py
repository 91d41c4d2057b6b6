"""A panelist scores nominations blind, on a desktop and at 375 px, with axe-core finding nothing serious."""

import pytest
from playwright.sync_api import expect

from rung.profiles.models import CandidateProfile
from rung.recognition import services
from rung.recognition.models import PanelScore
from rung.recognition.tests.conftest import (  # noqa: F401
    cohort,
    draft_round,
    open_round,
    owner_membership,
    pat,
    reviewer_membership,
    sandbox_payments,
)
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHY = "Ines rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."


@pytest.fixture
def scoring(open_round, cohort, alice):  # noqa: F811
    CandidateProfile.objects.update_or_create(user=cohort[0].candidate, defaults={"institution": "University of Leeds"})
    services.nominate(open_round, nominator=cohort[1].candidate, nominee=cohort[0].candidate, statement=WHY)
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    return open_round


@pytest.mark.parametrize("width", [1280, 375])
def test_a_panelist_scores_blind(new_page, scoring, bob, width) -> None:
    page = new_page(width=width, bypass_csp=True)
    log_in(page, bob.email)
    page.goto(f"/recognition/rounds/{scoring.uuid}/panel/")
    check_page_structure(page)
    expect(page.get_by_role("heading", level=2, name="Nominee A")).to_be_visible()
    body = page.locator("main").inner_text()
    for word in ("Ines", "Ortega", "Leeds", "ines@uni.example"):
        assert word not in body
    assert axe_violations(page) == []
    if width == 375:
        assert overflow(page) == []
    quality = page.get_by_role("group", name="Quality of work")
    quality.get_by_label("Strong").check()
    page.get_by_role("group", name="Initiative").get_by_label("Outstanding").check()
    page.get_by_role("button", name="Save my score for Nominee A").click()
    expect(page.get_by_text("Your score is saved.")).to_be_visible()
    expect(page.get_by_text("Your score: 92 %.")).to_be_visible()  # (3×1 + 4×2) / 12
    assert PanelScore.objects.get(panelist=bob).points == 11
    assert axe_violations(page) == []
