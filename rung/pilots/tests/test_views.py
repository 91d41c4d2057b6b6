"""Pilot pages, exports and the diversity page, for the people who must and must not see them."""

import json

import pytest
from django.urls import reverse

from conftest import make_user
from rung.applications.models import Application
from rung.orgs.models import Membership, Organisation, OrgKind, Role
from rung.pilots.models import DiversityAnswers, Pilot
from rung.pilots.tests.fill import Person, fill, make_project


def _url(pilot, name="pilots:detail", **kw):
    return reverse(name, kwargs={"slug": pilot.organisation.slug, "pilot_uuid": pilot.uuid, **kw})


@pytest.fixture
def other_owner(db):
    user = make_user("olga@other.example", "Olga Other")
    other = Organisation.objects.create(name="Other Ltd", slug="other", kind=OrgKind.EMPLOYER)
    Membership.objects.create(organisation=other, user=user, role=Role.OWNER)
    return user


def test_the_owner_reads_the_dashboard_with_every_section(client_for, alice, pilot):
    response = client_for(alice).get(_url(pilot))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "From application to hire",
        "Quality of work",
        "Satisfaction",
        "Payment timeliness",
        "Cost",
        "Mentoring",
        "Over time",
        "Diversity of the pool",
    ):
        assert heading in html
    assert 'id="chart-data"' in html
    assert "chart.umd.min.js" in html
    assert "fewer than 5" in html
    assert "€5,430.00" in html or "5,430.00" in html  # the total cost, from the ledger


@pytest.mark.parametrize("who", ["bob", "charlie", "other_owner", "candidate"])
def test_people_who_must_not_see_a_pilot_do_not(request, client_for, pilot, who):
    if who == "candidate":
        user = Application.objects.filter(project__pilots=pilot).select_related("candidate")[0].candidate
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    expected = 403 if who == "bob" else 404  # bob is a reviewer: a member whose role does not allow it
    for url in (
        _url(pilot),
        _url(pilot, "pilots:json"),
        _url(pilot, "pilots:pdf"),
        _url(pilot, "pilots:csv", table="funnel"),
        _url(pilot, "pilots:edit"),
        reverse("pilots:list", args=[pilot.organisation.slug]),
        reverse("pilots:compare", args=[pilot.organisation.slug]),
    ):
        assert client.get(url).status_code == expected, url
    assert client.post(_url(pilot, "pilots:delete")).status_code == expected
    assert Pilot.objects.filter(pk=pilot.pk).exists()


def test_staff_read_a_pilot_but_do_not_change_it(client_for, sam, pilot):
    client = client_for(sam)
    assert client.get(_url(pilot)).status_code == 200
    assert client.get(_url(pilot, "pilots:edit")).status_code == 403
    assert client.post(_url(pilot, "pilots:delete")).status_code == 403


def test_the_platform_dashboard_is_for_staff_only(client_for, sam, alice, charlie, pilot):
    assert client_for(sam).get(reverse("pilots:platform")).status_code == 200
    assert client_for(sam).get(reverse("pilots:platform_csv", args=["funnel"])).status_code == 200
    for user in (alice, charlie):
        assert client_for(user).get(reverse("pilots:platform")).status_code == 404
        assert client_for(user).get(reverse("pilots:platform_json")).status_code == 404


def test_csv_json_and_pdf_exports(client_for, alice, pilot):
    client = client_for(alice)
    csv = client.get(_url(pilot, "pilots:csv", table="funnel"))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "Stage,People,Of the stage before,95 % interval"
    assert lines[1].startswith("Applied,16")
    assert client.get(_url(pilot, "pilots:csv", table="nope")).status_code == 404
    data = json.loads(client.get(_url(pilot, "pilots:json")).content)
    funnel = {r["stage"]: r for r in data["tables"]["funnel"]["rows"]}
    assert funnel["hired"]["count"] == 2
    assert funnel["hired"]["of_previous"]["of"] == 4
    pdf = client.get(_url(pilot, "pilots:pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_every_table_exports_as_csv(client_for, alice, pilot, board):
    from rung.pilots.report import tables

    client = client_for(alice)
    for t in tables(board):
        assert client.get(_url(pilot, "pilots:csv", table=t.slug)).status_code == 200, t.slug


def test_the_owner_creates_a_pilot(client_for, alice, org):
    project = make_project(org, "Market scan")
    response = client_for(alice).post(
        reverse("pilots:create", args=[org.slug]),
        {
            "name": "Autumn pilot",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-01",
            "projects": [str(project.uuid)],
            "target_interview_percent": "50",
            "target_hired_percent": "30",
            "target_nps": "40",
            "target_payment_days": "3",
        },
    )
    pilot = Pilot.objects.get(name="Autumn pilot")
    assert response.status_code == 302
    assert response["Location"] == _url(pilot)
    assert list(pilot.projects.all()) == [project]
    assert pilot.target_nps == 40


def test_bad_input_is_refused_with_a_message_and_writes_nothing(client_for, alice, org):
    response = client_for(alice).post(
        reverse("pilots:create", args=[org.slug]),
        {
            "name": "Backwards",
            "starts_on": "2026-09-01",
            "ends_on": "2026-08-01",
            "target_nps": "400",
            "projects": ["not-a-project"],
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert not Pilot.objects.exists()


def test_a_reviewer_cannot_create_a_pilot(client_for, bob, org):
    assert client_for(bob).get(reverse("pilots:create", args=[org.slug])).status_code == 403


def test_the_candidate_finds_the_questions_in_their_settings_and_an_employer_does_not(client_for, charlie, alice, org):
    assert reverse("pilots:diversity") in client_for(charlie).get(reverse("accounts:settings")).content.decode()
    assert reverse("pilots:diversity") not in client_for(alice).get(reverse("accounts:settings")).content.decode()


def test_the_candidate_gives_and_withdraws_diversity_answers(client_for, charlie):
    client = client_for(charlie)
    assert client.get(reverse("pilots:diversity")).status_code == 200
    response = client.post(reverse("pilots:diversity"), {"gender": "woman", "ethnicity": "", "age_band": "21_24"})
    assert response.status_code == 302
    answers = DiversityAnswers.objects.get(user=charlie)
    assert (answers.gender, answers.ethnicity, answers.age_band) == ("woman", "", "21_24")
    assert client.post(reverse("pilots:diversity"), {"gender": "robot"}).status_code == 400
    assert DiversityAnswers.objects.get(user=charlie).gender == "woman"
    client.post(reverse("pilots:diversity"), {"withdraw": "1"})
    assert not DiversityAnswers.objects.filter(user=charlie).exists()


def test_diversity_answers_never_appear_on_a_reviewers_pages(client_for, api_for, bob, org):
    """A reviewer reads applications; the candidate's self-reported answers are on none of those pages."""
    project = make_project(org, "Blind project")
    fill(project, [Person("applied", diversity={"gender": "non_binary", "age_band": "40_plus"})], prefix="d")
    page = client_for(bob).get(reverse("applications:review_list", args=[project.uuid]))
    assert page.status_code == 200
    api = api_for(bob).get(f"/api/v1/applications/review/{project.uuid}")
    for body in (page.content.decode(), api.content.decode()):
        assert "Non-binary" not in body
        assert "40 or over" not in body
        assert "non_binary" not in body
        assert "40_plus" not in body
