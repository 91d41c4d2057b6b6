"""What an uploaded file may be, for any app that takes files (submissions, message attachments…).

A file is judged by its extension and its content, never by the type the sender's browser claimed.
Binary kinds are recognised by the `filetype` library (signatures at fixed offsets, so a PDF must
start with `%PDF-`: an HTML page with `%PDF-` further down is not a PDF). Programs, HTML, SVG and XML
are refused even when renamed, because a browser could run script in them. Archives (zip and the
Office formats, which are zips) are opened and refused when they would inflate beyond
UPLOAD_MAX_INFLATED_MB, compress suspiciously well (UPLOAD_MAX_COMPRESSION_RATIO), hold too many
entries, or name a path outside themselves (`../`, `/etc`, `C:\\`, links). Files are later served as
attachments with `nosniff`, so this is the first of two locks, not the only one.
"""

import codecs
import hashlib
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import filetype
from django.conf import settings

from rung.lib.errors import DomainError

# Served with these types; everything else is application/octet-stream, which no browser renders.
SERVE_AS = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT_KINDS = {"txt", "md", "csv"}
# What `filetype` must recognise for each binary kind.
# A zip may hold anything, so `filetype` may name it after its content (an Office file, an e-book).
ZIP_FAMILY = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "jar"}
BINARY_KINDS = {"pdf": {"pdf"}, "png": {"png"}, "jpg": {"jpg"}, "jpeg": {"jpg"}, "zip": ZIP_FAMILY}
ARCHIVE_KINDS = {"zip", *OFFICE_FOLDERS}
KNOWN_KINDS = set(BINARY_KINDS) | set(OFFICE_FOLDERS) | TEXT_KINDS
PROGRAM_KINDS = {"exe", "elf", "wasm", "dex", "swf"}

# Programs `filetype` does not know: macOS Mach-O (both byte orders, and the universal binary that
# shares CAFEBABE with Java classes) and scripts.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\x00asm",
    b"#!",
)
# What the WHATWG MIME sniffing standard treats as HTML (plus XML and SVG): if a text file begins
# with one of these, some browser somewhere will try to render it.
_MARKUP = re.compile(
    rb"^\s*<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)"
    rb"[\s>/]",
    re.IGNORECASE,
)
SNIFF_BYTES = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class FileRefused(DomainError):
    code = "file_refused"

    def __init__(self, message: str, *, field: str = "files") -> None:
        super().__init__(message, field=field)


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    display_name: str
    size: int
    sha256: str

    def stored_as(self, name: str, *, at: datetime) -> dict[str, Any]:
        """The fields every stored-file row keeps (submission files, message attachments)."""
        return {
            "file": name,
            "original_name": self.display_name,
            "extension": self.extension,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "uploaded_at": at,
        }


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


def checkable(extensions: Iterable[str]) -> list[str]:
    """The configured extensions this module can check; any other is refused, not trusted."""
    cleaned = (e.lower().lstrip(".") for e in extensions)
    return [e for e in cleaned if e in KNOWN_KINDS]


def _head(stream: IO[bytes], size: int = SNIFF_BYTES) -> bytes:
    stream.seek(0)
    data = stream.read(size)
    stream.seek(0)
    return data


def _sha256(stream: IO[bytes]) -> str:
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


def unsafe_entry_name(name: str) -> bool:
    """An archive entry that would land outside the folder it is unpacked into."""
    if not name or "\x00" in name:
        return True
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return True
    return any(part == ".." for part in path.split("/"))


def check_archive(stream: IO[bytes], *, ext: str, shown: str) -> list[str]:
    """Open a zip (or Office file) and refuse bombs and entries that escape; return the entry names."""
    max_inflated = int(settings.UPLOAD_MAX_INFLATED_MB) * 1024 * 1024
    max_ratio = int(settings.UPLOAD_MAX_COMPRESSION_RATIO)
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise FileRefused(f"“{shown}” is not a valid .{ext} file.") from None
    finally:
        stream.seek(0)
    if len(entries) > int(settings.UPLOAD_MAX_ARCHIVE_ENTRIES):
        raise FileRefused(f"“{shown}” holds more than {settings.UPLOAD_MAX_ARCHIVE_ENTRIES} files.")
    inflated = 0
    for entry in entries:
        if unsafe_entry_name(entry.filename) or stat.S_ISLNK(entry.external_attr >> 16):
            raise FileRefused(f"“{shown}” contains a path that points outside the archive ({entry.filename[:80]!r}).")
        inflated += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise FileRefused(f"“{shown}” compresses far too well to be ordinary work (a “zip bomb”?).")
    if inflated > max_inflated:
        raise FileRefused(f"“{shown}” would unpack to more than {settings.UPLOAD_MAX_INFLATED_MB} MB.")
    names = [e.filename for e in entries]
    folder = OFFICE_FOLDERS.get(ext)
    if folder and ("[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names)):
        raise FileRefused(f"“{shown}” is not a valid .{ext} file: it is some other kind of archive.")
    return names


def check_upload(
    stream: IO[bytes], *, name: str, size: int, allowed: Iterable[str], max_bytes: int, too_large_hint: str = ""
) -> CheckedFile:
    """Accept or refuse one uploaded file (FileRefused says why, in words for the uploader)."""
    shown = display_name(name)
    ext = extension_of(name)
    kinds = checkable(allowed)
    if ext not in kinds:
        listed = ", ".join(f".{e}" for e in kinds)
        raise FileRefused(f"“{shown}” cannot be uploaded here: Rung accepts {listed} files.")
    if size <= 0:
        raise FileRefused(f"“{shown}” is empty.")
    if size > max_bytes:
        raise FileRefused(f"“{shown}” is larger than {max_bytes // (1024 * 1024)} MB{too_large_hint}.")
    head = _head(stream)
    guessed = filetype.guess(head)
    if head.startswith(EXECUTABLE_MAGIC) or (guessed is not None and guessed.extension in PROGRAM_KINDS):
        raise FileRefused(f"“{shown}” is a program, and programs cannot be uploaded.")
    if ext in TEXT_KINDS:
        if guessed is not None or not _is_text(head, complete=size <= len(head)):
            raise FileRefused(f"“{shown}” is not plain text (UTF-8), so it cannot be a .{ext} file.")
        if _MARKUP.match(head.removeprefix(codecs.BOM_UTF8)):
            raise FileRefused(
                f"“{shown}” contains a web page (HTML, SVG or XML), which cannot be uploaded as a file. "
                "Export it as PDF or share a link to it."
            )
    elif ext in OFFICE_FOLDERS:
        if not head.startswith(b"PK\x03\x04"):
            raise FileRefused(f"“{shown}” is not really a .{ext} file: its content is of another kind.")
    elif (
        guessed is None
        or guessed.extension not in BINARY_KINDS[ext]
        # filetype accepts "%PDF"; the PDF standard's header is "%PDF-" at the very first byte.
        or (ext == "pdf" and not head.startswith(b"%PDF-"))
    ):
        raise FileRefused(f"“{shown}” is not really a .{ext} file: its content is of another kind.")
    if ext in ARCHIVE_KINDS:
        check_archive(stream, ext=ext, shown=shown)
    return CheckedFile(
        extension=ext,
        content_type=SERVE_AS.get(ext, "application/octet-stream"),
        display_name=shown,
        size=size,
        sha256=_sha256(stream),
    )
