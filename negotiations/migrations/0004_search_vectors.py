"""Full-text search columns and indexes, on PostgreSQL only.

Ranking a search must read each matching row's tsvector; computing to_tsvector for
every row at query time took 14 s for one common word at size L. A stored generated
column is computed once per write, and a GIN index over it finds the matches.
The `simple` configuration: see negotiations/search.py. SQLite has no equivalent;
search there falls back to plain matching.
"""

from django.db import migrations

# table: [(column, weight), …]; the first column ranks higher (weight A).
SEARCHED = {
    "negotiations_position": [("summary", "A"), ("quote", "B")],
    "negotiations_provision": [("text", "A"), ("heading", "B"), ("label", "B")],
    "negotiations_proposal": [("title", "A"), ("summary", "B")],
    "negotiations_event": [("title", "A"), ("description", "B")],
    "negotiations_source": [
        ("title", "A"),
        ("author", "B"),
        ("outlet", "B"),
        ("notes", "B"),
    ],
}


def vector_sql(columns):
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, coalesce({name}, '')), '{weight}')"
        for name, weight in columns
    )


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector_sql(columns)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_vector)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0003_citation_target_indexes")]

    operations = [migrations.RunPython(add, remove)]
