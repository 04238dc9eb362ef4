from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "donghanh.indicators"
    label = "indicators"

    def ready(self) -> None:
        from django.core import checks

        from donghanh.core.records import register_listener
        from donghanh.indicators.checks import check_listening
        from donghanh.indicators.listener import on_record_change

        # Every write of a record the figures count reaches them through this listener.
        register_listener(on_record_change)
        checks.register(check_listening)
