from django.conf import settings
from django.db import migrations, models


def number_assessments(apps, schema_editor):
    """Number each case's assessments in the order they were recorded, 1 for the first."""
    NeedsAssessment = apps.get_model("casework", "NeedsAssessment")
    numbers: dict[int, int] = {}
    for assessment in NeedsAssessment.objects.order_by("case_id", "id").only("id", "case_id"):
        numbers[assessment.case_id] = numbers.get(assessment.case_id, 0) + 1
        NeedsAssessment.objects.filter(pk=assessment.pk).update(version=numbers[assessment.case_id])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_people_moved_out"),
        ("casework", "0005_follow_up_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="needsassessment",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.RunPython(number_assessments, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="needsassessment",
            constraint=models.UniqueConstraint(
                fields=("case", "version"), name="needs_assessment_version_once"
            ),
        ),
    ]
