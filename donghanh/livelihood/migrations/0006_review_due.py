"""The next 6- or 12-month review of each woman assessed at intake, on her intake assessment,
and the case's next due date moved to it when it comes first (the caseload's "overdue")."""

import calendar

from django.db import migrations, models

# Months after the intake assessment (plans.models.POINT_MONTHS, as of this migration).
POINT_MONTHS = {"month_6": 6, "month_12": 12}


def _add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def backfill(apps, schema_editor):  # noqa: ARG001
    assessment_model = apps.get_model("livelihood", "ReintegrationAssessment")
    case_model = apps.get_model("cases", "Case")
    done = {}
    for case_id, point in assessment_model.objects.values_list("case_id", "point"):
        done.setdefault(case_id, set()).add(point)
    for intake in assessment_model.objects.filter(point="intake").order_by("pk"):
        due = [
            _add_months(intake.assessed_on, months)
            for point, months in POINT_MONTHS.items()
            if point not in done.get(intake.case_id, set())
        ]
        if not due:
            continue
        intake.next_review_on = min(due)
        intake.save(update_fields=["next_review_on"])
        case = case_model.objects.get(pk=intake.case_id)
        if case.next_due_on is None or intake.next_review_on < case.next_due_on:
            case.next_due_on = intake.next_review_on
            case.save(update_fields=["next_due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_people_moved_out"),
        ("livelihood", "0005_plan_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="reintegrationassessment",
            name="next_review_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
