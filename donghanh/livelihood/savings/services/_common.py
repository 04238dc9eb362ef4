"""What the savings services share: the audit row, edits checked against the stored version,
the ledger's version check, the cash count, and a meeting's lines being checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec, StaleEditError
from donghanh.core.templatetags.donghanh import vnd
from donghanh.core.text import nfc, plain_name
from donghanh.livelihood.events import LivelihoodEvent

from ..lines import member_field
from ..models import (
    Cycle,
    CycleStatus,
    SavingsGroup,
)


def _text(value: str | None) -> str:
    return nfc(value or "").strip()


def _audit(
    event: LivelihoodEvent,
    *,
    actor: Actor,
    group: SavingsGroup,
    target: Any,
    changed: Sequence[str] = (),
    **details: Any,
) -> None:
    audit_record(
        event=event,
        actor=actor,
        target=target,
        organisation=group.organisation,
        changed_fields=changed,
        details=details,
    )


_NAMES = frozenset({"name", "full_name"})


def _apply(record: Any, changes: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = plain_name(value) if name in _NAMES else _text(value)
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _locked_for_edit(
    spec: EditSpec,
    record: Any,
    *,
    expected_version: int,
    baseline: Mapping[str, str],
    changes: Mapping[str, Any],
) -> Any:
    """The record locked, checked against the version the user edited; only its editable
    fields may change."""
    current = spec.model._default_manager.select_for_update().get(pk=record.pk)
    spec.check(current, expected_version=expected_version, baseline=baseline)
    unknown = set(changes) - set(spec.fields)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    return current


def _save_edit(
    current: Any,
    changes: Mapping[str, Any],
    event: LivelihoodEvent,
    *,
    actor: Actor,
    group: SavingsGroup,
    **details: Any,
) -> None:
    """Apply the changes; when something changed, a new version and one audit row."""
    changed = _apply(current, changes)
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        _audit(event, actor=actor, group=group, target=current, changed=changed, **details)


def _refuse_stale_ledger(group: SavingsGroup, expected: int | None) -> None:
    if expected is not None and group.ledger_version != expected:
        raise StaleEditError(
            changed_fields=[],
            current_version=group.ledger_version,
            message=_(
                "Money of this group was recorded by someone else after you opened this page: "
                "nothing was saved. Open the page again to see the current balances and loans."
            ),
        )


def _open_cycle(group: SavingsGroup) -> Cycle | None:
    return Cycle.objects.filter(group=group, status=CycleStatus.OPEN).first()


@dataclass
class _Plan:
    """A meeting's lines checked against the records, ready to post."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, member_id: int, part: str, message: str) -> None:
        self.errors.setdefault(member_field(member_id, part), []).append(message)


def _check_count(group: SavingsGroup, cash_counted: int | None) -> None:
    if cash_counted is not None and cash_counted != group.cash_at_hand:
        raise ValidationError(
            {
                "cash_counted": _(
                    "The records say the box holds %(held)s (loan fund %(loan)s, social fund "
                    "%(social)s), not %(counted)s. Count again, or correct the amounts above."
                )
                % {
                    "held": vnd(group.cash_at_hand),
                    "loan": vnd(group.loan_fund_cash),
                    "social": vnd(group.social_fund_cash),
                    "counted": vnd(cash_counted),
                }
            },
            code="count_differs",
        )
