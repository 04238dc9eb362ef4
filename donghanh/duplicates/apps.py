from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "donghanh.duplicates"
    label = "duplicates"

    def ready(self) -> None:
        from donghanh.duplicates.hints import RegistrationMatcher
        from donghanh.people.registry import register_duplicate_matcher

        # Registration hints weigh near names, dates, places and phones with the matcher.
        register_duplicate_matcher(RegistrationMatcher())
