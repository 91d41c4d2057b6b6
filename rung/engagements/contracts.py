"""Contract text: rendered from stored terms by a versioned template, hashed, and exported as HTML and PDF.

Rendering is a pure function of the terms and the template version, so the same terms always give
byte-for-byte the same text (and hash). Templates are never edited once used: a change of wording is
a new file with a new CONTRACT_TEMPLATE_VERSION, and old contracts keep rendering from theirs.
"""

import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.template.loader import render_to_string

from rung.lib import dates
from rung.lib.money import format_money

CONTRACT_TEMPLATE_VERSION = "2026-11"
TEMPLATE_DIR = Path(__file__).resolve().parent / "contract_templates"
LINE_WIDTH = 78
# A Unicode TTF font from the `fonts-dejavu-core` package; without it the PDF falls back to the
# core PDF fonts, which only cover Latin-1, and transliterates what they cannot show.
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")

IP_LICENCE_TERMS: dict[str, str] = {
    "assign": (
        "When the stipend of a milestone has been released, the Intern assigns to the Employer the "
        "intellectual property in that milestone's deliverables. Until then the Intern keeps it. The Intern "
        "may mention the work, in general terms, in a CV or portfolio."
    ),
    "exclusive": (
        "When the stipend of a milestone has been released, the Intern grants the Employer an exclusive, "
        "worldwide, perpetual licence to use that milestone's deliverables. The Intern keeps ownership and "
        "may show the work in a portfolio, leaving out confidential information."
    ),
    "non_exclusive": (
        "The Intern keeps ownership of the deliverables. When the stipend of a milestone has been released, "
        "the Intern grants the Employer a non-exclusive, worldwide, perpetual licence to use that milestone's "
        "deliverables."
    ),
    "open": (
        "The deliverables are released under an open licence: code under the MIT licence, everything else "
        "under Creative Commons Attribution 4.0 (CC BY 4.0), crediting the Intern."
    ),
}

_BULLET = re.compile(r"^(\s*)((?:-|\d+\.)\s+)?")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def long_date(value: date | str) -> str:
    """'7 December 2026' for a date or the ISO string stored in the terms."""
    return dates.long_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _clean(value: str) -> str:
    # Line endings and stray whitespace must not make two renderings of the same terms differ.
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))


def _wrap(text: str) -> str:
    """Hard-wrap each paragraph at LINE_WIDTH, hanging list items under their first word."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        match = _BULLET.match(line)
        assert match is not None
        hang = " " * (len(match.group(1)) + len(match.group(2) or ""))
        out.extend(
            textwrap.wrap(
                line.rstrip(),
                width=LINE_WIDTH,
                subsequent_indent=hang,
                break_long_words=True,
                break_on_hyphens=False,
            )
        )
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, string_if_invalid="", libraries={}, debug=False)


def template_path(template_version: str) -> Path:
    if not re.fullmatch(r"\d{4}-\d{2}", template_version):
        raise ValueError(f"{template_version!r} is not a contract template version")
    return TEMPLATE_DIR / f"v{template_version}.txt"


def render_contract_text(terms: dict[str, Any]) -> str:
    """The exact text of a contract, from its stored terms."""
    currency = terms["currency"]
    milestones = [
        {
            "title": _clean(m["title"]),
            "description": " ".join(m.get("description", "").split()),
            "due_date": long_date(m["due_date"]),
            "share_percent": m["share_percent"],
            "amount": format_money(m["amount_minor"], currency),
            "status_note": "Already approved and paid; unchanged." if m.get("approved") else "",
        }
        for m in terms["milestones"]
    ]
    context = {
        **terms,
        "is_amendment": terms["version"] > 1,
        "project_title": _clean(terms["project"]["title"]),
        "engagement_ref": terms["engagement"],
        "employer_name": _clean(terms["employer"]["name"]),
        "intern_name": _clean(terms["intern"]["name"]),
        "intern_email": terms["intern"]["email"],
        "scope": _clean(terms["scope"]),
        "change_summary": " ".join(terms.get("change_summary", "").split()),
        "learning_outcomes": [" ".join(o.split()) for o in terms["learning_outcomes"]],
        "start_date": long_date(terms["start_date"]),
        "end_date": long_date(terms["end_date"]),
        "stipend": format_money(terms["stipend_minor"], currency),
        "milestones": milestones,
        "ip_licence_terms": IP_LICENCE_TERMS[terms["ip_licence"]],
    }
    template = _engine().get_template(template_path(terms["template_version"]).name)
    return _wrap(template.render(Context(context, autoescape=False)))


# --- Downloads -----------------------------------------------------------------------------


def contract_html(*, contract: Any, signatures: Sequence[Any], verified: bool, evidence: bool = True) -> str:
    """A self-contained HTML document: the exact text, its hash and both signatures (with the signers'
    e-mail and IP address only when `evidence`, i.e. for the parties and staff)."""
    return render_to_string(
        "engagements/contract_download.html",
        {
            "contract": contract,
            "signatures": signatures,
            "verified": verified,
            "evidence": evidence,
            "title": contract.terms["project"]["title"],
        },
    )


_LATIN1_FALLBACK = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "→": "->", "·": "-", "\u00a0": " "}
)


def _latin1(text: str) -> str:
    """For the core PDF fonts only: keep Latin-1, transliterate the rest, mark what cannot be shown."""
    text = text.translate(_LATIN1_FALLBACK)
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(plain or "?")
    return "".join(out)


def contract_pdf(*, contract: Any, signatures: Sequence[Any], verified: bool, evidence: bool = True) -> bytes:
    """A PDF of the contract: the text, its SHA-256, both signatures, and the exact text attached as a file.

    The attachment (contract-vN.txt) is the UTF-8 text whose hash is printed, so anyone can check
    the hash from the PDF alone.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    unicode_fonts = (DEJAVU_DIR / "DejaVuSans.ttf").exists() and (DEJAVU_DIR / "DejaVuSansMono.ttf").exists()
    if unicode_fonts:
        pdf.add_font("Sans", "", str(DEJAVU_DIR / "DejaVuSans.ttf"))
        pdf.add_font("Sans", "B", str(DEJAVU_DIR / "DejaVuSans-Bold.ttf"))
        pdf.add_font("Mono", "", str(DEJAVU_DIR / "DejaVuSansMono.ttf"))
        sans, mono = "Sans", "Mono"
    else:
        sans, mono = "helvetica", "courier"

    def show(value: str) -> str:
        return value if unicode_fonts else _latin1(value)

    title = contract.terms["project"]["title"]
    pdf.set_title(show(f"{title} - contract version {contract.version}"))
    pdf.set_subject(f"SHA-256 {contract.text_sha256}")
    pdf.set_keywords(contract.text_sha256)
    pdf.set_creator("Rung")
    pdf.set_creation_date(contract.created_at)
    pdf.add_page()

    def heading(value: str) -> None:
        pdf.set_font(sans, "B", 12)
        pdf.multi_cell(0, 7, show(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def body(value: str, *, font: str = sans, size: float = 9.5, height: float = 4.8) -> None:
        pdf.set_font(font, "", size)
        pdf.multi_cell(0, height, show(value), align="L", new_x="LMARGIN", new_y="NEXT")

    heading(f"Contract version {contract.version} · {contract.get_status_display()}")
    body(f"SHA-256 of the exact text (UTF-8): {contract.text_sha256}", font=mono, size=8, height=4.2)
    body(
        "Hash verified: the stored text matches its hash and every signature."
        if verified
        else "WARNING: the stored text does NOT match its hash or a signature. Do not rely on it.",
    )
    pdf.ln(3)
    body(contract.text, font=mono, size=8.5, height=4.1)
    pdf.ln(4)
    heading("Signatures")
    if not signatures:
        body("Not signed yet.")
    for signature in signatures:
        who = f" ({signature.signer.email})" if evidence else ""
        where = f" from IP {signature.ip_address or 'unknown'}" if evidence else ""
        body(
            f"{signature.get_role_display()}: {signature.typed_name}{who}\n"
            f"Signed at {signature.signed_at:%Y-%m-%d %H:%M:%S} UTC{where}, "
            f"consent given: {'yes' if signature.consent else 'no'}\n"
            f"SHA-256 signed: {signature.text_sha256}"
            + ("" if signature.text_sha256 == contract.text_sha256 else "  (DOES NOT MATCH THE TEXT)"),
        )
        pdf.ln(2)
    pdf.embed_file(
        bytes=contract.text.encode("utf-8"),
        basename=f"contract-v{contract.version}.txt",
        desc="The exact contract text (UTF-8) whose SHA-256 is printed in this document",
        modification_date=contract.created_at,
        compress=False,
    )
    return bytes(pdf.output())
