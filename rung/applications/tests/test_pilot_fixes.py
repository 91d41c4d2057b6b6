"""The first pilot's findings on applications: full projects, the blind pass, private notes,
the profile after shortlisting, paginated applicants and query counts that do not grow."""

import pytest
from django.urls import reverse

from rung.applications import selectors, services
from rung.applications.models import Application, ApplicationNote, ApplicationStatus
from rung.audit.models import AuditEvent
from rung.engagements.services import accept_offer
from rung.lib.errors import DomainError, PermissionDenied
from rung.profiles.models import AvailabilityWindow, CandidateProfile

pytestmark = pytest.mark.django_db
ANSWER = ["A line chart, because the trend matters most."]


def _people(n: int, prefix: str = "p"):
    from conftest import make_user

    return [make_user(f"{prefix}{i}@student.example", f"Person {prefix}{i}") for i in range(n)]


def _accept(project, person, membership):
    application = services.apply(project, candidate=person, answers=ANSWER)
    services.shortlist(application, membership=membership)
    services.make_offer(application, membership=membership)
    return accept_offer(application, candidate=person)


# --- A full project says so and refuses applications ------------------------------------------


def test_a_full_project_refuses_applications_and_says_so(client, client_for, published, reviewer_membership):
    first, second, late = _people(3)
    _accept(published, first, reviewer_membership)
    _accept(published, second, reviewer_membership)  # both seats taken
    with pytest.raises(DomainError, match="Every seat on this project is taken") as refused:
        services.apply(published, candidate=late, answers=ANSWER)
    assert refused.value.code == "full"
    assert not Application.objects.filter(candidate=late).exists()

    page = client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    assert "Full: every seat is taken" in page
    assert reverse("applications:apply", args=[published.uuid]) not in page
    card = client.get(reverse("projects:search")).content.decode()
    assert "Full: every seat is taken" in card
    api = client.get(f"/api/v1/projects/{published.uuid}").json()
    assert (api["seats_left"], api["full"]) == (0, True)
    listed = client.get("/api/v1/projects").json()["items"][0]
    assert listed["full"] is True

    browser = client_for(late)
    assert (
        "not taking applications" in browser.get(reverse("applications:apply", args=[published.uuid])).content.decode()
    )
    response = browser.post(reverse("applications:apply", args=[published.uuid]), {"answer_0": ANSWER[0]})
    assert response.status_code == 400
    assert "Every seat on this project is taken" in response.content.decode()


def test_an_open_seat_is_counted_on_the_page_and_in_the_api(client, published, reviewer_membership):
    [first] = _people(1)
    _accept(published, first, reviewer_membership)
    assert "1 of 2 seats open" in client.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    api = client.get(f"/api/v1/projects/{published.uuid}").json()
    assert (api["seats_left"], api["full"]) == (1, False)


def test_a_cancelled_seat_reopens_only_when_its_escrow_is_funded_again(
    client_for, published, reviewer_membership, alice, charlie, bob
):
    from rung.engagements.services import cancel_engagement
    from rung.projects.selectors import seats_for

    first, second, late = _people(3)
    _accept(published, first, reviewer_membership)
    cancelled = _accept(published, second, reviewer_membership)
    cancel_engagement(cancelled.engagement, actor=alice, reason="Our plans changed; we are sorry.")
    # The cancelled seat's escrow went back to the employer: still full.
    seats = seats_for(published)
    assert (seats.full, seats.unfunded) == (True, 1)
    with pytest.raises(DomainError, match="Every seat"):
        services.apply(published, candidate=late, answers=ANSWER)
    url = reverse("projects:fund_freed_seats", args=[published.uuid])
    assert client_for(charlie).post(url).status_code == 404
    assert client_for(bob).post(url).status_code == 404  # reviewers do not fund
    assert seats_for(published).full
    owner = client_for(alice)
    assert "Fund and reopen 1 seat" in owner.get(reverse("projects:detail", args=[published.uuid])).content.decode()
    # The owner funds the seat again (the sandbox confirms at once): it reopens.
    assert owner.post(url).status_code == 302
    seats = seats_for(published)
    assert (seats.left, seats.unfunded) == (1, 0)
    application = services.apply(published, candidate=late, answers=ANSWER)
    assert application.status == ApplicationStatus.SUBMITTED
    from rung.projects import services as project_services

    with pytest.raises(DomainError, match="No cancelled seat"):
        project_services.fund_freed_seats(published, membership=alice.memberships.get())


# --- The blind pass --------------------------------------------------------------------------


def _identity_shown(text: str, person) -> bool:
    return person.email in text or person.full_name in text


@pytest.mark.parametrize("how", ["rejected", "withdrawn"])
def test_people_never_shortlisted_stay_anonymous_on_the_page_and_in_the_api(
    how, api_for, client_for, published, reviewer_membership, bob
):
    [person] = _people(1)
    CandidateProfile.objects.create(user=person, institution="Northern University", bio="I am Person p0.")
    application = services.apply(published, candidate=person, answers=ANSWER)
    if how == "rejected":
        services.reject(application, membership=reviewer_membership, message="Thank you, we chose someone else.")
    else:
        services.withdraw(application, candidate=person)
    page = client_for(bob).get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert not _identity_shown(page, person)
    assert "Northern University" not in page
    [card] = api_for(bob).get(f"/api/v1/applications/review/{published.uuid}").json()["items"]
    assert card["revealed"] is False
    assert (card["name"], card["email"], card["institution"], card["bio"]) == (None, None, None, "")


def test_people_shortlisted_then_declined_stay_revealed_to_reviewers(api_for, published, reviewer_membership, bob):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    services.shortlist(application, membership=reviewer_membership)
    services.reject(application, membership=reviewer_membership, message="Thank you, we chose someone else.")
    [card] = api_for(bob).get(f"/api/v1/applications/review/{published.uuid}").json()["items"]
    assert card["revealed"] is True
    assert card["email"] == person.email


# --- The profile after shortlisting, and private notes ------------------------------------------


def test_after_shortlisting_reviewers_see_the_profile_and_what_a_clash_means(
    client_for, published, reviewer_membership, bob
):
    [person] = _people(1)
    profile = CandidateProfile.objects.create(
        user=person,
        headline="Statistics student",
        bio="I like tidy data.",
        links=["https://example.org/portfolio"],
        hours_per_week=5,
    )
    AvailabilityWindow.objects.create(profile=profile, starts_on=published.start_date, ends_on=published.start_date)
    application = services.apply(published, candidate=person, answers=ANSWER)
    client = client_for(bob)
    blind = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert "Statistics student" in blind
    assert "up to 5" in blind
    assert "https://example.org/portfolio" not in blind
    assert "I like tidy data." not in blind
    assert "Availability clash: the hours or dates" in blind
    services.shortlist(application, membership=reviewer_membership)
    page = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert "https://example.org/portfolio" in page
    assert "I like tidy data." in page


def test_reviewers_keep_private_notes_the_candidate_never_sees(
    api_for, client_for, published, reviewer_membership, bob, alice
):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    response = client_for(bob).post(
        reverse("applications:reviewer_action", args=[application.uuid, "note"]), {"body": "Strong SQL answer."}
    )
    assert response.status_code == 302
    note = ApplicationNote.objects.get()
    assert (note.application, note.author, note.body) == (application, bob, "Strong SQL answer.")
    event = AuditEvent.objects.get(verb="application.note_added")
    assert "Strong SQL" not in str(event.data)
    # The owner (another reviewer of the organisation) reads it, on the page and in the API.
    assert (
        "Strong SQL answer."
        in client_for(alice).get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    )
    [card] = api_for(alice).get(f"/api/v1/applications/review/{published.uuid}").json()["items"]
    assert card["private_notes"][0]["body"] == "Strong SQL answer."
    # The candidate never sees it.
    candidate = client_for(person)
    assert "Strong SQL" not in candidate.get(reverse("applications:mine")).content.decode()
    assert "Strong SQL" not in candidate.get("/api/v1/applications").content.decode()


def test_outsiders_and_candidates_cannot_write_or_read_notes(api_for, client_for, published, charlie, bob):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    for user in (charlie, person):
        assert (
            client_for(user)
            .post(reverse("applications:reviewer_action", args=[application.uuid, "note"]), {"body": "x"})
            .status_code
            == 404
        )
        response = api_for(user).post(
            f"/api/v1/applications/{application.uuid}/notes", {"body": "x"}, content_type="application/json"
        )
        assert response.status_code == 404
    assert not ApplicationNote.objects.exists()
    with pytest.raises(PermissionDenied):
        services.add_private_note(application, membership=None, body="Sneaky")


def test_a_note_must_say_something(published, reviewer_membership, api_for, bob):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    with pytest.raises(DomainError, match="Write the note first"):
        services.add_private_note(application, membership=reviewer_membership, body="   ")
    response = api_for(bob).post(
        f"/api/v1/applications/{application.uuid}/notes", {"body": "Good"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["author"] == bob.full_name


# --- Paginated applicants --------------------------------------------------------------------


def test_the_applicants_list_is_paginated_on_the_page_and_in_the_api(api_for, client_for, published, bob, monkeypatch):
    monkeypatch.setattr(selectors, "APPLICANTS_PAGE_SIZE", 3)
    for person in _people(5):
        services.apply(published, candidate=person, answers=ANSWER)
    client = client_for(bob)
    first = client.get(reverse("applications:review_list", args=[published.uuid])).content.decode()
    assert "Applicant 3" in first
    assert "Applicant 4" not in first
    assert "page 1 of 2" in first
    second = client.get(reverse("applications:review_list", args=[published.uuid]), {"page": 2}).content.decode()
    assert "Applicant 4" in second
    assert "Applicant 5" in second
    assert "Applicant 1<" not in second
    api = api_for(bob)
    body = api.get(f"/api/v1/applications/review/{published.uuid}?page_size=2&page=3").json()
    assert (body["count"], body["page"], body["pages"]) == (5, 3, 3)
    assert [c["label"] for c in body["items"]] == ["Applicant 5"]
    assert api.get(f"/api/v1/applications/review/{published.uuid}?page_size=500").status_code in (400, 422)


def test_the_applicants_page_costs_the_same_for_2_and_20(client_for, published, org, owner_membership, bob):
    from rung.projects import services as project_services
    from rung.projects.tests.conftest import make_input

    other = project_services.create_project(org, membership=owner_membership, data=make_input(title="Second project"))
    project_services.fund_project(other, membership=owner_membership)
    other = project_services.publish_project(other, membership=owner_membership)
    for person in _people(2, prefix="s"):
        services.apply(published, candidate=person, answers=ANSWER)
    for person in _people(20, prefix="l"):
        services.apply(other, candidate=person, answers=ANSWER)
    client = client_for(bob)
    few = _count_queries(client, reverse("applications:review_list", args=[published.uuid]))
    many = _count_queries(client, reverse("applications:review_list", args=[other.uuid]))
    assert few == many


# --- The candidate's own list ----------------------------------------------------------------


def _accepted_everywhere(org, owner_membership, person, rows):
    """`rows` published projects, each with an accepted application of `person`."""
    from rung.applications.models import Application
    from rung.orgs.models import Membership, Role
    from rung.projects import services as project_services
    from rung.projects.tests.conftest import make_input

    reviewer = Membership.objects.get(organisation=org, role=Role.REVIEWER)
    for i in range(rows):
        project = project_services.create_project(
            org, membership=owner_membership, data=make_input(title=f"Project {i}")
        )
        project_services.fund_project(project, membership=owner_membership)
        project = project_services.publish_project(project, membership=owner_membership)
        _accept(project, person, reviewer)
    return Application.objects.filter(candidate=person, status=ApplicationStatus.ACCEPTED).count()


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_applications_costs_the_same_for_2_and_20_accepted(client_for, org, owner_membership, sandbox_payments):
    small, large = _people(2, prefix="q")
    assert _accepted_everywhere(org, owner_membership, small, 2) == 2
    assert _accepted_everywhere(org, owner_membership, large, 20) == 20
    url = reverse("applications:mine")
    few = _count_queries(client_for(small), url)
    many = _count_queries(client_for(large), url)
    assert few == many
    page = client_for(large).get(url).content.decode()
    assert page.count("Contract and milestones") == 20


def test_an_offer_shows_decline_but_not_withdraw(client_for, published, reviewer_membership):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    page = client_for(person).get(reverse("applications:mine")).content.decode()
    assert "Withdraw application" in page
    services.shortlist(application, membership=reviewer_membership)
    services.make_offer(application, membership=reviewer_membership)
    page = client_for(person).get(reverse("applications:mine")).content.decode()
    assert "Decline" in page
    assert "Withdraw application" not in page


def test_accepting_on_the_page_leads_to_the_new_engagement(client_for, published, reviewer_membership):
    [person] = _people(1)
    application = services.apply(published, candidate=person, answers=ANSWER)
    services.shortlist(application, membership=reviewer_membership)
    services.make_offer(application, membership=reviewer_membership)
    client = client_for(person)
    client.get(reverse("applications:mine"))
    response = client.post(reverse("applications:candidate_action", args=[application.uuid, "accept"]))
    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagements:detail", args=[application.engagement.uuid])
