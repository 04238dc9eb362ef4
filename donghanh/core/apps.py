from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "donghanh.core"
    label = "core"
