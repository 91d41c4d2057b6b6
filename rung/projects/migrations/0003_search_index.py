from django.db import migrations

from rung.lib.db import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_rubric_library")]

    operations = [
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS projects_search_gin ON projects_project USING gin (search_vector);",
            "DROP INDEX IF EXISTS projects_search_gin;",
        ),
    ]
