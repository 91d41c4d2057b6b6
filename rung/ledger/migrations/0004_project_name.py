from typing import Any

from django.db import migrations, models


def name_known_projects(apps: Any, schema_editor: Any) -> None:
    """Titles for the projects the ledger already holds money for (once; from now on the projects
    app tells the ledger). Only this migration reads the projects table."""
    project_name = apps.get_model("ledger", "ProjectName")
    deposit = apps.get_model("ledger", "Deposit")
    project = apps.get_model("projects", "Project")
    known = set(deposit.objects.values_list("project_uuid", flat=True))
    project_name.objects.bulk_create(
        project_name(project_uuid=uuid, title=title[:200])
        for uuid, title in project.objects.filter(uuid__in=known).values_list("uuid", "title")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_payout_delay_cause"),
        ("projects", "0005_alter_projectevent_from_status_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("project_uuid", models.UUIDField(unique=True)),
                ("title", models.CharField(max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(name_known_projects, migrations.RunPython.noop),
    ]
