"""Reads of data-subject requests, always scoped to what the member may see."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, DateField, Exists, F, OuterRef, QuerySet, When
from django.http import Http404
from django.utils import timezone

from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import GRANTS, Perm, role_allows
from donghanh.organisations.selectors import access_membership, memberships_for
from donghanh.people.selectors import persons_visible_to
from donghanh.privacy.deadlines import HolidayCalendar
from donghanh.privacy.models import OPEN_STATUSES, DataSubjectRequest, Holiday, RequestKind

# Person fields the request pages never need: they stay encrypted in the row.
_PERSON_FIELDS_NOT_SHOWN = (
    "person__other_names",
    "person__date_of_birth",
    "person__id_number",
    "person__phone",
    "person__current_address",
    "person__pre_2025_address",
)
_REQUEST_TEXT_NOT_LISTED = ("requester_details", "notes", "extension_reason", "outcome")
DUE_SOON_DAYS = 3


class RequestAccess(NamedTuple):
    membership: Membership
    data_request: DataSubjectRequest


def holiday_calendar() -> HolidayCalendar:
    """Every public holiday on record, in one query."""
    return HolidayCalendar.from_rows(Holiday.objects.values_list("year", "month", "day"))


def _next_due() -> Case:
    return Case(
        When(acknowledged_at__isnull=True, then=F("acknowledge_by")),
        default=F("complete_by"),
        output_field=DateField(),
    )


def requests_visible_to(membership: Membership) -> QuerySet[DataSubjectRequest]:
    """The requests the member may open.

    Members who oversee all of the organisation's cases (supervisors, administrators) see
    every request; other case staff see the requests they are responsible for.
    """
    requests = DataSubjectRequest.objects.filter(organisation_id=membership.organisation_id)
    if role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        return requests
    return requests.filter(responsible_id=membership.user_id)


def requests_for_list(
    membership: Membership, *, status: str = "open", person_id: int | None = None
) -> QuerySet[DataSubjectRequest]:
    """The member's requests for the list page, soonest deadline first.

    `person_visible` tells whether the member may see the person's name; the other identity
    fields of the person are not loaded.
    """
    requests = requests_visible_to(membership)
    if status == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        requests = requests.exclude(status__in=OPEN_STATUSES)
    if person_id is not None:
        requests = requests.filter(person_ref=person_id)
    visible = persons_visible_to(membership).filter(pk=OuterRef("person_id"))
    return (
        requests.select_related("person", "responsible")
        .defer(*_PERSON_FIELDS_NOT_SHOWN, *_REQUEST_TEXT_NOT_LISTED)
        .annotate(next_due=_next_due(), person_visible=Exists(visible))
        .order_by(F("next_due").asc(nulls_last=True), "-received_on", "-id")
    )


def access_request(user: Any, org_slug: str, request_id: int) -> RequestAccess:
    """The request, if the user is case staff of its organisation and may see it.

    An outsider, or a request the member may not see, gets 404; a member whose role does not
    work with cases gets 403.
    """
    membership = access_membership(user, org_slug, Perm.VIEW_CASES)
    try:
        data_request = (
            requests_visible_to(membership)
            .select_related(
                "organisation",
                "responsible",
                "acknowledged_by",
                "extended_by",
                "completed_by",
                "created_by",
            )
            .get(pk=request_id)
        )
    except DataSubjectRequest.DoesNotExist:
        raise Http404 from None
    return RequestAccess(membership, data_request)


def may_download_copy(membership: Membership, data_request: DataSubjectRequest) -> bool:
    """Whether the member may download the copy of the person's data for this request.

    Members who may export cases (supervisors, administrators) may, as for any person they
    see. The member responsible for an open request for access may too: the copy is what they
    must hand over. Whether they see the person is checked when the person is fetched.
    """
    if role_allows(membership.role, Perm.EXPORT_CASES):
        return True
    return (
        data_request.kind == RequestKind.ACCESS
        and data_request.status in OPEN_STATUSES
        and data_request.responsible_id is not None
        and data_request.responsible_id == membership.user_id
    )


def responsible_choices(organisation: Organisation) -> QuerySet[Any]:
    """Active members of the organisation who work with cases, who may handle a request."""
    case_roles = [role for role, grants in GRANTS.items() if Perm.VIEW_CASES in grants]
    members = Membership.objects.filter(
        organisation=organisation, is_active=True, role__in=case_roles, user__is_active=True
    )
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"))
        .order_by("full_name", "username")
    )


def requests_due_for(
    user: Any, *, within_days: int = DUE_SOON_DAYS, today: datetime.date | None = None
) -> list[DataSubjectRequest]:
    """Open requests the user is responsible for whose next deadline is near or past.

    For the workspace home page. The person is named only by number: the home page is no
    place to decrypt names. Soonest (and overdue) first; each has `next_due`.
    """
    today = today or timezone.localdate()
    organisations = [
        membership.organisation_id
        for membership in memberships_for(user)
        if role_allows(membership.role, Perm.VIEW_CASES)
    ]
    if not organisations:
        return []
    horizon = today + datetime.timedelta(days=within_days)
    return list(
        DataSubjectRequest.objects.filter(
            organisation_id__in=organisations,
            responsible_id=user.pk,
            status__in=OPEN_STATUSES,
        )
        .annotate(next_due=_next_due())
        .filter(next_due__lte=horizon)
        .select_related("organisation")
        .defer(*_REQUEST_TEXT_NOT_LISTED)
        .order_by("next_due", "id")
    )


def export_language(language: str | None) -> str:
    """The language of a copy: one the platform speaks, Vietnamese unless asked otherwise."""
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE
