"""People leave this app's state: `people` holds them now, and every foreign key to a person
points at `people.Person` (this migration waits for each app's switch)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_person_in_people"),
        ("indicators", "0005_person_in_people"),
        ("privacy", "0003_person_in_people"),
        ("programmes", "0002_person_in_people"),
    ]

    operations = [
        # The tables are `people`'s now: only the state changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Consent"),
                migrations.DeleteModel(name="Guardian"),
                migrations.DeleteModel(name="PersonNameToken"),
                migrations.DeleteModel(name="Person"),
            ],
            database_operations=[],
        ),
    ]
