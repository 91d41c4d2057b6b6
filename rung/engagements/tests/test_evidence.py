"""Least privilege inside an organisation: the signers' e-mail and IP address on a contract are for
the parties (the intern; owners and managers, who sign for the employer) — reviewers, mentors and
viewers read the text, its hash and who signed when, but not the evidence (issue #9)."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from rung.accounts.services import create_api_token
from rung.engagements import services
from rung.engagements.models import Engagement, SignatureRole
from rung.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"


@pytest.fixture
def signed(engagement: Engagement, alice, candidate) -> Engagement:
    contract = engagement.contracts.get(version=1)
    for signer, role in ((alice, SignatureRole.EMPLOYER), (candidate, SignatureRole.CANDIDATE)):
        services.sign_contract(contract, signer=signer, role=role, typed_name=signer.full_name, consent=True, ip=IP)
    return engagement


def _member(org, role: str, email: str):
    user = make_user(email, f"{role.title()} Person")
    Membership.objects.create(organisation=org, user=user, role=role)
    return user


@pytest.fixture
def people(org, alice, bob, candidate, signed):
    mentor = _member(org, Role.MENTOR, "mentor@acme.example")
    signed.mentor = mentor
    signed.save(update_fields=["mentor"])
    return {
        "owner": alice,
        "manager": _member(org, Role.MANAGER, "manager@acme.example"),
        "intern": candidate,
        "reviewer": bob,
        "mentor": mentor,
        "viewer": _member(org, Role.VIEWER, "viewer@acme.example"),
    }


SEES = {"owner": True, "manager": True, "intern": True, "reviewer": False, "mentor": False, "viewer": False}


def _api(user) -> Client:
    _, raw = create_api_token(user, name="t", scopes=["read", "write", "money", "credentials"])
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("role", list(SEES))
def test_the_contracts_endpoint_shows_evidence_only_to_the_parties(people, signed, role):
    response = _api(people[role]).get(f"/api/v1/engagements/{signed.uuid}/contracts")
    assert response.status_code == 200
    (contract,) = response.json()
    assert contract["text"]  # everyone who may see the engagement reads the text and its hash
    assert contract["hash_verified"] is True
    signatures = contract["signatures"]
    assert {s["typed_name"] for s in signatures} == {people["owner"].full_name, people["intern"].full_name}
    if SEES[role]:
        assert {s["ip_address"] for s in signatures} == {IP}
        assert {s["signer_email"] for s in signatures} == {people["owner"].email, people["intern"].email}
    else:
        assert all(s["ip_address"] is None and s["signer_email"] is None for s in signatures)
        # The contract text itself names the parties; the evidence is what the signing recorded.
        assert IP not in response.content.decode()


@pytest.mark.parametrize("role", ["mentor", "viewer", "owner"])
def test_one_contract_endpoint_follows_the_same_rule(people, signed, role):
    contract = signed.contracts.get(version=1)
    body = _api(people[role]).get(f"/api/v1/engagements/{signed.uuid}/contracts/{contract.uuid}").content.decode()
    assert (IP in body) is SEES[role]


@pytest.mark.parametrize("role", list(SEES))
def test_the_downloaded_contract_shows_evidence_only_to_the_parties(client_for, people, signed, role):
    contract = signed.contracts.get(version=1)
    client = client_for(people[role])
    response = client.get(reverse("engagements:html", args=[signed.uuid, contract.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert contract.text_sha256 in page
    assert (IP in page) is SEES[role]
    assert ("shown to the parties only" in page) is not SEES[role]
    assert client.get(reverse("engagements:pdf", args=[signed.uuid, contract.uuid])).status_code == 200


def test_the_engagement_page_never_lists_evidence(client_for, people, signed):
    page = client_for(people["mentor"]).get(reverse("engagements:detail", args=[signed.uuid])).content.decode()
    assert IP not in page


def test_an_outsider_still_gets_404(charlie, signed):
    assert _api(charlie).get(f"/api/v1/engagements/{signed.uuid}/contracts").status_code == 404
