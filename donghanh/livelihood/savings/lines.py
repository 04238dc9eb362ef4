"""What the meeting page hands to `services.meeting_record`: one line per member."""

from __future__ import annotations

from dataclasses import dataclass


def member_field(member_id: int, part: str) -> str:
    """The name of a member's field on the meeting form; a refusal names it."""
    return f"m{member_id}-{part}"


@dataclass(frozen=True)
class FinePaid:
    reason: str
    amount: int


@dataclass(frozen=True)
class LoanRequest:
    amount: int
    months: int
    purpose: str


@dataclass(frozen=True)
class GrantGiven:
    amount: int
    reason: str


@dataclass(frozen=True)
class MeetingLine:
    """What one member did at a meeting: whether she came, what she handed over (shares, her
    social fund contribution, a repayment, fines) and what she received (a loan, a grant)."""

    member_id: int
    attendance: str
    shares: int = 0
    social: bool = False
    repayment: int = 0
    fines: tuple[FinePaid, ...] = ()
    loan: LoanRequest | None = None
    grant: GrantGiven | None = None

    @property
    def hands_over_money(self) -> bool:
        return bool(
            self.shares or self.social or self.repayment or self.fines or self.loan or self.grant
        )
