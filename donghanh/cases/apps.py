from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "donghanh.cases"
    label = "cases"

    def ready(self) -> None:
        from donghanh.audit.ports import register_case_number_lookup
        from donghanh.cases.registry import register_case_page_own_sections
        from donghanh.cases.selectors import case_id_numbered, person_page_cases, person_visibility
        from donghanh.people.registry import PERSON_PAGE, register_person_visibility

        # Who sees a person follows who sees their cases; the person page lists their cases.
        register_person_visibility(person_visibility)
        PERSON_PAGE.register(
            "cases", template="cases/includes/person_cases.html", order=20, data=person_page_cases
        )
        register_case_page_own_sections()
        # The audit log finds a case's rows by its number.
        register_case_number_lookup(case_id_numbered)
