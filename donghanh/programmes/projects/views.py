"""Project pages under /app/o/<org>/programmes/: the list, creating and editing a project, its
phases and provinces. The project's own page, which gathers every sub-domain, is in
programmes.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes.projects import forms, selectors, services
from donghanh.programmes.projects.pages import flash_errors, record_posted, render_page, try_write
from donghanh.programmes.projects.selectors import access_project


@never_cache
@require_GET
@login_required
def project_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_PROGRAMMES)
    projects = selectors.projects_visible_to(membership.organisation).order_by("code")
    return render(
        request,
        "programmes/project_list.html",
        {
            "organisation": membership.organisation,
            "projects": projects,
            "can_create": role_allows(membership.role, Perm.EDIT_PROGRAMMES),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.EDIT_PROGRAMMES)
    form = forms.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        project = try_write(
            form,
            lambda: services.project_create(
                organisation=membership.organisation,
                actor=request_actor(request, organisation=membership.organisation),
                **data,
            ),
        )
        if project is not None:
            messages.success(request, _("The project has been created."))
            return redirect("programmes:detail", org=org, project_id=project.pk)
    return render(
        request,
        "programmes/project_form.html",
        {"organisation": membership.organisation, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    project = access.project
    initial = {
        "code": project.code,
        "name": project.name,
        "name_en": project.name_en,
        "description": project.description,
        "start_on": project.start_on,
        "end_on": project.end_on,
        "status": project.status,
        "partner_organisations": project.partner_organisations.all(),
        "donors": project.donors.all(),
        "version": project.version,
    }
    form = forms.ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        partners = data.pop("partner_organisations")
        donors = data.pop("donors")
        saved = try_write(
            form,
            lambda: services.project_update(
                project=project,
                expected_version=version,
                partner_organisations=partners,
                donors=donors,
                actor=request_actor(request, organisation=access.organisation),
                **data,
            ),
        )
        if saved is not None:
            messages.success(request, _("The project has been saved."))
            return redirect("programmes:detail", org=org, project_id=project.pk)
    return render_page(request, "project_form.html", access, form=form)


@require_POST
@login_required
def phase_add(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.PhaseForm(request.POST)
    record_posted(
        request, form, _("The phase has been added."), services.phase_add, project=access.project
    )
    flash_errors(request, form)
    return redirect("programmes:detail", org=org, project_id=project_id)


@require_POST
@login_required
def province_add(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.ProvinceForm(request.POST)
    record_posted(
        request,
        form,
        _("The province has been added."),
        services.project_province_add,
        project=access.project,
    )
    flash_errors(request, form)
    return redirect("programmes:detail", org=org, project_id=project_id)
