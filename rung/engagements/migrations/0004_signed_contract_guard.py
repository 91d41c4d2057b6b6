from django.db import migrations

from rung.lib.db import postgresql_only

# What both sides signed never changes, whoever tries: the model refuses, and on PostgreSQL so does
# the database (raw SQL, the shell, a future mistake).
FORWARDS = """
CREATE OR REPLACE FUNCTION engagements_contract_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN ('signed', 'superseded') THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'signed contracts cannot be deleted' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.text IS DISTINCT FROM OLD.text
           OR NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256
           OR NEW.terms IS DISTINCT FROM OLD.terms
           OR NEW.version IS DISTINCT FROM OLD.version
           OR NEW.template_version IS DISTINCT FROM OLD.template_version
           OR NEW.engagement_id IS DISTINCT FROM OLD.engagement_id
           OR NEW.status NOT IN ('signed', 'superseded') THEN
            RAISE EXCEPTION 'signed contracts cannot be changed' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER engagements_contract_frozen BEFORE UPDATE OR DELETE ON engagements_contract
FOR EACH ROW EXECUTE FUNCTION engagements_contract_frozen();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS engagements_contract_frozen ON engagements_contract;
DROP FUNCTION IF EXISTS engagements_contract_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("engagements", "0003_terms_in_force")]

    operations = [postgresql_only(FORWARDS, BACKWARDS)]
