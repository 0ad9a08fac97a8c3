"""Sources' stored texts (0022) are searched on PostgreSQL too: the sources' generated
search vector is rebuilt with the text at the lowest weight. Only the first 200,000
characters count, so that no text can reach PostgreSQL's 1 MB limit on a tsvector."""

import importlib

from django.db import migrations

SEARCH = importlib.import_module("negotiations.migrations.0017_search_everywhere")
TABLE = "negotiations_source"
FIELDS = SEARCH.VECTORS[TABLE]["search_vector"]
TEXT = (
    f"setweight(to_tsvector('{SEARCH.CONFIG}'::regconfig, left(coalesce(text, ''), 200000)), 'C')"
)


def rebuild(schema_editor, sql):
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN search_vector")
    SEARCH.add_column(schema_editor, TABLE, "search_vector", sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor, f"{SEARCH.vector_sql(FIELDS)} || {TEXT}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor, SEARCH.vector_sql(FIELDS))


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0024_provision_issues")]

    operations = [migrations.RunPython(forwards, backwards)]
