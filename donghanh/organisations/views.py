from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.accounts.selectors import sign_in_locked, sign_in_locked_among
from donghanh.audit.ports import case_id_for_number
from donghanh.audit.selectors import (
    audit_entries_for_organisation,
    audit_target_types_for_organisation,
)
from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.organisations import services
from donghanh.organisations.forms import (
    AuditLogFilterForm,
    ConfirmIdentityForm,
    InvitationForm,
    NewMemberForm,
    RoleForm,
    TeamForm,
)
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, Role, role_allows
from donghanh.organisations.selectors import (
    access_invitation,
    access_member,
    access_membership,
    access_own_invitation,
    access_team,
    invitations_of,
    member_credentials_reset_refusal,
    members_of,
    organisation_overview,
    team_eligible_members,
    teams_of,
)

AUDIT_LOG_PAGE_SIZE = 50


@require_GET
@login_required
def detail(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_ORGANISATION)
    return render(
        request,
        "organisations/detail.html",
        {
            "membership": membership,
            "organisation": organisation_overview(membership.organisation_id),
            "can_manage_members": role_allows(membership.role, Perm.MANAGE_MEMBERS),
            "can_manage_teams": role_allows(membership.role, Perm.MANAGE_TEAMS),
            "can_view_audit_log": role_allows(membership.role, Perm.VIEW_AUDIT_LOG),
            "can_view_programmes": role_allows(membership.role, Perm.VIEW_PROGRAMMES),
            "can_view_savings_groups": role_allows(membership.role, Perm.VIEW_SAVINGS_GROUPS),
            "can_view_cases": role_allows(membership.role, Perm.VIEW_CASES),
            "can_import": role_allows(membership.role, Perm.IMPORT_RECORDS),
        },
    )


@require_GET
@login_required
def members(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    member_list = list(members_of(membership.organisation_id))
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": membership.organisation,
            "members": member_list,
            "invitations": invitations_of(membership.organisation_id),
            "locked_out": sign_in_locked_among(m.user.username for m in member_list),
            "can_unlock": role_allows(membership.role, Perm.RESET_PASSWORDS),
        },
    )


def _temporary_password_page(
    request: HttpRequest, member: Membership, password: str, *, new_account: bool
) -> HttpResponse:
    return render(
        request,
        "organisations/temporary_password.html",
        {
            "organisation": member.organisation,
            "member": member,
            "password": password,
            "new_account": new_account,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def member_add(request: HttpRequest, org: str) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    existing_form = InvitationForm(prefix="existing")
    suffix = f"@{acting.organisation.slug}"
    new_form = NewMemberForm(prefix="new", suffix=suffix)
    if request.method == "POST" and request.POST.get("mode") == "new":
        new_form = NewMemberForm(request.POST, prefix="new", suffix=suffix)
        if new_form.is_valid():
            try:
                member, password = services.membership_add_new_user(
                    organisation=acting.organisation,
                    full_name=new_form.cleaned_data["full_name"],
                    username=new_form.cleaned_data["username"],
                    email=new_form.cleaned_data["email"],
                    role=new_form.cleaned_data["role"],
                    actor=request_actor(request, acting.organisation),
                )
            except ValidationError as error:
                add_service_error(new_form, error)
            else:
                return _temporary_password_page(request, member, password, new_account=True)
    elif request.method == "POST":
        existing_form = InvitationForm(request.POST, prefix="existing")
        if existing_form.is_valid():
            try:
                services.invitation_send(
                    organisation=acting.organisation,
                    username=existing_form.cleaned_data["username"],
                    role=existing_form.cleaned_data["role"],
                    actor=request_actor(request, acting.organisation),
                )
            except ValidationError as error:
                add_service_error(existing_form, error)
            else:
                # The same answer whether an account has the username or not.
                messages.success(
                    request,
                    _(
                        "If an active account has this username, the person has been invited: "
                        "they see the invitation when they sign in, and join only if they "
                        "accept it within %(days)s days."
                    )
                    % {"days": services.INVITATION_DAYS},
                )
                return redirect("organisations:members", org=org)
    return render(
        request,
        "organisations/member_add.html",
        {
            "organisation": acting.organisation,
            "existing_form": existing_form,
            "new_form": new_form,
            "invitation_days": services.INVITATION_DAYS,
        },
    )


@require_POST
@login_required
def invitation_withdraw(request: HttpRequest, org: str, invitation_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    invitation = access_invitation(acting, invitation_id)
    try:
        services.invitation_withdraw(
            invitation=invitation, actor=request_actor(request, acting.organisation)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("organisations:members", org=org)


# --- Invitations, as the invited person answers them -------------------------------------


@require_POST
@login_required
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_own_invitation(request.user, invitation_id)
    try:
        membership = services.invitation_accept(
            invitation=invitation, actor=request_actor(request, invitation.organisation)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("workspace:home")
    messages.success(
        request,
        _("You are now a member of %(organisation)s.")
        % {"organisation": membership.organisation.local_name},
    )
    return redirect("organisations:detail", org=membership.organisation.slug)


@require_POST
@login_required
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_own_invitation(request.user, invitation_id)
    try:
        services.invitation_decline(
            invitation=invitation, actor=request_actor(request, invitation.organisation)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation declined."))
    return redirect("workspace:home")


def _member_page(
    request: HttpRequest, acting: Membership, member: Membership, **forms: Any
) -> HttpResponse:
    context = {
        "organisation": acting.organisation,
        "member": member,
        "can_reset": role_allows(acting.role, Perm.RESET_PASSWORDS),
        "reset_refusal": member_credentials_reset_refusal(membership=member, user=request.user),
        "locked_out": sign_in_locked(member.user.username),
        "role_form": RoleForm(initial={"role": member.role}, prefix="role"),
        "password_form": ConfirmIdentityForm(prefix="password"),
        "two_factor_form": ConfirmIdentityForm(prefix="two_factor"),
    }
    context.update(forms)
    return render(request, "organisations/member.html", context)


def _back_after_change(request: HttpRequest, org: str, member: Membership) -> HttpResponse:
    """Back to the member's page, unless the administrator just changed away their own access."""
    if member.user_id == request.user.pk and not (
        member.is_active and role_allows(member.role, Perm.MANAGE_MEMBERS)
    ):
        return redirect("workspace:home")
    return redirect("organisations:member", org=org, member_id=member.pk)


@require_GET
@login_required
def member(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    return _member_page(request, acting, access_member(acting, member_id))


@require_POST
@login_required
def member_change_role(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    member = access_member(acting, member_id)
    form = RoleForm(request.POST, prefix="role")
    if form.is_valid():
        try:
            member = services.membership_change_role(
                membership=member,
                role=form.cleaned_data["role"],
                actor=request_actor(request, acting.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Role changed to %(role)s.") % {"role": Role(member.role).label},
            )
            return _back_after_change(request, org, member)
    return _member_page(request, acting, member, role_form=form)


def _set_active(request: HttpRequest, org: str, member_id: int, *, active: bool) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    member = access_member(acting, member_id)
    change = services.membership_reactivate if active else services.membership_deactivate
    try:
        member = change(membership=member, actor=request_actor(request, acting.organisation))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("organisations:member", org=org, member_id=member.pk)
    if active:
        messages.success(request, _("Membership reactivated."))
    else:
        messages.success(
            request,
            _("Membership deactivated: this person can no longer open the organisation's pages."),
        )
    return _back_after_change(request, org, member)


@require_POST
@login_required
def member_deactivate(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    return _set_active(request, org, member_id, active=False)


@require_POST
@login_required
def member_reactivate(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    return _set_active(request, org, member_id, active=True)


@never_cache
@require_POST
@login_required
def member_password_reset(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.RESET_PASSWORDS)
    member = access_member(acting, member_id)
    form = ConfirmIdentityForm(request.POST, prefix="password")
    if form.is_valid():
        try:
            password = services.member_password_reset(
                membership=member, actor=request_actor(request, acting.organisation)
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _temporary_password_page(request, member, password, new_account=False)
    return _member_page(request, acting, member, password_form=form)


@require_POST
@login_required
def member_sign_in_unlock(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.RESET_PASSWORDS)
    member = access_member(acting, member_id)
    try:
        services.member_sign_in_unlock(
            membership=member, actor=request_actor(request, acting.organisation)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sign-in unlocked: this person can sign in again now."))
    if request.POST.get("back") == "members":
        return redirect("organisations:members", org=org)
    return redirect("organisations:member", org=org, member_id=member.pk)


@require_POST
@login_required
def member_two_factor_reset(request: HttpRequest, org: str, member_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.RESET_PASSWORDS)
    member = access_member(acting, member_id)
    form = ConfirmIdentityForm(request.POST, prefix="two_factor")
    if form.is_valid():
        try:
            services.member_two_factor_reset(
                membership=member, actor=request_actor(request, acting.organisation)
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Two-factor sign-in reset. This person sets it up again at their next "
                    "sign-in; their open sessions have ended."
                ),
            )
            return redirect("organisations:member", org=org, member_id=member.pk)
    return _member_page(request, acting, member, two_factor_form=form)


@require_GET
@login_required
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_AUDIT_LOG)
    organisation_id = membership.organisation_id
    form = AuditLogFilterForm(
        request.GET or None, record_types=audit_target_types_for_organisation(organisation_id)
    )
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # Apply the filters that are valid; the form points out the others.
        data = form.cleaned_data
    case_number = (data.get("case_number") or "").strip()
    case_id = case_id_for_number(organisation_id, case_number) if case_number else None
    if case_number and case_id is None:
        # The same answer whether another organisation has a case with that number or not.
        entries = audit_entries_for_organisation(organisation_id).none()
    else:
        entries = audit_entries_for_organisation(
            organisation_id,
            action=data.get("action") or "",
            username=(data.get("username") or "").strip(),
            target_type=data.get("record_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            case_id=case_id,
        )
    page = Paginator(entries, AUDIT_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/audit_log.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "page": page,
            "no_such_case": bool(case_number) and case_id is None,
        },
    )


# --- Teams ------------------------------------------------------------------------------


@require_GET
@login_required
def teams(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.MANAGE_TEAMS)
    return render(
        request,
        "organisations/teams.html",
        {"organisation": membership.organisation, "teams": teams_of(membership.organisation_id)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_add(request: HttpRequest, org: str) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_TEAMS)
    form = TeamForm(
        request.POST if request.method == "POST" else None,
        memberships=team_eligible_members(acting.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                organisation=acting.organisation,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                actor=request_actor(request, acting.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("organisations:teams", org=org)
    return render(
        request,
        "organisations/team_form.html",
        {"organisation": acting.organisation, "form": form, "team": None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_edit(request: HttpRequest, org: str, team_id: int) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_TEAMS)
    team = access_team(acting, team_id)
    form = TeamForm(
        request.POST if request.method == "POST" else None,
        initial={"name": team.name, "members": list(team.members.values_list("pk", flat=True))},
        memberships=team_eligible_members(acting.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                team=team,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                actor=request_actor(request, acting.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect("organisations:teams", org=org)
    return render(
        request,
        "organisations/team_form.html",
        {"organisation": acting.organisation, "form": form, "team": team},
    )


def _team_set_active(request: HttpRequest, org: str, team_id: int, *, active: bool) -> HttpResponse:
    acting = access_membership(request.user, org, Perm.MANAGE_TEAMS)
    team = access_team(acting, team_id)
    change = services.team_reactivate if active else services.team_deactivate
    change(team=team, actor=request_actor(request, acting.organisation))
    if active:
        messages.success(request, _("Team reactivated."))
    else:
        messages.success(
            request, _("Team deactivated: its members no longer see its cases through it.")
        )
    return redirect("organisations:teams", org=org)


@require_POST
@login_required
def team_deactivate(request: HttpRequest, org: str, team_id: int) -> HttpResponse:
    return _team_set_active(request, org, team_id, active=False)


@require_POST
@login_required
def team_reactivate(request: HttpRequest, org: str, team_id: int) -> HttpResponse:
    return _team_set_active(request, org, team_id, active=True)
