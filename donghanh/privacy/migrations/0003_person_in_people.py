"""Requests and de-identifications point at `people.Person` (same column, same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("privacy", "0002_seed_public_holidays"),
    ]

    operations = [
        # The column and its foreign key are unchanged: the table they point at was renamed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="datasubjectrequest",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="data_subject_requests",
                        to="people.person",
                        verbose_name="person",
                    ),
                ),
                migrations.AlterField(
                    model_name="persondeidentification",
                    name="person",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deidentification",
                        to="people.person",
                        verbose_name="person",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
