from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """Code lists shared by many apps: data, not logic. Imports nothing but Django and core."""

    name = "donghanh.reference"
    label = "reference"
