from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rung.projects.library import seed_template_catalogue

    seed_template_catalogue(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_trigram_search"), ("profiles", "0002_seed_skills")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
