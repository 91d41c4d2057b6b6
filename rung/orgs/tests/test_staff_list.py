"""Staff see every organisation: search, filter, paginate, and change verification from the list."""

import pytest
from django.urls import reverse

from rung.orgs.models import Organisation, OrgKind, Verification

pytestmark = pytest.mark.django_db
URL = reverse("orgs:staff_list")


def _org(name: str, *, kind: str = OrgKind.EMPLOYER, verification: str = Verification.PENDING) -> Organisation:
    slug = name.lower().replace(" ", "-")
    return Organisation.objects.create(
        name=name, slug=slug, kind=kind, email_domain=f"{slug}.example", verification=verification
    )


@pytest.mark.parametrize("who", ["charlie", "alice", "bob"])
def test_only_staff_see_the_list_of_all_organisations(client_for, org, who, request):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 302
    assert "Acme Analytics" not in response.content.decode()


def test_staff_search_by_name_or_domain_and_filter_by_kind_and_status(client_for, sam, org):
    _org("Riverside University", kind=OrgKind.EDUCATION, verification=Verification.VERIFIED)
    _org("Quick Hire")
    client = client_for(sam)
    body = client.get(URL, {"q": "riverside"}).content.decode()
    assert "Riverside University" in body
    assert "Quick Hire" not in body
    assert "Acme Analytics" not in body
    body = client.get(URL, {"kind": "employer", "verification": "pending"}).content.decode()
    assert "Quick Hire" in body
    assert "Acme Analytics" not in body
    assert "Riverside University" not in body
    body = client.get(URL, {"q": "acme.example"}).content.decode()
    assert "Acme Analytics" in body


def test_a_bad_filter_value_is_ignored_not_an_error(client_for, sam, org):
    response = client_for(sam).get(URL, {"kind": "pirate", "verification": "<script>"})
    assert response.status_code == 200
    assert "Acme Analytics" in response.content.decode()


def test_the_list_is_paginated_in_constant_queries(client_for, sam, django_assert_max_num_queries):
    for i in range(30):
        _org(f"Org {i:02d}")
    client = client_for(sam)
    with django_assert_max_num_queries(8):
        first = client.get(URL).content.decode()
    assert "Org 00" in first
    assert "Org 29" not in first
    assert "Page 1 of 2" in first
    assert "Org 29" in client.get(URL, {"page": 2}).content.decode()


def test_staff_withdraw_verification_from_the_list_and_return_to_it(client_for, sam, org):
    back = f"{URL}?q=acme"
    response = client_for(sam).post(
        reverse("orgs:set_verification", args=[org.slug]),
        {"status": "rejected", "note": "The domain no longer belongs to them.", "back": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    org.refresh_from_db()
    assert org.verification == Verification.REJECTED
    assert org.verification_note == "The domain no longer belongs to them."


def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(client_for, sam, org):
    client_for(sam).post(reverse("orgs:set_verification", args=[org.slug]), {"status": "rejected", "back": URL})
    org.refresh_from_db()
    assert org.verification == Verification.VERIFIED


def test_staff_send_a_declined_organisation_back_for_a_re_check(client_for, sam):
    declined = _org("Declined Co", verification=Verification.REJECTED)
    body = client_for(sam).get(URL).content.decode()
    assert "Re-check Declined Co" in body
    client_for(sam).post(reverse("orgs:set_verification", args=[declined.slug]), {"status": "pending", "back": URL})
    declined.refresh_from_db()
    assert declined.verification == Verification.PENDING


def test_a_back_address_elsewhere_is_not_followed(client_for, sam, org):
    response = client_for(sam).post(
        reverse("orgs:set_verification", args=[org.slug]),
        {"status": "rejected", "note": "Closed.", "back": "https://evil.example/orgs/verification/all/"},
    )
    assert response["Location"] == reverse("orgs:detail", args=[org.slug])
