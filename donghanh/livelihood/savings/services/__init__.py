"""Writes of savings and credit groups: groups, members, cycles and their constitution, the
committee, meetings with everything handed over at them, members leaving, and the share-out.

Every write is atomic, names the actor and writes one audit row in the same transaction. Money
moves only through `ledger.post`, which keeps each fund's balance equal to its entries. A
refusal the user can act on is a `ValidationError`; on a meeting it names the member's field
(`member_field`), so the meeting page shows it beside her.

The services live in a module per part of the group's life (`groups`, `members`, `cycles`,
`meetings` with `loans`, `share_out`); every public name is imported here, so callers keep
importing them from `donghanh.livelihood.savings.services`.
"""

from __future__ import annotations

from ..lines import LoanRequest, MeetingLine, member_field
from .cycles import (
    CONSTITUTION_EDITS,
    CONSTITUTION_FIELDS,
    committee_elect,
    constitution_update,
    cycle_open,
)
from .groups import (
    GROUP_EDITS,
    group_create,
    group_measures_export_record,
    group_update,
    group_view_record,
    ledger_view_record,
)
from .meetings import meeting_record
from .members import (
    MEMBER_EDITS,
    member_add,
    member_leave,
    member_link_case,
    member_unlink_case,
    member_update,
)
from .share_out import cycle_share_out

__all__ = [
    "CONSTITUTION_EDITS",
    "CONSTITUTION_FIELDS",
    "GROUP_EDITS",
    "MEMBER_EDITS",
    "LoanRequest",
    "MeetingLine",
    "committee_elect",
    "constitution_update",
    "cycle_open",
    "cycle_share_out",
    "group_create",
    "group_measures_export_record",
    "group_update",
    "group_view_record",
    "ledger_view_record",
    "meeting_record",
    "member_add",
    "member_field",
    "member_leave",
    "member_link_case",
    "member_unlink_case",
    "member_update",
]
