"""The field app's shell page, the sync endpoints a device calls, and the conflict pages, under
/app/o/<org>/field/.

The shell page holds no personal data (the service worker keeps it): the forms of the five
kinds of work, empty pickers, and the addresses the field app calls. Cases, sessions and groups
reach the device only through the package, for the cases the user asks for.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.cases.forms import CaseScreeningForm
from donghanh.cases.selectors import CASE_EDITS, SCREENING_FIELDS
from donghanh.cases.services import case_access_audited
from donghanh.core.actor import request_actor
from donghanh.core.editing import ConflictRow, StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.fieldwork.devices.gate import device_check, field_json
from donghanh.fieldwork.devices.selectors import max_offline_days
from donghanh.organisations.roles import Perm
from donghanh.reference.codelists import ILO_INDICATORS

from . import services
from .forms import (
    FIRST_CONTACT_FORMS,
    MEETING_PARTS,
    MEMBER_MARK,
    AttendanceForm,
    SavingsMeetingHeadForm,
    ScreeningForm,
    VisitForm,
    meeting_form_template,
)
from .models import ConflictStatus
from .selectors import (
    access_conflict,
    access_field,
    assigned_cases,
    case_row,
    conflict_submitted,
    field_package,
    open_conflicts,
)

# The most operations one sending may hold: a day's work fits many times over.
MAX_OPERATIONS = 200


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return None


# A device id no device has, reversed in its place and replaced by the field app's own.
_NO_DEVICE = uuid.UUID(int=0)


def _device_template(viewname: str, org: str) -> str:
    address = reverse(viewname, kwargs={"org": org, "device": _NO_DEVICE})
    return address.replace(str(_NO_DEVICE), "__DEVICE__")


@never_cache
@require_GET
@login_required
def field(request: HttpRequest, org: str) -> HttpResponse:
    """The shell of the field app: forms and addresses, nothing about anyone."""
    membership = access_field(request.user, org)
    kwargs = {"org": org}
    meeting = meeting_form_template(auto_id="savings_meeting-%s")
    member_fields = [field for field in meeting if field.name.startswith(f"m{MEMBER_MARK}-")]
    return render(
        request,
        "fieldwork/field.html",
        {
            "organisation": membership.organisation,
            "device_url": reverse("fieldwork:device_register", kwargs=kwargs),
            "key_url_template": _device_template("fieldwork:device_key", org),
            "wiped_url_template": _device_template("fieldwork:device_wiped", org),
            "cases_url": reverse("fieldwork:cases", kwargs={"org": org}),
            "package_url": reverse("fieldwork:package", kwargs={"org": org}),
            "sync_url": reverse("fieldwork:sync", kwargs={"org": org}),
            "conflicts_url": reverse("fieldwork:conflicts", kwargs={"org": org}),
            "manifest_url": reverse("fieldwork:manifest", kwargs=kwargs),
            "sw_url": reverse("fieldwork:service_worker", kwargs=kwargs),
            "logout_url": reverse("accounts:logout"),
            "max_offline_days": max_offline_days(),
            # Each kind's ids start with its name: one page holds two "method" fields.
            "first_contact_forms": [
                form_class(auto_id="first_contact-%s") for form_class in FIRST_CONTACT_FORMS
            ],
            "visit_form": VisitForm(auto_id="visit-%s"),
            "screening_form": ScreeningForm(auto_id="screening-%s"),
            "attendance_form": AttendanceForm(auto_id="attendance-%s"),
            "meeting_head_form": SavingsMeetingHeadForm(auto_id="savings_meeting-%s"),
            "meeting_form": meeting,
            "meeting_member_fields": member_fields,
            "member_mark": MEMBER_MARK,
            "meeting_parts": " ".join(MEETING_PARTS),
        },
    )


@field_json
@require_GET
def cases(request: HttpRequest, org: str) -> HttpResponse:
    """The cases assigned to the user, to choose which to take offline."""
    membership = access_field(request.user, org)
    gone = device_check(request, membership)
    if gone.response is not None:
        return gone.response
    rows = [case_row(case) for case in assigned_cases(membership)]
    services.cases_listed_record(
        actor=request_actor(request, membership.organisation), count=len(rows)
    )
    return JsonResponse({"cases": rows})


def _case_ids(request: HttpRequest) -> list[int]:
    ids = []
    for value in request.GET.getlist("case")[:500]:
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


@field_json
@require_GET
def package(request: HttpRequest, org: str) -> HttpResponse:
    """What the device takes offline: the listed cases that are the user's own, their
    training sessions and their savings groups."""
    membership = access_field(request.user, org)
    gone = device_check(request, membership)
    if gone.response is not None:
        return gone.response
    packed = field_package(membership, case_ids=_case_ids(request), days=max_offline_days())
    services.package_read_record(
        actor=request_actor(request, membership.organisation),
        device=gone.device,
        cases=len(packed.cases),
        sessions=len(packed.trainings),
        groups=len(packed.savings_groups),
        names=packed.names,
    )
    return JsonResponse(
        {
            "generated_at": timezone.now().isoformat(),
            "cases": packed.cases,
            "trainings": packed.trainings,
            "savings_groups": packed.savings_groups,
        }
    )


@field_json
@require_POST
def sync(request: HttpRequest, org: str) -> HttpResponse:
    """Apply the operations a device sends, each on its own, and answer for each."""
    membership = access_field(request.user, org)
    body = _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("operations"), list):
        return JsonResponse(
            {"detail": _("The work sent is damaged: nothing was recorded.")}, status=400
        )
    operations = body["operations"]
    if len(operations) > MAX_OPERATIONS:
        return JsonResponse(
            {"detail": _("Send at most %(count)s records at a time.") % {"count": MAX_OPERATIONS}},
            status=400,
        )
    gone = device_check(request, membership, body.get("device"))
    if gone.response is not None:
        return gone.response
    actor = request_actor(request, membership.organisation)
    received_at = timezone.now()
    results = [
        services.operation_apply(
            actor=actor,
            membership=membership,
            device=gone.device,
            received_at=received_at,
            raw=raw,
        ).as_json()
        for raw in operations
    ]
    return JsonResponse({"results": results})


@never_cache
@require_GET
@login_required
def conflicts(request: HttpRequest, org: str) -> HttpResponse:
    """The user's conflicts still to resolve (JSON for the field app, a page otherwise)."""
    membership = access_field(request.user, org)
    rows = list(open_conflicts(membership))
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "conflicts": [
                    {
                        "id": conflict.pk,
                        "case": conflict.case_id,
                        "number": conflict.case.number,
                        "kind": conflict.kind,
                        "url": reverse(
                            "fieldwork:conflict", kwargs={"org": org, "conflict_id": conflict.pk}
                        ),
                        "created_at": conflict.created_at.isoformat(),
                    }
                    for conflict in rows
                ]
            }
        )
    return render(
        request,
        "fieldwork/conflicts.html",
        {"organisation": membership.organisation, "conflicts": rows},
    )


def _form_keys(name: str) -> list[str]:
    """The form fields that hold a case field (the ILO answers are one field per indicator)."""
    if name == "ilo_indicators":
        return [f"ilo_{code.code}" for code in ILO_INDICATORS]
    return [name]


def _merged(
    case: Any, submitted: QueryDict, sent: CaseScreeningForm
) -> tuple[CaseScreeningForm, list[ConflictRow]]:
    """The screening form to save on top of the stored case, and what changed meanwhile."""
    baseline = sent.cleaned_data["baseline"]
    merge = merge_after_conflict(
        CASE_EDITS,
        record=case,
        submitted=submitted,
        baseline=baseline,
        typed=sent.case_changes(),
        stored=CaseScreeningForm.initial_for(case),
        changed_by_others=CASE_EDITS.changed_since(case, baseline),
        editable=SCREENING_FIELDS,
        form_keys=_form_keys,
    )
    form = CaseScreeningForm(merge.data)
    form.is_valid()
    return form, merge.rows


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def conflict(request: HttpRequest, org: str, conflict_id: int) -> HttpResponse:
    """Resolve a conflict field by field with the pages' merge view, or keep the server's."""
    membership, found = access_conflict(request.user, org, conflict_id)
    actor = request_actor(request, membership.organisation)
    case = case_access_audited(
        actor=actor, org_slug=org, case_id=found.case_id, perm=Perm.EDIT_CASES
    ).case
    to_list = redirect("fieldwork:conflicts", org=org)
    if found.status != ConflictStatus.OPEN:
        messages.info(request, _("This conflict was already dealt with."))
        return to_list
    conflict_rows: list[ConflictRow] = []
    form: CaseScreeningForm
    if request.method == "POST" and request.POST.get("action") == "discard":
        try:
            services.conflict_discard(conflict=found, actor=actor)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The server's version was kept."))
        return to_list
    if request.method == "POST":
        form = CaseScreeningForm(request.POST)
        if form.is_valid():
            try:
                services.conflict_resolve(
                    conflict=found,
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    baseline=form.cleaned_data["baseline"],
                    changes=form.case_changes(),
                    actor=actor,
                )
            except StaleEditError as error:
                case.refresh_from_db()
                form, conflict_rows = _merged(case, request.POST, form)
                form.add_error(None, error)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return to_list
    else:
        submitted = conflict_submitted(found)
        sent = CaseScreeningForm(submitted)
        if sent.is_valid():
            form, conflict_rows = _merged(case, submitted, sent)
        else:
            form = CaseScreeningForm(
                initial={**CaseScreeningForm.initial_for(case), **CASE_EDITS.baseline_initial(case)}
            )
    return render(
        request,
        "fieldwork/conflict.html",
        {
            "organisation": membership.organisation,
            "conflict": found,
            "case": case,
            "form": form,
            "conflict_rows": conflict_rows,
        },
    )
