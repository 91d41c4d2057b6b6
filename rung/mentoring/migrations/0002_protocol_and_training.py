from django.db import migrations

from rung.mentoring.library import seed


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
