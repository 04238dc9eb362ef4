from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    """Field work without a connection: the installable offline app, its devices and its sync."""

    name = "donghanh.fieldwork"
    label = "fieldwork"
