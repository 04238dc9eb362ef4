"""The steps every programme page shares: open the project for the request, record what a form
posts through its service, show the page inside the project's frame; and list_and_add, the whole
of a page that lists one kind of record of the project and adds to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.organisations.roles import Perm
from donghanh.programmes.projects.forms import RecordForm
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, access_project

Record = TypeVar("Record")


def open_project(request: HttpRequest, org: str, project_id: int) -> ProjectAccess:
    """The project of a page that lists records and adds them: reading it needs
    Perm.VIEW_PROGRAMMES, posting to it Perm.EDIT_PROGRAMMES."""
    perm = Perm.EDIT_PROGRAMMES if request.method == "POST" else Perm.VIEW_PROGRAMMES
    return access_project(request.user, org, project_id, perm)


def try_write(form: Form, write: Callable[[], Record]) -> Record | None:
    """Run a service write; a refusal becomes an error on the form."""
    try:
        return write()
    except ValidationError as error:
        add_service_error(form, error)
        return None


def record_posted(
    request: HttpRequest,
    form: RecordForm,
    done: str,
    add: Callable[..., Record],
    **about: Any,
) -> Record | None:
    """On a valid POST, record the form through the service `add`, called with `about` (the
    project or record the new one belongs to), the form's data and the request's actor.
    A refusal becomes an error on the form; a success shows `done`. Returns the new record,
    or None when nothing was recorded."""
    if request.method != "POST" or not form.is_valid():
        return None
    record = try_write(
        form,
        lambda: add(**about, **form.record_kwargs(), actor=request_actor(request)),
    )
    if record is not None:
        messages.success(request, done)
    return record


def list_and_add(
    request: HttpRequest,
    org: str,
    project_id: int,
    *,
    form_class: type[RecordForm],
    done: str,
    add: Callable[..., Any],
    template: str,
    listing: Callable[[Project], dict[str, Any]],
    then: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """A page that lists a kind of record of the project under a form that adds one: the
    records are read with Perm.VIEW_PROGRAMMES, added with Perm.EDIT_PROGRAMMES through the
    service `add`. After adding, `then(record)` or back to the list."""
    access = open_project(request, org, project_id)
    form = form_class(request.POST or None, request.FILES or None)
    record = record_posted(request, form, done, add, project=access.project)
    if record is not None:
        return then(record) if then is not None else redirect(request.path)
    return render_page(request, template, access, form=form, **listing(access.project))


def flash_errors(request: HttpRequest, form: Form) -> None:
    """A form's errors as messages, for a form posted from a page that is not shown again."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def render_page(
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
