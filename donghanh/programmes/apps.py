from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "donghanh.programmes"
    label = "programmes"
