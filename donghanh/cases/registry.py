"""What apps above `cases` tell it at start-up, so that `cases` never imports them.

- **What the case page shows** (`donghanh.core.sections`).
- **What must be finished before the case closes** (`CLOSURE_CHECKS`): each app that keeps
  work on a case (a shelter stay, a follow-up, a referral) registers a check that names what of
  its work is still open; closing the case, and approving its closure, is refused while any
  check names something.
- **What falls due on a case** (`DUE_DATES`): each app that keeps dated work on a case (plan
  actions and follow-ups, reintegration reviews) registers the earliest date of its pending
  work; `donghanh.cases.duedates` keeps `Case.next_due_on` the earliest of them all.

Order of the case page's sections after the case's own details: referrals 10 (referrals app),
case work 20 (casework app), the case's history 30 (this app), documents and photos 40
(attachments app). A section's template sees the page's context (`case`, `organisation`,
`can_edit`, ...); their data functions, if any, receive the member's membership and the case,
and the rows of the section's reads: a section names its reads (`reads=`, compiled reads by the
keys of `cases.selectors.case_page_keys`: case_id, organisation_id, person_id, legal_regime,
support_group), and the page runs them all, with its own, as one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from donghanh.core.sections import PageSections

if TYPE_CHECKING:
    from donghanh.cases.models import Case

CASE_PAGE = PageSections("case page")

HISTORY_ORDER = 30


def register_case_page_own_sections() -> None:
    CASE_PAGE.register(
        "history", template="cases/includes/history_section.html", order=HISTORY_ORDER
    )


# A check of one app: the case's work of that app still open, each a translated sentence
# saying what to finish (empty when nothing is left).
ClosureCheck = Callable[["Case"], list[str]]

CLOSURE_CHECKS: dict[str, ClosureCheck] = {}


def register_closure_check(key: str, check: ClosureCheck) -> None:
    """Register (or register again, at a second start-up) the closure check named `key`."""
    CLOSURE_CHECKS[key] = check


def unfinished_work(case: Case) -> list[str]:
    """What must be finished before the case may close, in the order the checks were named."""
    return [item for key in sorted(CLOSURE_CHECKS) for item in CLOSURE_CHECKS[key](case)]


# The earliest due date of one app's pending work on the case, as a subquery over the case's
# rows correlated with `OuterRef("pk")` (a case), or NULL when nothing of it is pending.
DueDate = Callable[[], Any]

DUE_DATES: dict[str, DueDate] = {}


def register_due_dates(key: str, due: DueDate) -> None:
    """Register (or register again, at a second start-up) the due dates named `key`."""
    DUE_DATES[key] = due
