from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE
        from donghanh.casework.exporters import register_casework_exporter

        register_casework_exporter()
        # Needs, plan, services, follow-ups and shelter stays on the case page.
        CASE_PAGE.register("casework", template="casework/case_section.html", order=20)
