"""Pages of savings and credit groups: the list, a group and its members, a cycle with its
constitution and committee, the meeting-day page, a recorded meeting, the ledger and the
share-out. Each page opens the group through `access_group` (404 outside the organisation,
403 without the permission); pages that show members' names write a view row to the audit
log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.cases.services import case_access_audited
from donghanh.core.actor import request_actor
from donghanh.core.editing import EditSpec, StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.organisations.roles import Perm, role_allows

from . import charts, forms, selectors, services, workbooks
from .models import AttendanceStatus, Cycle, EntryKind, GroupMember, SavingsGroup
from .selectors import GroupAccess, access_group

VIEW = Perm.VIEW_SAVINGS_GROUPS
RECORD = Perm.RECORD_SAVINGS_GROUPS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(
    request: HttpRequest, template: str, access: GroupAccess | None, **context: Any
) -> HttpResponse:
    if access is not None:
        context.setdefault("group", access.group)
        context.setdefault("membership", access.membership)
        context.setdefault("may_record", access.may_record)
        context.setdefault("organisation", access.membership.organisation)
    return render(request, f"livelihood/{template}", context)


def _group_choices(organisation_id: int, keep: int | None = None) -> dict[str, Any]:
    """What a group's form offers: the programmes not ended today (and the group's own), and
    the members who may run its meetings."""
    return {
        "projects": selectors.programme_choices(
            organisation_id, open_on=timezone.localdate(), keep=keep
        ),
        "facilitators": selectors.facilitator_choices(organisation_id),
    }


def _save_edit(
    request: HttpRequest,
    form: Any,
    *,
    spec: EditSpec,
    record: Model,
    reload: Callable[[], Model],
    stored: Callable[[Model], dict[str, Any]],
    save: Callable[..., Any],
    rebuild: Callable[[Any], Any],
) -> tuple[bool, Any, list[Any]]:
    """Save a versioned edit; on a conflict, the form merged with the stored record and the
    rows that say what the other person changed."""
    try:
        save(
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            **form.edited_values(),
        )
    except StaleEditError as conflict:
        current = reload()
        merge = merge_after_conflict(
            spec,
            record=current,
            submitted=request.POST,
            baseline=form.cleaned_data["baseline"],
            typed=form.edited_values(),
            stored=stored(current),
            changed_by_others=conflict.changed_fields,
        )
        merged = rebuild(merge.data)
        merged.is_valid()
        add_service_error(merged, conflict)
        return False, merged, merge.rows
    except ValidationError as error:
        add_service_error(form, error)
        return False, form, []
    return True, form, []


# --- Groups -------------------------------------------------------------------------------


@never_cache
@require_GET
@login_required
def group_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = selectors.access_groups(request.user, org, VIEW)
    return _render(
        request,
        "group_list.html",
        None,
        membership=membership,
        organisation=membership.organisation,
        groups=list(selectors.groups_of(membership.organisation_id)),
        may_record=selectors.may_record(membership),
        sees_measures=role_allows(membership.role, Perm.VIEW_AGGREGATES),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def group_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = selectors.access_groups(request.user, org, RECORD)
    organisation = membership.organisation
    form = forms.GroupCreateForm(request.POST or None, **_group_choices(organisation.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            group = services.group_create(
                actor=request_actor(request, organisation),
                organisation=organisation,
                idempotency_key=data.pop("idempotency_key"),
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The group has been created. Add its members."))
            return redirect("livelihood:group", org=org, group_id=group.pk)
    return _render(
        request,
        "group_form.html",
        None,
        membership=membership,
        organisation=organisation,
        form=form,
    )


@never_cache
@require_GET
@login_required
def group_detail(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, VIEW)
    group = access.group
    members = selectors.members_of(group)
    links = selectors.visible_case_links(access.membership, members)
    services.group_view_record(
        actor=request_actor(request, group.organisation), group=group, members=len(members)
    )
    return _render(
        request,
        "group_detail.html",
        access,
        members=[(member, links.get(member.pk)) for member in members],
        cycles=selectors.cycles_of(group),
        cycle=selectors.open_cycle(group),
    )


def _group_stored(group: Model) -> dict[str, Any]:
    assert isinstance(group, SavingsGroup)  # noqa: S101
    return {
        "name": group.name,
        "formed_on": group.formed_on,
        "village": group.village,
        "commune": group.commune.code if group.commune else "",
        "project": group.project_id or "",
        "facilitator": group.facilitator_id or "",
        "is_active": group.is_active,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def group_edit(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    group = access.group
    choices = _group_choices(group.organisation_id, keep=group.project_id)
    initial = _group_stored(group) | services.GROUP_EDITS.baseline_initial(group)
    form = forms.GroupEditForm(request.POST or None, initial=initial, **choices)
    conflict_rows: list[Any] = []
    if request.method == "POST" and form.is_valid():
        form.cleaned_data.pop("formed_on")  # fixed once the group is created
        saved, form, conflict_rows = _save_edit(
            request,
            form,
            spec=services.GROUP_EDITS,
            record=group,
            reload=lambda: access_group(request.user, org, group_id, RECORD).group,
            stored=_group_stored,
            save=lambda **values: services.group_update(
                actor=request_actor(request, group.organisation), group=group, **values
            ),
            rebuild=lambda data: forms.GroupEditForm(data, **choices),
        )
        if saved:
            messages.success(request, _("The group has been saved."))
            return redirect("livelihood:group", org=org, group_id=group.pk)
    return _render(
        request, "group_form.html", access, form=form, conflict_rows=conflict_rows, editing=True
    )


# --- Members ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def member_add(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    group = access.group
    form = forms.MemberAddForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.member_add(
                actor=request_actor(request, group.organisation),
                group=group,
                idempotency_key=data.pop("idempotency_key"),
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The member has been added."))
            if "another" in request.POST:
                return redirect("livelihood:member_add", org=org, group_id=group.pk)
            return redirect("livelihood:group", org=org, group_id=group.pk)
    return _render(request, "member_add.html", access, form=form)


def _member_stored(member: Model) -> dict[str, Any]:
    assert isinstance(member, GroupMember)  # noqa: S101
    return {"full_name": member.full_name, "phone": member.phone, "joined_on": member.joined_on}


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def member_detail(request: HttpRequest, org: str, group_id: int, member_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD if request.method == "POST" else VIEW)
    group = access.group
    member = selectors.access_member(group, member_id)
    initial = _member_stored(member) | services.MEMBER_EDITS.baseline_initial(member)
    form = forms.MemberEditForm(request.POST or None, initial=initial)
    conflict_rows: list[Any] = []
    if request.method == "POST" and form.is_valid():
        saved, form, conflict_rows = _save_edit(
            request,
            form,
            spec=services.MEMBER_EDITS,
            record=member,
            reload=lambda: selectors.access_member(group, member_id),
            stored=_member_stored,
            save=lambda **values: services.member_update(
                actor=request_actor(request, group.organisation), member=member, **values
            ),
            rebuild=forms.MemberEditForm,
        )
        if saved:
            messages.success(request, _("Her details have been saved."))
            return redirect("livelihood:member", org=org, group_id=group.pk, member_id=member.pk)
    services.group_view_record(
        actor=request_actor(request, group.organisation), group=group, members=1
    )
    links = selectors.visible_case_links(access.membership, [member])
    linkable = selectors.linkable_cases(access.membership)
    return _render(
        request,
        "member_detail.html",
        access,
        member=member,
        form=form,
        conflict_rows=conflict_rows,
        case=links.get(member.pk),
        # A link the user may not see is still a link: it is never offered to be replaced.
        link_form=forms.CaseLinkForm(cases=linkable)
        if member.case_id is None and linkable.exists()
        else None,
        leave_form=forms.MemberLeaveForm(initial={"left_on": timezone.localdate()}),
        history=selectors.member_history(member),
    )


@require_POST
@login_required
def member_link(request: HttpRequest, org: str, group_id: int, member_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    member = selectors.access_member(access.group, member_id)
    form = forms.CaseLinkForm(request.POST, cases=selectors.linkable_cases(access.membership))
    if not form.is_valid():
        raise PermissionDenied
    case = case_access_audited(
        actor=request_actor(request),
        org_slug=org,
        case_id=form.cleaned_data["case"].pk,
        perm=Perm.EDIT_CASES,
    ).case
    try:
        services.member_link_case(
            actor=request_actor(request, access.group.organisation), member=member, case=case
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("She is linked with her case."))
    return redirect("livelihood:member", org=org, group_id=group_id, member_id=member_id)


@require_POST
@login_required
def member_unlink(request: HttpRequest, org: str, group_id: int, member_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    member = selectors.access_member(access.group, member_id)
    if member.case_id is not None:
        # A link is a fact about her case: only who may change the case removes it.
        case_access_audited(
            actor=request_actor(request), org_slug=org, case_id=member.case_id, perm=Perm.EDIT_CASES
        )
        services.member_unlink_case(
            actor=request_actor(request, access.group.organisation), member=member
        )
        messages.success(request, _("The link with her case has been removed."))
    return redirect("livelihood:member", org=org, group_id=group_id, member_id=member_id)


@require_POST
@login_required
def member_leave(request: HttpRequest, org: str, group_id: int, member_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    member = selectors.access_member(access.group, member_id)
    form = forms.MemberLeaveForm(request.POST)
    if form.is_valid():
        try:
            services.member_leave(
                actor=request_actor(request, access.group.organisation),
                member=member,
                **form.cleaned_data,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Her leaving has been recorded."))
    else:
        messages.error(request, _("Give the date she left and why."))
    return redirect("livelihood:member", org=org, group_id=group_id, member_id=member_id)


# --- Cycles -------------------------------------------------------------------------------

# A constitution the page offers to start from: what many Women's Union groups agree.
CONSTITUTION_DEFAULTS = {
    "meeting_frequency": "monthly",
    "share_price": 50_000,
    "min_shares": 1,
    "max_shares": 5,
    "interest_bp": 150,
    "loan_multiple": 3,
    "max_loan": 5_000_000,
    "max_loan_months": 6,
    "social_contribution": 10_000,
    "fine_absence": 10_000,
    "fine_late": 5_000,
    "fine_late_repayment": 20_000,
}


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def cycle_open(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    group = access.group
    form = forms.CycleOpenForm(
        request.POST or None,
        initial=CONSTITUTION_DEFAULTS | {"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cycle = services.cycle_open(
                actor=request_actor(request, group.organisation),
                group=group,
                idempotency_key=data.pop("idempotency_key"),
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The cycle has started. Elect its committee."))
            return redirect("livelihood:cycle", org=org, group_id=group.pk, cycle_id=cycle.pk)
    return _render(request, "cycle_form.html", access, form=form)


def _cycle_of(access: GroupAccess, cycle_id: int) -> Cycle:
    return selectors.access_cycle(access.group, cycle_id)


@never_cache
@require_GET
@login_required
def cycle_detail(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, VIEW)
    cycle = _cycle_of(access, cycle_id)
    loans = selectors.loans_of(cycle)
    today = timezone.localdate()
    services.group_view_record(
        actor=request_actor(request, access.group.organisation),
        group=access.group,
        members=len({loan.member_id for loan in loans}),
    )
    return _render(
        request,
        "cycle_detail.html",
        access,
        cycle=cycle,
        constitution=selectors.constitution_terms(cycle),
        committee=selectors.committee_of(cycle),
        meetings=selectors.meetings_of(cycle),
        loans=[(loan, selectors.due_by(loan, today)) for loan in loans],
        totals=selectors.cycle_totals(cycle),
        kinds=EntryKind,
    )


def _constitution_stored(cycle: Model) -> dict[str, Any]:
    return {name: getattr(cycle, name) for name in services.CONSTITUTION_FIELDS}


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def constitution_edit(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    cycle = _cycle_of(access, cycle_id)
    initial = _constitution_stored(cycle) | services.CONSTITUTION_EDITS.baseline_initial(cycle)
    form = forms.ConstitutionEditForm(request.POST or None, initial=initial)
    conflict_rows: list[Any] = []
    if request.method == "POST" and form.is_valid():
        saved, form, conflict_rows = _save_edit(
            request,
            form,
            spec=services.CONSTITUTION_EDITS,
            record=cycle,
            reload=lambda: _cycle_of(access, cycle_id),
            stored=_constitution_stored,
            save=lambda **values: services.constitution_update(
                actor=request_actor(request, access.group.organisation), cycle=cycle, **values
            ),
            rebuild=forms.ConstitutionEditForm,
        )
        if saved:
            messages.success(request, _("The constitution has been saved."))
            return redirect("livelihood:cycle", org=org, group_id=group_id, cycle_id=cycle.pk)
    return _render(
        request,
        "cycle_form.html",
        access,
        form=form,
        cycle=cycle,
        conflict_rows=conflict_rows,
        editing=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def committee_edit(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, RECORD)
    cycle = _cycle_of(access, cycle_id)
    members = selectors.meeting_members(cycle, timezone.localdate())
    current: dict[str, list[str]] = {}
    for seat in selectors.committee_of(cycle):
        current.setdefault(seat.role, []).append(str(seat.member_id))
    initial = {
        role: ids if len(ids) > 1 or role in _MANY else ids[0] for role, ids in current.items()
    }
    form = forms.CommitteeForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_elect(
                actor=request_actor(request, access.group.organisation),
                cycle=cycle,
                seats=form.seats(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The committee has been saved."))
            return redirect("livelihood:cycle", org=org, group_id=group_id, cycle_id=cycle.pk)
    return _render(request, "committee_form.html", access, form=form, cycle=cycle)


_MANY = frozenset({"money_counter", "key_holder"})


# --- The meeting day ------------------------------------------------------------------------


def _meeting_form(access: GroupAccess, cycle: Cycle, data: Any = None) -> forms.MeetingForm:
    today = timezone.localdate()
    loans = selectors.active_loans(cycle)
    return forms.MeetingForm(
        data,
        cycle=cycle,
        members=selectors.meeting_members(cycle, today),
        loans=loans,
        due=selectors.loans_due(loans, today),
        initial={"held_on": today, "ledger_version": access.group.ledger_version},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    """The meeting-day page: a whole meeting recorded in one pass, member by member."""
    access = access_group(request.user, org, group_id, RECORD)
    cycle = _cycle_of(access, cycle_id)
    if not cycle.is_open:
        messages.error(request, _("This cycle has been shared out: it has no more meetings."))
        return redirect("livelihood:cycle", org=org, group_id=group_id, cycle_id=cycle.pk)
    form = _meeting_form(access, cycle, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(
                actor=request_actor(request, access.group.organisation),
                cycle=cycle,
                held_on=form.cleaned_data["held_on"],
                lines=form.lines(),
                cash_counted=form.cleaned_data["cash_counted"],
                expected_ledger_version=form.cleaned_data["ledger_version"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except StaleEditError as conflict:
            # Another meeting or payment came first: the page shows today's loans and
            # balances, keeps what was typed, and asks for a look before saving again.
            access = access_group(request.user, org, group_id, RECORD)
            data = request.POST.copy()
            data["ledger_version"] = str(access.group.ledger_version)
            form = _meeting_form(access, cycle, data)
            form.is_valid()
            add_service_error(form, conflict)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect(
                "livelihood:meeting",
                org=org,
                group_id=group_id,
                cycle_id=cycle.pk,
                meeting_id=meeting.pk,
            )
    services.group_view_record(
        actor=request_actor(request, access.group.organisation),
        group=access.group,
        members=len(form.members),
    )
    rows = form.member_rows()
    return _render(
        request,
        "meeting_form.html",
        access,
        cycle=cycle,
        form=form,
        rows=rows,
        rows_with_errors=[row for row in rows if row.errors],
    )


@never_cache
@require_GET
@login_required
def meeting_detail(
    request: HttpRequest, org: str, group_id: int, cycle_id: int, meeting_id: int
) -> HttpResponse:
    access = access_group(request.user, org, group_id, VIEW)
    cycle = _cycle_of(access, cycle_id)
    meeting = selectors.access_meeting(cycle, meeting_id)
    detail = selectors.meeting_detail(meeting)
    members = selectors.members_of(access.group)
    services.group_view_record(
        actor=request_actor(request, access.group.organisation),
        group=access.group,
        members=len(detail.attendance) or len(detail.entries),
    )
    return _render(
        request,
        "meeting_detail.html",
        access,
        cycle=cycle,
        meeting=meeting,
        rows=[
            (
                member,
                AttendanceStatus(detail.attendance[member.pk]).label
                if member.pk in detail.attendance
                else None,
                detail.entries.get(member.pk, []),
                detail.loans.get(member.pk),
            )
            for member in members
            if member.pk in detail.attendance or member.pk in detail.entries
        ],
    )


@never_cache
@require_GET
@login_required
def ledger(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, VIEW)
    cycle = _cycle_of(access, cycle_id)
    book = selectors.ledger_book(cycle)
    services.ledger_view_record(
        actor=request_actor(request, access.group.organisation), cycle=cycle
    )
    return _render(request, "ledger.html", access, cycle=cycle, book=book)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def share_out(request: HttpRequest, org: str, group_id: int, cycle_id: int) -> HttpResponse:
    access = access_group(request.user, org, group_id, VIEW if request.method == "GET" else RECORD)
    cycle = _cycle_of(access, cycle_id)
    if not cycle.is_open:
        return redirect("livelihood:ledger", org=org, group_id=group_id, cycle_id=cycle.pk)
    form = forms.ShareOutForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "ledger_version": access.group.ledger_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_share_out(
                actor=request_actor(request, access.group.organisation),
                cycle=cycle,
                held_on=form.cleaned_data["held_on"],
                cash_counted=form.cleaned_data["cash_counted"],
                expected_ledger_version=form.cleaned_data["ledger_version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The cycle has been shared out."))
            return redirect("livelihood:ledger", org=org, group_id=group_id, cycle_id=cycle.pk)
    preview = selectors.share_out_preview(cycle)
    shares = selectors.shares_in_cycle(cycle)
    members = selectors.members_of(access.group)
    services.group_view_record(
        actor=request_actor(request, access.group.organisation),
        group=access.group,
        members=len(preview.payouts),
    )
    return _render(
        request,
        "share_out.html",
        access,
        cycle=cycle,
        form=form,
        preview=preview,
        share_value=round(preview.share_value),
        rows=[
            (member, shares.get(member.pk, 0), preview.payouts.get(member.pk, 0))
            for member in members
            if member.pk in preview.payouts
        ],
        outstanding=[loan for loan in selectors.loans_of(cycle) if loan.outstanding],
    )


# --- Measures -------------------------------------------------------------------------------


@never_cache
@require_GET
@login_required
def group_measures(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    """The group's measures, cycle by cycle, with a chart over its cycles."""
    access = access_group(request.user, org, group_id, VIEW)
    cycles = list(reversed(selectors.cycles_of(access.group)))
    for cycle in cycles:
        cycle.group = access.group
    measures = selectors.measures_of_cycles(cycles, timezone.localdate())
    return _render(
        request,
        "group_measures.html",
        access,
        measures=measures,
        chart=charts.over_cycles(measures),
    )


@never_cache
@require_GET
@login_required
def group_measures_xlsx(request: HttpRequest, org: str, group_id: int) -> HttpResponse:
    """The group's measures, cycle by cycle, as a spreadsheet (an audited download)."""
    access = access_group(request.user, org, group_id, VIEW)
    cycles = list(reversed(selectors.cycles_of(access.group)))
    for cycle in cycles:
        cycle.group = access.group
    measures = selectors.measures_of_cycles(cycles, timezone.localdate())
    content = workbooks.group_measures_xlsx(access.group, measures)
    services.group_measures_export_record(
        actor=request_actor(request, access.group.organisation),
        group=access.group,
        cycles=len(measures),
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="savings-group-{access.group.pk}-measures.xlsx"'
    )
    return response


@never_cache
@require_GET
@login_required
def measures(request: HttpRequest, org: str) -> HttpResponse:
    """The measures of the organisation's groups, programme by programme. Group by group only
    to those who see the groups; a donor viewer sees totals, small counts hidden."""
    membership = selectors.access_groups(request.user, org, Perm.VIEW_AGGREGATES)
    sees_groups = role_allows(membership.role, VIEW)
    return _render(
        request,
        "measures.html",
        None,
        membership=membership,
        organisation=membership.organisation,
        programmes=selectors.programme_measures(membership.organisation_id, timezone.localdate()),
        sees_groups=sees_groups,
        hide_small=not sees_groups,
        on=timezone.localdate(),
    )
