"""The pages: outsiders see only public items; each action is for the person it belongs to."""

import pytest
from django.test import Client
from django.urls import reverse

from rung.showcase import services
from rung.showcase.models import ConsentStatus, CurationStatus, Report, ShowcaseItem
from rung.showcase.tests.conftest import pass_all_checks


def url(name, *args):
    return reverse(f"showcase:{name}", args=args)


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_outsiders_cannot_see_unpublished_items(item, queued, who, client_for, charlie):
    client = Client() if who == "anonymous" else client_for(charlie)
    assert client.get(url("item", item.slug)).status_code == 404
    file = item.files.first()
    assert client.get(url("file", item.slug, file.uuid)).status_code == 404
    assert item.title not in client.get(url("index")).content.decode()


def test_the_author_the_employer_and_curators_see_an_unpublished_item(item, client_for, candidate, alice, curator):
    for person in (candidate, alice, curator):
        response = client_for(person).get(url("item", item.slug))
        assert response.status_code == 200
        assert b"Not public" in response.content


def test_a_public_item_is_seen_by_anyone_and_listed(public_item):
    client = Client()
    page = client.get(url("item", public_item.slug))
    assert page.status_code == 200
    assert public_item.summary in page.content.decode()
    assert public_item.title in client.get(url("index")).content.decode()
    download = client.get(url("file", public_item.slug, public_item.files.first().uuid))
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF-")


def test_the_walk_through_the_pages(completed, client_for, candidate, alice, curator):
    intern = client_for(candidate)
    files = list(completed.milestones.first().submissions.first().files.all())
    response = intern.post(
        url("create", completed.uuid),
        {
            "title": "Monthly sales trend",
            "summary": "I cleaned the sales dataset and charted the monthly trend for the team.",
            "links": "https://example.org/notebook",
            "files": [str(files[0].uuid)],
            "contactable": "on",
        },
    )
    made = ShowcaseItem.objects.get()
    assert response.status_code == 302
    intern.post(url("request_consent", made.slug))
    client_for(alice).post(url("consent", made.slug), {"decision": "approve"})
    made.refresh_from_db()
    assert made.consent_status == ConsentStatus.APPROVED
    catalogue = services.create_catalogue(
        curator=curator, kind="theme", title="Data stories", intro="Work that turns data into a clear story."
    )
    editor = client_for(curator)
    assert editor.get(url("queue")).status_code == 200
    for key in services.current_playbook().keys:
        editor.post(url("check", made.slug), {"key": key, "passed": "yes"})
    editor.post(url("decide", made.slug), {"decision": "feature", "catalogue": str(catalogue.uuid)})
    made.refresh_from_db()
    assert made.status == CurationStatus.PUBLISHED
    assert made.featured
    page = Client().get(url("catalogue", catalogue.slug))
    assert made.title in page.content.decode()


def test_bad_input_on_the_create_page_is_a_400_and_writes_nothing(completed, client_for, candidate):
    response = client_for(candidate).post(url("create", completed.uuid), {"title": "", "summary": ""})
    assert response.status_code == 400
    assert not ShowcaseItem.objects.exists()


def test_others_cannot_create_from_an_engagement(completed, client_for, charlie, alice):
    assert client_for(charlie).get(url("create", completed.uuid)).status_code == 404
    assert client_for(alice).get(url("create", completed.uuid)).status_code == 404


def test_a_reviewer_cannot_consent(item, candidate, client_for, bob):
    services.request_consent(item, author=candidate)
    client_for(bob).post(url("consent", item.slug), {"decision": "approve"})
    item.refresh_from_db()
    assert item.consent_status == ConsentStatus.REQUESTED


@pytest.mark.parametrize("name", ["queue", "moderation", "new_catalogue"])
def test_staff_and_curator_pages_are_hidden_from_others(name, client_for, charlie, alice):
    for person in (charlie, alice):
        assert client_for(person).get(url(name)).status_code == 404


def test_a_curator_is_not_a_moderator(client_for, curator):
    assert client_for(curator).get(url("moderation")).status_code == 404


def test_anyone_reports_and_staff_take_down(public_item, client_for, sam):
    response = Client().post(url("report", "item", public_item.uuid), {"reason": "It shows a real password."})
    assert response.status_code == 302
    assert Report.objects.count() == 1
    staff = client_for(sam)
    assert staff.get(url("moderation")).status_code == 200
    staff.post(url("moderate", "item", public_item.uuid), {"action": "take_down", "reason": "A live password."})
    assert Client().get(url("item", public_item.slug)).status_code == 404


def test_reports_of_unpublished_items_are_404(item):
    assert Client().get(url("report", "item", item.uuid)).status_code == 404
    assert Client().get(url("report", "nonsense", item.uuid)).status_code == 404


def test_portfolios_are_opt_in_and_noindex(client_for, candidate, public_item):
    client = client_for(candidate)
    client.post(
        reverse("showcase:portfolio_edit"),
        {"slug": "nia-c", "display_name": "Nia C", "show_showcase": "on", "published": ""},
    )
    assert Client().get(url("portfolio", "nia-c")).status_code == 404  # not published yet
    client.post(
        reverse("showcase:portfolio_edit"),
        {"slug": "nia-c", "display_name": "Nia C", "show_showcase": "on", "published": "on"},
    )
    page = Client().get(url("portfolio", "nia-c"))
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    body = page.content.decode()
    assert public_item.title in body
    assert candidate.email not in body  # nothing private unless chosen
    client.post(
        reverse("showcase:portfolio_edit"),
        {"slug": "nia-c", "display_name": "Nia C", "published": "on", "indexable": "on", "show_email": "on"},
    )
    page = Client().get(url("portfolio", "nia-c"))
    assert "X-Robots-Tag" not in page
    assert candidate.email in page.content.decode()
    assert public_item.title not in page.content.decode()  # showcase section not chosen


def test_the_public_list_costs_the_same_at_two_sizes(public_item, curator, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(12):
        client.get(url("index"))
    # A second published item (the same engagement cannot have two, so copy the first).
    ShowcaseItem.objects.create(
        slug="copy",
        engagement=public_item.engagement.project.engagements.exclude(pk=public_item.engagement_id).first()
        or _other_engagement(public_item),
        author=public_item.author,
        organisation=public_item.organisation,
        title="Another",
        summary=public_item.summary,
        ip_licence="open",
        status=CurationStatus.PUBLISHED,
        consent_status=ConsentStatus.APPROVED,
    )
    with django_assert_max_num_queries(12):
        client.get(url("index"))


def _other_engagement(item):
    from conftest import make_user
    from rung.engagements.models import Engagement
    from rung.orgs.models import Membership
    from rung.reviews.tests.conftest import accept

    person = make_user("zed@student.example", "Zed")
    membership = Membership.objects.get(organisation=item.organisation, user__email="bob@acme.example")
    engagement: Engagement = accept(item.engagement.project, person, membership)
    return engagement


del pass_all_checks


def test_the_portfolio_shows_endorsements_only_when_chosen_and_staff_can_take_one_down(
    completed, candidate, alice, client_for, sam
):
    from rung.recognition import services as recognition
    from rung.reviews.credential import issue_for_engagement

    credential = issue_for_engagement(completed)
    assert credential is not None
    endorsement = recognition.endorse_credential(
        endorser=alice, credential=credential, statement="Nia cleaned our data with real care and explained it well."
    )
    data = services.PortfolioInput(slug="nia-c", display_name="Nia C", published=True)
    services.save_portfolio(candidate, data=data)
    assert endorsement.statement not in Client().get(url("portfolio", "nia-c")).content.decode()
    assert Client().get(url("report", "endorsement", endorsement.uuid)).status_code == 404  # not shown anywhere
    data.show_endorsements = True
    services.save_portfolio(candidate, data=data)
    body = Client().get(url("portfolio", "nia-c")).content.decode()
    assert endorsement.statement in body
    assert credential.name in body  # the credential, shown by default
    Client().post(url("report", "endorsement", endorsement.uuid), {"reason": "This is not a real statement."})
    assert Report.objects.get().target_kind == "endorsement"
    services.take_down("endorsement", endorsement.uuid, staff=sam, reason="The statement names a client.")
    assert endorsement.statement not in Client().get(url("portfolio", "nia-c")).content.decode()
