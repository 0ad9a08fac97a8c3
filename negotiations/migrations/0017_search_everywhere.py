"""Search everything an analyst reads, accent-insensitively, on PostgreSQL.

- `unaccent` and `pg_trgm` (the "did you mean" suggestions) are installed;
- a text-search configuration `redline` is `simple` with `unaccent` in front, so
  "Turkiye" finds "Türkiye" and the other way round (see negotiations/search.py on why
  `simple`);
- the stored search vectors of migration 0004 are rebuilt with it, and citations
  (excerpt, locator), issues (title, aliases, description) and parties (name, short
  name, aliases, description) get one too. Issues and parties also get `name_vector`:
  what names them (an issue's aliases; a party's name, short name and aliases), which
  brings along everything on the issue or party.

Vectors are generated columns: computed once per write, indexed with GIN. SQLite has
no equivalent; search there falls back to plain matching (negotiations/search.py).
"""

import importlib

import django.contrib.postgres.operations
from django.db import migrations

CONFIG = "redline"

# table: {column: [(field, weight), …]}; weight A ranks above B.
VECTORS = {
    "negotiations_position": {"search_vector": [("summary", "A"), ("quote", "B")]},
    "negotiations_provision": {"search_vector": [("text", "A"), ("heading", "B"), ("label", "B")]},
    "negotiations_proposal": {"search_vector": [("title", "A"), ("summary", "B")]},
    "negotiations_event": {"search_vector": [("title", "A"), ("description", "B")]},
    "negotiations_source": {
        "search_vector": [("title", "A"), ("author", "B"), ("outlet", "B"), ("notes", "B")]
    },
    "negotiations_citation": {"search_vector": [("excerpt", "A"), ("locator", "B")]},
    "negotiations_issue": {
        "search_vector": [("title", "A"), ("aliases", "A"), ("description", "B")],
        "name_vector": [("aliases", "A")],
    },
    "negotiations_party": {
        "search_vector": [
            ("name", "A"),
            ("short_name", "A"),
            ("aliases", "A"),
            ("description", "B"),
        ],
        "name_vector": [("name", "A"), ("short_name", "A"), ("aliases", "A")],
    },
}
# The tables that had a `simple` vector before (migration 0004), to restore on reverse.
OLD = importlib.import_module("negotiations.migrations.0004_search_vectors")


def vector_sql(columns, config=CONFIG):
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, coalesce({name}, '')), '{weight}')"
        for name, weight in columns
    )


def add_column(schema_editor, table, column, sql):
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({sql}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {table}_{column}_idx ON {table} USING gin ({column})")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The configuration may survive a reverse migration's DROP in another schema; make
    # it only when missing (CREATE TEXT SEARCH CONFIGURATION has no IF NOT EXISTS).
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        exists = cursor.fetchone()
    if not exists:
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
        # Only words with letters outside ASCII can carry accents.
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            "ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple"
        )
    for table in OLD.SEARCHED:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
    for table, columns in VECTORS.items():
        for column, fields in columns.items():
            add_column(schema_editor, table, column, vector_sql(fields))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in VECTORS.items():
        for column in columns:
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for table, fields in OLD.SEARCHED.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({OLD.vector_sql(fields)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_vector)"
        )
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0016_aliases")]

    operations = [
        django.contrib.postgres.operations.UnaccentExtension(),
        django.contrib.postgres.operations.TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
