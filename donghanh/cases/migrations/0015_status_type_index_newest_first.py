from django.db import migrations, models


def _statistics(apps, schema_editor):
    """PostgreSQL's statistics of statuses and types together: a search's estimate of how
    many closed cases of one type an organisation has (`caseload_name_search_newest`) was half
    the truth when the planner took the two as independent."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS case_org_status_type_stats (mcv) "
            "ON organisation_id, status, case_type FROM cases_case"
        )
        schema_editor.execute("ANALYZE cases_case")


def _no_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS case_org_status_type_stats")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_index_by_status_and_type_with_date"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_org_recent",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "-updated_at"],
                include=("id", "person", "is_restricted", "next_due_on"),
                name="case_org_newest",
            ),
        ),
        migrations.RemoveIndex(
            model_name="case",
            name="case_org_status_type_recent",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "status", "case_type", "-updated_at"],
                include=("id", "person", "is_restricted"),
                name="case_org_status_type_newest",
            ),
        ),
        migrations.RunPython(_statistics, _no_statistics),
    ]
