from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "donghanh.programmes"
    label = "programmes"

    def ready(self) -> None:
        from donghanh.core.key_rotation import register_key_rotation_step
        from donghanh.programmes.outreach.key_rotation import publication_files_rotation_step

        register_key_rotation_step(
            "programme publication files", publication_files_rotation_step, order=30
        )
