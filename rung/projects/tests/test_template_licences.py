"""Paid templates: pricing by the author, a licence bought once through the ledger's licence sale, the
signed record, the top-up through the payment provider, and who may start projects from a paid template."""

import json
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from rung.ledger.models import AccountKind, Entry, LedgerTransaction, TransactionKind
from rung.ledger.providers import DepositStart, InvoiceProvider, SandboxProvider
from rung.ledger.selectors import check_ledger, statement_for_employer
from rung.ledger.services import InsufficientFunds
from rung.lib.errors import PermissionDenied
from rung.orgs.models import Membership, Organisation, OrgKind, Role, Verification
from rung.projects import licences, services
from rung.projects.licences import TemplateLicenceError
from rung.projects.models import ProjectTemplate, TemplateLicence
from rung.projects.tests.conftest import make_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.USE_SANDBOX_PAYMENTS = True


@pytest.fixture
def author_template(org, alice):
    """Acme's own template, public in the catalogue, priced 200.00 EUR."""
    data = asdict(make_input())
    for key in ("application_deadline", "start_date", "template_uuid"):
        data.pop(key)
    template = ProjectTemplate.objects.create(organisation=org, name="Survey clean-up", data=data, public=True)
    return licences.set_template_price(
        template,
        actor=alice,
        price="200.00",
        currency="EUR",
        permitted_use="Run this project brief for your own interns.",
        attribution="Acme Analytics",
    )


def _employer(name, slug, *, verified=True):
    return Organisation.objects.create(
        name=name,
        slug=slug,
        kind=OrgKind.EMPLOYER,
        email_domain=f"{slug}.example",
        verification=Verification.VERIFIED if verified else Verification.PENDING,
        verified_at=timezone.now() if verified else None,
    )


@pytest.fixture
def globex():
    return _employer("Globex", "globex")


@pytest.fixture
def gus(globex):
    user = make_user("gus@globex.example", "Gus Globex")
    Membership.objects.create(organisation=globex, user=user, role=Role.OWNER)
    return user


def _template_input(template):
    today = timezone.now().date()
    data = make_input()
    data.template_uuid = str(template.uuid)
    data.application_deadline = today + timedelta(days=14)
    data.start_date = today + timedelta(days=21)
    return data


def test_a_licence_sale_balances_and_pays_the_author_and_the_fee(author_template, globex, gus, org, sandbox):
    licence = licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    # By hand: 200.00 less Rung's 15 % (30.00) is Acme's 170.00.
    assert (licence.price_minor, licence.author_minor, licence.fee_minor) == (200_00, 170_00, 30_00)
    sale = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_SALE)
    assert sale.idempotency_key == f"licence_sale:{licence.uuid}"
    lines = sorted((e.account.kind, e.account.organisation_id, e.amount_minor) for e in sale.entries.all())
    assert lines == sorted(
        [
            (AccountKind.EMPLOYER_FUNDING, globex.pk, -200_00),
            (AccountKind.EMPLOYER_FUNDING, org.pk, 170_00),
            (AccountKind.PLATFORM_FEES, None, 30_00),
        ]
    )
    assert sum(e.amount_minor for e in sale.entries.all()) == 0
    # Globex held nothing: the sandbox topped it up by the whole price first.
    payment = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_PAYMENT)
    assert payment.idempotency_key == f"licence_payment:{licence.uuid}"
    assert [e.amount_minor for e in payment.entries.filter(account__kind=AccountKind.EMPLOYER_FUNDING)] == [200_00]
    assert check_ledger() == []
    # Statements show the royalty to Acme and the licence Globex bought.
    acme = statement_for_employer(org.memberships.get(role=Role.OWNER).user, org).totals["EUR"]
    assert acme.royalties == 170_00
    assert statement_for_employer(gus, globex).totals["EUR"].licences_bought == 200_00


def test_rungs_own_template_pays_the_whole_price_as_the_fee(globex, gus, sam, sandbox):
    template = ProjectTemplate.objects.create(organisation=None, name="Rung's own", data={}, public=True)
    licences.set_template_price(
        template, actor=sam, price="50", currency="EUR", permitted_use="Use it for your interns.", attribution="Rung"
    )
    licence = licences.buy_template_licence(template, buyer=globex, actor=gus)
    assert (licence.author_minor, licence.fee_minor) == (0, 50_00)
    sale = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_SALE)
    assert sorted(e.amount_minor for e in sale.entries.all()) == [-50_00, 50_00]
    assert check_ledger() == []


def test_a_repeated_purchase_pays_once(author_template, globex, gus, sandbox):
    first = licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    again = licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    assert first.pk == again.pk
    assert TemplateLicence.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.LICENCE_SALE).count() == 1
    assert Entry.objects.filter(transaction__kind=TransactionKind.LICENCE_SALE, amount_minor=170_00).count() == 1


def test_an_existing_balance_pays_and_only_the_shortfall_is_topped_up(author_template, globex, gus, sandbox):
    from rung.ledger.services import Posting, _funding, _world, post_transaction

    post_transaction(
        idempotency_key="test:seed",
        kind=TransactionKind.REFUND,
        postings=[Posting(_world("EUR"), -150_00, "EUR"), Posting(_funding(globex, "EUR"), 150_00, "EUR")],
    )
    licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    payment = LedgerTransaction.objects.get(kind=TransactionKind.LICENCE_PAYMENT)
    assert [e.amount_minor for e in payment.entries.filter(account__kind=AccountKind.EMPLOYER_FUNDING)] == [50_00]


def test_the_record_is_signed_and_fails_when_tampered(author_template, globex, gus, sandbox):
    licence = licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    record = json.loads(licence.record_text)
    assert record["licensee"] == "Globex"
    assert record["author"] == "Acme Analytics"
    assert record["terms"]["permittedUse"] == "Run this project brief for your own interns."
    assert licences.verify_record(licence)
    licence.record_text = licence.record_text.replace("Globex", "Globez")
    assert not licences.verify_record(licence)


# --- Refusals: nothing is written ---------------------------------------------------------------


def _nothing_written():
    assert not TemplateLicence.objects.exists()
    assert not LedgerTransaction.objects.filter(kind__in=["licence_sale", "licence_payment"]).exists()


def test_no_funds_and_a_provider_that_cannot_pay_at_once_is_refused_clearly(author_template, globex, gus):
    with pytest.raises(InsufficientFunds, match="Fund your balance first; nothing was bought"):
        licences.buy_template_licence(author_template, buyer=globex, actor=gus, provider=InvoiceProvider())
    _nothing_written()


class DecliningProvider(SandboxProvider):
    name = "declining"

    def start_payment(self, *, reference, amount_minor, currency):
        return DepositStart(confirmed=False, declined="the card was declined.")


def test_a_declined_top_up_says_so_and_buys_nothing(author_template, globex, gus, sandbox):
    with pytest.raises(InsufficientFunds, match=r"The payment of EUR 200\.00 failed: the card was declined\."):
        licences.buy_template_licence(author_template, buyer=globex, actor=gus, provider=DecliningProvider())
    _nothing_written()


def test_the_sandbox_is_refused_when_the_site_is_not_a_sandbox(author_template, globex, gus, settings):
    settings.USE_SANDBOX_PAYMENTS = False
    with pytest.raises(ImproperlyConfigured):
        licences.buy_template_licence(author_template, buyer=globex, actor=gus, provider=SandboxProvider())
    _nothing_written()


def test_the_author_cannot_buy_its_own_template(author_template, org, alice, sandbox):
    with pytest.raises(TemplateLicenceError, match="own template"):
        licences.buy_template_licence(author_template, buyer=org, actor=alice)
    _nothing_written()


def test_an_unverified_organisation_cannot_buy(author_template, sandbox):
    pending = _employer("Pending Ltd", "pending", verified=False)
    owner = make_user("pat@pending.example", "Pat Pending")
    Membership.objects.create(organisation=pending, user=owner, role=Role.OWNER)
    with pytest.raises(TemplateLicenceError, match="not verified"):
        licences.buy_template_licence(author_template, buyer=pending, actor=owner)
    _nothing_written()


def test_a_reviewer_or_an_outsider_cannot_buy_for_the_organisation(author_template, globex, charlie, sandbox):
    reviewer = make_user("rita@globex.example", "Rita Reviewer")
    Membership.objects.create(organisation=globex, user=reviewer, role=Role.REVIEWER)
    for actor in (reviewer, charlie):
        with pytest.raises(PermissionDenied):
            licences.buy_template_licence(author_template, buyer=globex, actor=actor)
    _nothing_written()


def test_a_free_or_unlisted_template_is_not_sold(org, globex, gus, sandbox):
    free = ProjectTemplate.objects.create(organisation=org, name="Free", data={}, public=True)
    with pytest.raises(TemplateLicenceError, match="free"):
        licences.buy_template_licence(free, buyer=globex, actor=gus)
    private = ProjectTemplate.objects.create(
        organisation=org, name="Private", data={}, price_minor=10_00, currency="EUR"
    )
    with pytest.raises(TemplateLicenceError, match="not in the catalogue"):
        licences.buy_template_licence(private, buyer=globex, actor=gus)
    _nothing_written()


# --- Pricing ------------------------------------------------------------------------------------


def test_only_the_author_prices_a_template(author_template, bob, gus, sam):
    for actor in (bob, gus):  # a reviewer of the author, a manager elsewhere
        with pytest.raises(PermissionDenied):
            licences.set_template_price(
                author_template, actor=actor, price="1", currency="EUR", permitted_use="x" * 20, attribution="x"
            )
    rungs = ProjectTemplate.objects.create(organisation=None, name="Rung's", data={}, public=True)
    with pytest.raises(PermissionDenied):
        licences.set_template_price(
            rungs, actor=gus, price="1", currency="EUR", permitted_use="x" * 20, attribution="x"
        )
    licences.set_template_price(rungs, actor=sam, price="1", currency="EUR", permitted_use="x" * 20, attribution="x")
    assert (rungs.price_minor, rungs.fee_percent) == (100, 100)


@pytest.mark.parametrize(
    ("price", "currency", "use", "field"),
    [
        ("-5", "EUR", "Use it for your interns.", "price"),
        ("abc", "EUR", "Use it.", "price"),
        ("5", "eu", "Use it for your interns.", "currency"),
        ("5", "EUR", "short", "permitted_use"),
    ],
)
def test_bad_prices_are_refused_with_the_field(author_template, alice, price, currency, use, field):
    with pytest.raises(TemplateLicenceError) as caught:
        licences.set_template_price(
            author_template, actor=alice, price=price, currency=currency, permitted_use=use, attribution="Acme"
        )
    assert caught.value.field == field
    author_template.refresh_from_db()
    assert author_template.price_minor == 200_00


def test_a_price_of_zero_makes_it_free(author_template, alice):
    licences.set_template_price(
        author_template, actor=alice, price="0", currency="EUR", permitted_use="", attribution=""
    )
    assert not author_template.is_paid
    assert author_template.currency == ""


# --- Starting projects from a paid template ------------------------------------------------------


def test_only_a_buyer_or_the_author_starts_a_project_from_a_paid_template(
    author_template, org, alice, globex, gus, sandbox
):
    globex_membership = Membership.objects.get(organisation=globex, user=gus)
    with pytest.raises(services.ProjectError, match="paid template"):
        services.create_project(globex, membership=globex_membership, data=_template_input(author_template))
    # The author uses its own template freely.
    acme_membership = Membership.objects.get(organisation=org, user=alice)
    assert services.create_project(org, membership=acme_membership, data=_template_input(author_template)).template
    licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    project = services.create_project(globex, membership=globex_membership, data=_template_input(author_template))
    assert project.template_id == author_template.pk


# --- Pages --------------------------------------------------------------------------------------


def test_the_buy_flow_on_the_pages(author_template, globex, gus, client_for, sandbox):
    client = client_for(gus)
    catalogue = client.get(reverse("projects:templates")).content.decode()
    assert "EUR 200.00 a licence" in catalogue
    # Not licensed yet: no "Use for Globex" on the catalogue, and the create page sends them to buy.
    use_link = reverse("projects:create", args=["globex"]) + f"?template={author_template.uuid}"
    assert use_link not in catalogue
    create = client.get(reverse("projects:create", args=["globex"]) + f"?template={author_template.uuid}")
    assert create.status_code == 302
    assert create.url == reverse("projects:template", args=[author_template.uuid])
    page = client.get(create.url).content.decode()
    assert "Buy a licence for Globex (EUR 200.00)" in page
    assert "EUR 170.00 to Acme Analytics" in page
    bought = client.post(reverse("projects:template_buy", args=[author_template.uuid]), {"organisation": "globex"})
    licence = TemplateLicence.objects.get()
    assert bought.url == reverse("projects:template_licence", args=[licence.uuid])
    record = client.get(bought.url).content.decode()
    assert "Signature valid" in record
    assert "Run this project brief for your own interns." in record
    assert use_link in client.get(reverse("projects:templates")).content.decode()
    assert (
        client.get(reverse("projects:create", args=["globex"]) + f"?template={author_template.uuid}").status_code == 200
    )


def test_the_licence_record_is_hidden_from_outsiders(author_template, globex, gus, charlie, alice, client_for, sandbox):
    licence = licences.buy_template_licence(author_template, buyer=globex, actor=gus)
    url = reverse("projects:template_licence", args=[licence.uuid])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 404  # the author sees its royalty in its statement, not the record
    assert client_for(gus).get(url).status_code == 200


def test_outsiders_cannot_price_and_a_failed_purchase_shows_why(author_template, globex, gus, bob, client_for):
    response = client_for(bob).post(
        reverse("projects:template_price", args=[author_template.uuid]),
        {"price": "1", "currency": "EUR", "permitted_use": "x" * 20, "attribution": "x"},
    )
    assert response.status_code == 403
    client = client_for(gus)
    page = client.post(
        reverse("projects:template_buy", args=[author_template.uuid]), {"organisation": "globex"}, follow=True
    )
    assert "nothing was bought" in page.content.decode()
    _nothing_written()


def test_a_private_template_page_is_not_found_for_outsiders(org, charlie, client_for):
    private = ProjectTemplate.objects.create(organisation=org, name="Private", data={})
    assert client_for(charlie).get(reverse("projects:template", args=[private.uuid])).status_code == 404
