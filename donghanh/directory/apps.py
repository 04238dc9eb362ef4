from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "donghanh.directory"
    label = "directory"
