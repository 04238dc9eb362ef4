from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "donghanh.api"
    label = "api"
