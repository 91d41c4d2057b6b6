"""The yearly earnings statement: what arrived in a calendar year, by employer and by month."""

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from rung.accounts.models import User
from rung.ledger import pdf
from rung.ledger.models import Payout, PayoutStatus
from rung.ledger.payouts import create_payout, export_payout_batch, fail_payout, settle_payout
from rung.ledger.providers import SandboxProvider
from rung.ledger.selectors import earning_years, yearly_earnings
from rung.ledger.services import release_milestone, request_deposit
from rung.ledger.tests.conftest import give_payout_details
from rung.orgs.models import Membership, Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def beta(alice: User) -> Organisation:
    labs = Organisation.objects.create(name="Beta Labs", slug="beta", kind=OrgKind.EMPLOYER)
    Membership.objects.create(organisation=labs, user=alice, role=Role.OWNER)
    return labs


@pytest.fixture
def pay(sam: User, alice: User):
    """Fund, release and pay `amount_minor` from `org` to `who`; settle it at `at`, or fail it."""

    def make(org: Organisation, who: User, amount_minor: int, at: datetime | None, *, currency: str = "EUR") -> Payout:
        project, engagement = uuid.uuid4(), uuid.uuid4()
        request_deposit(
            organisation=org,
            project_uuid=project,
            stipend_minor=amount_minor,
            seats=1,
            currency=currency,
            actor=alice,
            provider=SandboxProvider(),
        )
        release_milestone(
            project_uuid=project,
            engagement_uuid=engagement,
            milestone_uuid=uuid.uuid4(),
            intern=who,
            amount_minor=amount_minor,
            currency=currency,
            approved_at=timezone.now(),
        )
        payout = create_payout(engagement_uuid=engagement, intern=who, currency=currency, provider_name="batch_export")
        assert payout is not None
        export_payout_batch(staff=sam)
        if at is None:
            return fail_payout(payout, reason="The bank returned it", actor=sam)
        return settle_payout(payout, actor=sam, settled_at=at)

    return make


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def history(pay, org, beta, intern: User) -> None:
    dana = make_user("dana@student.example", "Dana Other")
    give_payout_details(dana)
    pay(org, intern, 100_00, _at(2025, 3, 10, 9))
    pay(org, intern, 40_00, _at(2025, 3, 28, 16))
    pay(beta, intern, 25_50, _at(2025, 7, 1, 0, 5))
    pay(beta, intern, 12_00, _at(2025, 7, 30))
    pay(org, intern, 9_99, _at(2025, 11, 2), currency="GBP")
    pay(org, intern, 10_00, _at(2024, 12, 31, 23, 30))  # another year
    pay(org, intern, 5_00, _at(2026, 1, 1, 0, 10))  # another year
    pay(beta, intern, 70_00, None)  # failed: never arrived
    pay(org, dana, 333_00, _at(2025, 5, 5))  # someone else's


def test_the_yearly_statement_matches_a_hand_computation(history, intern):
    statement = yearly_earnings(intern, 2025)
    # By hand: Acme paid 100.00 + 40.00 in March and GBP 9.99 in November; Beta 25.50 + 12.00 in
    # July. The payouts of December 2024 and January 2026, the failed one and Dana's are left out.
    assert [(line.employer, line.month, line.currency, line.paid_minor) for line in statement.lines] == [
        ("Acme Analytics", 3, "EUR", 140_00),
        ("Acme Analytics", 11, "GBP", 9_99),
        ("Beta Labs", 7, "EUR", 37_50),
    ]
    assert statement.by_employer() == [
        ("Acme Analytics", "EUR", 140_00),
        ("Acme Analytics", "GBP", 9_99),
        ("Beta Labs", "EUR", 37_50),
    ]
    assert statement.by_month() == [(3, "EUR", 140_00), (7, "EUR", 37_50), (11, "GBP", 9_99)]
    assert statement.total() == {"EUR": 177_50, "GBP": 9_99}
    assert yearly_earnings(intern, 2024).total() == {"EUR": 10_00}
    assert yearly_earnings(intern, 2026).total() == {"EUR": 5_00}
    assert yearly_earnings(intern, 2023).lines == []
    assert set(earning_years(intern)) >= {2024, 2025, 2026, timezone.now().year}


def test_the_page_csv_and_pdf_show_the_chosen_year(history, intern, client_for, monkeypatch):
    client = client_for(intern)
    page = client.get("/money/earnings/yearly/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Earnings in 2025" in html
    assert "EUR 177.50" in html
    assert "GBP 9.99" in html
    assert "EUR 140.00" in html
    assert "EUR 37.50" in html
    assert "Dana" not in html
    assert "EUR 333.00" not in html
    assert "EUR 70.00" not in html
    assert '<option value="2024">2024</option>' in html

    rows = list(csv.reader(io.StringIO(client.get("/money/earnings/yearly/2025.csv").content.decode())))
    assert rows[0] == ["year", "employer", "month", "currency", "paid"]
    assert rows[1:4] == [
        ["2025", "Acme Analytics", "3", "EUR", "140.00"],
        ["2025", "Acme Analytics", "11", "GBP", "9.99"],
        ["2025", "Beta Labs", "7", "EUR", "37.50"],
    ]
    assert ["2025", "all", "all", "EUR", "177.50"] in rows
    assert ["2025", "all", "all", "GBP", "9.99"] in rows
    assert ["2025", "Beta Labs", "all", "EUR", "37.50"] in rows
    assert ["2025", "all", "7", "EUR", "37.50"] in rows

    drawn: dict[str, Any] = {}
    real = pdf.yearly_statement_pdf

    def spy(**kwargs):
        drawn.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(pdf, "yearly_statement_pdf", spy)
    document = client.get("/money/earnings/yearly/2025.pdf")
    assert document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF-")
    assert [r.cells for r in drawn["totals"]] == [["EUR", "EUR 177.50"], ["GBP", "GBP 9.99"]]
    assert [r.cells for r in drawn["by_month"]] == [
        ["March", "EUR", "EUR 140.00"],
        ["July", "EUR", "EUR 37.50"],
        ["November", "GBP", "GBP 9.99"],
    ]


def test_another_person_sees_only_their_own_year(history, client_for):
    dana = User.objects.get(email="dana@student.example")
    html = client_for(dana).get("/money/earnings/yearly/?year=2025").content.decode()
    assert "EUR 333.00" in html
    assert "Acme Analytics" in html
    assert "Beta Labs" not in html
    assert "EUR 177.50" not in html


def test_a_bad_year_is_explained_and_not_a_500(intern, client_for):
    client = client_for(intern)
    this_year = timezone.now().year
    for bad in ("soon", "1999", str(this_year + 5)):
        page = client.get(f"/money/earnings/yearly/?year={bad}")
        assert page.status_code == 400
        assert "Choose a year" in page.content.decode()
        assert f"Earnings in {this_year}" in page.content.decode()
    assert client.get("/money/earnings/yearly/1999.csv").status_code == 404
    assert client.get(f"/money/earnings/yearly/{this_year + 1}.pdf").status_code == 404


def test_the_statement_needs_a_log_in(client):
    for path in ("/money/earnings/yearly/", "/money/earnings/yearly/2025.csv", "/money/earnings/yearly/2025.pdf"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_the_yearly_page_costs_the_same_with_more_payouts(pay, org, beta, intern, client_for):
    client = client_for(intern)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/money/earnings/yearly/?year=2025").status_code == 200
        return len(captured)

    pay(org, intern, 10_00, _at(2025, 2, 1))
    few = queries()
    for month in range(3, 9):
        pay(beta if month % 2 else org, intern, 10_00, _at(2025, month, 1))
    assert queries() == few
    assert Payout.objects.filter(intern=intern, status=PayoutStatus.SETTLED).count() == 7
