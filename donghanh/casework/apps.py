from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"
