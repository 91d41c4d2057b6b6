"""Profile photos: re-encoded on upload, and seen only where identity may be (tested per place)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rung.applications import services
from rung.lib.errors import DomainError
from rung.profiles import photos
from rung.profiles.models import CandidateProfile
from rung.showcase import services as showcase

ANSWER = ["I have cleaned survey data in pandas."]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(2000, 1500)) -> bytes:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(user, data: bytes, name="me.jpg", **kwargs):
    return photos.set_photo(user, stream=io.BytesIO(data), name=name, size=len(data), **kwargs)


def jpeg_bytes(response) -> bool:
    """Read a served photo whole. Not response.close(): called by hand it sends request_finished,
    whose handler closes the database connection inside the test's transaction (on PostgreSQL)."""
    return b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def stored_image(profile: CandidateProfile) -> Image.Image:
    with profile.photo.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_the_photo_is_re_encoded_without_exif_and_bounded(candidate):
    raw = jpeg_with_gps()
    assert b"SpyCam" in raw
    profile = upload(candidate, raw)
    image = stored_image(profile)
    assert image.format == "JPEG"
    assert max(image.size) == 512
    assert not image.getexif()
    with profile.photo.open("rb") as handle:
        assert b"SpyCam" not in handle.read()
    assert profile.photo_alt == "Photo of Nia Candidate"  # the default description


def test_a_png_with_transparency_is_accepted_and_the_alt_text_kept(candidate):
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 0)).save(out, format="PNG")
    profile = upload(candidate, out.getvalue(), name="me.png", alt="Nia smiling")
    assert stored_image(profile).size == (40, 30)
    assert profile.photo_alt == "Nia smiling"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"<svg onload=alert(1)></svg>", "me.svg", "cannot be uploaded here"),
        (b"MZ\x90\x00" + b"\x00" * 100, "me.jpg", "program"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "me.jpg", "could not be read"),
        (b"%PDF-1.7 nothing", "me.pdf", "cannot be uploaded here"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(candidate, media_root, data, name, words):
    with pytest.raises(DomainError, match=words):
        upload(candidate, data, name=name)
    assert not CandidateProfile.objects.filter(user=candidate).exclude(photo="").exists()
    assert not (media_root / "photos").exists() or not any((media_root / "photos").iterdir())


def test_a_photo_over_the_size_limit_is_refused(candidate, settings):
    settings.PROFILE_PHOTO_MAX_MB = 0
    with pytest.raises(DomainError, match="larger than"):
        upload(candidate, jpeg_with_gps((20, 20)))


def test_a_too_long_description_is_refused(candidate):
    with pytest.raises(DomainError, match="200 characters"):
        upload(candidate, jpeg_with_gps((20, 20)), alt="x" * 201)


def test_replacing_and_removing_delete_the_old_file(candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(candidate, jpeg_with_gps((30, 30))).photo.name
        second = upload(candidate, jpeg_with_gps((30, 30))).photo.name
    storage = CandidateProfile._meta.get_field("photo").storage
    assert not storage.exists(first)
    assert storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        profile = photos.remove_photo(candidate)
    assert not profile.photo
    assert not storage.exists(second)


def test_the_profile_page_uploads_shows_and_removes(client_for, candidate):
    client = client_for(candidate)
    response = client.post(
        reverse("profiles:photo"),
        {"action": "save", "photo": SimpleUploadedFile("me.jpg", jpeg_with_gps((50, 50)), "image/jpeg")},
    )
    assert response.status_code == 302
    page = client.get(reverse("profiles:edit")).content.decode()
    assert 'alt="Photo of Nia Candidate"' in page
    mine = client.get(reverse("profiles:my_photo"))
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/jpeg"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert jpeg_bytes(mine)
    bad = client.post(
        reverse("profiles:photo"), {"action": "save", "photo": SimpleUploadedFile("me.svg", b"<svg/>", "image/svg+xml")}
    )
    assert bad.status_code == 400
    assert "cannot be uploaded here" in bad.content.decode()
    assert client.post(reverse("profiles:photo"), {"action": "remove"}).status_code == 302
    assert client.get(reverse("profiles:my_photo")).status_code == 404


def test_blind_pass_hides_the_photo_until_shortlisting(client_for, api_for, candidate, bob, charlie, published):
    profile = upload(candidate, jpeg_with_gps((50, 50)))
    photo_url = reverse("applications:candidate_photo", args=[profile.uuid])
    application = services.apply(published, candidate=candidate, answers=ANSWER)
    reviewer = client_for(bob)
    list_url = reverse("applications:review_list", args=[published.uuid])
    assert photo_url not in reviewer.get(list_url).content.decode()
    api_url = f"/api/v1/applications/review/{published.uuid}"
    assert photo_url not in api_for(bob).get(api_url).content.decode()
    assert reviewer.get(photo_url).status_code == 404  # the URL is no way round the blind pass
    reviewer.post(reverse("applications:reviewer_action", args=[application.uuid, "shortlist"]))
    assert photo_url in reviewer.get(list_url).content.decode()
    assert api_for(bob).get(api_url).json()["items"][0]["photo_url"] == photo_url
    served = reviewer.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert jpeg_bytes(served)
    # Outsiders never: another signed-in person, and an anonymous visitor.
    assert client_for(charlie).get(photo_url).status_code == 404
    from django.test import Client

    assert Client().get(photo_url).status_code == 302  # to sign in
    # The owner always sees their own.
    own = client_for(candidate).get(photo_url)
    assert own.status_code == 200
    assert jpeg_bytes(own)


def test_a_declined_applicant_s_photo_stays_hidden(client_for, candidate, bob, published):
    profile = upload(candidate, jpeg_with_gps((50, 50)))
    application = services.apply(published, candidate=candidate, answers=ANSWER)
    client = client_for(bob)
    client.post(reverse("applications:reviewer_action", args=[application.uuid, "reject"]), {"template": "skills"})
    assert client.get(reverse("applications:candidate_photo", args=[profile.uuid])).status_code == 404


def test_the_portfolio_shows_the_photo_only_if_chosen(client, candidate):
    upload(candidate, jpeg_with_gps((50, 50)))
    showcase.save_portfolio(candidate, data=showcase.PortfolioInput(slug="nia", display_name="Nia C", published=True))
    photo_url = reverse("showcase:portfolio_photo", args=["nia"])
    assert photo_url not in client.get(reverse("showcase:portfolio", args=["nia"])).content.decode()
    assert client.get(photo_url).status_code == 404
    photos.update_photo_settings(candidate, alt="Nia at her desk", on_portfolio=True)
    page = client.get(reverse("showcase:portfolio", args=["nia"])).content.decode()
    assert photo_url in page
    assert 'alt="Nia at her desk"' in page
    public = client.get(photo_url)
    assert public.status_code == 200
    assert jpeg_bytes(public)
    showcase.save_portfolio(candidate, data=showcase.PortfolioInput(slug="nia", display_name="Nia C", published=False))
    assert client.get(photo_url).status_code == 404  # an unpublished portfolio shows nothing
