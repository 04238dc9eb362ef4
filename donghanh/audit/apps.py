from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "donghanh.audit"
    label = "audit"

    def ready(self) -> None:
        from donghanh.audit.events import discover_events
        from donghanh.audit.models import AuditEntry
        from donghanh.core.database_roles import register_append_only_table

        # Every app's events, so that each stored code can be shown in the reader's language.
        discover_events()
        # The platform's database role may read and add audit rows, never change or remove them.
        register_append_only_table(AuditEntry._meta.db_table)
