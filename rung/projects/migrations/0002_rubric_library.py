from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rung.projects.library import LEVELS, RUBRICS

    Rubric = apps.get_model("projects", "Rubric")
    Criterion = apps.get_model("projects", "RubricCriterion")
    Level = apps.get_model("projects", "RubricLevel")
    for spec in RUBRICS:
        if Rubric.objects.filter(organisation=None, name=spec["name"]).exists():
            continue
        rubric = Rubric.objects.create(name=spec["name"], description=spec["description"])
        for position, (name, weight, descriptors) in enumerate(spec["criteria"]):
            criterion = Criterion.objects.create(rubric=rubric, position=position, name=name, weight=weight)
            for (score, label), descriptor in zip(LEVELS, descriptors, strict=True):
                Level.objects.create(criterion=criterion, score=score, label=label, descriptor=descriptor)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
