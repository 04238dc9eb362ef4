"""The livelihood plan of a case and her reintegration assessments. Each page opens the case
through `case_access_audited`: to read, the right to see cases; to write, to edit them."""

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

from donghanh.cases.selectors import CaseAccess
from donghanh.cases.services import case_access_audited
from donghanh.core.actor import request_actor
from donghanh.core.editing import StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.livelihood.savings.selectors import programme_choices
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership

from . import charts, forms, selectors, services


def _open(request: HttpRequest, org: str, case_id: int, perm: Perm) -> CaseAccess:
    return case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=perm
    )


def _page(request: HttpRequest, template: str, access: CaseAccess, **context: Any) -> HttpResponse:
    context.update(
        case=access.case,
        organisation=access.case.organisation,
        can_edit=role_allows(access.membership.role, Perm.EDIT_CASES)
        and access.case.status != "closed",
    )
    return render(request, f"livelihood/{template}", context)


def _plan_stored(plan: Any) -> dict[str, Any]:
    stored = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    stored["project"] = plan.project_id
    return stored


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def plan(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(
        request, org, case_id, Perm.EDIT_CASES if request.method == "POST" else Perm.VIEW_CASES
    )
    current = selectors.plan_of(access.case)
    form = None
    conflict_rows: list[Any] = []
    if current is not None:
        initial = _plan_stored(current) | services.PLAN_EDITS.baseline_initial(current)
        projects = programme_choices(access.case.organisation_id)
        form = forms.PlanForm(request.POST or None, initial=initial, projects=projects)
        if request.method == "POST" and form.is_valid():
            try:
                services.plan_update(
                    actor=request_actor(request, access.case.organisation),
                    plan=current,
                    expected_version=form.cleaned_data["version"],
                    baseline=form.cleaned_data["baseline"],
                    **form.edited_values(),
                )
            except StaleEditError as conflict:
                fresh = selectors.plan_of(access.case)
                merge = merge_after_conflict(
                    services.PLAN_EDITS,
                    record=fresh,
                    submitted=request.POST,
                    baseline=form.cleaned_data["baseline"],
                    typed=form.edited_values(),
                    stored=_plan_stored(fresh),
                    changed_by_others=conflict.changed_fields,
                )
                form = forms.PlanForm(merge.data, projects=projects)
                form.is_valid()
                add_service_error(form, conflict)
                conflict_rows = merge.rows
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The livelihood plan has been saved."))
                return redirect("livelihood:plan", org=org, case_id=case_id)
    section = dict(selectors.case_section(access.membership, access.case))
    section.pop("plan")
    assessments = section["trend"].assessments
    return _page(
        request,
        "plan.html",
        access,
        plan=current,
        form=form,
        conflict_rows=conflict_rows,
        answers=selectors.answers_table(assessments),
        chart=charts.overall_scores(assessments),
        **section,
    )


@require_POST
@login_required
def plan_start(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    try:
        services.plan_start(
            actor=request_actor(request, access.case.organisation), case=access.case
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("livelihood:plan", org=org, case_id=case_id)


def _plan_child_page(
    request: HttpRequest,
    org: str,
    case_id: int,
    *,
    form_class: Any,
    initial: dict[str, Any],
    save: Any,
    template: str,
    done: str,
) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    current = selectors.plan_of(access.case)
    if current is None:
        return redirect("livelihood:plan", org=org, case_id=case_id)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            save(
                actor=request_actor(request, access.case.organisation),
                plan=current,
                idempotency_key=data.pop("idempotency_key"),
                **data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("livelihood:plan", org=org, case_id=case_id)
    return _page(request, template, access, plan=current, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def support_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    return _plan_child_page(
        request,
        org,
        case_id,
        form_class=forms.SupportForm,
        initial={"given_on": timezone.localdate()},
        save=services.support_add,
        template="plan_support.html",
        done=_("The support has been recorded."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def review_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    return _plan_child_page(
        request,
        org,
        case_id,
        form_class=forms.ReviewForm,
        initial={"reviewed_on": timezone.localdate()},
        save=services.review_add,
        template="plan_review.html",
        done=_("The review has been recorded."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def assessment_add(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    access = _open(request, org, case_id, Perm.EDIT_CASES)
    due = selectors.reviews_due(selectors.assessments_of(access.case))
    point = (
        due[0].point
        if due
        else ("intake" if not selectors.assessments_of(access.case) else "review")
    )
    form = forms.AssessmentForm(
        request.POST or None, initial={"assessed_on": timezone.localdate(), "point": point}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                actor=request_actor(request, access.case.organisation),
                case=access.case,
                point=form.cleaned_data["point"],
                assessed_on=form.cleaned_data["assessed_on"],
                answers=form.answers(),
                note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The assessment has been recorded."))
            return redirect("livelihood:plan", org=org, case_id=case_id)
    return _page(request, "assessment_form.html", access, form=form)


@never_cache
@require_GET
@login_required
def reviews_due(request: HttpRequest, org: str) -> HttpResponse:
    """The member's cases whose 6- or 12-month reintegration assessment is due."""
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    return render(
        request,
        "livelihood/reviews_due.html",
        {
            "organisation": membership.organisation,
            "rows": selectors.reviews_due_for(membership),
        },
    )
