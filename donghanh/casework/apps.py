from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "donghanh.casework"
    label = "casework"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE, register_closure_check, register_due_dates
        from donghanh.casework.duedates import actions_due, follow_ups_due
        from donghanh.casework.exporters import register_casework_exporter
        from donghanh.casework.selectors import (
            CASE_WORK_READS,
            case_section,
            unfinished_case_work,
        )

        register_casework_exporter()
        # Needs, plan, services, follow-ups and shelter stays on the case page.
        CASE_PAGE.register(
            "casework",
            template="casework/case_section.html",
            order=20,
            data=case_section,
            reads=CASE_WORK_READS,
        )
        # A case does not close with the person still in a shelter or a visit still to make.
        register_closure_check("casework", unfinished_case_work)
        # Open plan actions and pending follow-ups make the case's next due date.
        register_due_dates("casework_actions", actions_due)
        register_due_dates("casework_follow_ups", follow_ups_due)
