import pytest
from django.test import Client
from django.urls import reverse

from rung.demo.generator import build_demo
from rung.showcase.models import Catalogue, CatalogueEntry, ShowcaseItem

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
