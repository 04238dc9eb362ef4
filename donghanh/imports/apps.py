from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "donghanh.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        # Each kind of record that can be imported registers itself when its module is read.
        from donghanh.imports.kinds import load  # noqa: F401
