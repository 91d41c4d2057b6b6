"""The partner dashboard: every figure against a hand count, in a fixed number of queries at two sizes;
the search's query count stays flat with the credit filter and notes."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from rung.education import selectors, services
from rung.education.models import Affiliation, AffiliationStatus, CreditClaim, CreditStatus
from rung.education.tests.conftest import active_agreement, affiliate

pytestmark = pytest.mark.django_db


def _claims(engagement, agreement, affiliation, statuses):
    """Claims written directly (the rules are tested in test_services): the dashboard only counts."""
    from rung.engagements.models import Engagement

    made = []
    for i, (status, automatic) in enumerate(statuses):
        # One claim per (agreement, engagement): each extra claim hangs off a fresh agreement version row.
        target = agreement if i == 0 else _another(agreement, i)
        made.append(
            CreditClaim.objects.create(
                agreement=target,
                affiliation=affiliation,
                engagement=Engagement.objects.get(pk=engagement.pk),
                status=status,
                automatic=automatic,
                decided_at=timezone.now() if status != CreditStatus.PENDING else None,
            )
        )
    return made


def _another(agreement, i):
    from rung.education.models import CreditAgreement

    copy = CreditAgreement.objects.create(
        partner=agreement.partner,
        title=f"{agreement.title} {i}",
        scope=agreement.scope,
        credit_amount=agreement.credit_amount,
        credit_unit=agreement.credit_unit,
        course_code=agreement.course_code,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        status="active",
    )
    return copy


def test_the_figures_match_a_hand_count(engagement, candidate, rey_m, pat_m, uni):
    agreement = active_agreement(pat_m)  # 2.5 ECTS
    affiliation = affiliate(candidate, rey_m)
    for n in range(2):
        services.ask_partner_to_confirm(student=make_user(f"s{n}@uni.example", f"S {n}"), partner=uni)
    ended = services.ask_partner_to_confirm(student=make_user("gone@uni.example", "Gone"), partner=uni)
    Affiliation.objects.filter(pk=ended.pk).update(status=AffiliationStatus.ENDED)
    _claims(
        engagement,
        agreement,
        affiliation,
        [
            (CreditStatus.APPROVED, True),
            (CreditStatus.APPROVED, False),
            (CreditStatus.PENDING, False),
            (CreditStatus.DECLINED, False),
        ],
    )
    services.create_stack(
        membership=pat_m, partner=uni, name="Cert", required_credits=3, award_amount=Decimal(5), award_unit="ECTS"
    )
    figures = selectors.partner_dashboard(uni)
    # By hand: one confirmed student, two waiting (the ended one is neither).
    assert figures["students"] == {"verified": 1, "pending": 2}
    assert figures["claims"] == {"pending": 1, "approved": 2, "declined": 1, "automatic": 1}
    # Four active agreements: the signed one and the three rows the extra claims hang off.
    assert figures["agreements"] == {"active": 4, "drafts": 0}
    assert figures["stacks"] == 1
    rows = {r["title"]: r for r in figures["by_agreement"]}
    first = rows["Work placement credit"]
    assert (first["completions"], first["approved"], first["credits"]) == (1, 1, Decimal("2.5"))
    assert (rows["Work placement credit 1"]["approved"], rows["Work placement credit 1"]["credits"]) == (
        1,
        Decimal("2.5"),
    )
    assert (rows["Work placement credit 2"]["completions"], rows["Work placement credit 2"]["credits"]) == (1, None)


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/education/partners/uni/").status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_page_costs_the_same_at_two_sizes(client_for, uni, pat, pat_m, rey_m):
    client = client_for(pat)
    active_agreement(pat_m)
    services.ask_partner_to_confirm(student=make_user("a@uni.example", "A"), partner=uni)
    small = _dashboard_queries(client)
    for n in range(12):
        affiliation = services.ask_partner_to_confirm(student=make_user(f"b{n}@uni.example", f"B {n}"), partner=uni)
        if n % 2:
            services.confirm_affiliation(affiliation, membership=rey_m)
        active_agreement(pat_m, title=f"Agreement {n}")
    assert _dashboard_queries(client) == small


def _search_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_search_with_credit_costs_the_same_at_two_sizes(client, published, pat_m, org, owner_membership):
    from rung.projects import services as projects
    from rung.projects.tests.conftest import make_input

    active_agreement(pat_m)
    active_agreement(pat_m, title="Employer", scope="employer", employer=org, skills=[])
    small = _search_queries(client, "/projects/?flags=credit")
    for n in range(4):
        draft = projects.create_project(org, membership=owner_membership, data=make_input(title=f"Project {n}"))
        projects.fund_project(draft, membership=owner_membership)
        projects.publish_project(draft, membership=owner_membership)
        active_agreement(pat_m, title=f"More {n}", valid_from=timezone.now().date() - timedelta(days=n + 1))
    assert _search_queries(client, "/projects/?flags=credit") == small
    body = client.get("/projects/?flags=credit").content.decode()
    assert body.count("Counts for credit at University of Example") >= 5


# --- charts -----------------------------------------------------------------------------------------


def _months_ago(n: int):
    """Noon on the 15th, n months before this month (safe from month-end and time-zone edges)."""
    today = timezone.localdate()
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 15, 12, 0, tzinfo=UTC)


def test_credit_by_month_and_the_charts_match_a_hand_count(engagement, candidate, rey_m, pat_m, uni):
    agreement = active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m)
    made = _claims(
        engagement,
        agreement,
        affiliation,
        [
            (CreditStatus.APPROVED, True),  # this month, automatically
            (CreditStatus.APPROVED, False),  # this month, by a reviewer
            (CreditStatus.APPROVED, False),  # two months ago, by a reviewer
            (CreditStatus.APPROVED, True),  # thirteen months ago: outside the chart
            (CreditStatus.DECLINED, False),  # declined: not approved credit
            (CreditStatus.PENDING, False),
        ],
    )
    for claim, months in zip(made[:5], (0, 0, 2, 13, 0), strict=True):
        CreditClaim.objects.filter(pk=claim.pk).update(decided_at=_months_ago(months))
    figures = selectors.partner_dashboard(uni)
    by_month = figures["by_month"]
    assert len(by_month) == 12
    assert by_month[-1]["month"] == timezone.localdate().replace(day=1)
    # By hand: this month one by a reviewer and one automatically; two months ago one by a reviewer.
    assert (by_month[-1]["by_reviewer"], by_month[-1]["automatic"], by_month[-1]["total"]) == (1, 1, 2)
    assert (by_month[-3]["by_reviewer"], by_month[-3]["automatic"], by_month[-3]["total"]) == (1, 0, 1)
    assert sum(row["total"] for row in by_month) == 3, "the claim of thirteen months ago is outside the chart"
    charts = {c["id"]: c for c in selectors.dashboard_charts(figures)}
    month = charts["chart-credit-by-month"]
    assert month["labels"][-1] == f"{timezone.localdate():%b %Y}"
    assert month["series"][0]["data"][-3:] == [1, 0, 1]
    assert month["series"][1]["data"][-3:] == [0, 0, 1]
    # Four approved (the old one counts as approved), one declined, one pending.
    assert charts["chart-credit-status"]["series"][0]["data"] == [1, 4, 1]
    outcomes = charts["chart-outcomes"]
    assert len(outcomes["labels"]) == 6
    assert outcomes["labels"][0] == "Work placement credit v1"
    assert outcomes["series"][0]["data"] == [1, 1, 1, 1, 1, 1]
    assert outcomes["series"][1]["data"] == [1, 1, 1, 1, 0, 0]


def test_the_page_shows_each_chart_with_its_table(client_for, pat, engagement, candidate, rey_m, pat_m, uni):
    agreement = active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m)
    _claims(engagement, agreement, affiliation, [(CreditStatus.APPROVED, False)])
    body = client_for(pat).get("/education/partners/uni/").content.decode()
    for chart in ("chart-credit-by-month", "chart-credit-status", "chart-outcomes"):
        assert f'<canvas id="{chart}" role="img"' in body
    assert 'id="chart-data"' in body, "the data the shared chart script draws"
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert f'<tr><th scope="row">{timezone.localdate():%b %Y}</th><td>1</td><td>0</td><td>1</td></tr>' in body
    assert '<tr><th scope="row">Approved</th><td>1</td></tr>' in body
    assert "<td>2.5 ECTS</td>" in body


def test_the_api_dashboard_has_credit_by_month(api_for, pat, rey, engagement, candidate, rey_m, pat_m, uni, charlie):
    agreement = active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m)
    _claims(engagement, agreement, affiliation, [(CreditStatus.APPROVED, True)])
    data = api_for(rey).get("/api/v1/education/partners/uni/dashboard").json()
    assert data["by_month"][-1] == {
        "month": timezone.localdate().replace(day=1).isoformat(),
        "by_reviewer": 0,
        "automatic": 1,
        "total": 1,
    }
    assert api_for(charlie).get("/api/v1/education/partners/uni/dashboard").status_code == 404


def test_the_dashboard_with_charts_costs_the_same_at_two_sizes(
    client_for, uni, pat, pat_m, rey_m, engagement, candidate
):
    client = client_for(pat)
    agreement = active_agreement(pat_m)
    affiliation = affiliate(candidate, rey_m)
    # One of each kind at the small size too: an empty page of claims costs one query less.
    _claims(engagement, agreement, affiliation, [(CreditStatus.APPROVED, True), (CreditStatus.PENDING, False)])
    small = _dashboard_queries(client)
    made = _claims(
        engagement,
        active_agreement(pat_m, title="Second"),
        affiliation,
        [(CreditStatus.APPROVED, bool(n % 2)) for n in range(10)] + [(CreditStatus.PENDING, False)] * 3,
    )
    for n, claim in enumerate(made):
        CreditClaim.objects.filter(pk=claim.pk).update(decided_at=_months_ago(n % 5))
    assert _dashboard_queries(client) == small
