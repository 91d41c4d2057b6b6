"""A raced purchase on PostgreSQL: many threads, each on its own connection, buy the same licence at
the same instant. One purchase, one sale, each royalty once, and the ledger still checks."""

import pytest

from conftest import make_user
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.ledger.tests.test_races import race
from rung.orgs.models import Membership, Role
from rung.showcase import licensing
from rung.showcase.models import LicencePurchase

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 12


def test_a_raced_purchase_pays_each_royalty_once(public_item, other_org):
    buyer = make_user("gus@globex.example", "Gus Globex")
    Membership.objects.create(organisation=other_org, user=buyer, role=Role.OWNER)
    offer = licensing.offer_licence(
        public_item,
        author=public_item.author,
        price="120.00",
        currency="EUR",
        permitted_use="Use in internal training material.",
        attribution="Nia Candidate",
    )
    results, errors = race(THREADS, lambda _: licensing.buy_licence(offer, buyer=other_org, actor=buyer).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert LicencePurchase.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_PAYMENT).count() == 1
    royalties = Entry.objects.filter(
        transaction__kind=TransactionKind.LICENCE_SALE, account__kind=AccountKind.INTERN_PAYABLE
    )
    # By hand: 120.00 less the 15 % fee (18.00) is the author's 102.00, once.
    assert [e.amount_minor for e in royalties] == [102_00]
    assert check_ledger() == []
