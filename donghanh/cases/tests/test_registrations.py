"""What the cases app registers at start-up with the apps below it."""

from __future__ import annotations

from django.template.loader import get_template

from donghanh.cases.registry import CASE_PAGE
from donghanh.cases.selectors import person_page_cases, person_visibility
from donghanh.people.registry import PERSON_PAGE, person_visibility_rule


def test_who_sees_a_person_follows_who_sees_their_cases():
    assert person_visibility_rule() is person_visibility


def test_the_person_page_lists_the_persons_cases_before_their_guardians():
    sections = {section.key: section for section in PERSON_PAGE.sections()}
    assert sections["cases"].data is person_page_cases
    # The note of records merged into this one (duplicates app) comes first, then the cases.
    assert PERSON_PAGE.keys()[:4] == ["duplicates-merged-from", "cases", "guardians", "consents"]
    # The link to the person's data requests (privacy app) comes last.
    assert PERSON_PAGE.keys()[-1] == "privacy-requests"


def test_the_case_page_shows_the_sections_of_the_apps_above_in_their_order():
    assert CASE_PAGE.keys() == [
        "duplicates-merged-from",
        "referrals",
        "casework",
        "livelihood",
        "history",
        "attachments",
    ]
    for section in CASE_PAGE.sections():
        get_template(section.template)
