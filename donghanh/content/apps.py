from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "donghanh.content"
    label = "content"
