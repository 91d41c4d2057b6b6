from django.db import migrations

from rung.lib.db import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    # A signed credential and its revocation are records: never changed, never deleted.
    operations = [
        append_only_guard("credentials_issuedcredential"),
        append_only_guard("credentials_revocation"),
    ]
