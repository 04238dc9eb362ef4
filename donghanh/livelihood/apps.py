from django.apps import AppConfig


class LivelihoodConfig(AppConfig):
    name = "donghanh.livelihood"
    label = "livelihood"
    verbose_name = "Livelihood and reintegration"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE, register_due_dates
        from donghanh.livelihood.exporters import register_livelihood_exporter
        from donghanh.livelihood.plans.selectors import (
            CASE_PAGE_READS,
            case_section,
            review_due,
        )

        register_livelihood_exporter()
        # Her livelihood plan and reintegration scores on the case page, after case work.
        CASE_PAGE.register(
            "livelihood",
            template="livelihood/case_section.html",
            order=25,
            data=case_section,
            reads=CASE_PAGE_READS,
        )
        # Her 6- and 12-month reintegration reviews fall due on the caseload.
        register_due_dates("livelihood_reviews", review_due)
