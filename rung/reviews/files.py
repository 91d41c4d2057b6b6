"""What a submitted file may be: the shared upload checks of `rung.lib.uploads`, with the
submission settings (SUBMISSION_ALLOWED_TYPES, SUBMISSION_MAX_FILE_MB).

The names below stay importable from here for code written before the checks moved to rung.lib.
"""

from django.conf import settings
from django.core.files.base import File

from rung.lib.uploads import (
    EXECUTABLE_MAGIC,
    KNOWN_KINDS,
    OFFICE_FOLDERS,
    SERVE_AS,
    SNIFF_BYTES,
    TEXT_KINDS,
    CheckedFile,
    FileRefused,
    check_archive,
    checkable,
    display_name,
    extension_of,
    unsafe_entry_name,
)
from rung.lib.uploads import check_upload as _check_upload

__all__ = [
    "EXECUTABLE_MAGIC",
    "KNOWN_KINDS",
    "OFFICE_FOLDERS",
    "SERVE_AS",
    "SNIFF_BYTES",
    "TEXT_KINDS",
    "CheckedFile",
    "FileRefused",
    "allowed_extensions",
    "check_archive",
    "check_file",
    "display_name",
    "extension_of",
    "max_bytes",
    "unsafe_entry_name",
]


def allowed_extensions() -> list[str]:
    # An extension in the setting that rung.lib.uploads cannot check is refused, not trusted.
    return checkable(settings.SUBMISSION_ALLOWED_TYPES)


def max_bytes() -> int:
    return int(settings.SUBMISSION_MAX_FILE_MB) * 1024 * 1024


def check_file(stream: File, *, name: str, size: int) -> CheckedFile:
    """Accept or refuse one submitted file (FileRefused says why, in words for the intern)."""
    return _check_upload(
        stream,
        name=name,
        size=size,
        allowed=allowed_extensions(),
        max_bytes=max_bytes(),
        too_large_hint="; share a link to it instead",
    )
