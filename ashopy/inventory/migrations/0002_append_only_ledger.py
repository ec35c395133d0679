"""On PostgreSQL the database itself refuses to update or delete a stock movement."""

from django.db import migrations

from ashopy.core.migration_operations import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION inventory_movement_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'stock movements are append-only: ' || TG_OP || ' refused',
                        ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS inventory_movement_append_only ON inventory_stockmovement;
CREATE TRIGGER inventory_movement_append_only BEFORE UPDATE OR DELETE ON inventory_stockmovement
  FOR EACH ROW EXECUTE FUNCTION inventory_movement_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS inventory_movement_append_only ON inventory_stockmovement;
DROP FUNCTION IF EXISTS inventory_movement_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
