from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rung.projects.models import Project, ProjectStatus

# Deadlines must lie between today and the planning horizon (two years).
_SOON = timezone.now().date() + timedelta(days=30)

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {
        "title": "Write our API quick-start guide",
        "summary": "Developers tell us our docs are hard to start with. "
        "Write a quick-start guide and test it with two newcomers.",
        "learning_outcomes": "Write for developers\nRun a small usability test",
        "skills": ["technical-writing"],
        "duration_weeks": "2",
        "estimated_hours": "20",
        "stipend": "600.00",
        "currency": "EUR",
        "seats": "1",
        "application_deadline": _SOON.isoformat(),
        "start_date": (_SOON + timedelta(days=10)).isoformat(),
        "work_mode": "remote",
        "location": "",
        "jurisdiction": "",
        "timezone_from": "",
        "timezone_to": "",
        "screening_questions": "",
        "rubric": "",
        "ip_licence": "non_exclusive",
        "blind_review": "on",
        "offer_valid_days": "5",
        "review_rounds": "2",
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "8",
        "milestones-0-title": "Outline",
        "milestones-0-due_offset_days": "4",
        "milestones-0-share_percent": "30",
        "milestones-1-title": "Tested guide",
        "milestones-1-due_offset_days": "14",
        "milestones-1-share_percent": "70",
    }
    data.update(overrides)
    return data


def test_an_owner_writes_a_draft_through_the_form(client_for, alice, org):
    response = client_for(alice).post(reverse("projects:create", args=[org.slug]), _form_data(), follow=True)
    assert "Draft saved" in response.content.decode()
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT
    assert project.milestones.count() == 2


def test_the_form_explains_an_under_floor_stipend_and_saves_nothing(client_for, alice, org):
    response = client_for(alice).post(reverse("projects:create", args=[org.slug]), _form_data(stipend="100.00"))
    assert response.status_code == 400
    assert "below the floor" in response.content.decode()
    assert not Project.objects.exists()


def test_the_form_explains_milestone_shares(client_for, alice, org):
    response = client_for(alice).post(
        reverse("projects:create", args=[org.slug]), _form_data(**{"milestones-1-share_percent": "10"})
    )
    assert "add up to 100%" in response.content.decode()


def test_the_live_rate_hint(client_for, alice):
    body = (
        client_for(alice)
        .get(reverse("projects:rate"), {"stipend": "300", "estimated_hours": "20", "currency": "EUR"})
        .content.decode()
    )
    assert "15.00 EUR per hour" in body
    assert "Below the floor" in body
    body = client_for(alice).get(reverse("projects:rate"), {"stipend": "abc"}).content.decode()
    assert "Type the stipend" in body


def test_fund_then_publish_from_the_page(client_for, alice, draft, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    client = client_for(alice)
    assert "Fund 2 seats" in client.get(reverse("projects:detail", args=[draft.uuid])).content.decode()
    client.post(reverse("projects:fund", args=[draft.uuid]))
    response = client.post(reverse("projects:publish", args=[draft.uuid]), follow=True)
    assert "Published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.PUBLISHED


def test_publishing_unfunded_says_why(client_for, alice, draft):
    response = client_for(alice).post(reverse("projects:publish", args=[draft.uuid]), follow=True)
    assert "Fund the project first" in response.content.decode()


def test_drafts_are_invisible_to_outsiders_and_the_public(client, client_for, charlie, draft):
    assert client.get(reverse("projects:detail", args=[draft.uuid])).status_code == 404
    assert client_for(charlie).get(reverse("projects:detail", args=[draft.uuid])).status_code == 404


def test_published_projects_are_public_but_not_manageable_by_outsiders(client, client_for, charlie, published):
    body = client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    assert published.title in body
    assert "Manage this project" not in body
    outsider = client_for(charlie)
    for name in ("close", "cancel", "duplicate", "save_template", "fund", "publish"):
        assert (
            outsider.post(reverse(f"projects:{name}", args=[published.uuid]), {"reason": "x", "name": "x"}).status_code
            == 404
        )
    assert outsider.get(reverse("projects:edit", args=[published.uuid])).status_code == 404
    published.refresh_from_db()
    assert published.status == ProjectStatus.PUBLISHED


def test_a_reviewer_sees_the_project_but_cannot_manage_it(client_for, bob, published):
    client = client_for(bob)
    assert "Manage this project" not in client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    assert client.post(reverse("projects:close", args=[published.uuid])).status_code == 404


def test_outsiders_cannot_open_the_new_project_form(client_for, charlie, bob, org):
    assert client_for(charlie).get(reverse("projects:create", args=[org.slug])).status_code == 404
    assert client_for(bob).get(reverse("projects:create", args=[org.slug])).status_code == 403


def test_the_search_page_and_its_htmx_partial(client, published):
    page = client.get(reverse("projects:search"), {"q": "survey"}).content.decode()
    assert published.title in page
    assert "<h1>" in page
    partial = client.get(reverse("projects:search"), {"q": "survey"}, headers={"HX-Request": "true"}).content.decode()
    assert published.title in partial
    assert "<h1>" not in partial


def test_the_search_explains_a_pay_filter_without_currency(client, published):
    body = client.get(reverse("projects:search"), {"min_hourly": "20"}).content.decode()
    assert "Choose a currency to filter by pay." in body


def test_the_org_project_list_is_for_members(client_for, alice, charlie, draft, org):
    assert draft.title in client_for(alice).get(reverse("projects:org_projects", args=[org.slug])).content.decode()
    assert client_for(charlie).get(reverse("projects:org_projects", args=[org.slug])).status_code == 404


def test_a_project_page_links_the_employers_reliability_record(client, published):
    body = client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    record = reverse("reviews:reliability", args=[published.organisation.slug])
    assert f'hx-get="{record}"' in body
    partial = client.get(record).content.decode()
    assert "record on Rung" in partial
