"""People move to the `people` app: their tables first take that app's names.

The models stay in this app's state until `people.0001_initial` has taken them over (without
touching the database) and every foreign key to them points at `people.Person`; then
`0011_people_moved_out` removes them from here. Renaming keeps every row, index, constraint and
foreign key (the database follows a renamed table).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_province_filter_indexes")]

    operations = [
        migrations.AlterModelTable(name="person", table="people_person"),
        migrations.AlterModelTable(name="personnametoken", table="people_personnametoken"),
        migrations.AlterModelTable(name="guardian", table="people_guardian"),
        migrations.AlterModelTable(name="consent", table="people_consent"),
    ]
