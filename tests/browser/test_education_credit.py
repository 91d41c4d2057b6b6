"""Issue #14's browser test: a student links with a university and chooses what it may see, finds a
project that counts for credit there and applies; once the work is done (the employer's side, already
covered by test_lifecycle_story, runs through the services), the partner approves the credit and
issues a CLR 2.0 transcript, which the student then holds."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from rung.applications import services as applications
from rung.education import services as education
from rung.education.models import CreditClaim, Transcript
from rung.education.tests.conftest import agreement_input
from rung.engagements import services as engagements
from rung.engagements.models import Engagement, SignatureRole
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects import services as projects
from rung.projects.tests.conftest import make_input
from rung.reviews import services as reviews
from rung.reviews.selectors import rubric_for
from tests.browser.support import axe_violations, check_page_structure, log_in, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Clean and chart our volunteer survey"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _finish_the_work(engagement: Engagement, employer, candidate, reviewer) -> None:
    """The employer's side and the work itself, through the services (test_lifecycle_story clicks it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    contract = engagement.contracts.get(version=1)
    engagements.sign_contract(
        contract, signer=employer, role=SignatureRole.EMPLOYER, typed_name=employer.full_name, consent=True
    )
    engagements.sign_contract(
        contract, signer=candidate, role=SignatureRole.CANDIDATE, typed_name=candidate.full_name, consent=True
    )
    Engagement.objects.filter(pk=engagement.pk).update(start_date=timezone.now().date())
    engagement.refresh_from_db()
    for milestone in engagement.milestones.order_by("position"):
        submission = reviews.submit_work(
            milestone,
            candidate=candidate,
            notes="The work, with a note on the choices made.",
            files=[SimpleUploadedFile("work.pdf", PDF, content_type="application/pdf")],
        )
        scores = {c.pk: 3 for c in rubric_for(engagement.project).criteria.all()}
        reviews.review_submission(
            submission,
            reviewer=reviewer,
            review=reviews.ReviewInput(
                decision="approve", feedback="Clear charts and a tidy dataset; label the axes next time.", scores=scores
            ),
        )


def test_a_student_links_applies_for_credit_completes_and_gets_a_transcript(
    new_page, org: Organisation, alice, bob, settings, live_server, tmp_path
):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    uni = Organisation.objects.create(
        name="University of Example",
        slug="uni",
        kind=OrgKind.EDUCATION,
        email_domain="uni.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    pat = make_user("pat@uni.example", "Pat Registrar")
    registrar = Membership.objects.create(organisation=uni, user=pat, role=Role.OWNER)
    agreement = education.create_agreement(membership=registrar, partner=uni, data=agreement_input())
    education.sign_agreement(agreement, membership=registrar, typed_name="Pat Registrar", consent=True)
    owner = Membership.objects.get(organisation=org, user=alice)
    project = projects.create_project(org, membership=owner, data=make_input())
    projects.fund_project(project, membership=owner)
    projects.publish_project(project, membership=owner)
    nia = make_user("nia@student.example", "Nia Candidate")
    student: Page = new_page(width=375, height=800)  # the student's pages reflow on a phone
    partner: Page = new_page()

    # 1. Nia asks the university to confirm her; Pat confirms; Nia chooses what it may see.
    # The live server's first answer (templates, static files) can take far longer than the
    # 10-second page budget on a busy machine; warm it up once, then every step keeps the budget.
    student.goto("/accounts/login/", timeout=90_000)
    log_in(student, nia.email)
    student.goto("/education/")
    check_page_structure(student)
    student.get_by_label("Education partner").select_option(label="University of Example")
    student.get_by_label("Ask the partner to confirm me").check()
    student.get_by_label("Student number (optional)").fill("S-2041")
    student.get_by_role("button", name="Link").click()
    expect(student.get_by_role("status")).to_contain_text("University of Example has been asked to confirm you")

    log_in(partner, pat.email)
    partner.goto("/education/partners/uni/")
    check_page_structure(partner)
    partner.get_by_role("button", name="Confirm this student").click()
    expect(partner.get_by_text("Nia Candidate Confirmed")).to_be_visible()

    student.reload()
    # No credit yet, but the page says up front what a transcript will need.
    expect(student.get_by_text("For a transcript, share your credentials.")).to_be_visible()
    consent = student.get_by_role("group", name="What University of Example may see")
    for item in ("Credentials", "Rubric results", "Contract hours"):
        consent.get_by_label(item).check()
    student.get_by_role("button", name="Save what they may see").click()
    expect(student.get_by_role("status")).to_contain_text("Saved what University of Example may see")
    expect(student.get_by_text("For a transcript, share your credentials.")).to_have_count(0)

    # 2. She finds the project by its credit, sees the conditions before applying, and applies.
    student.goto("/projects/?flags=credit")
    expect(student.get_by_text("Counts for credit at University of Example").first).to_be_visible()
    student.get_by_role("link", name=TITLE).click()
    expect(student.get_by_role("main")).to_contain_text("2.5 ECTS (DATA2001)")
    expect(student.get_by_role("main")).to_contain_text("At least 20 hours")
    student.get_by_role("link", name="Apply").first.click()
    student.get_by_label("Which chart type do you reach for first?").fill("A bar chart, read at a glance.")
    student.get_by_role("button", name="Send application").click()
    expect(student.get_by_role("status")).to_contain_text(f"Applied to {TITLE}")

    # 3. Hired, the work done and approved (the employer's side, through the services).
    application = nia.applications.get()
    reviewer = Membership.objects.get(organisation=org, user=bob)
    applications.shortlist(application, membership=reviewer)
    applications.make_offer(application, membership=reviewer)
    engagements.accept_offer(application, candidate=nia)
    _finish_the_work(Engagement.objects.get(application=application), alice, nia, bob)
    claim = CreditClaim.objects.get()
    assert claim.credential is not None

    # 4. Pat reviews the consented evidence, approves the credit and issues the transcript.
    partner.goto("/education/partners/uni/")
    partner.get_by_role("link", name=f"Nia Candidate · {TITLE}").click()
    check_page_structure(partner)
    expect(partner.get_by_role("main")).to_contain_text("Contract hours: 30")
    expect(partner.get_by_role("main")).not_to_contain_text("Feedback")
    partner.get_by_label("Comment to the student (required when you decline)").fill("Well evidenced; credit awarded.")
    partner.get_by_role("button", name="Approve the credit").click()
    expect(partner.get_by_role("status")).to_contain_text("Decision recorded")
    partner.goto("/education/partners/uni/")
    partner.get_by_role("button", name="Issue a transcript").click()
    expect(partner.get_by_role("status")).to_contain_text("Transcript issued and signed as your organisation")

    transcript = Transcript.objects.get()
    assert transcript.credential.document["type"] == ["VerifiableCredential", "ClrCredential"]
    student.goto("/education/")
    expect(student.get_by_role("link", name="Transcript from University of Example")).to_be_visible()
    expect(student.get_by_role("main")).to_contain_text("Approved")

    # 5. The partner's dashboard draws its charts under the strict CSP (no console errors), each above
    # its table with the same figures.
    partner.goto("/education/partners/uni/")
    partner.wait_for_function(
        "() => window.Chart && ['chart-credit-by-month', 'chart-credit-status', 'chart-outcomes']"
        ".every((id) => Chart.getChart(document.getElementById(id)))"
    )
    status = partner.get_by_role("table", name="Credit claims by status")
    expect(status.get_by_role("row", name="Approved 1")).to_be_visible()
    outcomes = partner.get_by_role("table", name="Completions and credit awarded under each agreement")
    expect(outcomes.get_by_role("row", name="Work placement credit v1")).to_contain_text("2.5 ECTS")
    check_page_structure(partner)

    # 6. Every education page, as the partner and as the student, at desktop width and on a phone, with axe.
    claim_url = f"/education/claims/{claim.uuid}/"
    pages = {
        pat.email: ["/education/partners/uni/", f"/education/agreements/{agreement.uuid}/", claim_url],
        nia.email: ["/education/", claim_url],
    }
    for width in (1280, 375):
        for email, urls in pages.items():
            audited = new_page(width=width, bypass_csp=True)
            log_in(audited, email)
            for url in urls:
                audited.goto(url)
                check_page_structure(audited)
                assert axe_violations(audited) == [], (email, url, width)
                if width == 375:
                    assert overflow(audited) == [], (email, url)
            audited.context.close()
