"""The candidate's profile photo: checked, re-encoded, stored, removed.

An upload is judged by `rung.lib.uploads.check_upload` (extension and content, size limit), then
decoded and written again by Pillow as a plain JPEG of bounded size. Re-encoding is what strips EXIF
(with any GPS position), ICC comments and whatever else rode along in the file; only pixels survive.
"""

import io
import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from PIL import Image, ImageOps, UnidentifiedImageError

from rung.accounts.models import User
from rung.audit.services import record
from rung.lib.errors import DomainError
from rung.lib.uploads import FileRefused, check_upload
from rung.profiles.models import CandidateProfile
from rung.profiles.selectors import get_or_create_profile

PHOTO_KINDS = ["png", "jpg", "jpeg"]
# Beyond this many pixels a small file is a decompression bomb, not a photo.
MAX_SOURCE_PIXELS = 40_000_000


class PhotoError(DomainError):
    pass


def reencode(stream: IO[bytes], *, shown: str) -> bytes:
    """Decode the image and write its pixels again as a JPEG at most PROFILE_PHOTO_MAX_PX wide/high."""
    bound = int(settings.PROFILE_PHOTO_MAX_PX)
    stream.seek(0)
    try:
        with Image.open(stream) as source:
            if source.width * source.height > MAX_SOURCE_PIXELS:
                raise FileRefused(f"“{shown}” has far too many pixels for a profile photo.", field="photo")
            source.load()
            # Respect the camera's orientation before the tag that says it is dropped.
            image = ImageOps.exif_transpose(source)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.thumbnail((bound, bound))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise FileRefused(f"“{shown}” could not be read as an image.", field="photo") from None
    finally:
        stream.seek(0)
    return out.getvalue()


def _alt_text(user: User, alt: str) -> str:
    alt = " ".join(alt.split())
    if len(alt) > 200:
        raise PhotoError("Keep the description of the photo under 200 characters.", field="photo_alt")
    return alt or f"Photo of {user.full_name}".strip()


def set_photo(
    user: User, *, stream: IO[bytes], name: str, size: int, alt: str = "", on_portfolio: bool = False
) -> CandidateProfile:
    """Replace the candidate's photo. The old file is deleted once the new one is committed."""
    checked = check_upload(
        stream,
        name=name,
        size=size,
        allowed=PHOTO_KINDS,
        max_bytes=int(settings.PROFILE_PHOTO_MAX_MB) * 1024 * 1024,
    )
    data = reencode(stream, shown=checked.display_name)
    alt_text = _alt_text(user, alt)
    stored = default_storage.save(f"photos/{uuid.uuid4()}.jpg", ContentFile(data))
    try:
        with transaction.atomic():
            profile = get_or_create_profile(user)
            profile = CandidateProfile.objects.select_for_update().get(pk=profile.pk)
            old = profile.photo.name
            profile.photo.name = stored
            profile.photo_alt = alt_text
            profile.photo_on_portfolio = on_portfolio
            profile.save(update_fields=["photo", "photo_alt", "photo_on_portfolio", "updated_at"])
            record("profile.photo_set", actor=user, obj=profile, data={"bytes": len(data)})
            if old:
                transaction.on_commit(lambda: default_storage.delete(old))
    except BaseException:
        default_storage.delete(stored)
        raise
    return profile


def update_photo_settings(user: User, *, alt: str, on_portfolio: bool) -> CandidateProfile:
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().get(pk=get_or_create_profile(user).pk)
        if not profile.photo:
            raise PhotoError("Upload a photo first.", field="photo")
        profile.photo_alt = _alt_text(user, alt)
        profile.photo_on_portfolio = on_portfolio
        profile.save(update_fields=["photo_alt", "photo_on_portfolio", "updated_at"])
        record("profile.photo_settings", actor=user, obj=profile, data={"on_portfolio": on_portfolio})
    return profile


def remove_photo(user: User) -> CandidateProfile:
    with transaction.atomic():
        profile = CandidateProfile.objects.select_for_update().get(pk=get_or_create_profile(user).pk)
        old = profile.photo.name
        if not old:
            return profile
        profile.photo.name = ""
        profile.photo_alt = ""
        profile.photo_on_portfolio = False
        profile.save(update_fields=["photo", "photo_alt", "photo_on_portfolio", "updated_at"])
        record("profile.photo_removed", actor=user, obj=profile)
        transaction.on_commit(lambda: default_storage.delete(old))
    return profile


def photo_response(profile: CandidateProfile) -> HttpResponseBase:
    """The photo as an inline JPEG for the one person the calling view let through: never cached by
    shared caches, never sniffed into anything else."""
    try:
        handle = default_storage.open(profile.photo.name or "", "rb")
    except OSError:
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
