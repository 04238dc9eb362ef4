from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "donghanh.privacy"
    label = "privacy"
