"""Pages of case work. Every page opens the case through case_access_audited (404 for a case
the user may not see, 403 for a role without the permission), then calls a service."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from donghanh.cases.models import Case
from donghanh.cases.selectors import CaseAccess, assignable_members, regimes_entitled
from donghanh.cases.services import case_access_audited
from donghanh.core.actor import Actor, request_actor
from donghanh.core.editing import ConflictRow, EditSpec, StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes.projects.models import Project

from . import selectors, services
from .edits import ACTION_EDITS, FOLLOW_UP_EDITS, GOAL_EDITS, NEEDS_EDITS, SERVICE_EDITS
from .forms import (
    ActionEditForm,
    ActionForm,
    AdmissionForm,
    CapacityForm,
    DischargeForm,
    FollowUpEditForm,
    FollowUpForm,
    GoalEditForm,
    GoalForm,
    NeedsAssessForm,
    PlanDecisionForm,
    PlanSubmitForm,
    ServiceEditForm,
    ServiceForm,
)
from .models import ActionStatus


def _open(request: HttpRequest, org: str, case_id: int, perm: Perm) -> CaseAccess:
    return case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=perm
    )


def _to_case(org: str, case: Case) -> HttpResponse:
    return redirect("cases:case_detail", org=org, case_id=case.pk)


def _get_or_404(fetch: Callable[[], Any]) -> Any:
    try:
        return fetch()
    except models.ObjectDoesNotExist:
        raise Http404 from None


def _actor(request: HttpRequest, access: CaseAccess) -> Actor:
    return request_actor(request, organisation=access.membership.organisation)


def _stored(spec: EditSpec, record: Any) -> dict[str, Any]:
    """The stored record as its edit form's data: a foreign key by its key, a date as the
    date picker takes it."""
    values = {}
    for name in spec.fields:
        value = spec.value(record, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _edit_initial(spec: EditSpec, record: Any) -> dict[str, Any]:
    """An edit form opened on `record`: its values, version and signed baseline."""
    return {**_stored(spec, record), **spec.baseline_initial(record)}


def _after_conflict(
    request: HttpRequest,
    spec: EditSpec,
    *,
    stored: Any,
    form: Any,
    error: StaleEditError,
    make_form: Callable[[Any], Any],
) -> tuple[Any, list[ConflictRow]]:
    """The edit form again after someone else's save: their values where only they changed a
    field, the user's where both did, on top of the `stored` version (`core.editing`)."""
    merge = merge_after_conflict(
        spec,
        record=stored,
        submitted=request.POST,
        baseline=form.cleaned_data["baseline"],
        typed=form.edited_values(),
        stored=_stored(spec, stored),
        changed_by_others=error.changed_fields,
    )
    merged = make_form(merge.data)
    merged.is_valid()
    merged.add_error(None, error)
    return merged, merge.rows


def _edit_page(
    request: HttpRequest,
    access: CaseAccess,
    *,
    spec: EditSpec,
    record: Any,
    reread: Callable[[], Any],
    make_form: Callable[..., Any],
    save: Callable[[Any], object],
    saved: str,
    title: str,
    **extra: Any,
) -> HttpResponse:
    """An edit page of a versioned record: the form opened on `record`, saved by `save(form)`;
    a save after someone else's shows what they changed (`_after_conflict` on the record as
    `reread` finds it now) instead of overwriting it."""
    conflict_rows: list[ConflictRow] = []
    if request.method != "POST":
        form = make_form(initial=_edit_initial(spec, record))
    else:
        form = make_form(request.POST)
        if form.is_valid():
            try:
                save(form)
            except StaleEditError as error:
                form, conflict_rows = _after_conflict(
                    request, spec, stored=reread(), form=form, error=error, make_form=make_form
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, saved)
                return _to_case(access.membership.organisation.slug, access.case)
    return _form_page(request, access, form, title=title, conflict_rows=conflict_rows, **extra)


def _form_page(
    request: HttpRequest,
    access: CaseAccess,
    form: Any,
    *,
    title: str,
    template: str = "casework/form.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "organisation": access.membership.organisation,
        "case": access.case,
        "person": access.case.person,
        "form": form,
        "title": title,
        **extra,
    }
    return render(request, template, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def needs_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    """A new needs assessment, starting from the current one, with the earlier ones below."""
    access = _open(request, org, case_id, Perm.EDIT_CASES)

    def make_form(data: Any = None, initial: dict[str, Any] | None = None) -> NeedsAssessForm:
        return NeedsAssessForm(
            data, initial={"assessed_on": timezone.localdate(), **(initial or {})}
        )

    def save(form: NeedsAssessForm) -> object:
        data = form.edited_values()
        return services.needs_assess(
            case=access.case,
            assessed_on=data["assessed_on"],
            levels={k.removeprefix("level_"): v for k, v in data.items() if k.startswith("level_")},
            notes={k.removeprefix("note_"): v for k, v in data.items() if k.startswith("note_")},
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            actor=_actor(request, access),
        )

    return _edit_page(
        request,
        access,
        spec=NEEDS_EDITS,
        record=selectors.needs_picture(access.case),
        reread=lambda: selectors.needs_picture(access.case),
        make_form=make_form,
        save=save,
        saved=_("The needs assessment was saved."),
        title=_("Assess needs"),
        template="casework/needs_form.html",
        assessments=selectors.assessments_of(access.case),
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(
                case=access.case,
                domain=form.cleaned_data["domain"],
                text=form.cleaned_data["text"],
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The goal was added to the plan."))
            return _to_case(org, access.case)
    return _form_page(request, access, form, title=_("Add a goal"))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, org: str, case_id: int, goal_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    goal = _get_or_404(lambda: selectors.goal_of(access.case, goal_id))
    return _edit_page(
        request,
        access,
        spec=GOAL_EDITS,
        record=goal,
        reread=lambda: selectors.goal_of(access.case, goal.pk),
        make_form=GoalEditForm,
        save=lambda form: services.goal_update(
            goal=goal,
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            domain=form.cleaned_data["domain"],
            text=form.cleaned_data["text"],
            actor=_actor(request, access),
        ),
        saved=_("The goal was saved."),
        title=_("Edit a goal"),
    )


def _owners(case: Case) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.display_name) for m in assignable_members(case.organisation_id)]


def _owner(case: Case, user_id: int | None) -> Any:
    if user_id is None:
        return None
    member = assignable_members(case.organisation_id).filter(user_id=user_id).first()
    return member.user if member is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, org: str, case_id: int, goal_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    goal = _get_or_404(lambda: selectors.goal_of(access.case, goal_id))
    form = ActionForm(request.POST or None, owners=_owners(access.case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(
                goal=goal,
                description=data["description"],
                owner=_owner(access.case, data["owner"]),
                due_on=data["due_on"],
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The action was added to the plan."))
            return _to_case(org, access.case)
    return _form_page(request, access, form, title=_("Add an action"))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, org: str, case_id: int, action_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    action = _get_or_404(lambda: selectors.action_of(access.case, action_id))
    owners = _owners(access.case)

    def save(form: ActionEditForm) -> object:
        data = form.cleaned_data
        return services.action_update(
            action=action,
            expected_version=data["version"],
            baseline=data["baseline"],
            description=data["description"],
            owner=_owner(access.case, data["owner"]),
            due_on=data["due_on"],
            status=data["status"] or ActionStatus.OPEN,
            actor=_actor(request, access),
        )

    return _edit_page(
        request,
        access,
        spec=ACTION_EDITS,
        record=action,
        reread=lambda: selectors.action_of(access.case, action.pk),
        make_form=lambda data=None, **kwargs: ActionEditForm(data, owners=owners, **kwargs),
        save=save,
        saved=_("The action was saved."),
        title=_("Edit an action"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_submit(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    plan = selectors.plan_of(access.case)
    form = PlanSubmitForm(request.POST or None, initial={"version": plan.version if plan else 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_submit(
                case=access.case,
                expected_version=form.cleaned_data["version"],
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The plan was sent to a supervisor for approval."))
            return _to_case(org, access.case)
    return _form_page(
        request,
        access,
        form,
        title=_("Submit the plan for approval"),
        template="casework/plan_submit.html",
        plan=plan,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_decide(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.APPROVE_CASES)
    plan = selectors.plan_of(access.case)
    if plan is None:
        raise Http404
    form = PlanDecisionForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.plan_decide(
                case=access.case,
                expected_version=form.cleaned_data["version"],
                approve=approve,
                note=form.cleaned_data["note"],
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The plan was approved.") if approve else _("The plan was returned.")
            )
            return _to_case(org, access.case)
    return _form_page(
        request,
        access,
        form,
        title=_("Decide on the case plan"),
        template="casework/plan_decide.html",
        plan=plan,
    )


def _projects(case: Case) -> list[Project]:
    """The projects a record of the case may be counted under, whatever their dates: the
    forms list those that run on the record's date (`ProjectChoiceForm`)."""
    return list(selectors.projects_for_case(case))


@login_required
@require_http_methods(["GET", "POST"])
def service_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    form = ServiceForm(request.POST or None, projects=_projects(access.case))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record(
                case=access.case, actor=_actor(request, access), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The service was recorded."))
            return _to_case(org, access.case)
    return _form_page(
        request,
        access,
        form,
        title=_("Record a service"),
        template="casework/service_form.html",
        regimes=regimes_entitled(access.case),
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, org: str, case_id: int, service_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    service = _get_or_404(lambda: selectors.service_of(access.case, service_id))
    projects = _projects(access.case)
    return _edit_page(
        request,
        access,
        spec=SERVICE_EDITS,
        record=service,
        reread=lambda: selectors.service_of(access.case, service.pk),
        make_form=lambda data=None, **kwargs: ServiceEditForm(
            data, projects=projects, keep=service.project, **kwargs
        ),
        save=lambda form: services.service_update(
            service=service,
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            actor=_actor(request, access),
            **{"project": None, **form.edited_values()},
        ),
        saved=_("The service was saved."),
        title=_("Edit a service"),
        template="casework/service_form.html",
        regimes=regimes_entitled(access.case),
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_plan(
                case=access.case, actor=_actor(request, access), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The follow-up was saved."))
            return _to_case(org, access.case)
    return _form_page(request, access, form, title=_("Add a follow-up"))


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HttpRequest, org: str, case_id: int, follow_up_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    follow_up = _get_or_404(lambda: selectors.follow_up_of(access.case, follow_up_id))
    return _edit_page(
        request,
        access,
        spec=FOLLOW_UP_EDITS,
        record=follow_up,
        reread=lambda: selectors.follow_up_of(access.case, follow_up.pk),
        make_form=FollowUpEditForm,
        save=lambda form: services.follow_up_update(
            follow_up=follow_up,
            expected_version=form.cleaned_data["version"],
            baseline=form.cleaned_data["baseline"],
            actor=_actor(request, access),
            **form.edited_values(),
        ),
        saved=_("The follow-up was saved."),
        title=_("Record a follow-up"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def stay_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    form = AdmissionForm(request.POST or None, projects=_projects(access.case))
    if request.method == "POST" and form.is_valid():
        try:
            services.shelter_admit(
                case=access.case,
                shelter=form.cleaned_data["shelter"],
                admitted_on=form.cleaned_data["admitted_on"],
                project=form.cleaned_data.get("project"),
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The shelter admission was recorded."))
            return _to_case(org, access.case)
    return _form_page(request, access, form, title=_("Admit to a shelter"))


@login_required
@require_http_methods(["GET", "POST"])
def stay_discharge(request: HttpRequest, org: str, case_id: int, stay_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    stay = _get_or_404(lambda: selectors.stay_of(access.case, stay_id))
    form = DischargeForm(
        request.POST or None,
        initial={"discharged_on": stay.discharged_on, "reason": stay.discharge_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shelter_discharge(
                stay=stay,
                discharged_on=form.cleaned_data["discharged_on"],
                reason=form.cleaned_data["reason"],
                actor=_actor(request, access),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The discharge was recorded."))
            return _to_case(org, access.case)
    return _form_page(request, access, form, title=_("Discharge from the shelter"))


@login_required
@require_http_methods(["GET"])
def overdue(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    return render(
        request,
        "casework/overdue.html",
        {
            "organisation": membership.organisation,
            "overdue": selectors.overdue_for(membership),
        },
    )


@login_required
@require_http_methods(["GET"])
def approvals(request: HttpRequest, org: str) -> HttpResponse:
    """A supervisor's queue: plans and closures waiting for a decision."""
    membership = access_membership(request.user, org, Perm.APPROVE_CASES)
    return render(
        request,
        "casework/approvals.html",
        {
            "organisation": membership.organisation,
            "awaiting": selectors.awaiting_approval_for(membership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shelter_capacity(request: HttpRequest, org: str) -> HttpResponse:
    """A shelter's beds: how many are taken today, for its case staff; its administrator
    records the number of beds from a day on."""
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    shelter = membership.organisation
    if shelter.kind != Organisation.Kind.SHELTER:
        raise Http404
    can_set = role_allows(membership.role, Perm.MANAGE_MEMBERS)
    if request.method == "POST" and not can_set:
        raise PermissionDenied
    form = CapacityForm(request.POST or None) if can_set else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.shelter_capacity_set(
                shelter=shelter,
                actor=request_actor(request, organisation=shelter),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The number of beds was saved."))
            return redirect("casework:shelter_capacity", org=org)
    return render(
        request,
        "casework/shelter_capacity.html",
        {
            "organisation": shelter,
            "form": form,
            "today": selectors.shelter_beds_today(shelter),
            "capacities": selectors.shelter_capacities(shelter),
        },
        status=400 if form is not None and form.is_bound else 200,
    )
