from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("engagements", "0001_initial")]

    operations = [
        append_only_guard("engagements_signature"),
        append_only_guard("engagements_engagementevent"),
    ]
