"""Issue #15: a nominee's profile photo never reaches the blind panel, on the page or through the API."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from conftest import make_user
from rung.orgs.models import Membership, Role
from rung.profiles import photos
from rung.profiles.models import CandidateProfile
from rung.recognition import services

pytestmark = pytest.mark.django_db

WHY = "Rebuilt the survey pipeline alone in a week and wrote docs the whole team now uses."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def vera(org):
    """A viewer at Acme on the panel: a member (so she may sit on it) who never took part in hiring."""
    user = make_user("vera@acme.example", "Vera Viewer")
    Membership.objects.create(organisation=org, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def scoring(open_round, cohort, alice, vera):
    services.add_panelist(open_round, actor=alice, user=vera)
    nominee = cohort[0].candidate
    data = _png()
    photos.set_photo(nominee, stream=io.BytesIO(data), name="ines.png", size=len(data), alt="Ines Ortega smiling")
    CandidateProfile.objects.filter(user=nominee).update(institution="University of Leeds")
    services.nominate(open_round, nominator=cohort[1].candidate, nominee=nominee, statement="Ines " + WHY)
    services.close_nominations(open_round, actor=alice)
    open_round.refresh_from_db()
    return open_round


def _identity(nominee) -> list[str]:
    profile = CandidateProfile.objects.get(user=nominee)
    assert profile.photo
    return [
        "Ines",
        "Ortega",
        "Leeds",
        "ines@uni.example",
        str(profile.uuid),
        reverse("applications:candidate_photo", args=[profile.uuid]),
        str(profile.photo.name),
        "photos/",
        "<img",
    ]


def test_the_blind_panel_page_shows_no_name_school_or_photo(client_for, scoring, cohort, bob, vera):
    for panelist in (bob, vera):
        page = client_for(panelist).get(reverse("recognition:panel", args=[scoring.uuid]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Nominee A" in html
        assert "the nominee rebuilt" in html.lower()
        for word in _identity(cohort[0].candidate):
            assert word not in html, word


def test_the_panel_api_shows_no_name_school_or_photo(api_for, scoring, cohort, bob, vera):
    for panelist in (bob, vera):
        rows = api_for(panelist).get(f"/api/v1/recognition/rounds/{scoring.uuid}/panel")
        assert rows.status_code == 200
        text = rows.content.decode()
        assert rows.json()[0]["alias"] == "Nominee A"
        for word in _identity(cohort[0].candidate):
            assert word not in text, word
        assert "photo" not in text.lower()


def test_the_photo_view_refuses_a_panelist_who_never_hired_the_nominee(client_for, scoring, cohort, vera):
    profile = CandidateProfile.objects.get(user=cohort[0].candidate)
    url = reverse("applications:candidate_photo", args=[profile.uuid])
    assert client_for(vera).get(url).status_code == 404
    own = client_for(cohort[0].candidate).get(url)
    assert own.status_code == 200  # the photo is there, for her
    assert b"".join(own.streaming_content).startswith(b"\xff\xd8\xff")  # read whole, not close(): see test_photos
