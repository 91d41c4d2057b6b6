"""The money pages: employers, interns and staff, each tested for the outsider."""

import csv
import io
import uuid

import pytest
from django.test import Client

from rung.audit.models import AuditEvent
from rung.ledger.models import DelayCause, Deposit, DepositStatus, Payout, PayoutStatus
from rung.ledger.payouts import run_payouts
from rung.ledger.selectors import check_ledger, employer_caused_delays, escrow_balance
from rung.orgs.models import Membership, Organisation, OrgKind, Role

from .conftest import start_payout

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_out(fund, release, project, engagement, intern):
    """Funded (sandbox), EUR 60.00 released and paid out through the sandbox."""
    deposit = fund(project)
    release(project, engagement, 60_00)
    run_payouts(provider_name="sandbox")
    return deposit


# --- Employer money page -------------------------------------------------------------------


def test_the_owner_sees_a_pending_deposit_with_its_reference_and_how_to_pay(client_for, alice, org, invoice, project):
    deposit = invoice(project)
    response = client_for(alice).get(f"/money/org/{org.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert deposit.reference in body
    assert "Awaiting payment" in body
    assert f"Transfer EUR 220.00 quoting the reference {deposit.reference}" in body
    assert "Withdraw" in body


def test_the_owner_sees_escrow_releases_fees_and_a_receipt(client_for, alice, org, paid_out):
    body = client_for(alice).get(f"/money/org/{org.slug}/").content.decode()
    for text in ("EUR 220.00", "EUR 20.00", "EUR 140.00", "EUR 60.00", "Released to an intern", "Platform fee"):
        assert text in body
    assert f"/money/org/{org.slug}/deposits/{paid_out.uuid}/receipt/" in body


def test_members_with_any_role_and_staff_may_look_but_only_owners_and_managers_withdraw(
    client_for, bob, sam, org, invoice, project
):
    invoice(project)
    for person in (bob, sam):
        response = client_for(person).get(f"/money/org/{org.slug}/")
        assert response.status_code == 200
        assert "Withdraw" not in response.content.decode()


def test_an_outsider_finds_no_money_page_and_a_visitor_must_log_in(client_for, charlie, org):
    assert client_for(charlie).get(f"/money/org/{org.slug}/").status_code == 404
    assert client_for(charlie).get("/money/org/no-such-org/").status_code == 404
    response = Client().get(f"/money/org/{org.slug}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_money_page_costs_the_same_with_more_deposits(client_for, alice, org, fund, django_assert_max_num_queries):
    client = client_for(alice)
    fund(uuid.uuid4())
    # 22: the statement adds one grouped query for licence royalties (showcase) beside the flows.
    with django_assert_max_num_queries(22) as one:
        client.get(f"/money/org/{org.slug}/")
    first = len(one)  # counted at once: the query log is a bounded deque
    for _ in range(5):
        fund(uuid.uuid4())
    with django_assert_max_num_queries(first):
        assert client.get(f"/money/org/{org.slug}/").status_code == 200


def test_a_receipt_as_a_page_and_a_pdf(client_for, alice, org, paid_out):
    client = client_for(alice)
    page = client.get(f"/money/org/{org.slug}/deposits/{paid_out.uuid}/receipt/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Receipt for deposit {paid_out.reference}" in body
    assert "2 × EUR 100.00" in body
    assert "EUR 220.00" in body
    document = client.get(f"/money/org/{org.slug}/deposits/{paid_out.uuid}/receipt.pdf")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert f'filename="rung-receipt-{paid_out.reference}.pdf"' in document["Content-Disposition"]
    assert document.content.startswith(b"%PDF-")


def test_no_receipt_for_an_unpaid_deposit_another_orgs_deposit_or_an_outsider(
    client_for, alice, charlie, org, invoice, paid_out, project
):
    pending = invoice(project)
    other = Organisation.objects.create(name="Other", slug="other", kind=OrgKind.EMPLOYER, email_domain="o.example")
    Membership.objects.create(organisation=other, user=charlie, role=Role.OWNER)
    assert client_for(alice).get(f"/money/org/{org.slug}/deposits/{pending.uuid}/receipt/").status_code == 404
    for path in ("receipt/", "receipt.pdf"):
        assert client_for(charlie).get(f"/money/org/{org.slug}/deposits/{paid_out.uuid}/{path}").status_code == 404
        # A deposit of Acme's asked for under charlie's own organisation is not found either.
        assert client_for(charlie).get(f"/money/org/other/deposits/{paid_out.uuid}/{path}").status_code == 404


def test_the_owner_withdraws_a_pending_deposit_a_reviewer_may_not_and_an_outsider_finds_nothing(
    client_for, alice, bob, charlie, org, invoice, project
):
    deposit = invoice(project)
    url = f"/money/org/{org.slug}/deposits/{deposit.uuid}/cancel/"
    assert client_for(charlie).post(url).status_code == 404
    assert client_for(bob).post(url).status_code == 403
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PENDING
    response = client_for(alice).post(url, {"reason": "Wrong seats"}, follow=True)
    assert "was withdrawn" in response.content.decode()
    deposit.refresh_from_db()
    assert (deposit.status, deposit.cancel_reason) == (DepositStatus.CANCELLED, "Wrong seats")


# --- Intern earnings -----------------------------------------------------------------------


def test_the_intern_sees_earned_pending_paid_and_each_payout(client_for, intern, fund, release, project, engagement):
    fund(project)
    release(project, engagement, 60_00)
    run_payouts(provider_name="sandbox")
    release(project, engagement, 30_00)
    body = client_for(intern).get("/money/earnings/").content.decode()
    assert "EUR 90.00" in body  # earned
    assert "EUR 30.00" in body  # on its way
    assert "EUR 60.00" in body  # paid
    assert "Paid" in body
    assert "business days after approval" in body or "business day after approval" in body


def test_someone_else_sees_none_of_the_interns_earnings(client_for, alice, paid_out):
    client = client_for(alice)
    body = client.get("/money/earnings/").content.decode()
    assert "Nothing earned yet" in body
    assert "EUR 60.00" not in body
    assert client.get("/money/earnings/statement.csv").content.decode().count("\n") == 1  # the header only
    for path in ("/money/earnings/", "/money/earnings/statement.csv", "/money/earnings/statement.pdf"):
        assert Client().get(path).status_code == 302


def test_the_statement_downloads_as_csv_and_pdf(client_for, intern, fund, release, project, engagement):
    fund(project)
    release(project, engagement, 60_00)
    run_payouts(provider_name="sandbox")
    client = client_for(intern)
    response = client.get("/money/earnings/statement.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["what"], r["amount"], r["owed_after"]) for r in rows] == [
        ("Milestone approved", "60.00", "60.00"),
        ("Payout", "-60.00", "0.00"),
    ]
    assert rows[1]["payout_status"] == "settled"
    document = client.get("/money/earnings/statement.pdf")
    assert document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF-")


def test_the_earnings_page_costs_the_same_with_more_payouts(
    client_for, intern, fund, release, project, django_assert_max_num_queries
):
    fund(project, stipend_minor=1000_00)
    client = client_for(intern)
    release(project, uuid.uuid4(), 10_00)
    run_payouts(provider_name="sandbox")
    with django_assert_max_num_queries(15) as one:
        client.get("/money/earnings/")
    first = len(one)  # counted at once: the query log is a bounded deque
    for _ in range(4):
        release(project, uuid.uuid4(), 10_00)
    run_payouts(provider_name="sandbox")
    with django_assert_max_num_queries(first):
        assert client.get("/money/earnings/").status_code == 200


# --- Staff ---------------------------------------------------------------------------------

STAFF_PAGES = ["/money/staff/", "/money/staff/deposits/", "/money/staff/payouts/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_not_there_for_anyone_else(client_for, alice, charlie, sam, org, path):
    assert client_for(charlie).get(path).status_code == 404
    assert client_for(alice).get(path).status_code == 404
    assert Client().get(path).status_code == 302
    assert client_for(sam).get(path).status_code == 200


def test_staff_actions_are_not_there_for_anyone_else(
    client_for, alice, bob, charlie, org, invoice, fund, release, project, engagement, intern, sam
):
    deposit = invoice(project)
    fund(project)
    release(project, engagement, 60_00, days_ago=10)
    payout = start_payout(engagement, intern)
    batch = uuid.uuid4()
    form = {"reference": deposit.reference, "amount": "220.00", "reason": "x", "cause": "employer"}
    for person in (alice, bob, charlie):  # the owner, a reviewer (who cannot confirm deposits), an outsider
        client = client_for(person)
        for path in (
            f"/money/staff/deposits/{deposit.uuid}/confirm/",
            f"/money/staff/deposits/{deposit.uuid}/cancel/",
            "/money/staff/payouts/export/",
            f"/money/staff/payouts/{payout.uuid}/settle/",
            f"/money/staff/payouts/{payout.uuid}/fail/",
            f"/money/staff/payouts/{payout.uuid}/delay/",
        ):
            assert client.post(path, form).status_code == 404, path
        assert client.get(f"/money/staff/payouts/batches/{batch}.csv").status_code == 404
    deposit.refresh_from_db()
    payout.refresh_from_db()
    assert (deposit.status, payout.status, payout.delay_cause) == (DepositStatus.PENDING, PayoutStatus.PENDING, "")
    assert Client().post(f"/money/staff/deposits/{deposit.uuid}/confirm/", form).status_code == 302


def test_the_overview_says_in_plain_words_that_the_ledger_is_consistent(client_for, sam, paid_out):
    body = client_for(sam).get("/money/staff/").content.decode()
    assert "The ledger is consistent" in body
    assert "Platform fees" in body
    assert "EUR 20.00" in body


def test_staff_confirm_a_transfer_only_with_the_right_reference_and_amount(client_for, sam, invoice, project):
    deposit = invoice(project)
    client = client_for(sam)
    url = f"/money/staff/deposits/{deposit.uuid}/confirm/"
    page = client.get("/money/staff/deposits/").content.decode()
    assert deposit.reference in page
    wrong_ref = client.post(url, {"reference": "RUNG-XXXX-XXXX", "amount": "220.00"}, follow=True)
    assert "Nothing was confirmed" in wrong_ref.content.decode()
    wrong_amount = client.post(url, {"reference": deposit.reference, "amount": "200.00"}, follow=True)
    assert "The transfer was EUR 200.00 but this deposit is for EUR 220.00" in wrong_amount.content.decode()
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PENDING
    spaced = deposit.reference.lower().replace("-", " - ")
    ok = client.post(url, {"reference": spaced, "amount": "220", "bank_reference": "BANK-77"}, follow=True)
    assert "is in escrow" in ok.content.decode()
    deposit.refresh_from_db()
    assert (deposit.status, deposit.provider_reference, deposit.confirmed_by) == ("confirmed", "BANK-77", sam)
    assert escrow_balance(project_uuid=project, currency="EUR") == 200_00
    assert check_ledger() == []


def test_staff_find_a_deposit_by_the_reference_on_the_bank_statement(client_for, sam, invoice, project):
    first, second = invoice(project), invoice(project)
    body = client_for(sam).get("/money/staff/deposits/", {"q": first.reference.lower()}).content.decode()
    assert first.reference in body
    assert second.reference not in body


def test_staff_cancel_a_deposit_with_a_reason(client_for, sam, invoice, project):
    deposit = invoice(project)
    url = f"/money/staff/deposits/{deposit.uuid}/cancel/"
    client = client_for(sam)
    client.post(url, {"reason": ""})
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PENDING
    client.post(url, {"reason": "No transfer after 30 days"})
    deposit.refresh_from_db()
    assert (deposit.status, deposit.cancel_reason) == ("cancelled", "No transfer after 30 days")


def test_exporting_a_batch_claims_the_payouts_once_and_can_be_downloaded_again(
    client_for, sam, intern, fund, release, project, engagement
):
    fund(project)
    release(project, engagement, 60_00)
    payout = start_payout(engagement, intern)
    client = client_for(sam)
    assert "Export batch CSV" in client.get("/money/staff/payouts/").content.decode()
    exported = client.post("/money/staff/payouts/export/")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["payout"], r["amount"], r["email"]) for r in rows] == [(str(payout.uuid), "60.00", intern.email)]
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENT
    again = client.post("/money/staff/payouts/export/", follow=True)
    assert "no pending payouts to export" in again.content.decode()
    download = client.get(f"/money/staff/payouts/batches/{payout.batch_reference}.csv")
    # The same payouts again; the plain account details leave Rung only at the (audited) export.
    assert [r["payout"] for r in csv.DictReader(io.StringIO(download.content.decode()))] == [str(payout.uuid)]
    assert rows[0]["iban"] == "DE89370400440532013000"
    assert "DE89370400440532013000" not in download.content.decode()
    assert client.get("/money/staff/payouts/batches/BATCH-NOPE.csv").status_code == 404


def test_staff_mark_a_sent_payout_failed_with_a_reason_then_the_next_one_paid(
    client_for, sam, intern, fund, release, project, engagement
):
    fund(project)
    release(project, engagement, 60_00)
    start_payout(engagement, intern)
    client = client_for(sam)
    client.post("/money/staff/payouts/export/")
    first = Payout.objects.get()
    client.post(f"/money/staff/payouts/{first.uuid}/fail/", {"reason": ""})
    first.refresh_from_db()
    assert first.status == PayoutStatus.SENT
    client.post(f"/money/staff/payouts/{first.uuid}/fail/", {"reason": "Account closed"})
    first.refresh_from_db()
    assert (first.status, first.failure_reason) == (PayoutStatus.FAILED, "Account closed")
    second = start_payout(engagement, intern)
    client.post("/money/staff/payouts/export/")
    response = client.post(f"/money/staff/payouts/{second.uuid}/settle/", {"reference": "BANK-9"}, follow=True)
    assert "Marked paid: EUR 60.00" in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.provider_reference) == (PayoutStatus.SETTLED, "BANK-9")
    assert check_ledger() == []


def test_an_overdue_payout_is_highlighted_and_staff_record_who_caused_it(
    client_for, sam, org, intern, fund, release, project, engagement
):
    fund(project)
    release(project, engagement, 60_00, days_ago=10)
    payout = start_payout(engagement, intern)
    client = client_for(sam)
    assert "1 payout overdue" in client.get("/money/staff/").content.decode()
    page = client.get("/money/staff/payouts/").content.decode()
    assert "Overdue and late" in page
    assert 'class="badge bad">overdue' in page
    client.post(f"/money/staff/payouts/{payout.uuid}/delay/", {"cause": DelayCause.PLATFORM})
    assert employer_caused_delays(org) == 0
    client.post(f"/money/staff/payouts/{payout.uuid}/delay/", {"cause": DelayCause.EMPLOYER, "note": "Disputed"})
    payout.refresh_from_db()
    assert (payout.delay_cause, payout.delay_note) == ("employer", "Disputed")
    assert employer_caused_delays(org) == 1
    assert AuditEvent.objects.filter(verb="ledger.payout.delay_cause").count() == 2


def test_an_on_time_payout_has_no_delay_to_explain(client_for, sam, intern, fund, release, project, engagement):
    fund(project)
    release(project, engagement, 60_00)
    payout = start_payout(engagement, intern)
    response = client_for(sam).post(f"/money/staff/payouts/{payout.uuid}/delay/", {"cause": "employer"}, follow=True)
    assert "This payout is not late" in response.content.decode()
    payout.refresh_from_db()
    assert payout.delay_cause == ""


def test_the_staff_payouts_page_costs_the_same_with_more_payouts(
    client_for, sam, fund, release, project, intern, django_assert_max_num_queries
):
    fund(project, stipend_minor=1000_00)
    client = client_for(sam)

    def owe_and_pay(n):
        for _ in range(n):
            engagement = uuid.uuid4()
            release(project, engagement, 10_00, days_ago=8)
            start_payout(engagement, intern)

    owe_and_pay(1)
    with django_assert_max_num_queries(20) as one:
        client.get("/money/staff/payouts/")
    first = len(one)  # counted at once: the query log is a bounded deque
    owe_and_pay(4)
    client.post("/money/staff/payouts/export/")
    owe_and_pay(2)
    with django_assert_max_num_queries(first):
        assert client.get("/money/staff/payouts/").status_code == 200
    for path in ("/money/staff/", "/money/staff/deposits/"):
        with django_assert_max_num_queries(20):
            client.get(path)


def test_the_unmatched_deposits_page_costs_the_same_with_more_deposits(
    client_for, sam, invoice, django_assert_max_num_queries
):
    client = client_for(sam)
    invoice(uuid.uuid4())
    with django_assert_max_num_queries(20) as one:
        client.get("/money/staff/deposits/")
    first = len(one)  # counted at once: the query log is a bounded deque
    for _ in range(5):
        invoice(uuid.uuid4())
    with django_assert_max_num_queries(first):
        client.get("/money/staff/deposits/")
    assert Deposit.objects.filter(status="pending").count() == 6
