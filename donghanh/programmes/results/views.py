"""Results framework pages of a project: goals, outcomes and outputs, indicators with their
targets and the values entered by hand. The figures are donghanh.indicators' pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.organisations.roles import Perm
from donghanh.programmes.projects.pages import flash_errors, record_posted, render_page, try_write
from donghanh.programmes.projects.selectors import access_project
from donghanh.programmes.results import forms, selectors, services


@never_cache
@require_GET
@login_required
def results(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    return render_page(
        request,
        "results.html",
        access,
        goals=selectors.project_framework(access.project),
        loose=selectors.indicators_without_output(access.project),
        item_form=forms.FrameworkItemForm(),
    )


@require_POST
@login_required
def framework_add(request: HttpRequest, org: str, project_id: int, level: str) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.FrameworkItemForm(request.POST)
    if level not in ("goal", "outcome", "output") or not form.is_valid():
        messages.error(request, _("Enter a code and a text."))
        return redirect("programmes:results", org=org, project_id=project_id)
    data = form.cleaned_data
    common = {
        "code": data["code"],
        "name": data["name"],
        "actor": request_actor(request, organisation=access.organisation),
    }
    parent_id = data["parent"] or 0

    def write() -> Any:
        if level == "goal":
            return services.goal_add(project=access.project, **common)
        if level == "outcome":
            goal = selectors.project_goal(access, parent_id)
            return services.outcome_add(goal=goal, **common)
        outcome = selectors.project_outcome(access, parent_id)
        return services.output_add(outcome=outcome, **common)

    if try_write(form, write) is not None:
        messages.success(request, _("Saved."))
    flash_errors(request, form)
    return redirect("programmes:results", org=org, project_id=project_id)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def indicator_create(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.IndicatorForm(request.POST or None, project=access.project)
    indicator = record_posted(
        request,
        form,
        _("The indicator has been added."),
        services.indicator_add,
        project=access.project,
    )
    if indicator is not None:
        return redirect(
            "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator.pk
        )
    return render_page(request, "indicator_form.html", access, form=form)


@never_cache
@require_GET
@login_required
def indicator_detail(
    request: HttpRequest, org: str, project_id: int, indicator_id: int
) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    indicator = selectors.project_indicator(access, indicator_id)
    return render_page(
        request,
        "indicator_detail.html",
        access,
        indicator=indicator,
        targets=indicator.targets.all(),
        values=indicator.manual_values.select_related("entered_by"),
        target_form=forms.TargetForm(),
        value_form=forms.ManualValueForm(),
    )


@require_POST
@login_required
def target_add(request: HttpRequest, org: str, project_id: int, indicator_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    indicator = selectors.project_indicator(access, indicator_id)
    form = forms.TargetForm(request.POST)
    record_posted(
        request,
        form,
        _("The target has been saved."),
        services.indicator_target_set,
        indicator=indicator,
    )
    flash_errors(request, form)
    return redirect(
        "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator_id
    )


@require_POST
@login_required
def value_add(request: HttpRequest, org: str, project_id: int, indicator_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    indicator = selectors.project_indicator(access, indicator_id)
    form = forms.ManualValueForm(request.POST, request.FILES)
    record_posted(
        request,
        form,
        _("The value has been recorded."),
        services.manual_value_record,
        indicator=indicator,
    )
    flash_errors(request, form)
    return redirect(
        "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator_id
    )
