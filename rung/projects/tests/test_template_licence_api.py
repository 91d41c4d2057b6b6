"""The paid-template JSON API: pricing, buying a licence (the signed record back), an organisation's
licences and one licence; the refusals with clear statuses and the `money` scope on tokens."""

from dataclasses import asdict

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from rung.accounts.auth import required_scopes
from rung.accounts.services import create_api_token
from rung.ledger import licensing
from rung.ledger.models import LedgerTransaction
from rung.ledger.providers import DepositStart, SandboxProvider
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects import licences
from rung.projects.models import ProjectTemplate, TemplateLicence
from rung.projects.tests.conftest import make_input

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.USE_SANDBOX_PAYMENTS = True


def _data():
    data = asdict(make_input())
    for key in ("application_deadline", "start_date", "template_uuid"):
        data.pop(key)
    return data


@pytest.fixture
def template(org):
    """Acme's own public template, free until priced."""
    return ProjectTemplate.objects.create(organisation=org, name="Survey clean-up", data=_data(), public=True)


@pytest.fixture
def paid(template, alice):
    return licences.set_template_price(
        template,
        actor=alice,
        price="200.00",
        currency="EUR",
        permitted_use="Run this project brief for your own interns.",
        attribution="Acme Analytics",
    )


def _employer(name, slug):
    return Organisation.objects.create(
        name=name,
        slug=slug,
        kind=OrgKind.EMPLOYER,
        email_domain=f"{slug}.example",
        verification=Verification.VERIFIED,
        verified_at=timezone.now(),
    )


@pytest.fixture
def globex():
    return _employer("Globex", "globex")


@pytest.fixture
def gus(globex):
    user = make_user("gus@globex.example", "Gus Globex")
    Membership.objects.create(organisation=globex, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def vera(globex):
    user = make_user("vera@globex.example", "Vera Viewer")
    Membership.objects.create(organisation=globex, user=user, role=Role.VIEWER)
    return user


PRICE = {
    "price": "200.00",
    "currency": "EUR",
    "permitted_use": "Run this project brief for your own interns.",
    "attribution": "Acme Analytics",
}


def _price_url(t):
    return f"/api/v1/projects/templates/{t.uuid}/price"


def _buy_url(t):
    return f"/api/v1/projects/templates/{t.uuid}/licences"


def _nothing_bought():
    assert TemplateLicence.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0


# --- Pricing ------------------------------------------------------------------------------------


def test_the_author_sets_and_removes_the_price(template, alice, api_for):
    client = api_for(alice)
    response = client.put(_price_url(template), PRICE, content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["paid"], body["price"], body["currency"], body["fee_percent"]) == (True, "EUR 200.00", "EUR", 15)
    template.refresh_from_db()
    assert template.price_minor == 200_00
    free = client.put(_price_url(template), {"price": "0", "currency": "EUR"}, content_type=JSON)
    assert free.status_code == 200
    assert free.json()["paid"] is False
    template.refresh_from_db()
    assert (template.price_minor, template.currency, template.permitted_use) == (0, "", "")


def test_staff_price_rungs_own_templates_and_keep_the_whole_price(sam, api_for):
    own = ProjectTemplate.objects.create(organisation=None, name="Rung's own", data={}, public=True)
    response = api_for(sam).put(_price_url(own), {**PRICE, "attribution": "Rung"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["fee_percent"] == 100


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "-5"}, "price"),
        ({"price": "abc"}, "price"),
        ({"currency": "eur"}, "currency"),
        ({"permitted_use": "short"}, "permitted_use"),
        ({"attribution": ""}, "attribution"),
    ],
)
def test_bad_prices_are_a_400_naming_the_field_and_change_nothing(template, alice, api_for, change, field):
    response = api_for(alice).put(_price_url(template), {**PRICE, **change}, content_type=JSON)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field
    template.refresh_from_db()
    assert template.price_minor == 0


def test_only_the_authors_managers_price(template, bob, gus, api_for, org):
    # A reviewer of Acme may see its template but not price it; another organisation's owner neither.
    for user in (bob, gus):
        response = api_for(user).put(_price_url(template), PRICE, content_type=JSON)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    template.refresh_from_db()
    assert template.price_minor == 0


def test_a_private_template_is_not_found_for_outsiders(org, charlie, gus, api_for):
    private = ProjectTemplate.objects.create(organisation=org, name="Private", data={}, public=False)
    assert api_for(charlie).put(_price_url(private), PRICE, content_type=JSON).status_code == 404
    response = api_for(gus).post(_buy_url(private), {"organisation": "globex"}, content_type=JSON)
    assert response.status_code == 404
    assert (
        api_for(gus)
        .put("/api/v1/projects/templates/8d2f0f0e-1111-4111-8111-111111111111/price", PRICE, content_type=JSON)
        .status_code
        == 404
    )


# --- Buying -------------------------------------------------------------------------------------


def test_buying_returns_the_signed_record_and_a_repeat_returns_it_again(paid, globex, gus, api_for, sandbox):
    client = api_for(gus)
    response = client.post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    # By hand: 200.00 less Rung's 15 % (30.00) is Acme's 170.00.
    assert (body["price"], body["author_share"], body["fee_share"]) == ("EUR 200.00", "EUR 170.00", "EUR 30.00")
    assert body["organisation"] == "globex"
    assert body["template"] == str(paid.uuid)
    assert body["verified"] is True
    assert body["record"]["type"] == "RungTemplateLicence"
    assert body["record"]["licensee"] == "Globex"
    assert body["record"]["terms"]["permittedUse"] == PRICE["permitted_use"]
    licence = TemplateLicence.objects.get()
    assert body["uuid"] == str(licence.uuid)
    assert body["record_text"] == licence.record_text
    assert body["signature"] == licence.signature
    again = client.post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert again.status_code == 200
    assert again.json()["uuid"] == body["uuid"]
    assert TemplateLicence.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="licence_sale").count() == 1


def test_a_free_template_is_a_400(template, globex, gus, api_for, sandbox):
    response = api_for(gus).post(_buy_url(template), {"organisation": "globex"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "free"
    _nothing_bought()


def test_the_authors_own_template_is_a_400(paid, alice, api_for, sandbox):
    response = api_for(alice).post(_buy_url(paid), {"organisation": "acme"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "own"
    _nothing_bought()


class DecliningProvider(SandboxProvider):
    name = "declining"

    def start_payment(self, *, reference, amount_minor, currency):
        return DepositStart(confirmed=False, declined="the card was declined.")


def test_a_declined_top_up_is_a_400_and_buys_nothing(paid, globex, gus, api_for, sandbox, monkeypatch):
    monkeypatch.setattr(licensing, "get_payment_provider", DecliningProvider)
    response = api_for(gus).post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "insufficient_funds"
    assert "the card was declined" in response.json()["detail"]
    _nothing_bought()


def test_a_viewer_cannot_buy_and_an_outsider_cannot_buy_for_the_organisation(paid, vera, charlie, api_for, sandbox):
    refused = api_for(vera).post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    hidden = api_for(charlie).post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert hidden.status_code == 404
    _nothing_bought()


# --- Reading licences -----------------------------------------------------------------------------


def _buy(template, buyer, actor):
    return licences.buy_template_licence(template, buyer=buyer, actor=actor)


def test_members_list_their_organisations_licences_and_read_one(paid, globex, gus, vera, sam, api_for, sandbox):
    licence = _buy(paid, globex, gus)
    for user in (gus, vera, sam):
        listed = api_for(user).get("/api/v1/projects/templates/licences?organisation=globex")
        assert listed.status_code == 200, (user, listed.content)
        assert [item["uuid"] for item in listed.json()] == [str(licence.uuid)]
        one = api_for(user).get(f"/api/v1/projects/templates/licences/{licence.uuid}")
        assert one.status_code == 200
        assert one.json()["verified"] is True


def test_outsiders_do_not_see_licences(paid, globex, gus, alice, charlie, api_for, sandbox):
    licence = _buy(paid, globex, gus)
    # The author's owner is an outsider to the buyer's licences too.
    for user in (charlie, alice):
        assert api_for(user).get("/api/v1/projects/templates/licences?organisation=globex").status_code == 404
        assert api_for(user).get(f"/api/v1/projects/templates/licences/{licence.uuid}").status_code == 404
    missing = api_for(gus).get("/api/v1/projects/templates/licences/8d2f0f0e-1111-4111-8111-111111111111")
    assert missing.status_code == 404


def test_listing_costs_the_same_queries_for_one_or_three_licences(org, alice, globex, gus, api_for, sandbox):
    client = api_for(gus)
    url = "/api/v1/projects/templates/licences?organisation=globex"

    def add(n):
        t = ProjectTemplate.objects.create(organisation=org, name=f"T{n}", data={}, public=True)
        licences.set_template_price(t, actor=alice, **PRICE)
        _buy(t, globex, gus)

    add(1)
    client.get(url)  # the token's first use records it once a minute; measured after that
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()) == 1
    add(2)
    add(3)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()) == 3
    assert len(three) == len(one)


# --- Token scopes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("PUT", "/api/v1/projects/templates/x/price", {"write", "money"}),
        ("POST", "/api/v1/projects/templates/x/licences", {"write", "money"}),
        ("GET", "/api/v1/projects/templates/licences", {"read", "money"}),
        ("GET", "/api/v1/projects/templates/licences/x", {"read", "money"}),
    ],
)
def test_template_licence_operations_need_the_money_scope(method, path, needed):
    assert required_scopes(method, path) == needed


def test_a_token_without_the_money_scope_is_refused(paid, globex, gus, alice, sandbox):
    _, raw = create_api_token(gus, name="no money", scopes=["read", "write"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    bought = client.post(_buy_url(paid), {"organisation": "globex"}, content_type=JSON)
    assert bought.status_code == 403
    assert bought.json()["code"] == "insufficient_scope"
    assert "money" in bought.json()["detail"]
    assert client.get("/api/v1/projects/templates/licences?organisation=globex").status_code == 403
    _nothing_bought()
    _, author_raw = create_api_token(alice, name="no money", scopes=["read", "write"])
    priced = Client(headers={"Authorization": f"Bearer {author_raw}"}).put(
        _price_url(paid), {"price": "0", "currency": "EUR"}, content_type=JSON
    )
    assert priced.status_code == 403
    paid.refresh_from_db()
    assert paid.price_minor == 200_00
