from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "donghanh.api"
    label = "api"

    def ready(self) -> None:
        # Registers the bearer scheme with drf-spectacular for the OpenAPI schema.
        from donghanh.api import authentication  # noqa: F401
