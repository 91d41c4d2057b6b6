from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_search_index")]

    operations = [append_only_guard("projects_projectevent")]
