"""The OpenAPI document tells the truth (issue #9): one schema per name, every shared status documented,
and what the document forbids is refused."""

import json
import uuid

import pytest
from ninja import Schema

from rung.api import api
from rung.projects.tests.test_api import _payload

pytestmark = pytest.mark.django_db


def _document() -> dict:
    return api.get_openapi_schema()


def _all_schemas(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found.append(sub)
        found.extend(_all_schemas(sub))
    return found


def test_no_two_api_schemas_share_a_name():
    # The document refers to schemas by class name: two with one name would describe one of them wrongly.
    rung = [s for s in _all_schemas(Schema) if s.__module__.startswith("rung.") and not s.__module__.endswith("tests")]
    names = [s.__name__ for s in rung if s.__name__ not in ("Input",)]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates


def test_every_operation_documents_the_shared_errors():
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "413", "429"} <= statuses, (method, path)
            if operation.get("security"):
                assert "401" in statuses, (method, path)
            if "requestBody" in operation:
                assert {"415", "422"} <= statuses, (method, path)


def test_the_rubric_criteria_and_the_fund_response_are_described_as_answered():
    components = _document()["components"]["schemas"]
    assert "id" in components["RubricCriterionOut"]["properties"]
    assert "organisation" in components["DepositOut"]["properties"]
    assert components["FundingOut"]["properties"].keys() >= {"uuid", "reference", "amount"}


def test_rubrics_are_answered_with_criterion_ids(api_for, alice, org):
    rubrics = api_for(alice).get(f"/api/v1/projects/rubrics/{org.slug}").json()
    assert rubrics
    assert all(isinstance(c["id"], int) for r in rubrics for c in r["criteria"])


@pytest.mark.parametrize(
    "body",
    [{"hours_per_week": "5"}, {"hours_per_week": True}, {"hours_per_week": 5.5}, {"headline": 5}],
)
def test_the_profile_refuses_values_of_the_wrong_type(api_for, alice, body):
    response = api_for(alice).put("/api/v1/profile", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("enabled", ["true", 1, "yes", None])
def test_sharing_a_credential_takes_a_real_boolean(api_for, alice, enabled):
    response = api_for(alice).post(
        f"/api/v1/credentials/{uuid.uuid4()}/share", json.dumps({"enabled": enabled}), content_type="application/json"
    )
    assert response.status_code == 422


def test_project_numbers_must_be_numbers(api_for, alice, org):
    response = api_for(alice).post("/api/v1/projects", _payload(seats="2"), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "seats"


def test_each_cancel_reason_is_documented_with_its_own_limit():
    components = _document()["components"]["schemas"]
    assert components["ProjectCancelIn"]["properties"]["reason"]["maxLength"] == 1000
    assert components["EngagementCancelIn"]["properties"]["reason"]["maxLength"] == 2000
    assert components["DepositCancelIn"]["properties"]["reason"]["maxLength"] == 500


@pytest.mark.parametrize(
    "query", ["page=54931123136626652855356358656", "page=0", "page_size=1000", "page_size=0", "page=10001"]
)
@pytest.mark.parametrize("path", ["/api/v1/notifications", "/api/v1/engagements", "/api/v1/applications"])
def test_every_paginated_list_bounds_its_page_numbers(api_for, alice, path, query):
    response = api_for(alice).get(f"{path}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in ("page", "page_size")


def test_the_last_allowed_page_is_simply_empty(api_for, alice):
    response = api_for(alice).get("/api/v1/notifications?page=10000&page_size=100")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_an_absurd_exponent_is_refused_at_once(client_for, alice):
    from django.urls import reverse

    from rung.lib.errors import DomainError
    from rung.lib.money import to_minor

    with pytest.raises(DomainError, match="too large"):
        to_minor("1e999999999", "EUR")
    response = client_for(alice).get(reverse("projects:rate"), {"stipend": "1e999999999", "estimated_hours": "9" * 30})
    assert response.status_code == 200
