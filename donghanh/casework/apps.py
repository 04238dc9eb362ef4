from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"

    def ready(self) -> None:
        from donghanh.casework.exporters import register_casework_exporter

        register_casework_exporter()
