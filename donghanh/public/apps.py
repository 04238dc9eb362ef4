from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "donghanh.public"
    label = "public"
