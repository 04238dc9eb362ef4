"""Referral pages under /app/o/<org>/referrals/: incoming and sent lists, sending from a case,
one referral for its sender or its receiver, and the receiver's answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.cases import services as case_services
from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.referrals import services
from donghanh.referrals.forms import (
    ReferralCompleteForm,
    ReferralDeclineForm,
    ReferralFilterForm,
    ReferralSendForm,
)
from donghanh.referrals.models import ReferralKind, ReferralStatus
from donghanh.referrals.selectors import (
    ReferralAccess,
    access_referral,
    is_overdue,
    referrals_in,
    referrals_out,
    shared_snapshot,
)
from donghanh.referrals.snapshot import snapshot_sections

PAGE_SIZE = 25


def _list(request: HttpRequest, org: str, *, incoming: bool) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    form = ReferralFilterForm(request.GET)
    status, overdue = "", False
    if form.is_valid():
        status = form.cleaned_data["status"]
        overdue = form.cleaned_data["overdue"]
    select = referrals_in if incoming else referrals_out
    referrals = select(membership, status=status, overdue=overdue)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(referral, is_overdue(referral)) for referral in page.object_list]
    return render(
        request,
        "referrals/referral_list.html",
        {
            "organisation": membership.organisation,
            "incoming": incoming,
            "form": form,
            "page": page,
            "rows": rows,
        },
    )


@never_cache
@require_GET
@login_required
def referral_list_in(request: HttpRequest, org: str) -> HttpResponse:
    return _list(request, org, incoming=True)


@never_cache
@require_GET
@login_required
def referral_list_out(request: HttpRequest, org: str) -> HttpResponse:
    return _list(request, org, incoming=False)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def referral_send(request: HttpRequest, org: str, case_id: int) -> HttpResponse:
    membership, case = case_services.case_access_audited(
        actor=request_actor(request), org_slug=org, case_id=case_id, perm=Perm.EDIT_CASES
    )
    form = ReferralSendForm(
        request.POST if request.method == "POST" else None, organisation=membership.organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                case=case,
                actor=request_actor(request, organisation=membership.organisation),
                to_organisation=data["to_organisation"],
                to_provider=data["to_provider"],
                kind=data["kind"],
                domain=data["domain"],
                shared_sections=data["shared_sections"],
                message=data["message"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The referral has been sent."))
            return redirect("referrals:detail", org=org, referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_send.html",
        {"organisation": membership.organisation, "case": case, "form": form},
    )


def _open(request: HttpRequest, org: str, referral_id: int, perm: Perm) -> ReferralAccess:
    return access_referral(request.user, org, referral_id, perm)


@never_cache
@require_GET
@login_required
def referral_detail(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _open(request, org, referral_id, Perm.VIEW_CASES)
    referral = access.referral
    snapshot = shared_snapshot(referral)
    services.referral_view_record(
        referral=referral, actor=request_actor(request, organisation=access.membership.organisation)
    )
    can_answer = access.is_receiver and role_allows(access.membership.role, Perm.EDIT_CASES)
    can_send = access.is_sender and role_allows(access.membership.role, Perm.EDIT_CASES)
    open_statuses = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "organisation": access.membership.organisation,
            "referral": referral,
            "is_sender": access.is_sender,
            "sections": snapshot_sections(snapshot) if snapshot is not None else None,
            "overdue": is_overdue(referral),
            "can_accept": can_answer and referral.status == ReferralStatus.SENT,
            "can_complete": can_answer
            and referral.status == ReferralStatus.ACCEPTED
            and referral.kind == ReferralKind.REFERRAL,
            "can_reshare": can_send and referral.status in open_statuses,
            "can_cancel": can_send and referral.status == ReferralStatus.SENT,
            "decline_form": ReferralDeclineForm(),
            "complete_form": ReferralCompleteForm(),
        },
    )


def _receiver_action(request: HttpRequest, org: str, referral_id: int) -> ReferralAccess:
    access = _open(request, org, referral_id, Perm.EDIT_CASES)
    if not access.is_receiver:
        raise PermissionDenied
    return access


def _sender_action(request: HttpRequest, org: str, referral_id: int) -> ReferralAccess:
    access = _open(request, org, referral_id, Perm.EDIT_CASES)
    if not access.is_sender:
        raise PermissionDenied
    return access


def _back(org: str, referral_id: int) -> HttpResponse:
    return redirect("referrals:detail", org=org, referral_id=referral_id)


def _run(
    request: HttpRequest, access: ReferralAccess, action: Any, success: str, **kwargs: Any
) -> bool:
    actor = request_actor(request, organisation=access.membership.organisation)
    try:
        action(actor=actor, referral=access.referral, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@never_cache
@require_POST
@login_required
def referral_accept(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _receiver_action(request, org, referral_id)
    referral = access.referral
    done = _run(request, access, services.referral_accept, _("Referral accepted."))
    if done and referral.kind == ReferralKind.TRANSFER:
        return redirect("cases:case_detail", org=org, case_id=referral.case_id)
    return _back(org, referral_id)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def referral_decline(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _receiver_action(request, org, referral_id)
    form = ReferralDeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_decline(
                referral=access.referral,
                reason=form.cleaned_data["reason"],
                actor=request_actor(request, organisation=access.membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Referral declined."))
            return _back(org, referral_id)
    return render(
        request,
        "referrals/referral_answer.html",
        {
            "organisation": access.membership.organisation,
            "referral": access.referral,
            "form": form,
            "title": _("Decline the referral"),
            "action": "referrals:decline",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def referral_complete(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _receiver_action(request, org, referral_id)
    form = ReferralCompleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_complete(
                referral=access.referral,
                feedback=form.cleaned_data["feedback"],
                actor=request_actor(request, organisation=access.membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Referral completed; the sender can read your feedback."))
            return _back(org, referral_id)
    return render(
        request,
        "referrals/referral_answer.html",
        {
            "organisation": access.membership.organisation,
            "referral": access.referral,
            "form": form,
            "title": _("Complete the referral"),
            "action": "referrals:complete",
        },
    )


@never_cache
@require_POST
@login_required
def referral_reshare(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _sender_action(request, org, referral_id)
    _run(
        request,
        access,
        services.referral_reshare,
        _("The shared information has been brought up to date."),
    )
    return _back(org, referral_id)


@never_cache
@require_POST
@login_required
def referral_cancel(request: HttpRequest, org: str, referral_id: int) -> HttpResponse:
    access = _sender_action(request, org, referral_id)
    _run(request, access, services.referral_cancel, _("Referral cancelled."))
    return _back(org, referral_id)
