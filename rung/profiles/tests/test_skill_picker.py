"""The skills picker: grouped by category, every skill a labelled checkbox, the choice kept."""

import re

import pytest
from django.urls import reverse

from rung.profiles.models import Skill
from rung.profiles.selectors import get_or_create_profile
from rung.profiles.widgets import skill_choices

pytestmark = pytest.mark.django_db


def test_the_vocabulary_is_grouped_by_category_with_every_curated_skill_once():
    groups = skill_choices()
    names = [name for _, options in groups for _, name in options]
    assert len(names) == Skill.objects.filter(curated=True).count() == len(set(names))
    by_category = {category: [name for _, name in options] for category, options in groups}
    assert "Python" in by_category["Data"]
    assert "Figma" in by_category["Design"]
    assert list(by_category) == sorted(by_category)


def test_the_search_page_renders_a_grouped_filterable_picker_with_one_label_per_checkbox(client):
    body = client.get(reverse("projects:search"), {"skills": "python"}).content.decode()
    assert "data-skill-picker" in body
    assert 'src="/static/rung/skill-picker.js"' in body
    assert body.count('class="skill-group"') == Skill.objects.exclude(category="").values("category").distinct().count()
    boxes = re.findall(r'<input type="checkbox" name="skills" value="([^"]+)" id="([^"]+)"( checked)?>', body)
    assert len(boxes) == Skill.objects.filter(curated=True).count()
    for _, box_id, _ in boxes:
        assert f'<label for="{box_id}">' in body
    assert [value for value, _, checked in boxes if checked] == ["python"]
    # The filter box is hidden until the script shows it, and has no name: it is never submitted.
    assert re.search(r'<div class="skill-filter" data-skill-filter-row hidden>', body)
    assert 'data-skill-filter autocomplete="off"' in body
    assert 'name="skills_filter"' not in body


def test_the_profile_form_keeps_the_skills_ticked_in_the_picker(client_for, charlie):
    client = client_for(charlie)
    response = client.post(
        reverse("profiles:edit"),
        {
            "skills": ["sql", "figma"],
            "remote_preference": "any",
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert set(get_or_create_profile(charlie).skills.values_list("slug", flat=True)) == {"sql", "figma"}
    body = client.get(reverse("profiles:edit")).content.decode()
    checked = re.findall(r'name="skills" value="([^"]+)" id="[^"]+" checked', body)
    assert sorted(checked) == ["figma", "sql"]


def test_an_unknown_skill_is_refused_with_a_message(client):
    response = client.get(reverse("projects:search"), {"skills": "underwater-basket-weaving"})
    assert response.status_code in (200, 400)
    assert "is not one of the available choices" in response.content.decode()
