"""Programme pages under /app/o/<org>/programmes/. Every page opens its project through
selectors.access_project; writes go through the services, which audit them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes import forms, pdf, selectors, services
from donghanh.programmes.models import Goal, Outcome
from donghanh.programmes.selectors import ProjectAccess, access_project


def _errors_into(form: Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _try(form: Form, write: Callable[[], Any]) -> Any:
    """Run a service write; a refusal becomes an error on the form."""
    try:
        return write()
    except ValidationError as error:
        _errors_into(form, error)
        return None


def _render(
    request: HttpRequest, template: str, access: ProjectAccess, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"programmes/{template}",
        {
            "organisation": access.organisation,
            "project": access.project,
            "access": access,
            **context,
        },
    )


def _view_audit(request: HttpRequest, access: ProjectAccess, target: Any, summary: str) -> None:
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        organisation=access.organisation,
        target=target,
        summary=summary,
    )


# --- projects ---------------------------------------------------------------------------------


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
        project = _try(
            form,
            lambda: services.project_create(
                organisation=membership.organisation,
                acting_user=request.user,
                request=request,
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
@require_GET
@login_required
def project_detail(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    project = access.project
    return _render(
        request,
        "project_detail.html",
        access,
        phases=project.phases.select_related("implementing_organisation"),
        provinces=project.project_provinces.select_related(
            "province", "legacy_province", "legacy_district"
        ),
        partners=project.partner_organisations.all(),
        donors=project.donors.all(),
        funding=selectors.funding_summary(project),
        budget=selectors.budget_summary(project),
        trainee_count=selectors.unique_trainees(project),
        phase_form=forms.PhaseForm(),
        province_form=forms.ProvinceForm(),
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
        saved = _try(
            form,
            lambda: services.project_update(
                project=project,
                expected_version=version,
                partner_organisations=partners,
                donors=donors,
                acting_user=request.user,
                request=request,
                **data,
            ),
        )
        if saved is not None:
            messages.success(request, _("The project has been saved."))
            return redirect("programmes:detail", org=org, project_id=project.pk)
    return _render(request, "project_form.html", access, form=form)


@require_POST
@login_required
def phase_add(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.PhaseForm(request.POST)
    if form.is_valid():
        done = _try(
            form,
            lambda: services.phase_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if done is not None:
            messages.success(request, _("The phase has been added."))
    _flash_errors(request, form)
    return redirect("programmes:detail", org=org, project_id=project_id)


@require_POST
@login_required
def province_add(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.ProvinceForm(request.POST)
    if form.is_valid():
        done = _try(
            form,
            lambda: services.project_province_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.place_kwargs(),
            ),
        )
        if done is not None:
            messages.success(request, _("The province has been added."))
    _flash_errors(request, form)
    return redirect("programmes:detail", org=org, project_id=project_id)


# --- funding and budget -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def funding(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
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
        saved = _try(
            budget_form,
            lambda: services.funding_split_set(
                project=project,
                expected_version=budget_form.cleaned_data["version"],
                budget_vnd=budget_form.cleaned_data["budget_vnd"],
                sources=data,
                acting_user=request.user,
                request=request,
            ),
        )
        if saved is not None:
            messages.success(request, _("The funding split has been saved."))
            return redirect("programmes:funding", org=org, project_id=project.pk)
    return _render(
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
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    form = forms.BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = _try(
            form,
            lambda: services.budget_line_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if line is not None:
            messages.success(request, _("The budget line has been added."))
            return redirect("programmes:budget", org=org, project_id=project_id)
    return _render(
        request, "budget.html", access, summary=selectors.budget_summary(access.project), form=form
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def budget_line(request: HttpRequest, org: str, project_id: int, line_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    line = selectors.project_budget_line(access, line_id)
    form = forms.SpendingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spending = _try(
            form,
            lambda: services.spending_record(
                line=line,
                spent_on=data["spent_on"],
                amount_vnd=data["amount_vnd"],
                description=data["description"],
                evidence_text=data["evidence_text"],
                evidence_file=data["evidence_file"],
                overspend_reason=data["overspend_reason"],
                acting_user=request.user,
                request=request,
            ),
        )
        if spending is not None:
            messages.success(request, _("The spending has been recorded."))
            return redirect(
                "programmes:budget_line", org=org, project_id=project_id, line_id=line.pk
            )
    spent = selectors.line_spent_vnd(line)
    return _render(
        request,
        "budget_line.html",
        access,
        line=line,
        spendings=line.spendings.all(),
        spent=spent,
        remaining=line.amount_vnd - spent,
        form=form,
    )


# --- results framework ------------------------------------------------------------------------


@never_cache
@require_GET
@login_required
def results(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    return _render(
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
    common = {"code": data["code"], "name": data["name"], "acting_user": request.user}
    parent_id = data["parent"] or 0

    def write() -> Any:
        if level == "goal":
            return services.goal_add(project=access.project, request=request, **common)
        if level == "outcome":
            goal = Goal.objects.filter(project=access.project, pk=parent_id).first()
            if goal is None:
                raise Http404
            return services.outcome_add(goal=goal, request=request, **common)
        outcome = Outcome.objects.filter(goal__project=access.project, pk=parent_id).first()
        if outcome is None:
            raise Http404
        return services.output_add(outcome=outcome, request=request, **common)

    if _try(form, write) is not None:
        messages.success(request, _("Saved."))
    _flash_errors(request, form)
    return redirect("programmes:results", org=org, project_id=project_id)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def indicator_create(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    form = forms.IndicatorForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        indicator = _try(
            form,
            lambda: services.indicator_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if indicator is not None:
            messages.success(request, _("The indicator has been added."))
            return redirect(
                "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator.pk
            )
    return _render(request, "indicator_form.html", access, form=form)


@never_cache
@require_GET
@login_required
def indicator_detail(
    request: HttpRequest, org: str, project_id: int, indicator_id: int
) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    indicator = selectors.project_indicator(access, indicator_id)
    return _render(
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
    if form.is_valid() and _try(
        form,
        lambda: services.indicator_target_set(
            indicator=indicator, acting_user=request.user, request=request, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The target has been saved."))
    _flash_errors(request, form)
    return redirect(
        "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator_id
    )


@require_POST
@login_required
def value_add(request: HttpRequest, org: str, project_id: int, indicator_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    indicator = selectors.project_indicator(access, indicator_id)
    form = forms.ManualValueForm(request.POST, request.FILES)
    if form.is_valid() and _try(
        form,
        lambda: services.manual_value_record(
            indicator=indicator, acting_user=request.user, request=request, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The value has been recorded."))
    _flash_errors(request, form)
    return redirect(
        "programmes:indicator", org=org, project_id=project_id, indicator_id=indicator_id
    )


def _flash_errors(request: HttpRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


# --- trainings --------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def trainings(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training = _try(
            form,
            lambda: services.training_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if training is not None:
            messages.success(request, _("The training has been recorded."))
            return redirect(
                "programmes:training", org=org, project_id=project_id, training_id=training.pk
            )
    return _render(
        request,
        "trainings.html",
        access,
        trainings=selectors.project_trainings(access.project),
        trainee_count=selectors.unique_trainees(access.project),
        form=form,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def training_detail(
    request: HttpRequest, org: str, project_id: int, training_id: int
) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    training = selectors.project_training(access, training_id)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = _try(
            form,
            lambda: services.session_add(
                training=training, acting_user=request.user, request=request, **form.cleaned_data
            ),
        )
        if session is not None:
            messages.success(request, _("The session has been added."))
            return redirect(
                "programmes:training", org=org, project_id=project_id, training_id=training.pk
            )
    participations = selectors.training_participations(training)
    if access.sees_trainees:
        _view_audit(request, access, training, "trainee list")
    return _render(
        request,
        "training_detail.html",
        access,
        training=training,
        sessions=training.sessions.all(),
        participations=participations if access.sees_trainees else None,
        participation_count=participations.count(),
        form=form,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def participant_add(
    request: HttpRequest, org: str, project_id: int, training_id: int
) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.EDIT_PROGRAMMES)
    if not access.sees_trainees:
        raise PermissionDenied
    training = selectors.project_training(access, training_id)
    form = forms.ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        participation = _try(
            form,
            lambda: services.participant_enrol(
                training=training, acting_user=request.user, request=request, **form.cleaned_data
            ),
        )
        if participation is not None:
            messages.success(request, _("The participant has been added."))
            return redirect(
                "programmes:training", org=org, project_id=project_id, training_id=training.pk
            )
    return _render(request, "participant_form.html", access, training=training, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def participation_detail(
    request: HttpRequest, org: str, project_id: int, training_id: int, participation_id: int
) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_TRAINEES
    access = access_project(request.user, org, project_id, perm)
    if not access.sees_trainees:
        raise PermissionDenied
    training = selectors.project_training(access, training_id)
    participation = selectors.training_participation(training, participation_id)
    form = forms.ParticipationForm(
        request.POST or None,
        training=training,
        initial={
            "sessions_attended": participation.sessions_attended.all(),
            "pre_score": participation.pre_score,
            "post_score": participation.post_score,
            "version": participation.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _try(
            form,
            lambda: services.participation_update(
                participation=participation,
                expected_version=data["version"],
                sessions_attended=data["sessions_attended"],
                pre_score=data["pre_score"],
                post_score=data["post_score"],
                acting_user=request.user,
                request=request,
            ),
        )
        if saved is not None:
            messages.success(request, _("Attendance and scores have been saved."))
            return redirect(
                "programmes:training", org=org, project_id=project_id, training_id=training.pk
            )
    if request.method == "GET":
        _view_audit(request, access, participation.participant, "trainee")
    return _render(
        request,
        "participation.html",
        access,
        training=training,
        participation=participation,
        form=form,
    )


@never_cache
@require_GET
@login_required
def certificate(
    request: HttpRequest, org: str, project_id: int, training_id: int, participation_id: int
) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_TRAINEES)
    if not access.sees_trainees:
        raise PermissionDenied
    training = selectors.project_training(access, training_id)
    participation = selectors.training_participation(training, participation_id)
    try:
        participation = services.certificate_issue(
            participation=participation, acting_user=request.user, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(
            "programmes:participation",
            org=org,
            project_id=project_id,
            training_id=training_id,
            participation_id=participation_id,
        )
    response = HttpResponse(pdf.certificate_pdf(participation), content_type="application/pdf")
    filename = f"certificate-{participation.certificate_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- communication, organisations supported, publications -------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def communication(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    form = forms.CommunicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("audience_")}
        activity = _try(
            form,
            lambda: services.communication_record(
                project=access.project,
                audience=form.audience(),
                audience_total=form.cleaned_data.get("audience_total"),
                acting_user=request.user,
                request=request,
                **data,
            ),
        )
        if activity is not None:
            messages.success(request, _("The activity has been recorded."))
            return redirect("programmes:communication", org=org, project_id=project_id)
    return _render(
        request,
        "communication.html",
        access,
        activities=selectors.project_communication(access.project),
        form=form,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def supported_organisations(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    form = forms.SupportedOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = _try(
            form,
            lambda: services.supported_organisation_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if row is not None:
            messages.success(request, _("The organisation has been recorded."))
            return redirect("programmes:organisations", org=org, project_id=project_id)
    return _render(
        request,
        "supported_organisations.html",
        access,
        rows=selectors.project_supported_organisations(access.project),
        form=form,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def publications(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    access = access_project(request.user, org, project_id, perm)
    form = forms.PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        publication = _try(
            form,
            lambda: services.publication_add(
                project=access.project,
                acting_user=request.user,
                request=request,
                **form.cleaned_data,
            ),
        )
        if publication is not None:
            messages.success(request, _("The publication has been recorded."))
            return redirect("programmes:publications", org=org, project_id=project_id)
    return _render(
        request,
        "publications.html",
        access,
        publications=access.project.publications.all(),
        form=form,
    )


@never_cache
@require_GET
@login_required
def evidence_download(
    request: HttpRequest, org: str, project_id: int, kind: str, record_id: int
) -> FileResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_PROGRAMMES)
    record = selectors.project_evidence(access, kind, record_id)
    stored = record.file if kind == "publication" else record.evidence_file
    if not stored:
        raise Http404
    services.evidence_download_record(
        record=record, project=access.project, acting_user=request.user, request=request
    )
    return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/")[-1])
