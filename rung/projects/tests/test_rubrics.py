import pytest
from django.urls import reverse

from rung.lib.errors import DomainError, PermissionDenied
from rung.orgs.models import Membership
from rung.projects import services
from rung.projects.models import Rubric

pytestmark = pytest.mark.django_db

LEVELS = ["Not yet there.", "Getting there.", "Solid.", "Outstanding."]


def test_an_owner_builds_a_rubric_with_described_levels(org, owner_membership):
    rubric = services.create_rubric(
        org,
        membership=owner_membership,
        name="Design critique",
        description="",
        criteria=[
            services.CriterionInput("Visual hierarchy", 3, LEVELS),
            services.CriterionInput("Accessibility", 2, LEVELS),
        ],
    )
    assert [c.name for c in rubric.criteria.all()] == ["Visual hierarchy", "Accessibility"]
    assert [lv.label for lv in rubric.criteria.all()[0].levels.all()] == [
        "Beginning",
        "Developing",
        "Proficient",
        "Excellent",
    ]


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "1 to 8 criteria"),
        ([services.CriterionInput("Craft", 9, LEVELS)], "from 1 to 5"),
        ([services.CriterionInput("Craft", 1, ["a", "", "c", "d"])], "Describe all 4 levels"),
        ([services.CriterionInput("Craft", 1, LEVELS), services.CriterionInput("craft", 1, LEVELS)], "different name"),
    ],
)
def test_a_rubric_without_clear_criteria_is_refused(org, owner_membership, criteria, message):
    with pytest.raises(DomainError, match=message):
        services.create_rubric(org, membership=owner_membership, name="Craft", description="", criteria=criteria)
    assert not Rubric.objects.filter(organisation=org).exists()


def test_reviewers_and_outsiders_cannot_build_rubrics(org, bob):
    with pytest.raises(PermissionDenied):
        services.create_rubric(
            org,
            membership=Membership.objects.get(user=bob),
            name="X rubric",
            description="",
            criteria=[services.CriterionInput("Craft", 1, LEVELS)],
        )


def test_the_rubric_page_copies_a_library_rubric_and_saves_a_new_one(client_for, alice, org):
    library = Rubric.objects.filter(organisation__isnull=True).earliest("id")
    client = client_for(alice)
    page = client.get(reverse("projects:rubrics", args=[org.slug]), {"copy": str(library.uuid)}).content.decode()
    assert f"{library.name} (ours)" in page
    data = {
        "name": "Our writing rubric",
        "description": "",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "8",
        "criteria-0-name": "Clarity",
        "criteria-0-weight": "2",
        **{f"criteria-0-level_{i}": text for i, text in enumerate(LEVELS, 1)},
    }
    response = client.post(reverse("projects:rubrics", args=[org.slug]), data, follow=True)
    assert "Our writing rubric" in response.content.decode()
    assert Rubric.objects.get(organisation=org).criteria.get().weight == 2


def test_outsiders_cannot_see_an_organisations_rubrics(client_for, api_for, charlie, org):
    assert client_for(charlie).get(reverse("projects:rubrics", args=[org.slug])).status_code == 404
    assert api_for(charlie).get(f"/api/v1/projects/rubrics/{org.slug}").status_code == 404
    response = api_for(charlie).post(
        "/api/v1/projects/rubrics",
        {"organisation": org.slug, "name": "Sneaky", "criteria": [{"name": "X", "descriptors": LEVELS}]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Rubric.objects.filter(organisation=org).exists()


def test_rubrics_through_the_api(api_for, alice, org):
    client = api_for(alice)
    created = client.post(
        "/api/v1/projects/rubrics",
        {
            "organisation": org.slug,
            "name": "Data rubric",
            "criteria": [{"name": "Rigour", "weight": 3, "descriptors": LEVELS}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    names = [r["name"] for r in client.get(f"/api/v1/projects/rubrics/{org.slug}").json()]
    assert "Data rubric" in names
    assert "Core micro-internship rubric" in names
    bad = client.post(
        "/api/v1/projects/rubrics",
        {"organisation": org.slug, "name": "Bad", "criteria": [{"name": "Rigour", "descriptors": ["only one"]}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
