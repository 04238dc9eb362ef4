from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People an organisation supports, their guardians and consents (below `cases`)."""

    name = "donghanh.people"
    label = "people"

    def ready(self) -> None:
        from donghanh.core.person_export import register_subject_model
        from donghanh.people.models import Person
        from donghanh.people.registry import register_person_page_own_sections

        register_person_page_own_sections()
        register_subject_model(Person)  # a person's data export is about a Person
