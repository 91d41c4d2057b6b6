from django.db import migrations
from django.utils.text import slugify


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rung.profiles.vocabulary import SKILLS

    Skill = apps.get_model("profiles", "Skill")
    for category, names in SKILLS.items():
        for name in names:
            Skill.objects.update_or_create(slug=slugify(name), defaults={"name": name, "curated": True,
                                                                         "category": category})


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
