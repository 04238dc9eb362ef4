from __future__ import annotations

import json
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.people.selectors import access_person
from donghanh.privacy import selectors, services
from donghanh.privacy.forms import (
    CompleteForm,
    ConfirmedCompleteForm,
    ExtendForm,
    RefuseForm,
    RequestListForm,
    RequestRegisterForm,
)
from donghanh.privacy.models import DataSubjectRequest, RequestKind
from donghanh.privacy.selectors import (
    RequestAccess,
    access_request,
    may_download_copy,
    requests_for_list,
    responsible_choices,
)

PAGE_SIZE = 25

# How each kind of request may be completed: what may be done to the person's data.
CARRY_OUT = {
    RequestKind.ERASURE: (services.ERASE, services.DEIDENTIFY),
    RequestKind.DEIDENTIFICATION: (services.DEIDENTIFY,),
}


def _person_for(request: HttpRequest, org: str, data_request: DataSubjectRequest) -> Person | None:
    """The request's person, if still on record and the member may see them; audited."""
    if data_request.person_id is None:
        return None
    try:
        person = access_person(request.user, org, data_request.person_id, Perm.VIEW_CASES).person
    except Http404:
        return None
    person_services.person_view_record(
        person=person, actor=request_actor(request, person.organisation)
    )
    return person


def _back(org: str, data_request: DataSubjectRequest) -> HttpResponse:
    return redirect("privacy:request_detail", org=org, request_id=data_request.pk)


@never_cache
@require_GET
@login_required
def request_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    form = RequestListForm(request.GET)
    status, person_id = "open", None
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        person_id = form.cleaned_data["person"]
    requests = requests_for_list(membership, status=status, person_id=person_id)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/request_list.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "status": status,
            "person_id": person_id,
            "page": page,
            "today": timezone.localdate(),
            "sees_all": role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def request_register(request: HttpRequest, org: str, person_id: int) -> HttpResponse:
    membership, person = access_person(request.user, org, person_id, Perm.VIEW_CASES)
    person_services.person_view_record(
        person=person, actor=request_actor(request, person.organisation)
    )
    members = responsible_choices(membership.organisation)
    form = RequestRegisterForm(
        request.POST or None,
        members=members,
        initial={"received_on": timezone.localdate(), "responsible": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data_request = services.request_register(
                person=person,
                actor=request_actor(request, organisation=membership.organisation),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Request registered. Its deadlines are shown below."))
            return _back(org, data_request)
    return render(
        request,
        "privacy/request_register.html",
        {"organisation": membership.organisation, "person": person, "form": form},
    )


@never_cache
@require_GET
@login_required
def request_detail(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = access_request(request.user, org, request_id)
    person = _person_for(request, org, data_request)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "organisation": membership.organisation,
            "data_request": data_request,
            "person": person,
            "today": timezone.localdate(),
            "can_export": role_allows(membership.role, Perm.EXPORT_CASES),
            "can_download_copy": may_download_copy(membership, data_request),
            "copy_languages": settings.LANGUAGES,
            "carry_out": CARRY_OUT.get(RequestKind(data_request.kind), ()),
        },
    )


def _act(request: HttpRequest, org: str, request_id: int, action: str) -> HttpResponse:
    membership, data_request = access_request(request.user, org, request_id)
    service = {"acknowledge": services.request_acknowledge, "start": services.request_start}[action]
    try:
        service(
            data_request=data_request,
            actor=request_actor(request, organisation=membership.organisation),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Request acknowledged.") if action == "acknowledge" else _("Request in progress."),
        )
    return _back(org, data_request)


@never_cache
@require_POST
@login_required
def request_acknowledge(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    return _act(request, org, request_id, "acknowledge")


@never_cache
@require_POST
@login_required
def request_start(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    return _act(request, org, request_id, "start")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def request_extend(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = access_request(request.user, org, request_id)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_extend(
                data_request=data_request,
                actor=request_actor(request, organisation=membership.organisation),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Deadline extended."))
            return _back(org, data_request)
    return render(
        request,
        "privacy/request_extend.html",
        {"organisation": membership.organisation, "data_request": data_request, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def request_complete(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = access_request(request.user, org, request_id)
    allowed = CARRY_OUT.get(RequestKind(data_request.kind), ())
    carry_out = request.POST.get("carry_out") or request.GET.get("carry_out") or ""
    if allowed and carry_out not in allowed:
        carry_out = allowed[0]
    elif not allowed:
        carry_out = ""
    person = None
    if carry_out and data_request.person_id is not None:
        # Deleting or de-identifying takes the right to export the whole record.
        person = access_person(request.user, org, data_request.person_id, Perm.EXPORT_CASES).person
        person_services.person_view_record(
            person=person, actor=request_actor(request, person.organisation)
        )
    form_class = ConfirmedCompleteForm if carry_out else CompleteForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_complete(
                data_request=data_request,
                outcome=form.cleaned_data["outcome"],
                carry_out=carry_out,
                actor=request_actor(request, organisation=membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            done = {
                services.ERASE: _("The person's record was deleted and the request completed."),
                services.DEIDENTIFY: _(
                    "The person's record was de-identified and the request completed."
                ),
            }
            messages.success(request, done.get(carry_out, _("Request completed.")))
            return _back(org, data_request)
    return render(
        request,
        "privacy/request_complete.html",
        {
            "organisation": membership.organisation,
            "data_request": data_request,
            "person": person,
            "carry_out": carry_out,
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def request_refuse(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = access_request(request.user, org, request_id)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_refuse(
                data_request=data_request,
                reason=form.cleaned_data["reason"],
                actor=request_actor(request, organisation=membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Request refused. Tell the requester why."))
            return _back(org, data_request)
    return render(
        request,
        "privacy/request_refuse.html",
        {"organisation": membership.organisation, "data_request": data_request, "form": form},
    )


def _person_to_export(request: HttpRequest, org: str, request_id: int) -> RequestAccess:
    """The request and its person, if the member may download the copy of the person's data:
    404 for a request or a person the member may not see, 403 for one they may see only."""
    membership, data_request = access_request(request.user, org, request_id)
    if data_request.person_id is None:
        raise Http404
    if not may_download_copy(membership, data_request):
        raise PermissionDenied
    access = access_person(request.user, org, data_request.person_id, Perm.VIEW_CASES)
    data_request.person = access.person
    return RequestAccess(membership, data_request)


def _copy_language(request: HttpRequest) -> str:
    """The language the person reads the copy in: Vietnamese unless `?lang=` says otherwise."""
    return selectors.export_language(request.GET.get("lang"))


@never_cache
@require_GET
@login_required
def request_export_json(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = _person_to_export(request, org, request_id)
    person = cast(Person, data_request.person)
    data = services.person_export_json(
        person=person,
        data_request=data_request,
        actor=request_actor(request, organisation=membership.organisation),
        language=_copy_language(request),
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@never_cache
@require_GET
@login_required
def request_export_pdf(request: HttpRequest, org: str, request_id: int) -> HttpResponse:
    membership, data_request = _person_to_export(request, org, request_id)
    person = cast(Person, data_request.person)
    document = services.person_export_pdf(
        person=person,
        data_request=data_request,
        actor=request_actor(request, organisation=membership.organisation),
        language=_copy_language(request),
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.pdf"'
    return response
