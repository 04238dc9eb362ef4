"""Each person's cases with what a caseload's filters, visibility rule and order read of them,
from the index alone (`selectors._by_pairs`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_status_type_index_newest_first"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["person"],
                include=(
                    "id",
                    "organisation",
                    "status",
                    "case_type",
                    "is_restricted",
                    "updated_at",
                    "next_due_on",
                ),
                name="case_person_listed",
            ),
        ),
    ]
