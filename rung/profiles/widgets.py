"""The skills picker: grouped checkboxes that work without JavaScript, filtered by typing when it runs.

It replaces Django's CheckboxSelectMultiple for the skill vocabulary. Besides grouping, it renders
every option in one template loop: the stock widget renders two sub-templates per checkbox, which
made the three dozen skills the most expensive part of the search page.
"""

from typing import Any

from django import forms

from rung.profiles.models import Skill

Choices = list[tuple[str, list[tuple[str, str]]]]


def skill_choices() -> Choices:
    """The curated vocabulary as grouped choices, [(category, [(slug, name), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for slug, name, category in (
        Skill.objects.filter(curated=True).order_by("category", "name").values_list("slug", "name", "category")
    ):
        groups.setdefault(category or "Other", []).append((slug, name))
    return list(groups.items())


class SkillPicker(forms.CheckboxSelectMultiple):
    template_name = "profiles/widgets/skill_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = {str(v) for v in (value or [])}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        groups: list[dict[str, Any]] = []
        index = 0
        for group_name, options in self._grouped():
            items = []
            for slug, label in options:
                items.append(
                    {"value": slug, "label": label, "id": f"{base_id}_{index}", "checked": str(slug) in selected}
                )
                index += 1
            groups.append({"name": group_name, "id": f"{base_id}_group_{len(groups)}", "options": items})
        context["widget"].update(groups=groups, base_id=base_id, count=index)
        return context

    def _grouped(self) -> Choices:
        grouped: Choices = []
        loose: list[tuple[str, str]] = []
        for value, label in self.choices:
            if isinstance(label, list | tuple):
                grouped.append((str(value), [(str(v), str(lab)) for v, lab in label]))
            else:
                loose.append((str(value), str(label)))
        return grouped + ([("Skills", loose)] if loose else [])

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return ""  # the field's <legend> names the group; each checkbox has its own label
