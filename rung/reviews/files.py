"""What a submitted file may be: checked by its extension and by its content, never by what the
browser that uploaded it claims (`content_type` of an upload is whatever the sender wrote).

A file is accepted only if its extension is allowed (SUBMISSION_ALLOWED_TYPES) and its first
bytes are what that kind of file starts with. Programs, HTML, SVG and XML are refused even when
renamed: a browser could run script in them. Files are later served as attachments with
`nosniff`, so this is the first of two locks, not the only one.
"""

import codecs
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File

from rung.lib.errors import DomainError

# Served with these types; everything else is application/octet-stream, which no browser renders.
SERVE_AS = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT_KINDS = {"txt", "md", "csv"}
KNOWN_KINDS = set(SERVE_AS) | set(OFFICE_FOLDERS) | TEXT_KINDS | {"zip"}

# First bytes of programs on the platforms people use: Windows (MZ), Linux (ELF), macOS (Mach-O,
# both byte orders and the universal binary), Java classes (shares CAFEBABE with universal Mach-O),
# and WebAssembly.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
)
# What the WHATWG MIME sniffing standard treats as HTML (plus XML and SVG): if a text file begins
# with one of these, some browser somewhere will try to render it.
_MARKUP = re.compile(
    rb"^\s*<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)"
    rb"[\s>/]",
    re.IGNORECASE,
)
SNIFF_BYTES = 64 * 1024


class FileRefused(DomainError):
    code = "file_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="files")


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    display_name: str
    size: int
    sha256: str


def allowed_extensions() -> list[str]:
    # An extension in the setting that this module cannot check is refused, not trusted.
    return [e.lower().lstrip(".") for e in settings.SUBMISSION_ALLOWED_TYPES if e.lower().lstrip(".") in KNOWN_KINDS]


def max_bytes() -> int:
    return int(settings.SUBMISSION_MAX_FILE_MB) * 1024 * 1024


def display_name(name: str) -> str:
    """The person's file name, safe to show: no folders, no control characters, not too long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = " ".join(base.split()).strip(". ") or "file"
    if len(base) > 150:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:150]
    return base


def extension_of(name: str) -> str:
    base = display_name(name)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _head(stream: File, size: int = SNIFF_BYTES) -> bytes:
    stream.seek(0)
    data = stream.read(size)
    stream.seek(0)
    return data


def _sha256(stream: File) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _is_text(head: bytes, *, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        # Not final unless we read the whole file: the sample may end inside a multi-byte character.
        decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _check_zip(stream: File, ext: str, name: str) -> None:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(f"“{name}” is not a valid .{ext} file.") from None
    finally:
        stream.seek(0)
    folder = OFFICE_FOLDERS.get(ext)
    if folder and ("[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names)):
        raise FileRefused(f"“{name}” is not a valid .{ext} file: it is some other kind of archive.")


def check_file(stream: File, *, name: str, size: int) -> CheckedFile:
    """Accept or refuse one uploaded file (FileRefused says why, in words for the uploader)."""
    shown = display_name(name)
    ext = extension_of(name)
    allowed = allowed_extensions()
    if ext not in allowed:
        kinds = ", ".join(f".{e}" for e in allowed)
        raise FileRefused(f"“{shown}” cannot be submitted: Rung accepts {kinds} files.")
    if size <= 0:
        raise FileRefused(f"“{shown}” is empty.")
    if size > max_bytes():
        raise FileRefused(f"“{shown}” is larger than {settings.SUBMISSION_MAX_FILE_MB} MB; share a link to it instead.")
    head = _head(stream)
    if head.startswith(EXECUTABLE_MAGIC) or head.startswith(b"#!"):
        raise FileRefused(f"“{shown}” is a program, and programs cannot be submitted.")
    matches = {
        "pdf": lambda: b"%PDF-" in head[:1024],
        "png": lambda: head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": lambda: head.startswith(b"\xff\xd8\xff"),
        "jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        "zip": lambda: head.startswith((b"PK\x03\x04", b"PK\x05\x06")),
        "docx": lambda: head.startswith(b"PK\x03\x04"),
        "xlsx": lambda: head.startswith(b"PK\x03\x04"),
        "pptx": lambda: head.startswith(b"PK\x03\x04"),
    }
    if ext in TEXT_KINDS:
        if not _is_text(head, complete=size <= len(head)):
            raise FileRefused(f"“{shown}” is not plain text (UTF-8), so it cannot be a .{ext} file.")
        if _MARKUP.match(head.removeprefix(codecs.BOM_UTF8)):
            raise FileRefused(
                f"“{shown}” contains a web page (HTML, SVG or XML), which cannot be submitted as a file. "
                "Export it as PDF or share a link to it."
            )
    elif not matches[ext]():
        raise FileRefused(f"“{shown}” is not really a .{ext} file: its content is of another kind.")
    if ext in OFFICE_FOLDERS or ext == "zip":
        _check_zip(stream, ext, shown)
    return CheckedFile(
        extension=ext,
        content_type=SERVE_AS.get(ext, "application/octet-stream"),
        display_name=shown,
        size=size,
        sha256=_sha256(stream),
    )
