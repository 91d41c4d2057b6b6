"""Signing up from an invitation keeps it: the e-mail is pre-filled, and after the confirmation
e-mail and the log-in the new member lands back on the invitation to accept it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from rung.accounts.models import User
from rung.orgs import services
from rung.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_signing_up_from_an_invitation_leads_back_to_it(org, alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, raw = services.invite_member(
            org, membership=Membership.objects.get(user=alice), email="newbie@acme.example", role=Role.REVIEWER
        )
    invitation_url = reverse("orgs:accept_invitation", args=[raw])
    browser = Client()
    page = browser.get(invitation_url).content.decode()
    found = re.search(r'href="(/accounts/signup/\?[^"]+)"', page)
    assert found is not None
    signup_link = found.group(1).replace("&amp;", "&")
    assert "newbie%40acme.example" in signup_link or "newbie@acme.example" in signup_link

    form = browser.get(signup_link).content.decode()
    assert 'value="newbie@acme.example"' in form  # pre-filled
    assert f'name="next" value="{invitation_url}"' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            signup_link,
            {"full_name": "New Bie", "email": "newbie@acme.example", "password": PASSWORD, "next": invitation_url},
        )
    assert response.status_code == 200
    assert invitation_url in response.content.decode()  # "taken back to your invitation"
    verified = re.search(r"(/accounts/verify/[^\s\"<]+)", mailoutbox[-1].body)
    assert verified is not None
    verify_link = verified.group(1)

    confirmed = browser.get(verify_link)
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith(reverse("accounts:login"))
    assert "next=" in confirmed["Location"]
    logged_in = browser.post(confirmed["Location"], {"email": "newbie@acme.example", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert logged_in["Location"] == invitation_url
    browser.post(invitation_url)
    user = User.objects.get(email="newbie@acme.example")
    assert Membership.objects.filter(organisation=org, user=user, role=Role.REVIEWER).exists()


def test_signup_ignores_a_next_address_on_another_site(client):
    page = client.get(reverse("accounts:signup"), {"next": "https://evil.example/steal"}).content.decode()
    assert "evil.example" not in page
