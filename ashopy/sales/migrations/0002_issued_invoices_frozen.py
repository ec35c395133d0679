"""On PostgreSQL the database itself keeps an issued invoice (or credit note) as it was issued: it
refuses to delete it, to change anything on it but what was paid and when it was sent (and its PDF,
stored once after the number is taken), and to add, change or remove its lines. Its payments and events are append-only."""

from django.db import migrations

from ashopy.core.migration_operations import postgresql_only

FORWARD = """
CREATE OR REPLACE FUNCTION sales_invoice_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD.state = 'issued' AND (TG_OP = 'DELETE' OR
      (to_jsonb(NEW) - 'amount_paid' - 'payment_state' - 'sent_at'
         - CASE WHEN OLD.pdf = '' THEN ARRAY['pdf', 'pdf_sha256'] ELSE ARRAY[]::text[] END)
        IS DISTINCT FROM (to_jsonb(OLD) - 'amount_paid' - 'payment_state' - 'sent_at'
         - CASE WHEN OLD.pdf = '' THEN ARRAY['pdf', 'pdf_sha256'] ELSE ARRAY[]::text[] END)) THEN
    RAISE EXCEPTION USING MESSAGE = 'invoice ' || OLD.number || ' is issued: ' || TG_OP || ' refused',
                          ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS sales_invoice_frozen ON sales_invoice;
CREATE TRIGGER sales_invoice_frozen BEFORE UPDATE OR DELETE ON sales_invoice
  FOR EACH ROW EXECUTE FUNCTION sales_invoice_frozen();

CREATE OR REPLACE FUNCTION sales_invoice_line_frozen() RETURNS trigger AS $$
DECLARE
  invoice_ids integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN invoice_ids := ARRAY[NEW.invoice_id];
  ELSIF TG_OP = 'DELETE' THEN invoice_ids := ARRAY[OLD.invoice_id];
  ELSE invoice_ids := ARRAY[OLD.invoice_id, NEW.invoice_id];
  END IF;
  IF EXISTS (SELECT 1 FROM sales_invoice WHERE id = ANY(invoice_ids) AND state = 'issued') THEN
    RAISE EXCEPTION USING MESSAGE = 'the lines of an issued invoice never change: ' || TG_OP || ' refused',
                          ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS sales_invoice_line_frozen ON sales_invoiceline;
CREATE TRIGGER sales_invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON sales_invoiceline
  FOR EACH ROW EXECUTE FUNCTION sales_invoice_line_frozen();

CREATE OR REPLACE FUNCTION sales_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
                        ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS sales_invoicepayment_append_only ON sales_invoicepayment;
CREATE TRIGGER sales_invoicepayment_append_only BEFORE UPDATE OR DELETE ON sales_invoicepayment
  FOR EACH ROW EXECUTE FUNCTION sales_append_only();
DROP TRIGGER IF EXISTS sales_invoiceevent_append_only ON sales_invoiceevent;
CREATE TRIGGER sales_invoiceevent_append_only BEFORE UPDATE OR DELETE ON sales_invoiceevent
  FOR EACH ROW EXECUTE FUNCTION sales_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS sales_invoice_frozen ON sales_invoice;
DROP TRIGGER IF EXISTS sales_invoice_line_frozen ON sales_invoiceline;
DROP TRIGGER IF EXISTS sales_invoicepayment_append_only ON sales_invoicepayment;
DROP TRIGGER IF EXISTS sales_invoiceevent_append_only ON sales_invoiceevent;
DROP FUNCTION IF EXISTS sales_invoice_frozen();
DROP FUNCTION IF EXISTS sales_invoice_line_frozen();
DROP FUNCTION IF EXISTS sales_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
