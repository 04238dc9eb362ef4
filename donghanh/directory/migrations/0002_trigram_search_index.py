"""On PostgreSQL, a trigram index on the folded search text.

Provider search matches the start of any word with `folded_text LIKE '% word%'`; without an index
that reads every provider. pg_trgm is a trusted extension (PostgreSQL 13 and later), so the
database owner may create it. SQLite has no such index and needs none at its scale.
"""

from django.db import migrations

INDEX = "directory_provider_text_trgm"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_provider "
            "USING gin (folded_text gin_trgm_ops)"
        )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_providers")]

    operations = [migrations.RunPython(forward, backward)]
