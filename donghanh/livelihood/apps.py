from django.apps import AppConfig


class LivelihoodConfig(AppConfig):
    name = "donghanh.livelihood"
    label = "livelihood"
    verbose_name = "Livelihood and reintegration"

    def ready(self) -> None:
        from donghanh.livelihood.exporters import register_livelihood_exporter

        register_livelihood_exporter()
