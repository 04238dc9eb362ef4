from django.apps import AppConfig


class CasefilesConfig(AppConfig):
    name = "donghanh.casefiles"
    label = "casefiles"

    def ready(self) -> None:
        from donghanh.casefiles.exporters import register_casefiles_exporter

        register_casefiles_exporter()
