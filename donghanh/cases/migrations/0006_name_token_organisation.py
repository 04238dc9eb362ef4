import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organisation(apps, schema_editor):
    """Each token takes its person's organisation."""
    Person = apps.get_model("cases", "Person")
    PersonNameToken = apps.get_model("cases", "PersonNameToken")
    PersonNameToken.objects.update(
        organisation_id=Subquery(
            Person.objects.filter(pk=OuterRef("person_id")).values("organisation_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_org_visible_index"),
        ("organisations", "0002_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="personnametoken",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="personnametoken",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.RemoveIndex(model_name="personnametoken", name="person_token_lookup"),
        migrations.AddIndex(
            model_name="personnametoken",
            index=models.Index(
                fields=["organisation", "token_index", "person"], name="person_token_org_lookup"
            ),
        ),
    ]
