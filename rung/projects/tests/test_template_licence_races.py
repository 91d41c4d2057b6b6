"""A raced template purchase on PostgreSQL: many threads, each on its own connection, buy the same
template licence at the same instant. One licence, one sale, the royalty once, and the ledger checks."""

import pytest
from django.utils import timezone

from conftest import make_user
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.ledger.tests.test_races import race
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects import licences
from rung.projects.models import ProjectTemplate, TemplateLicence

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 12


def test_a_raced_template_purchase_pays_the_royalty_once(org, alice, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.USE_SANDBOX_PAYMENTS = True
    globex = Organisation.objects.create(
        name="Globex",
        slug="globex",
        kind=OrgKind.EMPLOYER,
        email_domain="globex.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    buyer = make_user("gus@globex.example", "Gus Globex")
    Membership.objects.create(organisation=globex, user=buyer, role=Role.OWNER)
    template = ProjectTemplate.objects.create(organisation=org, name="Survey clean-up", data={}, public=True)
    licences.set_template_price(
        template,
        actor=alice,
        price="120.00",
        currency="EUR",
        permitted_use="Run this brief for your own interns.",
        attribution="Acme Analytics",
    )
    results, errors = race(THREADS, lambda _: licences.buy_template_licence(template, buyer=globex, actor=buyer).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert TemplateLicence.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_PAYMENT).count() == 1
    royalties = Entry.objects.filter(
        transaction__kind=TransactionKind.LICENCE_SALE,
        account__kind=AccountKind.EMPLOYER_FUNDING,
        account__organisation=org,
    )
    # By hand: 120.00 less the 15 % fee (18.00) is Acme's 102.00, once.
    assert [e.amount_minor for e in royalties] == [102_00]
    assert check_ledger() == []
