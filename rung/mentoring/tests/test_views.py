"""Mentoring pages: each person sees their own, outsiders get 404, and the forms refuse bad input
with the page again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rung.mentoring import checkins, safeguarding, services
from rung.mentoring.models import CheckIn, CheckInStatus, Concern, Pairing, PairingStatus, TrainingModule


@pytest.fixture
def active_pairing(interns, mentor, alice) -> Pairing:
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    return services.respond_to_pairing(pairing, actor=mentor, accept=True)


def test_the_mentor_dashboard_shows_mentees_and_progress(client_for, mentor, active_pairing):
    page = client_for(mentor).get(reverse("mentoring:home"))
    assert page.status_code == 200
    assert active_pairing.engagement.candidate.full_name in page.content.decode()
    assert "Accredited mentor" in page.content.decode()


def test_a_pairing_is_seen_by_its_mentor_mentee_and_coordinators_only(
    client_for, active_pairing, mentor, alice, bob, charlie, sam
):
    url = reverse("mentoring:pairing", args=[active_pairing.uuid])
    for person in (mentor, active_pairing.engagement.candidate, alice, sam):
        assert client_for(person).get(url).status_code == 200, person
    for person in (bob, charlie):  # a reviewer of the employer and an outsider
        assert client_for(person).get(url).status_code == 404, person
    assert client_for(charlie).get(reverse("mentoring:calendar", args=[active_pairing.uuid])).status_code == 404


def test_the_calendar_file_lists_every_check_in(client_for, active_pairing, mentor):
    response = client_for(mentor).get(reverse("mentoring:calendar", args=[active_pairing.uuid]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == active_pairing.checkins.count()
    assert "Kickoff" in body


def test_private_notes_are_for_the_two_of_them(client_for, active_pairing, mentor, alice):
    checkin = active_pairing.checkins.order_by("due_at").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_at=timezone.now() - timedelta(hours=2))
    checkin.refresh_from_db()
    checkins.record_checkin(
        checkin,
        actor=mentor,
        data=checkins.CheckInRecord(
            status=CheckInStatus.HELD, summary="We read the brief.", private_notes="Nervous about SQL"
        ),
    )
    url = reverse("mentoring:checkin", args=[checkin.uuid])
    assert "Nervous about SQL" in client_for(active_pairing.engagement.candidate).get(url).content.decode()
    coordinator_view = client_for(alice).get(url).content.decode()
    assert "We read the brief." in coordinator_view
    assert "Nervous about SQL" not in coordinator_view


def test_the_mentee_rates_a_held_check_in_from_the_page(client_for, active_pairing, mentor):
    checkin = active_pairing.checkins.order_by("due_at").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_at=timezone.now() - timedelta(hours=2))
    checkin.refresh_from_db()
    checkins.record_checkin(checkin, actor=mentor, data=checkins.CheckInRecord(status="held", summary="Good start"))
    mentee = client_for(active_pairing.engagement.candidate)
    url = reverse("mentoring:checkin", args=[checkin.uuid])
    assert mentee.post(url, {"rating": "9"}).status_code == 400
    assert mentee.post(url, {"rating": "5", "comment": "Helpful"}).status_code == 302
    checkin.refresh_from_db()
    assert (checkin.rating, checkin.rating_comment) == (5, "Helpful")


def test_the_coordinator_page_is_for_owners_and_managers(client_for, org, interns, mentor, alice, bob, charlie):
    url = reverse("mentoring:coordinate", args=[org.slug])
    page = client_for(alice).get(url)
    assert page.status_code == 200
    assert "Optimal matching" in page.content.decode()
    assert client_for(bob).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404


def test_a_coordinator_proposes_and_publishes_from_the_pages(client_for, org, interns, mentor, alice):
    coordinator = client_for(alice)
    response = coordinator.post(reverse("mentoring:coordinate", args=[org.slug]), {"accredited_only": "on"})
    assert response.status_code == 302
    run_url = response["Location"]
    assert "Publish" in coordinator.get(run_url).content.decode()
    assert coordinator.post(run_url, {}).status_code == 302
    assert Pairing.objects.filter(status=PairingStatus.PROPOSED, mentor=mentor).count() == 2  # capacity 2


def test_the_mentor_profile_form_refuses_bad_windows_and_keeps_the_input(client_for, charlie):
    response = client_for(charlie).post(
        reverse("mentoring:profile"),
        {"languages": ["en"], "timezone": "Europe/London", "capacity": "2", "weekly_windows": "Funday 18:00-20:00"},
    )
    assert response.status_code == 400
    assert "is not a day of the week" in response.content.decode()
    assert "Funday 18:00-20:00" in response.content.decode()


def test_training_passes_with_the_right_answers_and_allows_retries(client_for, charlie):
    module = TrainingModule.objects.get(slug="the-protocol")
    url = reverse("mentoring:module", args=[module.slug])
    questions = list(module.questions.all())
    wrong = {f"q{q.pk}": str((q.correct + 1) % len(q.choices)) for q in questions}
    assert "the pass mark is 80" in client_for(charlie).post(url, wrong).content.decode()
    right = {f"q{q.pk}": str(q.correct) for q in questions}
    assert "Passed with 100" in client_for(charlie).post(url, right).content.decode()
    assert charlie.training_attempts.filter(passed=True).count() == 1


def test_a_concern_reaches_staff_only_and_the_reporter_is_told_the_outcome(
    client_for, active_pairing, alice, sam, django_capture_on_commit_callbacks
):
    mentee = active_pairing.engagement.candidate
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).post(
            reverse("mentoring:concern_new", args=[active_pairing.engagement.uuid]), {"text": "I was shouted at."}
        )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert sam.notifications.filter(verb="concern.reported").exists()
    assert "I was shouted at" not in sam.notifications.get(verb="concern.reported").body
    queue = reverse("mentoring:concerns")
    assert client_for(alice).get(queue).status_code == 404
    assert client_for(sam).get(queue).status_code == 200
    safeguarding.move_concern(concern, actor=sam, to="in_review")
    with pytest.raises(safeguarding.ConcernError, match="outcome"):
        safeguarding.move_concern(concern, actor=sam, to="upheld")
    with django_capture_on_commit_callbacks(execute=True):
        safeguarding.move_concern(concern, actor=sam, to="upheld", note="We spoke to the employer.")
    assert mentee.notifications.filter(verb="concern.closed", body__contains="We spoke to the employer.").exists()
    assert list(concern.history.values_list("to_status", flat=True)) == ["open", "in_review", "upheld"]


def test_an_outsider_cannot_raise_a_concern_about_an_engagement(client_for, active_pairing, charlie):
    url = reverse("mentoring:concern_new", args=[active_pairing.engagement.uuid])
    assert client_for(charlie).post(url, {"text": "spam"}).status_code == 404
    assert not Concern.objects.exists()
