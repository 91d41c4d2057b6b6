"""Database-level guards that the ORM alone cannot give."""

from typing import Any

from django.db import migrations

_FUNCTION = """
CREATE OR REPLACE FUNCTION rung_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_guard(table: str) -> migrations.RunPython:
    """A migration step that makes `table` append-only on PostgreSQL: UPDATE and DELETE raise.

    The model layer already refuses; this catches raw SQL, the admin shell and future mistakes.
    SQLite keeps the model-level guard only.
    """

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_FUNCTION, None)  # None: the body has a literal % for RAISE
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION rung_refuse_change();"
        )

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return migrations.RunPython(forwards, backwards, elidable=False)


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """A migration step that runs raw SQL on PostgreSQL and does nothing elsewhere."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, None)

    return migrations.RunPython(forwards, backwards, elidable=False)
