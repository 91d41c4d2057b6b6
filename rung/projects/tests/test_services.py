from decimal import Decimal

import pytest

from rung.audit.models import AuditEvent
from rung.engagements.winddown import cancel_project, close_project
from rung.lib.errors import DomainError, PermissionDenied
from rung.orgs.models import Membership, Verification
from rung.projects import services
from rung.projects.fairpay import check_fair_pay, minimum_wages
from rung.projects.models import ProjectEvent, ProjectStatus

from .conftest import make_input

pytestmark = pytest.mark.django_db


def test_the_minimum_wage_table_is_sourced_and_dated():
    wages = minimum_wages()
    assert {"GB", "US", "DE"} <= set(wages)
    for wage in wages.values():
        assert wage.rate > 0
        assert wage.source
        assert len(wage.effective_from) == 10


def test_the_fair_pay_floor_is_the_greater_of_the_platform_floor_and_the_local_minimum_wage(settings):
    assert check_fair_pay(stipend_minor=60000, currency="EUR", estimated_hours=30).ok  # 20.00/h
    assert not check_fair_pay(stipend_minor=59900, currency="EUR", estimated_hours=30).ok
    settings.FAIR_PAY_FLOOR_PER_HOUR = "10.00"
    assert check_fair_pay(stipend_minor=11000, currency="GBP", estimated_hours=10).ok  # 11/h > 10 floor
    fair = check_fair_pay(stipend_minor=11000, currency="GBP", estimated_hours=10, jurisdiction="GB")
    assert not fair.ok  # below the UK minimum wage in the table
    assert fair.floor == minimum_wages()["GB"].rate
    assert "United Kingdom" in fair.message


def test_a_draft_is_created_with_milestones_and_audited(draft, alice):
    assert draft.status == ProjectStatus.DRAFT
    assert [m.share_percent for m in draft.milestones.all()] == [40, 60]
    assert draft.hourly_rate == Decimal("30.00")
    assert AuditEvent.objects.filter(verb="project.created", actor=alice).exists()


@pytest.mark.parametrize(
    ("overrides", "code_or_text"),
    [
        ({"stipend": "0"}, "unpaid"),
        ({"stipend": "500.00"}, "below_floor"),
        ({"learning_outcomes": ["  "]}, "learning outcome"),
        ({"duration_weeks": 5}, "1 to 4 weeks"),
        ({"milestones": [services.MilestoneInput("Only one", 3, 90)]}, "add up to 100%"),
        ({"milestones": [services.MilestoneInput("Too late", 30, 100)]}, "between day 1 and day 14"),
        ({"milestones": []}, "at least one milestone"),
        ({"screening_questions": ["a?", "b?", "c?", "d?"]}, "at most 3"),
        ({"work_mode": "onsite", "location": ""}, "where the work happens"),
        ({"currency": "XXX1"}, "not a valid amount"),
        ({"skill_slugs": ["underwater-basketry"]}, "from the list"),
    ],
)
def test_bad_projects_are_refused_with_a_reason(org, owner_membership, overrides, code_or_text):
    with pytest.raises(DomainError) as excinfo:
        services.create_project(org, membership=owner_membership, data=make_input(**overrides))
    assert code_or_text in (excinfo.value.code, *[excinfo.value.message]) or code_or_text in excinfo.value.message
    assert not org.projects.exists()


def test_the_start_must_follow_the_application_deadline(org, owner_membership):
    data = make_input()
    data.start_date = data.application_deadline
    with pytest.raises(DomainError, match="start after the application deadline"):
        services.create_project(org, membership=owner_membership, data=data)


def test_reviewers_and_outsiders_cannot_post(org, bob, charlie):
    with pytest.raises(PermissionDenied):
        services.create_project(org, membership=Membership.objects.get(user=bob), data=make_input())
    with pytest.raises(PermissionDenied):
        services.create_project(org, membership=None, data=make_input())


def test_publishing_needs_funding_first(draft, owner_membership):
    with pytest.raises(DomainError) as excinfo:
        services.publish_project(draft, membership=owner_membership)
    assert excinfo.value.code == "unfunded"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_an_unverified_organisation_cannot_publish_even_when_funded(draft, org, owner_membership, sandbox_payments):
    services.fund_project(draft, membership=owner_membership)
    org.verification = Verification.PENDING
    org.save(update_fields=["verification"])
    with pytest.raises(DomainError) as excinfo:
        services.publish_project(draft, membership=owner_membership)
    assert excinfo.value.code == "unverified_org"


def test_an_invoice_deposit_does_not_fund_until_staff_confirm(draft, owner_membership, sam, settings):
    from rung.ledger.services import confirm_deposit

    settings.PAYMENT_PROVIDER = "invoice"
    deposit = services.fund_project(draft, membership=owner_membership)
    assert not services.is_funded(draft)
    with pytest.raises(DomainError, match="already waiting for your transfer"):
        services.fund_project(draft, membership=owner_membership)
    with pytest.raises(DomainError, match="Fund the project first"):
        services.publish_project(draft, membership=owner_membership)
    confirm_deposit(deposit, staff=sam)
    assert services.is_funded(draft)
    assert services.publish_project(draft, membership=owner_membership).status == ProjectStatus.PUBLISHED


def test_funded_projects_publish_and_record_their_history(published, alice):
    assert published.status == ProjectStatus.PUBLISHED
    assert published.published_at is not None
    assert list(published.events.values_list("to_status", flat=True)) == ["draft", "published"]
    assert AuditEvent.objects.filter(verb="project.published", actor=alice).exists()


def test_published_projects_cannot_be_edited_or_published_twice(published, owner_membership):
    with pytest.raises(DomainError, match="Only drafts"):
        services.update_project(published, membership=owner_membership, data=make_input(title="Changed title"))
    with pytest.raises(DomainError, match="cannot become"):
        services.publish_project(published, membership=owner_membership)


def test_close_then_cancel_with_a_reason(published, owner_membership):
    close_project(published, membership=owner_membership)
    with pytest.raises(DomainError, match="Say why"):
        cancel_project(published, membership=owner_membership, reason=" ")
    cancelled = cancel_project(published, membership=owner_membership, reason="Budget frozen")
    assert cancelled.status == ProjectStatus.CANCELLED
    assert ProjectEvent.objects.filter(project=published, to_status="cancelled", note="Budget frozen").exists()
    with pytest.raises(DomainError, match="cannot become"):
        cancel_project(published, membership=owner_membership, reason="again")


def test_duplicate_and_template_round_trip(published, owner_membership, sam):
    copy = services.duplicate_project(
        published,
        membership=owner_membership,
        application_deadline=published.application_deadline,
        start_date=published.start_date,
    )
    assert copy.status == ProjectStatus.DRAFT
    assert copy.title.endswith("(copy)")
    assert copy.milestones.count() == 2
    template = services.save_as_template(published, membership=owner_membership, name="Survey analysis")
    data = services.input_from_template(
        template, application_deadline=published.application_deadline, start_date=published.start_date
    )
    assert data.title == published.title
    assert data.milestones[0].title == "Cleaned dataset"
    with pytest.raises(PermissionDenied):
        services.curate_template(template, staff=owner_membership.user, featured=True, public=True)
    assert services.curate_template(template, staff=sam, featured=True, public=True).featured
