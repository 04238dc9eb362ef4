"""A participant's supported person record is a `people.Person` (same column, same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("programmes", "0001_programmes"),
    ]

    operations = [
        # The column and its foreign key are unchanged: the table they point at was renamed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="participant",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.person",
                        verbose_name="supported person record",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
