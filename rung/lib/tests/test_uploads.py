"""rung.lib.uploads: archives that bomb or escape, PDFs that are not PDFs, types by `filetype` (issue #9)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rung.lib.uploads import FileRefused, check_upload, unsafe_entry_name

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def check(name: str, content: bytes, *, allowed=("pdf", "zip", "png", "txt", "docx"), max_mb: int = 20):
    return check_upload(
        SimpleUploadedFile(name, content), name=name, size=len(content), allowed=allowed, max_bytes=max_mb * 1024**2
    )


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_ordinary_archive_passes():
    assert check("work.zip", _zip({"analysis/notes.txt": b"findings\n" * 100})).extension == "zip"


def test_a_zip_bomb_is_refused_by_its_ratio():
    bomb = _zip({"zeros.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(FileRefused, match="zip bomb"):
        check("work.zip", bomb)


def test_an_archive_that_inflates_beyond_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_INFLATED_MB = 1
    stored = _zip({f"part{i}.bin": bytes(range(256)) * 1024 for i in range(5)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(FileRefused, match="more than 1 MB"):
        check("work.zip", stored)


def test_an_archive_with_too_many_entries_is_refused(settings):
    settings.UPLOAD_MAX_ARCHIVE_ENTRIES = 3
    with pytest.raises(FileRefused, match="more than 3 files"):
        check("work.zip", _zip({f"{i}.txt": b"x" for i in range(4)}))


@pytest.mark.parametrize("entry", ["../../etc/cron.d/evil", "/etc/passwd", "C:\\Windows\\evil.dll", "a/../../b"])
def test_entries_that_escape_the_archive_are_refused(entry):
    with pytest.raises(FileRefused, match="outside the archive"):
        check("work.zip", _zip({entry: b"x"}))


def test_a_symlink_entry_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(FileRefused, match="outside the archive"):
        check("work.zip", buffer.getvalue())


@pytest.mark.parametrize("name", ["a/b.txt", "notes..txt", "dir/..hidden"])
def test_ordinary_entry_names_are_fine(name):
    assert not unsafe_entry_name(name)


def test_a_pdf_must_start_with_the_pdf_header():
    polyglot = b"<html><body><script>alert(1)</script>" + b" " * 100 + PDF
    with pytest.raises(FileRefused, match=r"not really a \.pdf"):
        check("report.pdf", polyglot)
    with pytest.raises(FileRefused, match=r"not really a \.pdf"):
        check("report.pdf", b"%PDF" + b"garbage")  # "%PDF" without the dash is not the header
    assert check("report.pdf", PDF).content_type == "application/pdf"


def test_an_image_that_filetype_names_as_another_kind_is_refused():
    gif = b"GIF89a" + b"\x00" * 64
    with pytest.raises(FileRefused, match="not really"):
        check("chart.png", gif)


def test_a_text_file_that_filetype_recognises_as_binary_is_refused():
    with pytest.raises(FileRefused, match="not plain text"):
        check("notes.txt", b"GIF89a" + b"a" * 64)


def test_the_uploader_sees_the_limit_and_the_allowed_kinds():
    with pytest.raises(FileRefused, match="larger than 1 MB"):
        check("big.pdf", PDF + b"0" * (1024 * 1024), max_mb=1)
    with pytest.raises(FileRefused, match=r"accepts \.pdf files"):
        check("notes.txt", b"hi", allowed=("pdf",))
