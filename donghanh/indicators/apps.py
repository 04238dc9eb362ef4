from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "donghanh.indicators"
    label = "indicators"
