"""Typed audit events: the event's code and the numbers its label is filled with.

SQLite adds a NOT NULL column by rebuilding the table, which drops the trigger that keeps the
log append-only; it is created again right after. PostgreSQL adds the columns in place.
"""

from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit log entries cannot be changed or deleted');
END;
"""


def keep_append_only(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_keep_audit_rows_when_actor_is_deleted"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="event details"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="event",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="event"),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
