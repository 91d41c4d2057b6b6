"""Payout details: validation, encryption at rest, masking, confirmation by e-mail, audit, visibility.

Test numbers: DE89 3704 0044 0532 0130 00 is the IBAN example of the European Banking Resources /
ISO 13616 documentation; 111000025 is a routing number with a valid ABA checksum; 36574261809 is
python-stdnum's own example of a valid German Steuer-ID (stdnum.de.idnr).
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, TestCase

from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.lib.errors import DomainError
from rung.payees import crypto, selectors, services
from rung.payees.models import ChangeStatus, PayoutDetails, PayoutDetailsChange
from rung.payees.validation import PayoutDetailsError, clean_payout_details

GERMAN: dict[str, Any] = {
    "account_holder": "Charlie Candidate",
    "country": "DE",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "legal_name": "Charlie Candidate",
    "address": "Hauptstraße 1, 10115 Berlin",
    "tax_residence": "DE",
    "tax_id": "",
}


def _link_token() -> str:
    match = re.search(r"/accounts/payout-details/confirm/([^/\s]+)/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def _request(user: User, values: dict[str, Any]) -> PayoutDetailsChange:
    # The e-mail leaves when the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        change, _ = services.request_payout_details_change(user=user, values=values)
    return change


def _request_and_confirm(user: User, values: dict[str, Any]) -> PayoutDetails:
    mail.outbox.clear()
    _request(user, values)
    return services.confirm_payout_details_change(token=_link_token(), user=user)


# --- Validation --------------------------------------------------------------------------------


def test_a_good_iban_is_kept_compact_with_its_bic() -> None:
    clean = clean_payout_details(GERMAN)
    assert clean.secret["iban"] == "DE89370400440532013000"
    assert clean.secret["bic"] == "COBADEFFXXX"
    assert clean.masked == "DE89 •••• •••• 3000"


def test_the_bic_is_found_from_the_iban_when_left_empty() -> None:
    assert clean_payout_details({**GERMAN, "bic": ""}).secret["bic"] == "COBADEFFXXX"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "iban"),  # checksum wrong
        ({"iban": "FR14 2004 1010 0505 0001 3M02 606"}, "iban"),  # a French IBAN for a German account
        ({"bic": "NOTABIC"}, "bic"),
        ({"bic": "BNPAFRPPXXX"}, "bic"),  # a French bank's BIC with a German IBAN
        ({"bic": "DEUTDEFFXXX"}, "bic"),  # a German BIC, but not this IBAN's bank
        ({"country": "Germany"}, "country"),
        ({"legal_name": "  "}, "legal_name"),
        ({"address": ""}, "address"),
        ({"tax_id": "12345678901"}, "tax_id"),  # not a valid Steuer-ID
    ],
)
def test_it_refuses_bad_details_naming_the_field(changes: dict[str, str], field: str) -> None:
    with pytest.raises(PayoutDetailsError) as raised:
        clean_payout_details({**GERMAN, **changes})
    assert raised.value.field == field
    assert raised.value.message


def test_uk_accounts_need_a_six_digit_sort_code_and_eight_digit_number() -> None:
    uk = {**GERMAN, "country": "GB", "tax_residence": "GB", "sort_code": "12-34-56", "account_number": "31926819"}
    clean = clean_payout_details(uk)
    assert clean.secret == {**clean.secret, "sort_code": "123456", "account_number": "31926819"}
    assert clean.masked == "12-••-•• •••• 6819"
    for bad in ({"sort_code": "12-34-5"}, {"sort_code": "ab-cd-ef"}, {"account_number": "1234567"}):
        with pytest.raises(PayoutDetailsError) as raised:
            clean_payout_details({**uk, **bad})
        assert raised.value.field == next(iter(bad))


def test_us_routing_numbers_must_pass_the_aba_checksum() -> None:
    us = {
        **GERMAN,
        "country": "US",
        "tax_residence": "US",
        "routing_number": "111000025",
        "account_number": "123456789",
    }
    assert clean_payout_details(us).secret["routing_number"] == "111000025"
    with pytest.raises(PayoutDetailsError) as raised:
        clean_payout_details({**us, "routing_number": "111000026"})
    assert raised.value.field == "routing_number"


def test_a_valid_tax_id_is_accepted_and_an_unknown_format_is_saved_with_a_note() -> None:
    # 36574261809 is python-stdnum's own example of a valid German Steuerliche Identifikationsnummer.
    assert clean_payout_details({**GERMAN, "tax_id": "36 574 261 809"}).secret["tax_id"] == "36574261809"
    unknown = clean_payout_details({**GERMAN, "tax_residence": "AQ", "tax_id": "ANT-42"})
    assert unknown.secret["tax_id"] == "ANT-42"
    assert "cannot check the format" in unknown.tax_id_note


# --- Encryption, masking, confirmation, audit -------------------------------------------------


def test_details_are_encrypted_in_the_database(charlie: User) -> None:
    _request_and_confirm(charlie, GERMAN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, masked FROM payees_payoutdetails")
        secret, masked = cursor.fetchone()
        cursor.execute("SELECT secret FROM payees_payoutdetailschange")
        pending_secrets = [row[0] for row in cursor.fetchall()]
    for raw in (secret, *pending_secrets):
        assert "DE89370400440532013000" not in raw
        assert "0532013000" not in raw
        assert "Hauptstraße" not in raw
    assert masked == "DE89 •••• •••• 3000"
    assert crypto.decrypt(secret)["iban"] == "DE89370400440532013000"


def test_a_rotated_key_still_reads_old_rows_and_rotation_re_encrypts(charlie: User, settings: Any) -> None:
    from cryptography.fernet import Fernet

    details = _request_and_confirm(charlie, GERMAN)
    old_key = settings.PAYOUT_DETAILS_KEY
    new_key = Fernet.generate_key().decode()
    settings.PAYOUT_DETAILS_KEY = f"{new_key},{old_key}"
    assert services.rotate_encryption_keys() >= 1
    settings.PAYOUT_DETAILS_KEY = new_key  # the old key is gone; rotated rows still read
    details.refresh_from_db()
    assert crypto.decrypt(details.secret)["iban"] == "DE89370400440532013000"


def test_a_change_applies_only_after_the_link_is_confirmed(charlie: User) -> None:
    mail.outbox.clear()
    change = _request(charlie, GERMAN)
    assert not PayoutDetails.objects.filter(user=charlie).exists()
    assert mail.outbox[-1].to == [charlie.email]
    assert "DE89 •••• •••• 3000" in mail.outbox[-1].body
    assert "0532013000" not in mail.outbox[-1].body
    details = services.confirm_payout_details_change(token=_link_token(), user=charlie)
    assert details.masked == "DE89 •••• •••• 3000"
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED


def test_a_link_works_once_and_only_for_its_owner(charlie: User, bob: User) -> None:
    mail.outbox.clear()
    _request(charlie, GERMAN)
    token = _link_token()
    with pytest.raises(DomainError):
        services.confirm_payout_details_change(token=token, user=bob)
    assert not PayoutDetails.objects.exists()
    services.confirm_payout_details_change(token=token, user=charlie)
    with pytest.raises(DomainError) as raised:
        services.confirm_payout_details_change(token=token, user=charlie)
    assert raised.value.code == "link_used"


def test_a_newer_request_replaces_the_waiting_one(charlie: User) -> None:
    services.request_payout_details_change(user=charlie, values=GERMAN)
    services.request_payout_details_change(user=charlie, values={**GERMAN, "bic": ""})
    statuses = sorted(PayoutDetailsChange.objects.filter(user=charlie).values_list("status", flat=True))
    assert statuses == [ChangeStatus.PENDING, ChangeStatus.SUPERSEDED]


def test_the_audit_trail_records_changes_without_secret_values(charlie: User) -> None:
    _request_and_confirm(charlie, {**GERMAN, "tax_id": "36574261809"})
    events = AuditEvent.objects.filter(verb__startswith="payees.")
    assert {e.verb for e in events} == {"payees.change.requested", "payees.details.confirmed"}
    for event in events:
        text = str(event.data)
        assert "0532013000" not in text
        assert "36574261809" not in text
        assert "Hauptstraße" not in text


def test_only_staff_export_plain_details_and_each_export_is_audited(charlie: User, sam: User, bob: User) -> None:
    _request_and_confirm(charlie, GERMAN)
    with pytest.raises(DomainError):
        services.export_plain_details([charlie], staff=bob, reason="batch")
    plain = services.export_plain_details([charlie], staff=sam, reason="BATCH-1")
    assert plain[charlie.pk]["iban"] == "DE89370400440532013000"
    assert AuditEvent.objects.filter(verb="payees.details.exported", actor=sam).count() == 1


# --- Pages ------------------------------------------------------------------------------------


def test_the_page_shows_only_the_masked_account(charlie: User, client_for: Callable[[User], Client]) -> None:
    _request_and_confirm(charlie, GERMAN)
    page = client_for(charlie).get("/accounts/payout-details/").content.decode()
    assert "DE89 •••• •••• 3000" in page
    assert "0532013000" not in page
    assert "Hauptstraße" not in page


def test_staff_and_others_see_only_their_own_details(
    charlie: User, sam: User, bob: User, client_for: Callable[[User], Client]
) -> None:
    _request_and_confirm(charlie, GERMAN)
    for other in (sam, bob):
        page = client_for(other).get("/accounts/payout-details/").content.decode()
        assert "DE89 •••• •••• 3000" not in page
        assert "not given payout details" in page


def test_the_page_refuses_a_bad_iban_with_a_message(charlie: User, client_for: Callable[[User], Client]) -> None:
    response = client_for(charlie).post("/accounts/payout-details/", {**GERMAN, "iban": "DE00123"})
    assert response.status_code == 400
    assert "IBAN is not valid" in response.content.decode()
    assert not PayoutDetailsChange.objects.exists()


def test_confirming_on_the_page_applies_the_change(charlie: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(charlie)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post("/accounts/payout-details/", GERMAN).status_code == 302
    url = f"/accounts/payout-details/confirm/{_link_token()}/"
    assert client.get(url).status_code == 200
    assert not PayoutDetails.objects.exists()  # opening the link alone changes nothing
    assert client.post(url).status_code == 302
    assert selectors.details_for(charlie) is not None


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    assert client.get("/accounts/payout-details/").status_code == 302
