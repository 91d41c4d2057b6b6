"""The partner dashboard: every figure against a hand count, in a fixed number of queries at two sizes;
the search's query count stays flat with the credit filter and notes."""

from datetime import timedelta
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
