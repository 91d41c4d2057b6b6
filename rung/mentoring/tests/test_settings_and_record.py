"""Organisations write their own protocol and set the match weights; coordinators read one mentor's
record. Outsiders (and members without a coordinating role) get 404 and change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from rung.mentoring import checkins, protocols, services
from rung.mentoring.models import (
    DEFAULT_WEIGHTS,
    CheckIn,
    CheckInStatus,
    MentoringSettings,
    Pairing,
    PairingMode,
    PairingStatus,
    Protocol,
)
from rung.mentoring.selectors import MIN_RATINGS_SHOWN, org_mentor_record
from rung.mentoring.tests.conftest import make_mentor
from rung.reviews.models import ExperienceRating

STEPS = [
    protocols.StepInput("kickoff", "Hello", "Meet and agree how to work.", ["What do you hope to learn?"]),
    protocols.StepInput("weekly", "Weekly", "How is it going?"),
    protocols.StepInput("wrapup", "Wrap-up", "What next?", ["Where would you like to be in a year?"]),
]


def _step_post(rows):
    data = {"form": "protocol", "step-TOTAL_FORMS": str(len(rows)), "step-INITIAL_FORMS": "0",
            "step-MIN_NUM_FORMS": "0", "step-MAX_NUM_FORMS": "12"}  # fmt: skip
    for i, (kind, title, agenda, prompts) in enumerate(rows):
        data.update({f"step-{i}-kind": kind, f"step-{i}-title": title, f"step-{i}-agenda": agenda,
                     f"step-{i}-prompts": prompts})  # fmt: skip
    return data


# --- the protocol -----------------------------------------------------------------------------------


def test_an_owner_writes_a_protocol_that_new_pairings_follow(org, alice, interns, mentor):
    protocol = protocols.save_protocol(org, actor=alice, name="Acme's way", minutes=45, steps=STEPS)
    assert [s.kind for s in protocol.steps.all()] == ["kickoff", "weekly", "wrapup"]
    assert MentoringSettings.objects.get(organisation=org).protocol == protocol
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    assert checkins.protocol_for(pairing) == protocol


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "name"),
        ({"minutes": 5}, "15 to 120 minutes"),
        ({"steps": []}, "at least one check-in"),
        ({"steps": [STEPS[0], STEPS[0]]}, "only one “Kickoff”"),
        ({"steps": [protocols.StepInput("monthly", "x", "y")]}, "choose when"),
        ({"steps": [protocols.StepInput("weekly", "", "y")]}, "title"),
        ({"steps": [protocols.StepInput("weekly", "x", " ")]}, "agenda"),
        ({"steps": [protocols.StepInput("weekly", "x", "y", ["p"] * 9)]}, "prompts"),
    ],
)
def test_a_bad_protocol_is_refused_with_a_clear_message(org, alice, changes, message):
    arguments = {"name": "Acme's way", "minutes": 30, "steps": STEPS} | changes
    with pytest.raises(protocols.ProtocolError, match=message):
        protocols.save_protocol(org, actor=alice, **arguments)
    assert not Protocol.objects.filter(organisation=org).exists()


def test_only_coordinators_write_a_protocol(org, bob, charlie):
    for person in (bob, charlie):
        with pytest.raises(protocols.PermissionDenied):
            protocols.save_protocol(org, actor=person, name="Mine", minutes=30, steps=STEPS)


def test_the_settings_page_saves_a_protocol_and_shows_the_defaults(org, alice, client_for):
    client = client_for(alice)
    page = client.get(reverse("mentoring:settings", args=[org.slug])).content.decode()
    assert f"Default: {DEFAULT_WEIGHTS['ranked']}." in page
    assert "New pairings follow the platform's protocol" in page
    url = reverse("mentoring:settings", args=[org.slug])
    twice = _step_post([("kickoff", "A", "a", ""), ("kickoff", "B", "b", "")])
    bad = client.post(url, twice | {"name": "X", "minutes": "30"})
    assert bad.status_code == 400
    assert "only one “Kickoff”" in bad.content.decode()
    once = _step_post([("kickoff", "Hello", "Meet", "One\nTwo"), ("", "", "", "")])
    good = client.post(url, once | {"name": "Ours", "minutes": "40"})
    assert good.status_code == 302
    protocol = MentoringSettings.objects.get(organisation=org).protocol
    assert protocol is not None
    assert protocol.name == "Ours"
    assert protocol.steps.get().prompts == ["One", "Two"]
    client.post(reverse("mentoring:settings", args=[org.slug]), {"form": "default"})
    assert MentoringSettings.objects.get(organisation=org).protocol is None


def test_the_settings_page_saves_weights_and_refuses_bad_ones(org, alice, client_for):
    client = client_for(alice)
    data = {"form": "settings", "allow_unaccredited": "on"} | {
        f"weight_{k}": str(v) for k, v in DEFAULT_WEIGHTS.items()
    }
    data["weight_language"] = "30"
    assert client.post(reverse("mentoring:settings", args=[org.slug]), data).status_code == 302
    config = MentoringSettings.objects.get(organisation=org)
    assert config.allow_unaccredited
    assert config.weight("language") == 30
    data["weight_language"] = "-1"
    response = client.post(reverse("mentoring:settings", args=[org.slug]), data)
    assert response.status_code == 400
    assert MentoringSettings.objects.get(organisation=org).weight("language") == 30


def test_settings_pages_and_endpoints_refuse_outsiders_and_non_coordinators(org, bob, charlie, client_for, api_for):
    body = {"name": "Mine", "minutes": 30, "steps": [{"kind": "weekly", "title": "x", "agenda": "y"}]}
    for person in (bob, charlie):
        client = client_for(person)
        assert client.get(reverse("mentoring:settings", args=[org.slug])).status_code == 404
        assert client.post(reverse("mentoring:settings", args=[org.slug]), {"form": "default"}).status_code == 404
        api = api_for(person)
        assert api.get(f"/api/v1/mentoring/orgs/{org.slug}/settings").status_code == 404
        put = api.put(
            f"/api/v1/mentoring/orgs/{org.slug}/settings", {"weights": {"skill": 1}}, content_type="application/json"
        )
        assert put.status_code == 404
        assert (
            api.put(f"/api/v1/mentoring/orgs/{org.slug}/protocol", body, content_type="application/json").status_code
            == 404
        )
    assert not MentoringSettings.objects.exists()


def test_settings_and_protocol_through_the_api(org, alice, api_for):
    api = api_for(alice)
    assert api.get(f"/api/v1/mentoring/orgs/{org.slug}/settings").json()["weights"] == DEFAULT_WEIGHTS
    body = {"weights": {"skill": 20}, "allow_unaccredited": True}
    saved = api.put(f"/api/v1/mentoring/orgs/{org.slug}/settings", body, content_type="application/json").json()
    assert saved == {"weights": DEFAULT_WEIGHTS | {"skill": 20}, "allow_unaccredited": True}
    bad = api.put(
        f"/api/v1/mentoring/orgs/{org.slug}/settings", {"weights": {"luck": 2}}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert api.get(f"/api/v1/mentoring/orgs/{org.slug}/protocol").json()["uuid"] == str(
        checkins.default_protocol().uuid
    )
    body = {"name": "Ours", "minutes": 30, "steps": [{"kind": "weekly", "title": "Week", "agenda": "How goes it?"}]}
    put = api.put(f"/api/v1/mentoring/orgs/{org.slug}/protocol", body, content_type="application/json")
    assert put.status_code == 200, put.content
    assert put.json()["steps"][0]["title"] == "Week"
    body["steps"] = []
    refused = api.put(f"/api/v1/mentoring/orgs/{org.slug}/protocol", body, content_type="application/json")
    assert refused.status_code == 400
    assert "at least one" in refused.json()["detail"]


# --- the mentor record ----------------------------------------------------------------------------


@pytest.fixture
def history(org, interns, mentor, alice):
    """Two pairings: on the first, 2 held on time, 1 held two days late, 1 missed, 1 not recorded
    and flagged; on the second, 1 missed and one still ahead."""
    now = timezone.now()
    pairings = [
        Pairing.objects.create(
            engagement=e,
            mentor=mentor,
            status=PairingStatus.ACTIVE,
            mode=PairingMode.BY_HAND,
            proposed_by=alice,
            respond_by=now,
        )
        for e in interns[:2]
    ]

    def checkin(pairing, days_ago, status, *, late_days=0, rating=None, flagged=False):
        due = now - timedelta(days=days_ago)
        CheckIn.objects.create(
            pairing=pairing, kind="weekly", title="Week", agenda="a", due_at=due, status=status,
            recorded_at=due + timedelta(days=late_days) if status == CheckInStatus.HELD else None, rating=rating,
            flagged_overdue_at=now if flagged else None,
        )  # fmt: skip

    checkin(pairings[0], 20, CheckInStatus.HELD, rating=5)
    checkin(pairings[0], 13, CheckInStatus.HELD, rating=4)
    checkin(pairings[0], 10, CheckInStatus.HELD, late_days=2)
    checkin(pairings[0], 6, CheckInStatus.MISSED)
    checkin(pairings[0], 3, CheckInStatus.SCHEDULED, flagged=True)
    checkin(pairings[1], 4, CheckInStatus.MISSED)
    checkin(pairings[1], -3, CheckInStatus.SCHEDULED)
    return pairings


def test_the_record_counts_by_hand(org, mentor, history):
    record = org_mentor_record(org, str(mentor.uuid))
    rows = {r.pairing.pk: r for r in record.rows}
    first, second = rows[history[0].pk], rows[history[1].pk]
    assert (first.due, first.held_on_time, first.held_late, first.missed, first.flagged_overdue) == (5, 2, 1, 1, 1)
    assert (second.due, second.held_on_time, second.held_late, second.missed, second.flagged_overdue) == (1, 0, 0, 1, 0)
    assert record.repeated_misses  # 2 missed + 1 flagged
    # Two ratings: below the threshold, so no mean is shown.
    assert record.overall.ratings == 2
    assert record.overall.mean_rating is None


def test_the_mean_rating_shows_only_from_three_ratings(org, mentor, history):
    CheckIn.objects.filter(pairing=history[0], status=CheckInStatus.HELD, rating__isnull=True).update(rating=3)
    record = org_mentor_record(org, str(mentor.uuid))
    assert MIN_RATINGS_SHOWN == 3
    assert str(record.overall.mean_rating) == "4.0"  # (5 + 4 + 3) / 3


def test_the_interns_mentoring_rating_shows_only_from_three_interns(org, mentor, interns, client_for, alice):
    for engagement in interns[:2]:
        engagement.mentor = mentor
        engagement.save(update_fields=["mentor"])
        ExperienceRating.objects.create(
            engagement=engagement, rater=engagement.candidate, mentoring=4, **_other_ratings()
        )
    page = client_for(alice).get(reverse("mentoring:mentor_record", args=[org.slug, mentor.uuid])).content.decode()
    assert "shown once at least 3 interns rated" in page
    interns[2].mentor = mentor
    interns[2].save(update_fields=["mentor"])
    ExperienceRating.objects.create(engagement=interns[2], rater=interns[2].candidate, mentoring=5, **_other_ratings())
    page = client_for(alice).get(reverse("mentoring:mentor_record", args=[org.slug, mentor.uuid])).content.decode()
    assert "<strong>4.33</strong> out of 5, from 3 interns" in page


def _other_ratings():
    return {"clarity": 4, "respect": 4, "pay_timeliness": 4}


def test_the_record_page_and_endpoint(org, mentor, history, alice, client_for, api_for):
    page = client_for(alice).get(reverse("mentoring:mentor_record", args=[org.slug, mentor.uuid]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Repeated misses" in text
    assert "<td>5</td><td>2</td><td>1</td><td>1</td><td>1</td>" in text
    body = api_for(alice).get(f"/api/v1/mentoring/orgs/{org.slug}/mentors/{mentor.uuid}/record").json()
    assert body["repeated_misses"] is True
    assert body["mean_checkin_rating"] is None
    assert sorted((p["due"], p["missed"]) for p in body["pairings"]) == [(1, 1), (5, 1)]


def test_the_record_refuses_outsiders_and_strangers(org, mentor, history, bob, charlie, alice, client_for, api_for):
    for person in (bob, charlie):
        assert (
            client_for(person).get(reverse("mentoring:mentor_record", args=[org.slug, mentor.uuid])).status_code == 404
        )
        url = f"/api/v1/mentoring/orgs/{org.slug}/mentors/{mentor.uuid}/record"
        assert api_for(person).get(url).status_code == 404
    stranger = make_user("zed@elsewhere.example", "Zed")
    assert client_for(alice).get(reverse("mentoring:mentor_record", args=[org.slug, stranger.uuid])).status_code == 404


def test_the_record_reads_in_constant_queries(org, interns, alice, client_for, django_assert_max_num_queries):
    busy = make_mentor(org, "busy@acme.example", "Busy Mentor", capacity=5)
    url = reverse("mentoring:mentor_record", args=[org.slug, busy.uuid])
    client = client_for(alice)
    services.pair_by_hand(interns[0], mentor=busy, actor=alice)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    services.pair_by_hand(interns[1], mentor=busy, actor=alice)
    services.pair_by_hand(interns[2], mentor=busy, actor=alice)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).content.decode().count("Waiting for the mentor") == 3
