"""Licensing showcased work: who may offer (the contract's IP licence), the offer's state machine, a sale
that balances in the ledger with each royalty paid once, the signed record, and statements."""

import json

import pytest
from django.urls import reverse

from conftest import make_user
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger, statement_for_employer, statement_for_intern
from rung.ledger.services import InsufficientFunds
from rung.lib.errors import PermissionDenied
from rung.orgs.models import Membership, Role
from rung.showcase import licensing, services
from rung.showcase.models import (
    LICENCE_TRANSITIONS,
    LicenceOffer,
    LicencePurchase,
    OfferEvent,
    OfferStatus,
    ShowcaseItem,
)

TERMS = "Use in internal training material and one public report."


@pytest.fixture
def buyer(other_org):
    user = make_user("gus@globex.example", "Gus Globex")
    Membership.objects.create(organisation=other_org, user=user, role=Role.OWNER)
    return user


def offer(item, *, price="200.00"):
    return licensing.offer_licence(
        item, author=item.author, price=price, currency="EUR", permitted_use=TERMS, attribution="Nia Candidate"
    )


def test_the_author_offers_work_they_own(public_item):
    made = offer(public_item)
    assert made.price_minor == 200_00
    assert (made.author_percent, made.employer_percent, made.fee_percent) == (85, 0, 15)
    assert OfferEvent.objects.get(offer=made).to_status == OfferStatus.OFFERED


def test_only_published_work_is_offered(queued):
    with pytest.raises(services.ShowcaseError, match="published"):
        offer(queued)


def test_only_the_author_offers(public_item, alice):
    from rung.lib.errors import NotFound

    with pytest.raises(NotFound):
        licensing.offer_licence(
            public_item, author=alice, price="10.00", currency="EUR", permitted_use=TERMS, attribution="x"
        )


@pytest.mark.parametrize("price", ["0", "-5", "1e3", "abc", "10.001"])
def test_bad_prices_are_refused_and_write_nothing(public_item, price):
    with pytest.raises(services.ShowcaseError) as exc:
        offer(public_item, price=price)
    assert exc.value.field == "price"
    assert not LicenceOffer.objects.exists()


def test_openly_licensed_work_is_not_sold(public_item):
    # The item's licence is copied from the signed contract; an open contract is simulated here.
    ShowcaseItem.objects.filter(pk=public_item.pk).update(ip_licence="open")
    public_item.refresh_from_db()
    with pytest.raises(services.ShowcaseError, match="open licence"):
        offer(public_item)


def test_employer_held_rights_need_the_employer_to_opt_in_and_it_takes_its_share(public_item, alice):
    ShowcaseItem.objects.filter(pk=public_item.pk).update(ip_licence="exclusive")
    public_item.refresh_from_db()
    with pytest.raises(services.ShowcaseError, match="opted in"):
        offer(public_item)
    project = public_item.engagement.project
    services.set_project_policy(
        project, actor=alice, confidential=False, licensing_opt_in=True, employer_share_percent=30
    )
    made = offer(public_item)
    assert (made.author_percent, made.employer_percent, made.fee_percent) == (55, 30, 15)


@pytest.mark.parametrize(("old", "new"), [(a, b) for a in OfferStatus.values for b in OfferStatus.values])
def test_the_offer_moves_only_as_the_table_says(public_item, old, new):
    made = offer(public_item)
    LicenceOffer.objects.filter(pk=made.pk).update(status=old)
    made.refresh_from_db()
    if new in LICENCE_TRANSITIONS[old]:
        licensing.set_offer_status(made, actor=public_item.author, to=new)
        made.refresh_from_db()
        assert made.status == new
    else:
        with pytest.raises(services.ShowcaseError):
            licensing.set_offer_status(made, actor=public_item.author, to=new)
        made.refresh_from_db()
        assert made.status == old


def test_a_sale_balances_and_pays_each_royalty_once(public_item, alice, other_org, buyer):
    ShowcaseItem.objects.filter(pk=public_item.pk).update(ip_licence="exclusive")
    public_item.refresh_from_db()
    services.set_project_policy(
        public_item.engagement.project,
        actor=alice,
        confidential=False,
        licensing_opt_in=True,
        employer_share_percent=30,
    )
    made = offer(public_item, price="200.00")
    purchase = licensing.buy_licence(made, buyer=other_org, actor=buyer)
    again = licensing.buy_licence(made, buyer=other_org, actor=buyer)
    assert again.pk == purchase.pk
    # By hand: 200.00 EUR; fee 15 % = 30.00; employer 30 % = 60.00; the author the rest, 110.00.
    assert (purchase.fee_minor, purchase.employer_minor, purchase.author_minor) == (30_00, 60_00, 110_00)
    sale = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_SALE)
    assert sale.idempotency_key == f"licence_sale:{purchase.uuid}"
    lines = {
        (e.account.kind, e.account.organisation_id, e.amount_minor) for e in sale.entries.select_related("account")
    }
    assert lines == {
        (AccountKind.EMPLOYER_FUNDING, other_org.pk, -200_00),
        (AccountKind.INTERN_PAYABLE, None, 110_00),
        (AccountKind.EMPLOYER_FUNDING, public_item.organisation_id, 60_00),
        (AccountKind.PLATFORM_FEES, None, 30_00),
    }
    assert sum(e.amount_minor for e in sale.entries.all()) == 0
    # Funded first: the sandbox payment put the price on the buyer's balance before the sale.
    payment = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_PAYMENT)
    assert payment.idempotency_key == f"licence_payment:{purchase.uuid}"
    assert payment.pk < sale.pk
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).count() == 1
    assert check_ledger() == []
    assert statement_for_intern(public_item.author).totals["EUR"].royalties == 110_00
    employer = statement_for_employer(alice, public_item.organisation).totals["EUR"]
    assert employer.royalties == 60_00
    assert statement_for_employer(buyer, other_org).totals["EUR"].licences_bought == 200_00


def test_the_author_s_royalty_is_paid_out_like_a_stipend(
    public_item, other_org, buyer, django_capture_on_commit_callbacks
):
    made = offer(public_item, price="50.00")
    with django_capture_on_commit_callbacks(execute=True):
        licensing.buy_licence(made, buyer=other_org, actor=buyer)
    royalty = Entry.objects.get(
        transaction__kind=TransactionKind.LICENCE_SALE, account__kind=AccountKind.INTERN_PAYABLE
    )
    assert royalty.amount_minor == 42_50  # 50.00 less the 15 % fee (7.50)
    # The royalty is owed on the engagement's own account, so the next payout carries it with any
    # stipend still owed there: afterwards nothing is owed.
    owed_before = sum(
        e.amount_minor for e in Entry.objects.filter(account=royalty.account).exclude(transaction__kind="payout")
    )
    paid_out = Entry.objects.filter(account=royalty.account, transaction__kind=TransactionKind.PAYOUT)
    assert owed_before >= 42_50
    assert sum(e.amount_minor for e in paid_out) == -owed_before
    assert check_ledger() == []


def test_the_author_s_earnings_page_shows_the_royalty_and_what_each_total_counts(
    public_item, other_org, buyer, client_for
):
    licensing.buy_licence(offer(public_item, price="50.00"), buyer=other_org, actor=buyer)
    body = client_for(public_item.author).get(reverse("ledger:earnings")).content.decode()
    assert "Royalties from licences of your showcased work" in body
    assert "EUR 42.50" in body  # 50.00 less the 15 % fee
    assert "royalties come on top" in body


def test_the_buyer_gets_a_signed_record_that_fails_when_tampered(public_item, other_org, buyer):
    purchase = licensing.buy_licence(offer(public_item), buyer=other_org, actor=buyer)
    document = json.loads(purchase.record_text)
    assert document["licensee"] == "Globex"
    assert document["terms"]["exclusive"] is False
    assert document["price"]["currency"] == "EUR"
    assert licensing.verify_record(purchase)
    tampered = LicencePurchase(
        record_text=purchase.record_text.replace("Globex", "Initech"),
        signature=purchase.signature,
        verification_method=purchase.verification_method,
    )
    assert not licensing.verify_record(tampered)


def test_who_may_buy(public_item, other_org, buyer, alice, org, charlie):
    made = offer(public_item)
    with pytest.raises(PermissionDenied):
        licensing.buy_licence(made, buyer=other_org, actor=charlie)
    with pytest.raises(services.ShowcaseError, match="original employer"):
        licensing.buy_licence(made, buyer=org, actor=alice)
    licensing.set_offer_status(made, actor=public_item.author, to=OfferStatus.PAUSED)
    with pytest.raises(services.ShowcaseError, match="not offered"):
        licensing.buy_licence(made, buyer=other_org, actor=buyer)
    assert not LicencePurchase.objects.exists()
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).exists()


def test_without_funds_and_without_an_instant_provider_nothing_moves(public_item, other_org, buyer, settings):
    settings.PAYMENT_PROVIDER = "invoice"
    with pytest.raises(InsufficientFunds, match=r"cannot pay for it on the spot\. Fund your balance first"):
        licensing.buy_licence(offer(public_item), buyer=other_org, actor=buyer)
    assert not LicencePurchase.objects.exists()
    assert not LedgerTransaction.objects.filter(kind__in=["licence_sale", "licence_payment"]).exists()


def test_the_pages_offer_buy_and_show_the_record_only_to_those_concerned(
    public_item, other_org, buyer, client_for, charlie, alice
):
    from django.test import Client
    from django.urls import reverse

    author = client_for(public_item.author)
    author.post(
        reverse("showcase:offer_licence", args=[public_item.slug]),
        {"price": "80.00", "currency": "EUR", "permitted_use": TERMS, "attribution": "Nia Candidate"},
    )
    made = LicenceOffer.objects.get()
    assert made.price_minor == 80_00
    page = client_for(buyer).get(reverse("showcase:item", args=[public_item.slug]))
    assert b"Buy a licence for" in page.content
    response = client_for(buyer).post(
        reverse("showcase:buy_licence", args=[public_item.slug]), {"organisation": "globex"}
    )
    purchase = LicencePurchase.objects.get()
    assert response["Location"] == reverse("showcase:licence", args=[purchase.uuid])
    for person in (buyer, public_item.author, alice):
        assert b"Signature valid" in client_for(person).get(response["Location"]).content
    assert client_for(charlie).get(response["Location"]).status_code == 404
    assert Client().get(response["Location"]).status_code == 302  # to log in
