from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "donghanh.audit"
    label = "audit"

    def ready(self) -> None:
        from donghanh.audit.events import discover_events

        # Every app's events, so that each stored code can be shown in the reader's language.
        discover_events()
