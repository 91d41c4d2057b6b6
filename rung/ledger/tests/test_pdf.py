"""PDFs in DejaVu Sans when the system has it, otherwise in Latin-1-safe Helvetica."""

import contextlib
import zlib
from typing import Any

import pytest
from django.utils import timezone

from rung.ledger import pdf

RECEIPT: dict[str, Any] = {
    "reference": "RUNG-ABCD-EFGH",
    "organisation": "Åcme “Analytics” — 株式会社",
    "project": "Chart our survey",
    "received_at": timezone.now(),
    "seats": 2,
    "stipend_minor": 900_00,
    "escrow_minor": 1800_00,
    "fee_percent": "10.00",
    "fee_minor": 180_00,
    "amount_minor": 1980_00,
    "currency": "EUR",
    "paid_by": "Bank transfer",
    "bank_reference": "BANK-1",
}


def _text_streams(document: bytes) -> bytes:
    """The page content streams, inflated, so plain Latin-1 text can be searched for."""
    out, start = b"", 0
    while (start := document.find(b"stream\n", start)) != -1:
        end = document.find(b"endstream", start)
        with contextlib.suppress(zlib.error):  # fonts and images are streams too
            out += zlib.decompress(document[start + 7 : end].rstrip(b"\r\n"))
        start = end
    return out


@pytest.mark.skipif(not pdf.unicode_font_available(), reason="DejaVu Sans is not installed")
def test_with_dejavu_the_font_is_embedded_and_any_script_prints():
    document = pdf.receipt_pdf(**RECEIPT)
    assert document.startswith(b"%PDF-")
    assert b"DejaVu" in document


def test_without_a_unicode_font_text_falls_back_to_latin_1(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "REGULAR_FONT", tmp_path / "missing.ttf")
    document = pdf.receipt_pdf(**RECEIPT)
    assert b"DejaVu" not in document
    assert b"Helvetica" in document
    text = _text_streams(document)
    assert '(Åcme "Analytics" - ????)'.encode("latin-1") in text
    assert b"2 x EUR 900.00" in text
