"""/api/v1/payout-details: masked reads, e-mail-confirmed changes, and everyone who must not see them."""

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from rung.accounts.services import create_api_token
from rung.audit.models import AuditEvent
from rung.payees import crypto
from rung.payees.models import ChangeStatus, PayoutDetails, PayoutDetailsChange

pytestmark = pytest.mark.django_db

URL = "/api/v1/payout-details"
GERMAN = {
    "account_holder": "Charlie Outsider",
    "country": "DE",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "",
    "legal_name": "Charlie Outsider",
    "address": "Hauptstraße 1, 10115 Berlin",
    "tax_residence": "DE",
}


def _token_client(user, scopes: list[str]) -> Client:
    _, raw = create_api_token(user, name="script", scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _put(client: Client, body: dict[str, Any]) -> Any:
    return client.put(URL, json.dumps(body), content_type="application/json")


def _confirm_from_mail(client: Client) -> None:
    token = str(mail.outbox[-1].body).split("/confirm/")[1].split("/")[0]
    assert client.post(f"/accounts/payout-details/confirm/{token}/").status_code == 302


def test_the_owner_changes_details_by_api_confirms_by_email_and_reads_them_masked(
    charlie, client_for, django_capture_on_commit_callbacks
):
    api = _token_client(charlie, ["read", "write", "money"])
    assert api.get(URL).json() == {"details": None, "pending_change": None, "note": ""}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = _put(api, GERMAN)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["details"] is None  # nothing applies before the e-mailed link is opened
    assert body["pending_change"]["masked"] == "DE89 •••• •••• 3000"
    assert "DE89370400440532013000" not in answer.content.decode()
    assert PayoutDetailsChange.objects.get(user=charlie).status == ChangeStatus.PENDING
    assert mail.outbox[-1].to == [charlie.email]

    _confirm_from_mail(client_for(charlie))
    read = api.get(URL)
    assert read.status_code == 200
    assert read.json()["details"]["masked"] == "DE89 •••• •••• 3000"
    assert read.json()["details"]["form"] == "iban"
    assert read.json()["pending_change"] is None
    text = read.content.decode()
    for secret in ("DE89370400440532013000", "COBADEFFXXX", "Hauptstraße", "account_holder", "legal_name"):
        assert secret not in text
    # Stored encrypted: the raw column holds a Fernet token, not the numbers.
    raw = PayoutDetails.objects.values_list("secret", flat=True).get(user=charlie)
    assert "DE89370400440532013000" not in raw
    assert crypto.decrypt(raw)["iban"] == "DE89370400440532013000"
    assert AuditEvent.objects.filter(verb="payees.change.requested", actor=charlie).count() == 1


def test_validation_errors_come_in_the_apis_error_shape_and_write_nothing(charlie):
    api = _token_client(charlie, ["read", "write", "money"])
    bad_iban = _put(api, {**GERMAN, "iban": "DE00 1234"})
    assert bad_iban.status_code == 400
    assert bad_iban.json()["code"] == "invalid_payout_details"
    assert bad_iban.json()["errors"][0]["field"] == "iban"
    assert "IBAN is not valid" in bad_iban.json()["detail"]

    us = _put(api, {**GERMAN, "country": "US", "iban": "", "routing_number": "123456789", "account_number": "1234"})
    assert us.status_code == 400
    assert us.json()["errors"] == [{"field": "routing_number", "message": us.json()["detail"]}]

    missing = api.put(URL, json.dumps({"country": "DE"}), content_type="application/json")
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} >= {"account_holder", "legal_name", "address"}
    assert not PayoutDetailsChange.objects.exists()
    assert not mail.outbox


def test_another_persons_token_sees_only_their_own_details(
    charlie, alice, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _put(_token_client(charlie, ["read", "write", "money"]), GERMAN)
    _confirm_from_mail(client_for(charlie))
    other = _token_client(alice, ["read", "write", "money"])
    answer = other.get(URL)
    assert answer.status_code == 200
    assert answer.json() == {"details": None, "pending_change": None, "note": ""}
    # Alice's change is hers: Charlie's details stay as they were.
    with django_capture_on_commit_callbacks(execute=True):
        assert _put(other, {**GERMAN, "account_holder": "Alice Owner"}).status_code == 202
    assert PayoutDetails.objects.get(user=charlie).masked == "DE89 •••• •••• 3000"
    assert PayoutDetailsChange.objects.get(user=alice, status=ChangeStatus.PENDING)


def test_staff_see_only_their_own_details_not_an_interns(charlie, sam, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _put(_token_client(charlie, ["read", "write", "money"]), GERMAN)
    _confirm_from_mail(client_for(charlie))
    staff = _token_client(sam, ["read", "write", "money"])
    answer = staff.get(URL)
    assert answer.status_code == 200
    assert answer.json()["details"] is None
    assert "DE89" not in answer.content.decode()


@pytest.mark.parametrize(
    ("scopes", "method"),
    [(["read", "write"], "get"), (["read", "write"], "put"), (["read", "money"], "put"), (["write", "money"], "get")],
)
def test_a_token_without_the_scope_is_refused(charlie, scopes, method):
    api = _token_client(charlie, scopes)
    answer = api.get(URL) if method == "get" else _put(api, GERMAN)
    assert answer.status_code == 403
    assert answer.json()["code"] == "insufficient_scope"
    assert not PayoutDetailsChange.objects.exists()


def test_without_a_token_or_session_nothing_is_shown(client):
    assert client.get(URL).status_code == 401
    assert _put(client, GERMAN).status_code == 401


def test_a_browser_session_works_too(charlie, client_for):
    answer = client_for(charlie).get(URL)
    assert answer.status_code == 200
    assert answer.json()["details"] is None
