"""Cases whose identification concluded while their type still read "undergoing
identification" take the type that follows from the decision, as `cases.services.case_update`
now gives it: a victim identified is a trafficking victim, a person found not to be one an
at-risk or returned migrant. Each such case moves on one version, so that an edit form opened
before is refused rather than writing the old type back."""

from typing import Any

from django.db import migrations
from django.db.models import F

TYPE_AFTER_IDENTIFICATION = {
    "identified_victim": "trafficking_victim",
    "not_a_victim": "migrant_at_risk",
}


def correct_case_types(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    for status, case_type in TYPE_AFTER_IDENTIFICATION.items():
        Case.objects.filter(
            case_type="undergoing_identification", identification_status=status
        ).update(case_type=case_type, version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_people_moved_out")]

    operations = [
        migrations.RunPython(correct_case_types, migrations.RunPython.noop, elidable=True),
    ]
