from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "donghanh.indicators"
    label = "indicators"

    def ready(self) -> None:
        from donghanh.indicators.invalidation import connect

        connect()
