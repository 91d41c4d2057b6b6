"""Each person sees their own Rung: the dashboard and the navigation follow their roles."""

import pytest
from django.urls import reverse

from conftest import make_user
from rung.applications import services as applications
from rung.engagements.models import Engagement
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification

pytestmark = pytest.mark.django_db


def _nav(body: str) -> str:
    start = body.index('<nav aria-label="Main"')
    return body[start : body.index("</nav>", start)]


def test_a_candidate_sees_their_profile_applications_and_wallet_and_no_staff_or_hiring(client_for, charlie):
    body = client_for(charlie).get("/").content.decode()
    nav = _nav(body)
    for link in ("projects:search", "applications:mine", "credentials:wallet", "ledger:earnings"):
        assert reverse(link) in nav
    assert reverse("orgs:verification_queue") not in nav
    assert "Post a project" not in body
    assert "Your candidate profile" in body
    assert "Set up an organisation" in body


def test_an_employer_owner_gets_post_a_project_up_front_and_no_candidate_menu(client_for, alice, org):
    body = client_for(alice).get("/").content.decode()
    nav = _nav(body)
    create = reverse("projects:create", args=[org.slug])
    assert f'class="button nav-cta" href="{create}">Post a project' in nav
    assert nav.index("Post a project") < nav.index("Dashboard")
    assert reverse("projects:org_projects", args=[org.slug]) in nav
    assert reverse("credentials:wallet") not in nav  # alice never applied anywhere
    assert reverse("applications:mine") not in nav
    assert "Hiring" in body
    assert "Your candidate profile" not in body
    assert len(nav.split("<li>")) - 1 < 11


def test_a_reviewer_sees_applications_to_decide_and_no_post_button(client_for, bob, published, candidate):
    applications.apply(published, candidate=candidate, answers=["A line chart."])
    body = client_for(bob).get("/").content.decode()
    assert "Your review queue" in body
    assert reverse("applications:review_list", args=[published.uuid]) in body
    assert "1 waiting" in body
    assert "Post a project" not in body
    assert reverse("reviews:queue") in _nav(body)


def test_a_mentor_sees_the_engagements_of_their_organisation_not_an_empty_card_nor_applicant_links(
    client_for, org, engagement
):
    meera = make_user("meera@acme.example", "Meera Mentor")
    Membership.objects.create(organisation=org, user=meera, role=Role.MENTOR)
    body = client_for(meera).get("/").content.decode()
    assert "Mentoring" in body
    assert reverse("engagements:detail", args=[engagement.uuid]) in body
    assert "no interns to mentor yet" not in body
    assert 'id="hiring-h"' not in body  # her engagements are listed once, under Mentoring
    assert reverse("applications:review_list", args=[engagement.project.uuid]) not in body  # it would 404 for her
    assert "Post a project" not in body


def test_a_mentor_named_on_an_engagement_sees_it_as_their_mentee(client_for, org, engagement):
    meera = make_user("meera@acme.example", "Meera Mentor")
    Membership.objects.create(organisation=org, user=meera, role=Role.MENTOR)
    Engagement.objects.filter(pk=engagement.pk).update(mentor=meera)
    body = client_for(meera).get("/").content.decode()
    assert "Your mentees" in body
    assert engagement.candidate.get_short_name() in body


def test_a_new_mentor_without_engagements_is_told_what_will_appear(client_for, org):
    meera = make_user("meera@acme.example", "Meera Mentor")
    Membership.objects.create(organisation=org, user=meera, role=Role.MENTOR)
    body = client_for(meera).get("/").content.decode()
    assert "You have no interns to mentor yet" in body


def test_an_education_partner_sees_their_institution_and_how_to_check_student_work(client_for):
    ed = make_user("ed@riverside.example", "Edith Careers")
    uni = Organisation.objects.create(
        name="Riverside University", slug="riverside", kind=OrgKind.EDUCATION, email_domain="riverside.example"
    )
    Membership.objects.create(organisation=uni, user=ed, role=Role.OWNER)
    body = client_for(ed).get("/").content.decode()
    assert "Education partner" in body
    assert reverse("credentials:verify") in body
    assert "Post a project" not in body  # an education partner does not post projects
    assert reverse("applications:mine") not in _nav(body)


def test_staff_see_their_queues_and_none_of_the_candidate_menu(client_for, sam, alice):
    from rung.orgs.services import create_organisation

    create_organisation(actor=alice, name="Pending Co", kind="employer", email_domain="pending.example")
    body = client_for(sam).get("/").content.decode()
    nav = _nav(body)
    assert "1 organisation awaiting verification" in body
    assert "No payout is overdue." in body
    assert reverse("orgs:staff_list") in nav
    assert reverse("dashboard:staff_find") in nav
    assert reverse("credentials:wallet") not in nav


def test_a_person_with_several_roles_sees_the_union_staff_and_hiring_before_their_own_work(
    client_for, alice, org, sam, published, candidate
):
    other = Organisation.objects.create(
        name="Beta", slug="beta", kind=OrgKind.EMPLOYER, email_domain="beta.example", verification=Verification.VERIFIED
    )
    Membership.objects.create(organisation=other, user=sam, role=Role.REVIEWER)
    applications.apply(published, candidate=sam, answers=["A line chart."])  # sam applies to acme too
    body = client_for(sam).get("/").content.decode()
    nav = _nav(body)
    assert body.index('id="staff-h"') < body.index('id="hiring-h"') < body.index('id="queue-h"')
    assert body.index('id="queue-h"') < body.index('id="cand-h"')
    assert reverse("applications:mine") in nav
    assert reverse("orgs:staff_list") in nav
    assert "Post a project" not in nav  # a reviewer at Beta may not post


def test_an_owner_of_two_employers_gets_one_post_button_per_organisation(client_for, alice, org):
    other = Organisation.objects.create(name="Beta", slug="beta", kind=OrgKind.EMPLOYER, email_domain="beta.example")
    Membership.objects.create(organisation=other, user=alice, role=Role.OWNER)
    body = client_for(alice).get("/").content.decode()
    assert "Post a project for Acme Analytics" in body
    assert "Post a project for Beta" in body
    assert reverse("projects:create", args=["beta"]) in body


def test_the_dashboard_costs_the_same_few_queries_for_many_projects(
    client_for, alice, org, owner_membership, django_assert_max_num_queries
):
    from rung.projects import services
    from rung.projects.tests.conftest import make_input

    for i in range(12):
        services.create_project(org, membership=owner_membership, data=make_input(title=f"Project {i}"))
    client = client_for(alice)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    assert response.status_code == 200
    assert "Project 11" in response.content.decode()


def test_candidates_employers_and_mentors_get_one_showcase_item_that_also_leads_to_recognition(
    client_for, alice, charlie, org
):
    meera = make_user("meera@acme.example", "Meera Mentor")
    Membership.objects.create(organisation=org, user=meera, role=Role.MENTOR)
    for person in (charlie, alice, meera):
        client = client_for(person)
        nav = _nav(client.get("/").content.decode())
        assert f'href="{reverse("showcase:index")}"' in nav
        assert reverse("recognition:home") not in nav  # grouped under the showcase item
        showcase = client.get(reverse("showcase:index")).content.decode()
        assert f'href="{reverse("showcase:index")}" aria-current="page">Showcase' in _nav(showcase)
        assert f'href="{reverse("recognition:home")}"' in showcase  # the showcase page leads on to recognition
        recognition = client.get(reverse("recognition:home")).content.decode()
        assert f'href="{reverse("showcase:index")}" aria-current="page">Showcase' in _nav(recognition)
        assert f'href="{reverse("recognition:home")}" aria-current="page">Recognition' in recognition
    assert len(_nav(client_for(alice).get("/").content.decode()).split("<li>")) - 1 < 11  # the employer budget holds


def test_a_visitor_finds_the_showcase_but_no_recognition_link(client):
    body = client.get(reverse("showcase:index")).content.decode()
    assert f'href="{reverse("showcase:index")}" aria-current="page">Showcase' in _nav(body)
    assert reverse("recognition:home") not in body
