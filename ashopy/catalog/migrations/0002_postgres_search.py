"""PostgreSQL full-text search (French, accent-insensitive) and trigram similarity.

Only on PostgreSQL: SQLite searches with a plain icontains on `search_text`.
A trigger keeps `search_vector` current on every insert and update, bulk ones included.
"""

from django.db import migrations

from ashopy.core.migration_operations import postgresql_only

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION catalog_product_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
      setweight(to_tsvector('french_unaccent', coalesce(NEW.name, '')), 'A')
   || setweight(to_tsvector('french_unaccent', coalesce(NEW.search_text, '')), 'B')
   || setweight(to_tsvector('french_unaccent', coalesce(NEW.short_description, '')), 'C')
   || setweight(to_tsvector('french_unaccent', left(coalesce(NEW.description, ''), 20000)), 'D');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS catalog_product_search_vector ON catalog_product;
CREATE TRIGGER catalog_product_search_vector BEFORE INSERT OR UPDATE OF name, search_text, short_description, description
  ON catalog_product FOR EACH ROW EXECUTE FUNCTION catalog_product_search_vector();
CREATE INDEX IF NOT EXISTS catalog_product_search_vector_gin ON catalog_product USING gin (search_vector);
CREATE INDEX IF NOT EXISTS catalog_product_search_text_trgm ON catalog_product USING gin (search_text gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS catalog_product_search_text_trgm;
DROP INDEX IF EXISTS catalog_product_search_vector_gin;
DROP TRIGGER IF EXISTS catalog_product_search_vector ON catalog_product;
DROP FUNCTION IF EXISTS catalog_product_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [postgresql_only(FORWARD, BACKWARD)]
