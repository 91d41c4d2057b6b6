import pytest
from django.test import Client
from django.urls import reverse

from rung.demo.generator import build_demo
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.showcase import licensing
from rung.showcase.models import Catalogue, CatalogueEntry, LicencePurchase, ShowcaseItem

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_catalogue_with_featured_work_and_reruns_without_duplicates(
    settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    item = ShowcaseItem.objects.get()
    assert item.author.email == "maya@student.example"
    assert item.status == "published"
    assert item.featured
    catalogue = Catalogue.objects.get()
    assert CatalogueEntry.objects.get(catalogue=catalogue, item=item).featured
    page = Client().get(reverse("showcase:catalogue", args=[catalogue.slug]))
    assert item.title in page.content.decode()
    build_demo(small=True)
    assert ShowcaseItem.objects.count() == 1
    assert Catalogue.objects.count() == 1


def test_the_demo_sells_a_licence_of_the_featured_work_and_pays_each_share_once(
    settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        build_demo(small=True)
    purchase = LicencePurchase.objects.select_related("offer__item", "buyer").get()
    assert purchase.buyer.name == "Greenleaf Studio"
    assert purchase.offer.item.author.email == "maya@student.example"
    assert licensing.verify_record(purchase)
    # By hand: Maya's contract gave Northwind a non-exclusive licence and left her the rights, so
    # Northwind takes no share; 150.00 less the 15 % fee (22.50) is her royalty of 127.50.
    assert purchase.offer.item.ip_licence == "non_exclusive"
    assert (purchase.price_minor, purchase.fee_minor, purchase.employer_minor) == (150_00, 22_50, 0)
    assert purchase.author_minor == 127_50
    sale = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_SALE)
    royalties = Entry.objects.filter(transaction=sale, account__kind=AccountKind.INTERN_PAYABLE)
    assert [e.amount_minor for e in royalties] == [purchase.author_minor]
    assert check_ledger() == []
    build_demo(small=True)  # a rerun buys nothing more
    assert LicencePurchase.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).count() == 1
