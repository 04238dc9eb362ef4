from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "donghanh.demo"
    label = "demo"
