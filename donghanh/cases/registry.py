"""What apps above `cases` show on the case page, registered at start-up so that `cases`
never imports them (`donghanh.core.sections`).

Order of the case page's sections after the case's own details: referrals 10 (referrals app),
case work 20 (casework app), the case's history 30 (this app), documents and photos 40
(attachments app). A section's template sees the page's context (`case`, `organisation`,
`can_edit`, ...); their data functions, if any, receive the member's membership and the case.
"""

from __future__ import annotations

from donghanh.core.sections import PageSections

CASE_PAGE = PageSections("case page")

HISTORY_ORDER = 30


def register_case_page_own_sections() -> None:
    CASE_PAGE.register(
        "history", template="cases/includes/history_section.html", order=HISTORY_ORDER
    )
