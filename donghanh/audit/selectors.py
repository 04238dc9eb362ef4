from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from donghanh.audit.events import event_for_code
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.ports import membership_periods

# Events about a person's account rather than an organisation's records. They carry no
# organisation, so an organisation's log shows those of its own members.
ACCOUNT_ACTIONS = frozenset(
    {
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.LOCKED_OUT,
        AuditAction.SIGN_IN_SLOWED,
        AuditAction.LOGOUT,
        AuditAction.PASSWORD_CHANGED,
        AuditAction.PASSWORD_RESET,
        AuditAction.TWO_FACTOR_ENROLLED,
        AuditAction.TWO_FACTOR_RESET,
        AuditAction.TWO_FACTOR_FAILED,
        AuditAction.SESSION_ENDED,
        AuditAction.NOT_FOUND_PROBING,
    }
)


# Record types whose model moved to another app. Audit rows are never rewritten, so rows
# written before a move keep the old label ("cases.person"); the log names and filters them as
# the new one. Add a line here whenever a model with audited rows changes app or name.
RECORD_TYPE_ALIASES: dict[str, str] = {
    "cases.person": "people.person",
    "cases.personnametoken": "people.personnametoken",
    "cases.guardian": "people.guardian",
    "cases.consent": "people.consent",
    "casefiles.attachment": "attachments.attachment",
}


def current_record_type(target_type: str) -> str:
    """The record type as the platform names it now: "cases.person" → "people.person"."""
    return RECORD_TYPE_ALIASES.get(target_type, target_type)


def record_type_spellings(target_type: str) -> list[str]:
    """Every label rows of this record type may carry, the current one first."""
    current = current_record_type(target_type)
    return [current, *sorted(old for old, new in RECORD_TYPE_ALIASES.items() if new == current)]


def _organisation_scope(organisation_id: int) -> Q:
    """The organisation's own entries and the account events of its members while members.

    An account event (it carries no organisation) is shown only if it happened within a period
    in which its user was a member: never from before they joined nor after they left. A failed
    sign-in may name a member only by username (nobody was signed in), so account events
    without an actor match on the username. Who the members were, and when, is asked of the
    lookup organisations registers (`donghanh.audit.ports`).
    """
    own = Q(organisation_id=organisation_id)
    periods = membership_periods(organisation_id)
    if periods is None:
        return own
    during = Q()
    for queryset in periods:
        at_the_time = queryset.filter(started_at__lte=OuterRef("at")).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef("at"))
        )
        during |= Q(Exists(at_the_time.filter(user_id=OuterRef("actor_id")))) | Q(
            Q(actor__isnull=True)
            & Q(Exists(at_the_time.filter(username=OuterRef("actor_username"))))
        )
    account_events = Q(organisation__isnull=True, action__in=ACCOUNT_ACTIONS) & during
    return own | account_events


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_for_organisation(
    organisation_id: int,
    *,
    action: str = "",
    username: str = "",
    target_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    case_id: int | None = None,
) -> QuerySet[AuditEntry]:
    """An organisation's audit log, newest first, narrowed by the given filters.

    Dates are whole days in the platform's time zone, both ends included. `case_id` (one of
    the organisation's cases, `ports.case_id_for_number`) keeps the rows about that case: those
    whose record is the case and those whose details name it (its services, referrals…).
    """
    entries = AuditEntry.objects.filter(_organisation_scope(organisation_id))
    if case_id is not None:
        entries = entries.filter(
            Q(target_type="cases.case", target_id=str(case_id)) | Q(details__case=case_id)
        )
    if action:
        entries = entries.filter(action=action)
    if username:
        entries = entries.filter(actor_username__icontains=username)
    if target_type:
        entries = entries.filter(target_type__in=record_type_spellings(target_type))
    if date_from is not None:
        entries = entries.filter(at__gte=_start_of_day(date_from))
    if date_to is not None:
        entries = entries.filter(at__lt=_start_of_day(date_to + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def audit_target_types_for_organisation(organisation_id: int) -> list[str]:
    """The record types that appear in an organisation's log, for the filter's choices (under
    their current names)."""
    return sorted(
        {
            current_record_type(target_type)
            for target_type in AuditEntry.objects.filter(_organisation_scope(organisation_id))
            .exclude(target_type="")
            .order_by()
            .values_list("target_type", flat=True)
            .distinct()
        }
    )


def _record_model(target_type: str) -> type[Model] | None:
    if not target_type:
        return None
    try:
        return apps.get_model(current_record_type(target_type))
    except (LookupError, ValueError):
        return None


def record_type_label(target_type: str) -> str:
    """The translated name of a record type such as "organisations.membership"."""
    model = _record_model(target_type)
    if model is None:
        return target_type
    return str(model._meta.verbose_name).capitalize()


def changed_field_labels(entry: AuditEntry) -> list[str]:
    """The names of the fields a row lists as changed, in the reader's language."""
    model = _record_model(entry.target_type)
    labels = []
    for name in entry.changed_fields or []:
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = str(getattr(model._meta.get_field(name), "verbose_name", name))
        labels.append(label)
    return labels


def entry_description(entry: AuditEntry) -> str:
    """What the row records, in the active language: its event's label filled with its
    details, or, for rows written before events were typed, the summary as written."""
    event = event_for_code(entry.event) if entry.event else None
    if event is None:
        return entry.summary
    return event.describe(entry.details)
