from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "donghanh.core"
    label = "core"

    def ready(self) -> None:
        from donghanh.core.database_roles import check_platform_role

        # Asks the database what the platform's role may do: only with --deploy --database.
        checks.register(check_platform_role, checks.Tags.database, deploy=True)
