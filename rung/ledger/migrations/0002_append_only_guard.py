from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        append_only_guard("ledger_account"),
        append_only_guard("ledger_ledgertransaction"),
        append_only_guard("ledger_entry"),
        append_only_guard("ledger_payoutevent"),
    ]
