from django.db import migrations, models
from django.db.models import Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least


def fill_next_due_on(apps, schema_editor):
    """Each case's earliest open action due date or pending follow-up date."""
    Case = apps.get_model("cases", "Case")
    PlanAction = apps.get_model("casework", "PlanAction")
    FollowUp = apps.get_model("casework", "FollowUp")
    action = Subquery(
        PlanAction.objects.filter(
            goal__plan__case_id=OuterRef("pk"), status="open", due_on__isnull=False
        )
        .order_by()
        .values("goal__plan__case_id")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    follow_up = Subquery(
        FollowUp.objects.filter(case_id=OuterRef("pk"), done_on__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(first=Min("planned_on"))
        .values("first")
    )
    Case.objects.update(next_due_on=Least(Coalesce(action, follow_up), Coalesce(follow_up, action)))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_name_token_organisation"),
        ("casework", "0002_project_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_next_due_on, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=Q(next_due_on__isnull=False),
                fields=["organisation", "next_due_on"],
                name="case_org_next_due",
            ),
        ),
    ]
