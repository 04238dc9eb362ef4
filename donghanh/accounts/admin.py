"""System administration of users.

Only superusers who have passed two-factor authentication may open the admin: the default
site's permission check is narrowed here, and /admin/login/ redirects to the platform's own
login (see donghanh/urls.py), which enforces lockout and 2FA.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import User, UserSession
from donghanh.accounts.ports import user_admin_inlines
from donghanh.accounts.services import (
    user_password_set_in_admin,
    user_reset_two_factor,
    user_saved_in_admin,
)
from donghanh.core.actor import request_actor


def superuser_with_second_factor(request: HttpRequest) -> bool:
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_superuser and is_verified is not None and is_verified())


admin.site.has_permission = superuser_with_second_factor  # type: ignore[method-assign]

# django-otp's own device admins show secret keys and recovery codes to whoever opens them;
# devices are managed through the audited "reset two-factor authentication" action instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "must_change_password", "preferred_language"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("full_name", "email", "preferred_language")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_superuser", "must_change_password")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_factor"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin]]:
        # What the apps above hold about the account (organisations: its memberships, granted
        # by the organisations) appears once the user exists.
        return user_admin_inlines() if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.must_change_password = True  # the administrator chose it: it is temporary
        super().save_model(request, obj, form, change)
        user_saved_in_admin(
            actor=request_actor(request),
            user=obj,
            created=not change,
            changed_fields=[name for name in form.changed_data if "password" not in name],
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's own form, then the platform's rules for a password set by someone else."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            changed = (
                request.method == "POST"
                and response.status_code == 302
                and response["Location"] != request.get_full_path()
            )
            user = self.get_object(request, unquote(id))
            if changed and user is not None:
                user_password_set_in_admin(
                    actor=request_actor(request),
                    user=user,
                    keep_session_key=request.session.session_key,
                )
        return response

    @admin.action(description=_("Reset two-factor authentication (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            user_reset_two_factor(actor=request_actor(request), user=user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user; "
                "they set it up again at their next sign-in.",
                "Two-factor authentication was reset for %(count)d users; "
                "they set it up again at their next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip_address", "user_agent", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip_address"]
    # The session key is a bearer secret: never shown, not even here.
    fields = ["user", "ip_address", "user_agent", "created_at", "last_seen_at"]
    readonly_fields = ["user", "ip_address", "user_agent", "created_at", "last_seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
