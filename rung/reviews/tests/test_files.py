import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rung.reviews.files import FileRefused, check_file, display_name
from rung.reviews.tests.conftest import EXE, PDF, PNG, office


def check(name: str, content: bytes):
    f = SimpleUploadedFile(name, content)
    return check_file(f, name=name, size=len(content))


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("notes.txt", "Plain text, with ünïcödé.\n".encode(), "application/octet-stream"),
        ("README.md", b"# Findings\n\nMost volunteers <3 the newsletter.\n", "application/octet-stream"),
        ("data.csv", b"\xef\xbb\xbfname,count\nA,1\n", "application/octet-stream"),
        ("memo.docx", office("docx"), "application/octet-stream"),
        ("model.xlsx", office("xlsx"), "application/octet-stream"),
        ("slides.pptx", office("pptx"), "application/octet-stream"),
    ],
)
def test_it_accepts_the_allowed_kinds_and_serves_only_images_and_pdf_as_themselves(name, content, served_as):
    checked = check(name, content)
    assert checked.content_type == served_as
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


def test_it_accepts_a_zip_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("analysis/notebook.ipynb", "{}")
    assert check("work.zip", buffer.getvalue()).extension == "zip"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>", "accepts"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "accepts"),
        ("setup.exe", EXE, "accepts"),
        ("no-extension", PDF, "accepts"),
        ("report.pdf", EXE, "program"),
        ("notes.txt", EXE, "program"),
        ("chart.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "program"),
        ("run.txt", b"#!/bin/sh\nrm -rf ~\n", "program"),
        ("page.txt", b"  <html><body onload=alert(1)>", "web page"),
        ("drawing.md", b"<?xml version='1.0'?><svg/>", "web page"),
        ("evil.md", b"<script>alert(document.cookie)</script>", "web page"),
        ("report.pdf", b"just some text", "not really"),
        ("photo.jpg", PNG, "not really"),
        ("memo.docx", b"PK\x03\x04 not a real archive at all", "not a valid"),
        ("binary.csv", b"a,b\n\x00\x01\x02", "not plain text"),
        ("latin1.txt", "café".encode("latin-1"), "not plain text"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_what_a_browser_could_run_or_what_is_not_what_it_claims(name, content, reason):
    with pytest.raises(FileRefused, match=reason):
        check(name, content)


def test_a_zip_renamed_to_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.bin", "x")
    with pytest.raises(FileRefused, match="some other kind of archive"):
        check("memo.docx", buffer.getvalue())


def test_it_refuses_files_over_the_size_limit(settings):
    settings.SUBMISSION_MAX_FILE_MB = 1
    with pytest.raises(FileRefused, match="larger than 1 MB"):
        check("big.pdf", PDF + b"0" * (1024 * 1024))


def test_only_the_configured_kinds_are_allowed_and_unknown_ones_are_never_trusted(settings):
    settings.SUBMISSION_ALLOWED_TYPES = ["pdf", "exe", ".PNG"]
    assert check("chart.png", PNG).extension == "png"
    with pytest.raises(FileRefused, match=r"accepts \.pdf, \.png files"):
        check("notes.txt", b"hello")
    with pytest.raises(FileRefused):
        check("setup.exe", EXE)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\nia\\report.pdf", "report.pdf"),
        ("re\x00port\u202e.pdf", "report.pdf"),
        ("  spaced   name .pdf ", "spaced name .pdf"),
        ("...", "file"),
    ],
)
def test_display_names_lose_folders_and_control_characters(given, shown):
    assert display_name(given) == shown


def test_very_long_names_keep_their_extension():
    shown = display_name("a" * 300 + ".pdf")
    assert len(shown) == 150
    assert shown.endswith(".pdf")
