"""Every ledger entry says the day the money changed hands, so that measures can be worked out
as of any day: the meeting's day, or the day a member left (an entry made outside a meeting)."""

from django.db import migrations, models


def fill_days(apps, schema_editor):
    LedgerEntry = apps.get_model("livelihood", "LedgerEntry")
    GroupMember = apps.get_model("livelihood", "GroupMember")
    left = dict(GroupMember.objects.exclude(left_on=None).values_list("pk", "left_on"))
    for entry in LedgerEntry.objects.select_related("meeting").filter(moved_on=None):
        if entry.meeting_id is not None:
            entry.moved_on = entry.meeting.held_on
        else:
            entry.moved_on = left.get(entry.member_id) or entry.recorded_at.date()
        entry.save(update_fields=["moved_on"])


class Migration(migrations.Migration):
    dependencies = [("livelihood", "0001_savings_groups")]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="moved_on",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(fill_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ledgerentry",
            name="moved_on",
            field=models.DateField(verbose_name="date"),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["loan", "moved_on"], name="ledger_loan_day"),
        ),
    ]
