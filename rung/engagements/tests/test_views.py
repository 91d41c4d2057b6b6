import html
import re

import pytest
from django.urls import reverse

from conftest import make_user
from rung.engagements import services
from rung.engagements.models import ContractStatus, EngagementStatus, Signature
from rung.engagements.tests.conftest import accept, milestones

pytestmark = pytest.mark.django_db


def _detail(engagement):
    return reverse("engagements:detail", args=[engagement.uuid])


def _contract_url(name, engagement, contract):
    return reverse(f"engagements:{name}", args=[engagement.uuid, contract.uuid])


def test_my_engagements_has_an_empty_state(client_for, charlie):
    page = client_for(charlie).get(reverse("engagements:mine")).content.decode()
    assert "No engagements yet" in page


def test_the_list_shows_each_side_its_engagements(client_for, engagement, candidate, alice, bob, charlie):
    for person in (candidate, alice, bob):
        page = client_for(person).get(reverse("engagements:mine")).content.decode()
        assert engagement.project.title in page, person
        assert "0 of 2 milestones approved" in page
    assert engagement.project.title not in client_for(charlie).get(reverse("engagements:mine")).content.decode()


def test_the_list_costs_the_same_queries_however_many_engagements(
    client_for, published, reviewer_membership, alice, django_assert_max_num_queries
):
    # The project has two seats: measure with one engagement, then with two.
    accept(published, make_user("one@student.example", "One Candidate"), reviewer_membership)
    client = client_for(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("engagements:mine"))
    accept(published, make_user("two@student.example", "Two Candidate"), reviewer_membership)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("engagements:mine")).content.decode()
    assert "Two Candidate" in page
    assert "One Candidate" in page


def test_the_page_shows_terms_milestones_and_the_sign_form(client_for, engagement, candidate):
    page = client_for(candidate).get(_detail(engagement)).content.decode()
    contract = engagement.contracts.get()
    for text in ("Terms in force", "EUR 900.00", "Cleaned dataset", "EUR 360.00", contract.text_sha256, "Download PDF"):
        assert text in page
    assert "Type your full name to sign" in page
    assert 'name="consent"' in page
    assert "Cancel the engagement" in page
    assert "Before the start no fee is due" in page


def test_a_reviewer_sees_the_engagement_but_cannot_sign_or_cancel(client_for, engagement, bob):
    client = client_for(bob)
    page = client.get(_detail(engagement)).content.decode()
    assert "Type your full name to sign" not in page
    assert "Cancel the engagement" not in page
    contract = engagement.contracts.get()
    response = client.post(
        _contract_url("sign", engagement, contract),
        {"typed_name": bob.full_name, "consent": "on", "text_sha256": contract.text_sha256},
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()
    assert client.post(reverse("engagements:cancel", args=[engagement.uuid]), {"reason": "x"}).status_code == 403


def test_signing_on_the_page(client_for, engagement, candidate, alice):
    contract = engagement.contracts.get()
    client = client_for(candidate)
    wrong = client.post(
        _contract_url("sign", engagement, contract),
        {"typed_name": "Someone Else", "consent": "on", "text_sha256": contract.text_sha256},
    )
    assert wrong.status_code == 400
    assert "Type your full name exactly as on your account" in wrong.content.decode()
    unticked = client.post(
        _contract_url("sign", engagement, contract),
        {"typed_name": candidate.full_name, "text_sha256": contract.text_sha256},
    )
    assert unticked.status_code == 400
    assert "Tick the box" in unticked.content.decode()
    done = client.post(
        _contract_url("sign", engagement, contract),
        {"typed_name": candidate.full_name, "consent": "on", "text_sha256": contract.text_sha256},
        REMOTE_ADDR="198.51.100.4",
    )
    assert done.status_code == 302
    assert Signature.objects.get().ip_address == "198.51.100.4"
    client_for(alice).post(
        _contract_url("sign", engagement, contract),
        {"typed_name": alice.full_name, "consent": "on", "text_sha256": contract.text_sha256},
    )
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE
    page = client.get(_detail(engagement)).content.decode()
    assert "Type your full name to sign" not in page
    assert "Propose a change of scope, dates or stipend" in page


def test_the_html_download_holds_the_exact_text_hash_and_signatures(client_for, active, candidate):
    contract = active.contracts.get()
    response = client_for(candidate).get(_contract_url("html", active, contract))
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    found = re.search(r'<pre id="contract-text">(.*?)</pre>', body, re.S)
    assert found is not None
    text = html.unescape(found.group(1))
    assert text == contract.text
    assert services.sha256_text(text) == contract.text_sha256 in body
    assert "Alice Owner" in body
    assert "Nia Candidate" in body
    assert "Verified when this file was made" in body


def test_the_pdf_download_embeds_the_text_and_its_hash(client_for, active, candidate):
    contract = active.contracts.get()
    response = client_for(candidate).get(_contract_url("pdf", active, contract))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert contract.text_sha256.encode() in pdf
    # The exact text is attached to the PDF, uncompressed, so its hash can be checked from the file.
    assert contract.text.encode("utf-8") in pdf


def test_verifying_the_hash_on_the_page(client_for, active, candidate):
    contract = active.contracts.get()
    client = client_for(candidate)
    page = client.get(_contract_url("verify", active, contract)).content.decode()
    assert "Hash verified" in page
    partial = client.get(_contract_url("verify", active, contract), headers={"HX-Request": "true"}).content.decode()
    assert "Hash verified" in partial
    assert "<html" not in partial


def test_proposing_signing_and_withdrawing_an_amendment_on_the_page(client_for, active, alice, candidate):
    first, second = milestones(active)
    client = client_for(alice)
    form = {
        "change_summary": "Lower the stipend after narrowing the scope.",
        "scope": active.scope,
        "stipend": "850.00",
        f"due_{first.pk}": first.due_date.isoformat(),
        f"due_{second.pk}": second.due_date.isoformat(),
    }
    bad = client.post(reverse("engagements:amend", args=[active.uuid]), {**form, "stipend": "850.001"})
    assert bad.status_code == 400
    assert client.post(reverse("engagements:amend", args=[active.uuid]), form).status_code == 302
    amendment = active.contracts.get(version=2)
    page = client_for(candidate).get(_detail(active)).content.decode()
    assert "Amendment waiting for signatures" in page
    assert "Until both sides sign it, the contract above rules" in page
    assert client_for(candidate).post(_contract_url("withdraw", active, amendment)).status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == ContractStatus.WITHDRAWN


def test_cancelling_on_the_page_shows_the_kill_fee_first(client_for, started, alice):
    client = client_for(alice)
    page = client.get(_detail(started)).content.decode()
    assert "kill fee of <strong>EUR 225.00</strong>" in page
    assert client.post(reverse("engagements:cancel", args=[started.uuid]), {"reason": ""}).status_code == 400
    assert client.post(reverse("engagements:cancel", args=[started.uuid]), {"reason": "Budget cut."}).status_code == 302
    started.refresh_from_db()
    assert started.status == EngagementStatus.CANCELLED


def test_outsiders_get_404_everywhere(client_for, engagement, charlie, candidate):
    contract = engagement.contracts.get()
    client = client_for(charlie)
    for url in (
        _detail(engagement),
        _contract_url("html", engagement, contract),
        _contract_url("pdf", engagement, contract),
        _contract_url("verify", engagement, contract),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        _contract_url("sign", engagement, contract),
        _contract_url("withdraw", engagement, contract),
        reverse("engagements:amend", args=[engagement.uuid]),
        reverse("engagements:cancel", args=[engagement.uuid]),
    ):
        response = client.post(url, {"typed_name": charlie.full_name, "consent": "on", "reason": "mine now"})
        assert response.status_code == 404, url
    assert not Signature.objects.exists()
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.AWAITING_SIGNATURES


def test_pages_need_a_login(client, engagement):
    response = client.get(_detail(engagement))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
