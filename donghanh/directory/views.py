from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.directory import services
from donghanh.directory.forms import (
    ContactFormSet,
    DirectorySearchForm,
    HoursFormSet,
    ProviderEditForm,
    ProviderForm,
    contacts_initial,
    hours_initial,
    provider_initial,
    provider_input,
)
from donghanh.directory.hours import hours_table
from donghanh.directory.selectors import (
    access_directory,
    access_provider,
    access_provider_for_edit,
    directory_memberships,
    editing_membership,
    is_open_at,
    membership_for_organisation,
    organisations_editable_by,
    providers_none,
    providers_search,
    with_open_status,
)
from donghanh.organisations.roles import Perm

PAGE_SIZE = 20


@require_GET
@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    access_directory(request.user, Perm.VIEW_DIRECTORY)
    form = DirectorySearchForm(request.GET or None)
    providers = providers_none()
    if not form.is_bound:
        providers = providers_search()
    elif form.is_valid():
        providers = providers_search(**form.search_filters())
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/provider_list.html",
        {
            "form": form,
            "page": page,
            "providers": with_open_status(page.object_list, timezone.now()),
            "resolution": form.resolution if form.is_bound and form.is_valid() else None,
            "place_abroad": form.place_abroad if form.is_bound and form.is_valid() else None,
            "can_add": bool(directory_memberships(request.user, Perm.EDIT_DIRECTORY)),
        },
    )


@require_GET
@login_required
def provider_detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = access_provider(request.user, provider_id)
    return render(
        request,
        "directory/provider_detail.html",
        {
            "provider": provider,
            "open_now": is_open_at(provider, timezone.now()),
            "hours": hours_table(provider.opening_hours.all()),
            "can_edit": editing_membership(request.user, provider) is not None,
        },
    )


def _form_page(request: HttpRequest, template_context: dict[str, Any]) -> HttpResponse:
    return render(request, "directory/provider_form.html", template_context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def provider_create(request: HttpRequest) -> HttpResponse:
    access_directory(request.user, Perm.EDIT_DIRECTORY)
    data = request.POST if request.method == "POST" else None
    form = ProviderForm(data, organisations=organisations_editable_by(request.user))
    contacts = ContactFormSet(data, prefix="contacts")
    hours = HoursFormSet(data, prefix="hours")
    if data is not None and all([form.is_valid(), contacts.is_valid(), hours.is_valid()]):
        values = provider_input(form, contacts, hours)
        membership = membership_for_organisation(
            request.user, values.organisation.pk if values.organisation else None
        )
        try:
            provider = services.provider_create(
                data=values,
                actor=request_actor(
                    request, organisation=membership.organisation if membership else None
                ),
                mark_verified=form.cleaned_data["mark_verified"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Provider added to the directory."))
            return redirect("directory:detail", provider_id=provider.pk)
    return _form_page(request, {"form": form, "contacts": contacts, "hours": hours})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider, membership = access_provider_for_edit(request.user, provider_id)
    organisations = organisations_editable_by(request.user)
    if request.method == "POST":
        form = ProviderEditForm(request.POST, organisations=organisations)
        contacts = ContactFormSet(request.POST, prefix="contacts")
        hours = HoursFormSet(request.POST, prefix="hours")
    else:
        form = ProviderEditForm(initial=provider_initial(provider), organisations=organisations)
        contacts = ContactFormSet(initial=contacts_initial(provider), prefix="contacts")
        hours = HoursFormSet(initial=hours_initial(provider), prefix="hours")
    if request.method == "POST" and all([form.is_valid(), contacts.is_valid(), hours.is_valid()]):
        try:
            _provider, changed = services.provider_update(
                provider=provider,
                data=provider_input(form, contacts, hours),
                expected_version=form.cleaned_data["version"],
                actor=request_actor(request, organisation=membership.organisation),
                mark_verified=form.cleaned_data["mark_verified"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if changed:
                messages.success(request, _("Changes saved."))
            elif not form.cleaned_data["mark_verified"]:
                messages.info(request, _("Nothing was changed."))
            if form.cleaned_data["mark_verified"]:
                messages.success(request, _("Marked as verified today."))
            return redirect("directory:detail", provider_id=provider.pk)
    return _form_page(
        request, {"form": form, "contacts": contacts, "hours": hours, "provider": provider}
    )


@require_POST
@login_required
def provider_verify(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider, membership = access_provider_for_edit(request.user, provider_id)
    services.provider_mark_verified(
        provider=provider, actor=request_actor(request, organisation=membership.organisation)
    )
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:detail", provider_id=provider.pk)
