from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("showcase", "0002_licensing")]

    operations = [
        append_only_guard("showcase_playbook"),
        append_only_guard("showcase_consentevent"),
        append_only_guard("showcase_itemevent"),
        append_only_guard("showcase_curationcheck"),
        append_only_guard("showcase_curationrecord"),
        append_only_guard("showcase_moderationevent"),
        append_only_guard("showcase_offerevent"),
        append_only_guard("showcase_licencepurchase"),
    ]
