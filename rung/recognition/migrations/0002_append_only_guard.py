from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_initial")]

    operations = [append_only_guard("recognition_endorsementevent"), append_only_guard("recognition_roundevent")]
