"""Agreements scoped to a catalogue template: only projects started from that template are covered (in
claims, search, the project page and the catalogue), and a partner can name only templates it can see."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rung.education import selectors, services
from rung.education.models import AgreementScope, CreditAgreement, CreditClaim
from rung.education.tests.conftest import active_agreement, affiliate, agreement_input, complete
from rung.projects import services as projects
from rung.projects.models import Project, ProjectTemplate
from rung.projects.tests.conftest import make_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db) -> ProjectTemplate:
    return ProjectTemplate.objects.create(name="Survey clean-up", data={}, public=True)


@pytest.fixture
def other_template(db) -> ProjectTemplate:
    return ProjectTemplate.objects.create(name="Landing page audit", data={}, public=True)


@pytest.fixture
def private_template(org) -> ProjectTemplate:
    """Acme's own template: not in the catalogue, so the partner cannot see it."""
    return ProjectTemplate.objects.create(name="Acme internal", data={}, organisation=org, public=False)


def template_agreement(membership, template: ProjectTemplate, **overrides) -> CreditAgreement:
    return active_agreement(
        membership, scope=AgreementScope.TEMPLATE, skills=[], template=str(template.uuid), **overrides
    )


# --- writing the agreement -------------------------------------------------------------------------


def test_a_partner_scopes_an_agreement_to_a_catalogue_template(pat_m, catalogue):
    agreement = template_agreement(pat_m, catalogue)
    assert (agreement.scope, agreement.template, agreement.employer) == (AgreementScope.TEMPLATE, catalogue, None)
    assert "Work that counts: any project started from the template “Survey clean-up”" in agreement.text
    assert f'"template_id":"{catalogue.uuid}"' in agreement.text, "the signed JSON names the template"


def test_a_partner_cannot_scope_to_a_private_template_it_cannot_see(pat_m, uni, private_template):
    data = agreement_input(scope=AgreementScope.TEMPLATE, skills=[], template=str(private_template.uuid))
    with pytest.raises(services.EducationError, match="public catalogue") as caught:
        services.create_agreement(membership=pat_m, partner=uni, data=data)
    assert caught.value.field == "template"
    assert not CreditAgreement.objects.exists()


@pytest.mark.parametrize("value", ["", "not-a-uuid", str(uuid.uuid4())])
def test_a_missing_or_unknown_template_is_refused(pat_m, uni, value):
    data = agreement_input(scope=AgreementScope.TEMPLATE, skills=[], template=value)
    with pytest.raises(services.EducationError, match="public catalogue"):
        services.create_agreement(membership=pat_m, partner=uni, data=data)
    assert not CreditAgreement.objects.exists()


def test_a_template_agreement_cannot_ask_an_employer_to_co_sign(pat_m, uni, catalogue):
    data = agreement_input(scope=AgreementScope.TEMPLATE, skills=[], template=str(catalogue.uuid), employer_cosign=True)
    with pytest.raises(services.EducationError, match="co-signed"):
        services.create_agreement(membership=pat_m, partner=uni, data=data)


def test_a_new_version_keeps_the_template(pat_m, catalogue):
    agreement = template_agreement(pat_m, catalogue)
    revised = services.revise_agreement(agreement, membership=pat_m)
    assert (revised.version, revised.scope, revised.template) == (2, AgreementScope.TEMPLATE, catalogue)


# --- what it covers --------------------------------------------------------------------------------


@pytest.fixture
def done(engagement, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    return engagement


def test_work_on_a_project_from_the_template_opens_a_claim(
    done, candidate, bob, rey_m, pat_m, catalogue, django_capture_on_commit_callbacks
):
    agreement = template_agreement(pat_m, catalogue)
    Project.objects.filter(pk=done.project_id).update(template=catalogue)
    affiliate(candidate, rey_m)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    assert CreditClaim.objects.get().agreement == agreement


@pytest.mark.parametrize("started_from", ["another template", "no template"])
def test_work_on_any_other_project_is_not_covered(
    done, candidate, bob, rey_m, pat_m, catalogue, other_template, started_from, django_capture_on_commit_callbacks
):
    template_agreement(pat_m, catalogue)
    if started_from == "another template":
        Project.objects.filter(pk=done.project_id).update(template=other_template)
    affiliate(candidate, rey_m)
    complete(done, candidate, bob, django_capture_on_commit_callbacks)
    assert not CreditClaim.objects.exists()


def _project(org, owner_membership, title: str, template: ProjectTemplate | None) -> Project:
    project = projects.create_project(org, membership=owner_membership, data=make_input(title=title))
    projects.fund_project(project, membership=owner_membership)
    projects.publish_project(project, membership=owner_membership)
    if template is not None:
        Project.objects.filter(pk=project.pk).update(template=template)
        project.refresh_from_db()
    return project


def test_only_projects_from_the_template_count_for_credit_in_search_and_notes(
    org, owner_membership, sandbox_payments, pat_m, catalogue, other_template
):
    template_agreement(pat_m, catalogue)
    covered = _project(org, owner_membership, "From the template", catalogue)
    elsewhere = _project(org, owner_membership, "From another template", other_template)
    plain = _project(org, owner_membership, "From scratch", None)
    found = set(selectors.counts_for_credit(Project.objects.all()).values_list("pk", flat=True))
    assert found == {covered.pk}
    notes = selectors.credit_notes_for([covered, elsewhere, plain])
    assert [n.partner for n in notes[covered.pk]] == ["University of Example"]
    assert notes[elsewhere.pk] == []
    assert notes[plain.pk] == []


def test_the_search_and_the_project_page_show_it(client, org, owner_membership, sandbox_payments, pat_m, catalogue):
    template_agreement(pat_m, catalogue)
    covered = _project(org, owner_membership, "From the template", catalogue)
    _project(org, owner_membership, "From scratch", None)
    body = client.get("/projects/?flags=credit").content.decode()
    assert "From the template" in body
    assert "From scratch" not in body
    page = client.get(f"/projects/{covered.uuid}/")
    assert page.status_code == 200
    assert "Counts for credit at University of Example" in page.content.decode()


def test_the_catalogue_says_which_templates_count_for_credit(client_for, alice, pat_m, catalogue, other_template):
    template_agreement(pat_m, catalogue)
    notes = selectors.template_credit_notes([catalogue, other_template])
    assert [n.credit for n in notes[catalogue.pk]] == ["2.5 ECTS (DATA2001)"]
    assert notes[other_template.pk] == []
    body = client_for(alice).get("/projects/templates/").content.decode()
    assert body.count("Counts for credit at University of Example") == 1


def test_the_credit_filter_stays_one_query_with_template_agreements(
    client, org, owner_membership, sandbox_payments, pat_m, catalogue
):
    template_agreement(pat_m, catalogue)
    _project(org, owner_membership, "From the template 0", catalogue)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/projects/?flags=credit").status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for n in range(1, 5):
        template = ProjectTemplate.objects.create(name=f"T{n}", data={}, public=True)
        template_agreement(pat_m, template, title=f"Template credit {n}")
        _project(org, owner_membership, f"From the template {n}", template)
    assert queries() == small


# --- the form and the API ----------------------------------------------------------------------


def _form(template_value: str) -> dict[str, str]:
    return {
        "title": "Survey credit",
        "scope": "template",
        "template": template_value,
        "skills": "",
        "course_code": "DATA2001",
        "credit_unit": "ECTS",
        "credit_amount": "2",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "min_hours": "0",
    }


def test_the_partner_page_offers_visible_templates_only(client_for, pat, catalogue, private_template):
    body = client_for(pat).get("/education/partners/uni/").content.decode()
    assert f'value="{catalogue.uuid}"' in body
    assert str(private_template.uuid) not in body


def test_the_form_writes_a_template_agreement_and_refuses_a_private_one(client_for, pat, catalogue, private_template):
    client = client_for(pat)
    refused = client.post("/education/partners/uni/agreements/new/", _form(str(private_template.uuid)), follow=True)
    assert refused.status_code == 200
    assert "Choose a template from the public catalogue." in refused.content.decode()
    assert not CreditAgreement.objects.exists()
    response = client.post("/education/partners/uni/agreements/new/", _form(str(catalogue.uuid)))
    agreement = CreditAgreement.objects.get()
    assert response.status_code == 302
    assert agreement.template == catalogue
    page = client.get(f"/education/agreements/{agreement.uuid}/").content.decode()
    assert "Work that counts: any project started from the template “Survey clean-up”." in page


def test_the_api_writes_a_template_agreement_and_refuses_a_private_one(api_for, pat, catalogue, private_template):
    client = api_for(pat)
    payload: dict[str, object] = {k: v for k, v in _form(str(private_template.uuid)).items() if k != "skills"}
    payload["min_hours"] = 0
    refused = client.post("/api/v1/education/partners/uni/agreements", payload, content_type="application/json")
    assert refused.status_code == 400
    assert "public catalogue" in refused.content.decode()
    payload["template"] = str(catalogue.uuid)
    made = client.post("/api/v1/education/partners/uni/agreements", payload, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["scope"], made.json()["covers"]) == (
        "template",
        "any project started from the template “Survey clean-up”",
    )
