"""The field app's devices: registering a browser, releasing its key, its erasure; the devices
page (a member's own, or every member's for an administrator), reporting one lost, revoking
one; and what makes the app installable: its manifest, its service worker, its offline page.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from donghanh.fieldwork.devices import services
from donghanh.fieldwork.devices.gate import answer_for_device, field_json, gone_answer, wipe_answer
from donghanh.fieldwork.devices.models import DeviceState
from donghanh.fieldwork.devices.selectors import (
    access_device_to_report_lost,
    access_device_to_revoke,
    access_devices_page,
    access_field_work,
    access_own_device,
    devices_for,
    max_offline_days,
    may_see_all_devices,
    may_work_offline,
    own_device_by_slug,
)

# The staff pages' colours (static/css/donghanh.css: --brand and --paper).
THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#ffffff"
SERVICE_WORKER = "fieldwork/sw.js"
CLIENT_TEMPLATE = "fieldwork/_client.html"


def _field_root(org: str) -> str:
    return reverse("fieldwork:manifest", kwargs={"org": org}).rsplit("/", 1)[0] + "/"


def _client_template() -> Any:
    """The field app's script and style tags (`fieldwork/_client.html`, the client's own
    template), when the client is installed."""
    try:
        return get_template(CLIENT_TEMPLATE)
    except TemplateDoesNotExist:
        return None


# --- JSON endpoints of the field app's script ---------------------------------------------


@require_POST
@field_json
def device_register(request: HttpRequest, org: str) -> HttpResponse:
    """201 with the new device's number, its secret and how long it may stay offline."""
    membership = access_field_work(request.user, org)
    if (gone := wipe_answer(request, membership)) is not None:
        return gone
    device = services.device_register(
        membership=membership,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        idempotency_key=request.META.get(IDEMPOTENCY_HEADER, ""),
        actor=request_actor(request, membership.organisation),
    )
    if device.state != DeviceState.ACTIVE:
        # A repeat of a registration whose device was revoked or erased since.
        return gone_answer()
    return JsonResponse(
        {
            "device": str(device.uuid),
            "secret": device.secret,
            "max_offline_days": max_offline_days(),
            "key_url": reverse("fieldwork:device_key", kwargs={"org": org, "device": device.uuid}),
            "wipe_url": reverse(
                "fieldwork:device_wiped", kwargs={"org": org, "device": device.uuid}
            ),
        },
        status=201,
    )


@require_POST
@field_json
def device_key(request: HttpRequest, org: str, device: uuid.UUID) -> HttpResponse:
    """200 with the secret for the owner of an active device; 410 for a device that must
    erase its data, including one whose owner may no longer work offline here."""
    try:
        membership = access_field_work(request.user, org)
    except (Http404, PermissionDenied):
        own = own_device_by_slug(request.user, org, device)
        if own is None:
            raise
        # The owner left the organisation or lost the right to work offline: the device keeps
        # nothing of it any longer.
        actor = request_actor(request, own.organisation)
        own = services.device_revoke(device=own, actor=actor)
        return answer_for_device(request, own) or gone_answer()
    found = access_own_device(membership, device)
    found.organisation = membership.organisation
    if not found.is_active:
        return answer_for_device(request, found) or gone_answer()
    secret = services.device_key_release(
        device=found, actor=request_actor(request, membership.organisation)
    )
    return JsonResponse({"secret": secret, "max_offline_days": max_offline_days()})


@require_POST
@field_json
def device_wiped(request: HttpRequest, org: str, device: uuid.UUID) -> HttpResponse:
    """204: the device erased what it kept. Its owner may confirm even after leaving."""
    own = own_device_by_slug(request.user, org, device)
    if own is None:
        raise Http404
    services.device_wiped(device=own, actor=request_actor(request, own.organisation))
    return HttpResponse(status=204)


# --- Pages ---------------------------------------------------------------------------------


@never_cache
@require_GET
@login_required
def device_list(request: HttpRequest, org: str) -> HttpResponse:
    """A member's own devices; an administrator's view of every member's."""
    membership = access_devices_page(request.user, org)
    return render(
        request,
        "fieldwork/devices.html",
        {
            "organisation": membership.organisation,
            "devices": list(devices_for(membership)),
            "sees_all": may_see_all_devices(membership),
            "works_offline": may_work_offline(membership),
            "max_offline_days": max_offline_days(),
            "field_url": _field_root(org),
        },
    )


@never_cache
@require_POST
@login_required
def device_report_lost(request: HttpRequest, org: str, device: uuid.UUID) -> HttpResponse:
    found = access_device_to_report_lost(request.user, org, device)
    try:
        services.device_report_lost(device=found, actor=request_actor(request, found.organisation))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Device %(device)s is reported lost: it gets no key again, and erases its "
                "offline data the next time it connects."
            )
            % {"device": found.pk},
        )
    return redirect("fieldwork:devices", org=org)


@never_cache
@require_POST
@login_required
def device_revoke(request: HttpRequest, org: str, device: uuid.UUID) -> HttpResponse:
    found = access_device_to_revoke(request.user, org, device)
    services.device_revoke(device=found, actor=request_actor(request))
    messages.success(
        request,
        _(
            "Device %(device)s is revoked: it erases its offline data the next time it "
            "connects. Sign in on it again to work offline there."
        )
        % {"device": found.pk},
    )
    return redirect("fieldwork:devices", org=org)


@never_cache
@require_GET
@login_required
def offline_page(request: HttpRequest, org: str) -> HttpResponse:
    """What the app shows for a page it cannot open without a connection. The service worker
    keeps it: it holds nothing about the member (no name, no menu), only the app's own texts."""
    access_field_work(request.user, org)
    return render(
        request,
        "fieldwork/offline.html",
        {"field_url": _field_root(org), "client": _client_template()},
    )


# --- Installing the app --------------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest, org: str) -> HttpResponse:
    """The web app manifest. Browsers fetch it without cookies, so it needs no sign-in; it
    reads nothing from the database and says nothing about the organisation but its address,
    which the request already holds."""
    root = _field_root(org)
    body = {
        "id": root,
        "name": _("Đồng Hành – Field work"),
        "short_name": _("Field work"),
        "description": _(
            "Record field work without a connection: it is kept encrypted on the device and "
            "sent when the connection returns."
        ),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": root,
        "scope": root,
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"fieldwork/icons/{name}-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for name, purpose in (("icon", "any"), ("maskable", "maskable"))
            for size in (192, 512)
        ],
    }
    return JsonResponse(
        body,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@login_required
def service_worker(request: HttpRequest, org: str) -> HttpResponse:
    """The service worker, served under the app's address so that its scope is the app and
    nothing else: it never sees another staff page or any public page."""
    access_field_work(request.user, org)
    path = finders.find(SERVICE_WORKER)
    if not path or isinstance(path, list):
        raise Http404
    with open(path, encoding="utf-8") as script:
        body = script.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = _field_root(org)
    return response
