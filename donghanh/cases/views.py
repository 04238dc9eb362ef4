"""Case pages under /app/o/<org>/cases/: the caseload, a case, its edits and its life cycle; and
the caseload's exports under /app/o/<org>/files/exports/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    QueryDict,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.cases import exports, services
from donghanh.cases.forms import (
    CASELOAD_FILTERS,
    CaseClosureDecisionForm,
    CaseClosureRequestForm,
    CaseEditForm,
    CaseExportForm,
    CaseIdentificationForm,
    CaseIntakeForm,
    CaseloadFilters,
    CaseOpenForm,
    CaseReopenForm,
    CaseRestrictionForm,
    CaseScreeningForm,
    CaseWorkersForm,
    caseload_filters,
    caseload_search_scope,
)
from donghanh.cases.models import Case, CaseStatus
from donghanh.cases.selectors import (
    CASE_EDITS,
    CaseAccess,
    assignable_members,
    case_page,
    case_with_details,
    caseload,
    caseload_listing,
    caseload_name_pairs,
    caseload_name_ranked,
    caseload_name_search_newest,
    caseload_rows,
    caseload_workers,
    nameable_members,
    team_choices,
    users_of,
)
from donghanh.core.actor import request_actor
from donghanh.core.editing import ConflictRow, StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.core.pagination import CappedPaginator, ReadPaginator
from donghanh.core.search_terms import SEARCH_PARAM, search_redirect
from donghanh.jobs.config import result_expiry
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people import services as person_services
from donghanh.people.models import Consent
from donghanh.people.selectors import access_person, consent_is_active
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
)

PAGE_SIZE = 25


def _open_case(request: HttpRequest, org: str, case_id: int, perm: Perm) -> CaseAccess:
    """Fetch the case through the access check and audit its opening."""
    return services.case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=perm
    )


def _posted(request: HttpRequest) -> QueryDict | None:
    """The posted data, even when empty (nobody ticked), or None for a GET."""
    return request.POST if request.method == "POST" else None


# A key no record has, reversed in its place and then replaced by each record's own.
_KEY_MARK = 987654321987


def _address_with_id(viewname: str, *, org: str, key: str) -> Callable[[int], str]:
    """The address of `viewname` for any record's id, reversed once: `address(case.pk)`."""
    head, tail = reverse(viewname, kwargs={"org": org, key: _KEY_MARK}).split(str(_KEY_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _page_number(asked: str | None) -> int:
    """The page asked for, as `Paginator.get_page` reads it: the first when not a number."""
    try:
        number = int(asked or 1)
    except ValueError:
        return 1
    return max(number, 1)


def _to_detail(org: str, case: Case) -> HttpResponse:
    return redirect("cases:case_detail", org=org, case_id=case.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    if request.method == "POST":  # a search: its terms go to the session, not the address
        return search_redirect(
            request,
            scope=caseload_search_scope(membership.organisation),
            url=reverse("cases:case_list", kwargs={"org": org}),
            filters=CASELOAD_FILTERS,
        )
    form, filters, expired = caseload_filters(request, membership)
    if expired:
        messages.info(request, _("That search is no longer kept: search again."))
    query = (filters.get("q") or "").strip()
    chosen: dict[str, Any] = {
        "case_type": filters.get("case_type") or "",
        "status": filters.get("status") or "",
        "worker_id": filters.get("worker"),
        "team_id": filters.get("team"),
        "province": filters.get("province") or "",
        "overdue": bool(filters.get("overdue")),
    }
    # Counted up to the cap unless the user asked for the exact count.
    cap = None if request.GET.get("count") == "exact" else settings.CASELOAD_COUNT_CAP
    newest, number = None, _page_number(request.GET.get("page"))
    exact_only: int | None = None
    # The pairs of the name's words, counted once for every step of the search.
    pairs = caseload_name_pairs(membership, query) if query else None
    if query and cap is not None:
        # A name common among many cases: read newest first until the page is full; else
        # every match ranked, by a read compiled once.
        asked: dict[str, Any] = {"query": query, "number": number, "per_page": PAGE_SIZE}
        newest = caseload_name_search_newest(
            membership, cap=cap, pairs=pairs, **asked, **chosen
        ) or caseload_name_ranked(membership, cap=cap, pairs=pairs, **asked, **chosen)
    paginator: Paginator
    if newest is not None:
        found = {case.pk: case for case in caseload_rows(newest.keys)}
        paginator = ReadPaginator(
            [found[key] for key in newest.keys if key in found],
            number,
            PAGE_SIZE,
            count=newest.count,
            more=newest.more,
            estimated=newest.estimated,
            at_least=newest.at_least,
        )
        # Only the exact matches counted: said as such, with the count of every match a click
        # away.
        exact_only = newest.count if newest.exact_only else None
    elif query:
        # A name search ranks every match: the page's cases are chosen by their keys first,
        # then read by those keys with their workers.
        cases = caseload(membership, query=query, pairs=pairs, **chosen).prefetch_related(None)
        paginator = CappedPaginator(cases, PAGE_SIZE, cap=cap, keys_first=True, rows=caseload_rows)
    else:
        listing = caseload_listing(membership, cap=cap, **chosen)
        paginator = CappedPaginator(listing, PAGE_SIZE, cap=cap)
    page = paginator.get_page(request.GET.get("page"))
    if not query:
        page.object_list = list(page.object_list)
        caseload_workers(page.object_list)  # the workers of the page's cases only
    # Each row's link, from one reversed address rather than one `{% url %}` a row.
    case_address = _address_with_id("cases:case_detail", org=org, key="case_id")
    for case in page.object_list:
        case.address = case_address(case.pk)
    services.case_list_record(
        organisation=membership.organisation,
        filters={**filters, "q": query},
        shown=len(page.object_list),
        total=page.paginator.count if exact_only is None else exact_only,
        page=page.number,
        actor=request_actor(request, membership.organisation),
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "page": page,
            "filtered": any(filters.get(name) for name in ("q", *CASELOAD_FILTERS)),
            "sees_all": role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES),
            "exact_only": exact_only,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_open(request: HttpRequest, org: str, person_id: int) -> HttpResponse:
    membership, person = access_person(request.user, org, person_id, Perm.EDIT_CASES)
    person_services.person_view_record(
        person=person, actor=request_actor(request, membership.organisation)
    )
    can_assign = role_allows(membership.role, Perm.APPROVE_CASES)
    teams = team_choices(membership.organisation_id) if can_assign else None
    form = CaseOpenForm(_posted(request), teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                person=person,
                actor=request_actor(request, membership.organisation),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_open.html",
        {
            "organisation": membership.organisation,
            "person": person,
            "form": form,
            "has_consent": consent_is_active(person, Consent.Purpose.CASE_MANAGEMENT),
        },
    )


@never_cache
@require_GET
@login_required
def case_detail(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.VIEW_CASES)
    # Workers, history, support, consent and the sections of other apps: one statement.
    page = case_page(membership, case)
    role = membership.role
    can_edit = role_allows(role, Perm.EDIT_CASES)
    return render(
        request,
        "cases/case_detail.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "case": case,
            "person": case.person,
            "transit_countries": COUNTRIES.labels(case.transit_countries),
            "destination_country": COUNTRIES.label(case.destination_country),
            "recruiter_relation": RELATIONS_TO_TRAFFICKER.label(case.recruiter_relation),
            "exploitation_types": EXPLOITATION_TYPES.labels(case.exploitation_types),
            "control_means": CONTROL_MEANS.labels(case.control_means),
            "can_edit": can_edit and not case.is_closed,
            "can_request_closure": can_edit
            and case.status in (CaseStatus.OPEN, CaseStatus.REOPENED),
            "can_decide_closure": role_allows(role, Perm.APPROVE_CASES)
            and case.status == CaseStatus.CLOSURE_REQUESTED,
            "can_reopen": can_edit and case.is_closed,
            "can_assign": role_allows(role, Perm.APPROVE_CASES),
            "can_restrict": role_allows(role, Perm.VIEW_ALL_ORG_CASES),
            # Screening, support, consent, today, and the sections apps register.
            **page,
        },
    )


def _form_keys(name: str) -> list[str]:
    """The form fields that hold a case field (the ILO answers are one field per indicator)."""
    if name == "ilo_indicators":
        return [f"ilo_{code.code}" for code in ILO_INDICATORS]
    return [name]


def _merged_after_conflict(
    case: Case, submitted: CaseEditForm, changed_by_others: list[str]
) -> tuple[CaseEditForm, list[ConflictRow]]:
    """The form to save again on top of the stored version, and what the other save changed
    (of the whole case: a change on another page of the case is listed too)."""
    form_class = type(submitted)
    merge = merge_after_conflict(
        CASE_EDITS,
        record=case,
        submitted=cast(QueryDict, submitted.data),
        baseline=submitted.cleaned_data["baseline"],
        typed=submitted.case_changes(),
        stored=form_class.initial_for(case),
        changed_by_others=changed_by_others,
        editable=form_class.section_fields,
        form_keys=_form_keys,
    )
    return form_class(merge.data), merge.rows


def _case_edit(
    request: HttpRequest, org: str, case_id: int, form_class: type[CaseEditForm], heading: str
) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.EDIT_CASES)
    if case.is_closed:
        messages.error(request, _("This case is closed. Reopen it before changing it."))
        return _to_detail(org, case)
    conflict_rows: list[ConflictRow] = []
    if request.method == "GET":
        form = form_class(
            initial={**form_class.initial_for(case), **CASE_EDITS.baseline_initial(case)}
        )
    else:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                updated = services.case_update(
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    baseline=form.cleaned_data["baseline"],
                    actor=request_actor(request, membership.organisation),
                    **form.case_changes(),
                )
            except StaleEditError as error:
                case.refresh_from_db()
                form, conflict_rows = _merged_after_conflict(case, form, error.changed_fields)
                form.is_valid()
                form.add_error(None, error)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if updated.version == case.version:
                    messages.info(request, _("Nothing was changed."))
                else:
                    messages.success(request, _("Changes saved."))
                return _to_detail(org, case)
    return render(
        request,
        "cases/case_edit.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
            "heading": heading,
            "conflict_rows": conflict_rows,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_edit_intake(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    return _case_edit(request, org, case_id, CaseIntakeForm, _("Edit intake"))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_edit_screening(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    return _case_edit(request, org, case_id, CaseScreeningForm, _("Edit journey and screening"))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_edit_identification(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    return _case_edit(request, org, case_id, CaseIdentificationForm, _("Edit identification"))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_workers(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.APPROVE_CASES)
    form = CaseWorkersForm(
        _posted(request),
        initial={
            "workers": list(case.assignments.values_list("user_id", flat=True)),
            "team": case.team_id,
        },
        users=users_of(assignable_members(membership.organisation_id)),
        teams=team_choices(membership.organisation_id, case.team_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(
                case=case,
                workers=form.cleaned_data["workers"],
                team=form.cleaned_data["team"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case workers saved."))
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_workers.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_restriction(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.VIEW_ALL_ORG_CASES)
    named = list(case.restrictions.values_list("user_id", flat=True))
    # A first restriction starts from the acting user and the case's workers.
    initial = named or [
        membership.user_id,
        *case.assignments.exclude(user_id=membership.user_id).values_list("user_id", flat=True),
    ]
    form = CaseRestrictionForm(
        _posted(request),
        initial={"named_users": initial},
        users=users_of(nameable_members(membership.organisation_id)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.case_restrict(
                case=case,
                named_users=form.cleaned_data["named_users"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if updated.is_restricted:
                messages.success(request, _("Only the named users can now see this case."))
            else:
                messages.success(request, _("The restriction is lifted."))
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_restriction.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_closure_request(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.EDIT_CASES)
    form = CaseClosureRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_closure_request(
                case=case,
                reason=form.cleaned_data["reason"],
                reintegration_outcome=form.cleaned_data["reintegration_outcome"],
                note=form.cleaned_data["note"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Closure requested: a supervisor will decide."))
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_closure_request.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_closure_decide(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.APPROVE_CASES)
    form = CaseClosureDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.case_closure_decide(
                case=case,
                approve=approve,
                note=form.cleaned_data["note"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Case closed.") if approve else _("Closure declined: the case stays open."),
            )
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_closure_decide.html",
        {
            "organisation": membership.organisation,
            "case": case_with_details(case),
            "person": case.person,
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def case_reopen(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = _open_case(request, org, case_id, Perm.EDIT_CASES)
    form = CaseReopenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(
                case=case,
                note=form.cleaned_data["note"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Case reopened."))
            return _to_detail(org, case)
    return render(
        request,
        "cases/case_reopen.html",
        {
            "organisation": membership.organisation,
            "case": case,
            "person": case.person,
            "form": form,
        },
    )


# --- Exports ------------------------------------------------------------------------------


def _export_filters(
    request: HttpRequest, membership: Membership, source: QueryDict | None = None
) -> CaseloadFilters:
    """The caseload page's filters: the address's (or the posted form's), with the search
    terms its key recalls."""
    return caseload_filters(request, membership, source=source)


@never_cache
@require_GET
@login_required
def export_page(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.EXPORT_CASES)
    form, filters, _expired = _export_filters(request, membership)
    return render(
        request,
        "cases/export_page.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "export_form": CaseExportForm(),
            # The search travels as its key; the name searched for is shown, never sent.
            "search_key": request.GET.get(SEARCH_PARAM, "") if filters.get("q") else "",
            "search_terms": filters.get("q") or "",
            "identities": exports.sees_identities(membership.role),
            "expiry_days": result_expiry().days,
        },
    )


def _export_start(request: HttpRequest, org: str, export: str) -> HttpResponseBase:
    """Queue the export as a background job and send the member to their jobs, where the
    file waits, encrypted, once written."""
    membership = access_membership(request.user, org, Perm.EXPORT_CASES)
    form = CaseExportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("This form is damaged. Open the page again and redo your changes.")
        )
        return redirect("case_exports:export_page", org=org)
    filters = _export_filters(request, membership, source=request.POST).values
    try:
        services.case_export_start(
            actor=request_actor(request, membership.organisation),
            export=export,
            filters=filters,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("case_exports:export_page", org=org)
    messages.success(
        request,
        _("The export is being prepared. It appears here when it is ready to download."),
    )
    return redirect("jobs:list")


@require_POST
@login_required
def export_xlsx(request: HttpRequest, org: str) -> HttpResponseBase:
    return _export_start(request, org, "xlsx")


@require_POST
@login_required
def export_htcds_csv(request: HttpRequest, org: str) -> HttpResponseBase:
    return _export_start(request, org, "htcds")
