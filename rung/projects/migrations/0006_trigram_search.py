"""Typo-tolerant search on PostgreSQL: the pg_trgm extension and a trigram index on titles.

SQLite has neither; its search falls back to substring matching and a close-match suggestion
computed in Python (see rung/projects/selectors.py).
"""

from django.db import migrations

from rung.lib.db import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_alter_projectevent_from_status_and_more")]

    operations = [
        postgresql_only("CREATE EXTENSION IF NOT EXISTS pg_trgm;", "SELECT 1;"),
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS projects_title_trgm ON projects_project USING gin (lower(title) gin_trgm_ops);",
            "DROP INDEX IF EXISTS projects_title_trgm;",
        ),
    ]
