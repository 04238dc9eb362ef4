"""Funding and budget pages of a project: the funding split, the budget lines, a line's
spendings. Writes go through finance.services, which holds the money rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from donghanh.core.actor import request_actor
from donghanh.programmes.finance import forms, selectors, services
from donghanh.programmes.projects.pages import (
    list_and_add,
    open_project,
    record_posted,
    render_page,
    try_write,
)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def funding(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = open_project(request, org, project_id)
    project = access.project
    sources = list(project.funding_sources.select_related("donor"))
    initial = [
        {"kind": s.kind, "donor": s.donor, "donor_name": s.donor_name, "amount_vnd": s.amount_vnd}
        for s in sources
    ]
    budget_form = forms.BudgetForm(
        request.POST or None, initial={"budget_vnd": project.budget_vnd, "version": project.version}
    )
    formset = forms.FundingFormSet(request.POST or None, initial=initial, prefix="source")
    if request.method == "POST" and budget_form.is_valid() and formset.is_valid():
        data = [
            services.FundingSourceData(
                kind=f.cleaned_data["kind"],
                donor=f.cleaned_data["donor"],
                donor_name=f.cleaned_data["donor_name"],
                amount_vnd=f.cleaned_data["amount_vnd"],
            )
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        saved = try_write(
            budget_form,
            lambda: services.funding_split_set(
                project=project,
                expected_version=budget_form.cleaned_data["version"],
                budget_vnd=budget_form.cleaned_data["budget_vnd"],
                sources=data,
                actor=request_actor(request, organisation=access.organisation),
            ),
        )
        if saved is not None:
            messages.success(request, _("The funding split has been saved."))
            return redirect("programmes:funding", org=org, project_id=project.pk)
    return render_page(
        request,
        "funding.html",
        access,
        sources=sources,
        summary=selectors.funding_summary(project),
        budget_form=budget_form,
        formset=formset,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def budget(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    return list_and_add(
        request,
        org,
        project_id,
        form_class=forms.BudgetLineForm,
        done=_("The budget line has been added."),
        add=services.budget_line_add,
        template="budget.html",
        listing=lambda project: {"summary": selectors.budget_summary(project)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def budget_line(request: HttpRequest, org: str, project_id: int, line_id: int) -> HttpResponse:
    access = open_project(request, org, project_id)
    line = selectors.project_budget_line(access, line_id)
    form = forms.SpendingForm(request.POST or None, request.FILES or None)
    if record_posted(
        request, form, _("The spending has been recorded."), services.spending_record, line=line
    ):
        return redirect(request.path)
    spent = selectors.line_spent_vnd(line)
    return render_page(
        request,
        "budget_line.html",
        access,
        line=line,
        spendings=line.spendings.all(),
        spent=spent,
        remaining=line.amount_vnd - spent,
        form=form,
    )
