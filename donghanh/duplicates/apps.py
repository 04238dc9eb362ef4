from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "donghanh.duplicates"
    label = "duplicates"
