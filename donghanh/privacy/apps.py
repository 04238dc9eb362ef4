from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "donghanh.privacy"
    label = "privacy"

    def ready(self) -> None:
        from donghanh.people.registry import PERSON_PAGE
        from donghanh.privacy.builtin_exporters import register_builtin_exporters

        register_builtin_exporters()
        PERSON_PAGE.register(
            "privacy-requests", template="privacy/person_requests_link.html", order=90
        )
