"""Training pages of a project: trainings and their sessions, trainees, attendance and scores,
certificates. Trainee names are shown, and audited, only where ProjectAccess.sees_trainees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from donghanh.core.actor import request_actor
from donghanh.organisations.roles import Perm
from donghanh.programmes.projects.pages import (
    list_and_add,
    open_project,
    record_posted,
    render_page,
    try_write,
)
from donghanh.programmes.projects.selectors import access_project
from donghanh.programmes.trainings import forms, pdf, selectors, services


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def trainings(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    return list_and_add(
        request,
        org,
        project_id,
        form_class=forms.TrainingForm,
        done=_("The training has been recorded."),
        add=services.training_add,
        template="trainings.html",
        listing=lambda project: {
            "trainings": selectors.project_trainings(project),
            "trainee_count": selectors.unique_trainees(project),
        },
        then=lambda training: redirect(
            "programmes:training", org=org, project_id=project_id, training_id=training.pk
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def training_detail(
    request: HttpRequest, org: str, project_id: int, training_id: int
) -> HttpResponse:
    access = open_project(request, org, project_id)
    training = selectors.project_training(access, training_id)
    form = forms.SessionForm(request.POST or None)
    if record_posted(
        request, form, _("The session has been added."), services.session_add, training=training
    ):
        return redirect(request.path)
    participations = selectors.training_participations(training)
    if access.sees_trainees:
        services.trainee_list_view_record(
            actor=request_actor(request, organisation=access.organisation), training=training
        )
    return render_page(
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
    if record_posted(
        request,
        form,
        _("The participant has been added."),
        services.participant_enrol,
        training=training,
    ):
        return redirect(
            "programmes:training", org=org, project_id=project_id, training_id=training.pk
        )
    return render_page(request, "participant_form.html", access, training=training, form=form)


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
        saved = try_write(
            form,
            lambda: services.participation_update(
                participation=participation,
                expected_version=data["version"],
                sessions_attended=data["sessions_attended"],
                pre_score=data["pre_score"],
                post_score=data["post_score"],
                actor=request_actor(request, organisation=access.organisation),
            ),
        )
        if saved is not None:
            messages.success(request, _("Attendance and scores have been saved."))
            return redirect(
                "programmes:training", org=org, project_id=project_id, training_id=training.pk
            )
    if request.method == "GET":
        services.trainee_view_record(
            actor=request_actor(request, organisation=access.organisation),
            participation=participation,
        )
    return render_page(
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
            participation=participation,
            actor=request_actor(request, organisation=access.organisation),
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
