"""What a credential and its pages say, in words a recruiter understands (issue #8)."""

import json
from datetime import date
from typing import Any

from django.test import Client

from rung.credentials.models import IssuedCredential
from rung.credentials.services import date_range_words, duration_words
from rung.credentials.verify import verify_credential


def test_the_credential_states_the_contracts_length_and_dates(issue: Any) -> None:
    credential = issue(duration_weeks=2, hours=30)
    subject = credential.document["credentialSubject"]
    criteria = subject["achievement"]["criteria"]["narrative"]
    assert criteria.startswith(
        "Completed a paid two-week micro-internship for Acme Analytics (2 to 13 March 2026, 30 hours of work)"
    )
    assert "about" not in criteria
    assert "two-week micro-internship for Acme Analytics, 2 to 13 March 2026 (30 hours of work)" in subject["narrative"]
    assert subject["activityStartDate"] == "2026-03-02T00:00:00Z"
    assert subject["activityEndDate"] == "2026-03-13T00:00:00Z"


def test_duration_and_date_words() -> None:
    assert duration_words(1) == "one-week"
    assert duration_words(4) == "four-week"
    assert date_range_words(date(2026, 3, 30), date(2026, 4, 10)) == "30 March to 10 April 2026"
    assert date_range_words(date(2025, 12, 29), date(2026, 1, 9)) == "29 December 2025 to 9 January 2026"


def test_the_summary_uses_human_dates_and_words(issued: IssuedCredential) -> None:
    summary = verify_credential(issued.document).summary
    assert summary["work_dates"] == "2 to 13 March 2026"
    assert summary["issued_on"] == f"{issued.issued_at:%-d %B %Y}"
    assert summary["achievement_kind"] == "Micro-credential (a short piece of real, assessed work)"
    assert {"name": "Outcome", "value": "Completed"} in summary["results"]
    assert {"name": "Hours of work", "value": "40 hours"} in summary["results"]
    assert all(r["name"] != "Result" for r in summary["results"])


def test_the_public_page_reads_well(client: Client, issued: IssuedCredential) -> None:
    page = client.get(f"/verify/{issued.uuid}/").content.decode()
    assert "2 to 13 March 2026" in page
    assert "Type of achievement" in page
    assert "Kind" not in page
    assert "MicroCredential" not in page
    assert "T00:00:00Z" not in page


def test_a_tampered_credential_page_names_what_failed_and_shows_no_claims(
    client: Client, issued: IssuedCredential
) -> None:
    tampered = issued.document | {"name": "Chief Executive of Everything"}
    response = client.post("/verify/", {"text": json.dumps(tampered)})
    # The report, not the form below it that still holds what was pasted.
    page = response.content.decode().split('aria-labelledby="verdict-h"', 1)[1].split("</section>", 1)[0]
    assert "Not verified" in page
    assert "<strong>Signature:</strong>" in page
    assert "Chief Executive of Everything" not in page
    assert "Sales dashboard" not in page  # not even the unchanged claims are shown as facts
    assert "does not show what this document claims" in page


def test_the_verify_page_accepts_a_pasted_vc_jwt(client: Client, issued: IssuedCredential) -> None:
    from rung.credentials.services import vc_jwt_for

    response = client.post("/verify/", {"text": vc_jwt_for(issued)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The JWT signature (EdDSA) is valid" in page
    assert "2 to 13 March 2026" in page
