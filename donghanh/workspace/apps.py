from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "donghanh.workspace"
    label = "workspace"
