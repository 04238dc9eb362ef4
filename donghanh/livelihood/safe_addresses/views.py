"""Safe address pages: the list, a new one, one place (read and change), and "checked today".
Every page that shows a place writes a view row to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.cases.services import case_access_audited
from donghanh.core.actor import request_actor
from donghanh.core.editing import StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.organisations.roles import Perm, role_allows

from . import forms, selectors, services


def _stored(place: Any) -> dict[str, Any]:
    values = {name: getattr(place, name) for name in services.FIELDS}
    values["commune"] = place.commune.code if place.commune else ""
    return values


@never_cache
@require_GET
@login_required
def safe_address_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = selectors.access_safe_addresses(request.user, org, Perm.VIEW_CASES)
    places = list(selectors.safe_addresses_of(membership.organisation_id))
    services.safe_addresses_list_record(
        actor=request_actor(request, membership.organisation),
        organisation=membership.organisation,
        count=len(places),
    )
    return render(
        request,
        "livelihood/safe_address_list.html",
        {
            "organisation": membership.organisation,
            "places": [(place, selectors.check_due(place)) for place in places],
            "may_edit": role_allows(membership.role, Perm.EDIT_CASES),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def safe_address_add(request: HttpRequest, org: str) -> HttpResponse:
    membership = selectors.access_safe_addresses(request.user, org, Perm.EDIT_CASES)
    form = forms.SafeAddressAddForm(
        request.POST or None, initial={"last_checked_on": timezone.localdate(), "capacity": 1}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            place = services.safe_address_add(
                actor=request_actor(request, membership.organisation),
                organisation=membership.organisation,
                idempotency_key=data.pop("idempotency_key"),
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The safe address has been added."))
            return redirect("livelihood:safe_address", org=org, place_id=place.pk)
    return render(
        request,
        "livelihood/safe_address_form.html",
        {"organisation": membership.organisation, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def safe_address_detail(request: HttpRequest, org: str, place_id: int) -> HttpResponse:
    perm = Perm.EDIT_CASES if request.method == "POST" else Perm.VIEW_CASES
    access = selectors.access_safe_address(request.user, org, place_id, perm)
    place = access.place
    actor = request_actor(request, place.organisation)
    initial = _stored(place) | services.SAFE_ADDRESS_EDITS.baseline_initial(place)
    form = forms.SafeAddressEditForm(request.POST or None, initial=initial)
    conflict_rows: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.safe_address_update(
                actor=actor,
                place=place,
                expected_version=form.cleaned_data["version"],
                baseline=form.cleaned_data["baseline"],
                **form.edited_values(),
            )
        except StaleEditError as conflict:
            fresh = selectors.access_safe_address(request.user, org, place_id, perm).place
            merge = merge_after_conflict(
                services.SAFE_ADDRESS_EDITS,
                record=fresh,
                submitted=request.POST,
                baseline=form.cleaned_data["baseline"],
                typed=form.edited_values(),
                stored=_stored(fresh),
                changed_by_others=conflict.changed_fields,
            )
            form = forms.SafeAddressEditForm(merge.data)
            form.is_valid()
            add_service_error(form, conflict)
            conflict_rows = merge.rows
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The safe address has been saved."))
            return redirect("livelihood:safe_address", org=org, place_id=place.pk)
    services.safe_address_view_record(actor=actor, place=place)
    return render(
        request,
        "livelihood/safe_address_detail.html",
        {
            "organisation": place.organisation,
            "place": place,
            "form": form if access.may_edit else None,
            "conflict_rows": conflict_rows,
            "check_due": selectors.check_due(place),
        },
    )


@require_POST
@login_required
def safe_address_checked(request: HttpRequest, org: str, place_id: int) -> HttpResponse:
    access = selectors.access_safe_address(request.user, org, place_id, Perm.EDIT_CASES)
    services.safe_address_checked(
        actor=request_actor(request, access.place.organisation), place=access.place
    )
    messages.success(request, _("Recorded: checked today and still safe."))
    return redirect("livelihood:safe_address", org=org, place_id=place_id)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def placement_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    """Place the woman of the case at one of the organisation's safe addresses tonight."""
    access = case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=Perm.EDIT_CASES
    )
    actor = request_actor(request, access.case.organisation)
    places = selectors.safe_addresses_of(access.case.organisation_id).filter(is_active=True)
    form = forms.PlacementForm(
        request.POST or None,
        places=places,
        initial={"arrived_on": timezone.localdate(), "nights": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_record(
                actor=actor,
                case=access.case,
                place=form.cleaned_data["place"],
                arrived_on=form.cleaned_data["arrived_on"],
                nights=form.cleaned_data["nights"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The emergency placement has been recorded."))
            return redirect("cases:case_detail", org=org, case_id=case_id)
    elif request.method == "GET":
        # The names of the places are read to offer them: a listing, audited as one.
        services.safe_addresses_list_record(
            actor=actor, organisation=access.case.organisation, count=len(places)
        )
    return render(
        request,
        "livelihood/placement_form.html",
        {"case": access.case, "organisation": access.case.organisation, "form": form},
    )
