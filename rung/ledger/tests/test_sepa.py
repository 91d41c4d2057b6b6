"""Payout batches as SEPA credit transfer files (pain.001) for euro IBANs, and the CSV for the rest."""

import uuid
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import xmlschema
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.audit.models import AuditEvent
from rung.ledger.models import Payout, PayoutStatus
from rung.ledger.payouts import create_payout, export_payout_batch
from rung.ledger.selectors import check_ledger
from rung.ledger.services import LedgerError, release_milestone
from rung.lib.errors import PermissionDenied
from rung.payees import crypto
from rung.payees.models import PayoutDetails

pytestmark = pytest.mark.django_db

NS = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"
# The XSD is the one sepaxml ships (sepaxml/schemas/pain.001.001.03.xsd, from the ISO 20022 message
# catalogue), read from the installed package rather than copied into the repository.
PAIN_001_XSD = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"


@pytest.fixture
def sepa_account(settings) -> None:
    settings.PAYOUT_DEBTOR_NAME = "Rung Platform e.V."
    settings.PAYOUT_DEBTOR_IBAN = "DE02 1203 0000 0000 2020 51"
    settings.PAYOUT_DEBTOR_BIC = "BYLADEM1001"


@pytest.fixture
def uk_intern() -> User:
    user = make_user("uma@student.example", "Uma Brit")
    PayoutDetails.objects.create(
        user=user,
        country="GB",
        form="uk",
        tax_residence="GB",
        masked="12-••-•• •••• 5678",
        secret=crypto.encrypt(
            {"account_holder": "Uma Brit", "sort_code": "123456", "account_number": "12345678", "legal_name": "Uma"}
        ),
    )
    return user


def _owe_and_start(fund, intern: User, amount_minor: int, currency: str = "EUR") -> Payout:
    project, engagement = uuid.uuid4(), uuid.uuid4()
    fund(project, stipend_minor=amount_minor, seats=1, currency=currency)
    release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=intern,
        amount_minor=amount_minor,
        currency=currency,
        approved_at=timezone.now(),
    )
    payout = create_payout(engagement_uuid=engagement, intern=intern, currency=currency, provider_name="batch_export")
    assert payout is not None
    assert payout.status == PayoutStatus.PENDING
    return payout


def test_euro_payouts_to_ibans_go_in_a_sepa_file_that_validates_against_the_pain_001_xsd(
    fund, intern, uk_intern, sepa_account, sam
):
    german = _owe_and_start(fund, intern, 123_45)
    german_too = _owe_and_start(fund, intern, 50_00)
    british = _owe_and_start(fund, uk_intern, 80_00)
    pounds = _owe_and_start(fund, intern, 10_00, currency="GBP")  # an IBAN, but not a euro payout

    batch = export_payout_batch(staff=sam, file_format="sepa")

    assert batch.filename.endswith(".xml")
    assert batch.content_type == "application/xml"
    assert {p.pk for p in batch.payouts} == {german.pk, german_too.pk}
    xmlschema.XMLSchema(str(PAIN_001_XSD)).validate(batch.content.decode())
    tree: Any = xmlschema.XMLResource(batch.content.decode()).root
    header: Any = tree.find(f"{NS}CstmrCdtTrfInitn/{NS}GrpHdr")
    assert header.find(f"{NS}NbOfTxs").text == "2"
    assert Decimal(header.find(f"{NS}CtrlSum").text) == Decimal("173.45")  # 123.45 + 50.00, by hand
    info: Any = tree.find(f"{NS}CstmrCdtTrfInitn/{NS}PmtInf")
    assert info.find(f"{NS}DbtrAcct/{NS}Id/{NS}IBAN").text == "DE02120300000000202051"
    assert info.find(f"{NS}DbtrAgt/{NS}FinInstnId/{NS}BIC").text == "BYLADEM1001"
    assert info.find(f"{NS}Dbtr/{NS}Nm").text == "Rung Platform e.V."
    transfers = info.findall(f"{NS}CdtTrfTxInf")
    assert sorted(
        (
            t.find(f"{NS}PmtId/{NS}EndToEndId").text,
            t.find(f"{NS}Amt/{NS}InstdAmt").text,
            t.find(f"{NS}Amt/{NS}InstdAmt").get("Ccy"),
            t.find(f"{NS}Cdtr/{NS}Nm").text,
            t.find(f"{NS}CdtrAcct/{NS}Id/{NS}IBAN").text,
            t.find(f"{NS}CdtrAgt/{NS}FinInstnId/{NS}BIC").text,
        )
        for t in transfers
    ) == sorted(
        [
            (german.uuid.hex, "123.45", "EUR", "Charlie Outsider", "DE89370400440532013000", "COBADEFFXXX"),
            (german_too.uuid.hex, "50.00", "EUR", "Charlie Outsider", "DE89370400440532013000", "COBADEFFXXX"),
        ]
    )
    for payout in (german, german_too):
        payout.refresh_from_db()
        assert (payout.status, payout.batch_reference) == (PayoutStatus.SENT, batch.reference)
    exported = AuditEvent.objects.get(verb="payees.details.exported")
    assert exported.data["users"] == [intern.pk]
    assert exported.data["reason"] == batch.reference
    assert AuditEvent.objects.get(verb="ledger.payout_batch.exported").data["format"] == "sepa"

    # The rest (a UK account, a payout in pounds) is the CSV's, and only the CSV's.
    rest = export_payout_batch(staff=sam, file_format="csv")
    assert {p.pk for p in rest.payouts} == {british.pk, pounds.pk}
    assert "Uma Brit,GB,,,123456,12345678," in rest.csv
    assert export_payout_batch(staff=sam, file_format="sepa").payouts == []
    assert check_ledger() == []


@pytest.mark.parametrize("missing", ["PAYOUT_DEBTOR_NAME", "PAYOUT_DEBTOR_IBAN", "PAYOUT_DEBTOR_BIC"])
def test_a_sepa_export_is_refused_without_rungs_own_account_and_claims_nothing(
    fund, intern, sepa_account, sam, settings, missing
):
    payout = _owe_and_start(fund, intern, 40_00)
    setattr(settings, missing, "")
    with pytest.raises(LedgerError, match=missing) as refused:
        export_payout_batch(staff=sam, file_format="sepa")
    assert refused.value.code == "sepa_not_configured"
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING
    assert not AuditEvent.objects.filter(verb="payees.details.exported").exists()
    # Without a SEPA account every payout, euro or not, can still go out in the CSV.
    assert [p.pk for p in export_payout_batch(staff=sam).payouts] == [payout.pk]


def test_an_invalid_debtor_iban_is_refused_clearly(fund, intern, sepa_account, sam, settings):
    _owe_and_start(fund, intern, 40_00)
    settings.PAYOUT_DEBTOR_IBAN = "DE00 0000 0000 0000 0000 00"
    with pytest.raises(LedgerError, match="PAYOUT_DEBTOR_IBAN or PAYOUT_DEBTOR_BIC is not valid"):
        export_payout_batch(staff=sam, file_format="sepa")


def test_with_a_sepa_account_the_csv_leaves_the_euro_ibans_to_the_sepa_file(fund, intern, sepa_account, sam):
    payout = _owe_and_start(fund, intern, 40_00)
    assert export_payout_batch(staff=sam, file_format="csv").payouts == []
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING


def test_if_the_sepa_file_cannot_be_made_nothing_is_marked_sent(fund, intern, sepa_account, sam, monkeypatch):
    from sepaxml.validation import ValidationError

    payout = _owe_and_start(fund, intern, 40_00)

    def broken(*args, **kwargs):
        raise ValidationError("The output SEPA file contains validation errors.")

    monkeypatch.setattr("rung.ledger.payouts.render_sepa", broken)
    with pytest.raises(LedgerError, match="nothing was exported"):
        export_payout_batch(staff=sam, file_format="sepa")
    payout.refresh_from_db()
    assert (payout.status, payout.batch_reference) == (PayoutStatus.PENDING, "")
    assert not AuditEvent.objects.filter(verb="payees.details.exported").exists()


def test_only_staff_export_and_an_unknown_format_is_refused(fund, intern, sepa_account, sam, alice):
    _owe_and_start(fund, intern, 40_00)
    with pytest.raises(PermissionDenied):
        export_payout_batch(staff=alice, file_format="sepa")
    with pytest.raises(LedgerError, match="CSV or the SEPA file"):
        export_payout_batch(staff=sam, file_format="mt940")


def test_staff_download_the_sepa_file_and_the_csv_from_the_payouts_page(
    fund, intern, uk_intern, sepa_account, sam, client_for
):
    _owe_and_start(fund, intern, 40_00)
    _owe_and_start(fund, uk_intern, 30_00)
    staff = client_for(sam)
    page = staff.get("/money/staff/payouts/").content.decode()
    assert "Export SEPA file (1 euro payout)" in page
    assert "Export batch CSV (1 other payout)" in page

    sepa = staff.post("/money/staff/payouts/export/", {"format": "sepa"})
    assert sepa.status_code == 200
    assert sepa["Content-Type"] == "application/xml"
    assert sepa["Content-Disposition"].endswith('.xml"')
    xmlschema.XMLSchema(str(PAIN_001_XSD)).validate(sepa.content.decode())
    assert b"DE89370400440532013000" in sepa.content

    csv = staff.post("/money/staff/payouts/export/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert b"12345678" in csv.content
    assert b"DE89370400440532013000" not in csv.content


def test_the_payouts_page_says_how_to_turn_on_sepa_and_shows_refusals(fund, intern, sam, client_for):
    _owe_and_start(fund, intern, 40_00)
    staff = client_for(sam)
    page = staff.get("/money/staff/payouts/").content.decode()
    assert "set PAYOUT_DEBTOR_NAME, PAYOUT_DEBTOR_IBAN and PAYOUT_DEBTOR_BIC" in page
    refused = staff.post("/money/staff/payouts/export/", {"format": "sepa"}, follow=True)
    assert "A SEPA file needs Rung&#x27;s own bank account" in refused.content.decode()
    assert Payout.objects.get().status == PayoutStatus.PENDING


def test_nobody_but_staff_exports_from_the_page(fund, intern, sepa_account, alice, charlie, client_for):
    _owe_and_start(fund, intern, 40_00)
    for person in (alice, charlie):
        assert client_for(person).post("/money/staff/payouts/export/", {"format": "sepa"}).status_code == 404
    assert Payout.objects.get().status == PayoutStatus.PENDING
