"""A case's person is now a `people.Person` (same column, same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_people_tables"),
        ("people", "0001_initial"),
    ]

    operations = [
        # The column and its foreign key are unchanged: the table they point at was renamed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="people.person",
                        verbose_name="person",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
