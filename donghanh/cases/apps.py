from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "donghanh.cases"
    label = "cases"
