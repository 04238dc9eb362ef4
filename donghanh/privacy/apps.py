from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "donghanh.privacy"
    label = "privacy"

    def ready(self) -> None:
        from donghanh.privacy.builtin_exporters import register_builtin_exporters

        register_builtin_exporters()
