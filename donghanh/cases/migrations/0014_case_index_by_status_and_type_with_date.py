from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_index_by_status_and_type"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_org_status_type",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "status", "case_type"],
                include=("id", "person", "is_restricted", "updated_at"),
                name="case_org_status_type_recent",
            ),
        ),
    ]
