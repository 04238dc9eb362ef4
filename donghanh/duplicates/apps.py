from typing import Any

from django.apps import AppConfig


def _person_note(membership: Any, person: Any) -> dict[str, Any]:
    from donghanh.duplicates.selectors import merge_note

    return merge_note(membership, person.pk)


def _case_note(membership: Any, case: Any, rows: dict[str, Any] | None = None) -> dict[str, Any]:
    from donghanh.duplicates.selectors import merge_note

    return merge_note(membership, case.person_id, None if rows is None else rows["merges"])


class DuplicatesConfig(AppConfig):
    name = "donghanh.duplicates"
    label = "duplicates"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE
        from donghanh.duplicates.hints import RegistrationMatcher
        from donghanh.duplicates.selectors import CASE_PAGE_READS
        from donghanh.people.registry import PERSON_PAGE, register_duplicate_matcher

        # Registration hints weigh near names, dates, places and phones with the matcher.
        register_duplicate_matcher(RegistrationMatcher())
        # The record kept by a merge says which records were merged into it, and when, with a
        # link to the merge (where it can be undone) for those who may see merges.
        PERSON_PAGE.register(
            "duplicates-merged-from",
            template="duplicates/merged_from_note.html",
            order=1,
            data=_person_note,
        )
        CASE_PAGE.register(
            "duplicates-merged-from",
            template="duplicates/merged_from_note.html",
            order=1,
            data=_case_note,
            reads=CASE_PAGE_READS,
        )
