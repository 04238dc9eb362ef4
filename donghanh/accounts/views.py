from __future__ import annotations

from base64 import b32encode
from typing import cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts import selectors, services, sessions
from donghanh.accounts.browsers import browser_knows, remember_browser
from donghanh.accounts.forms import (
    LoginForm,
    OwnPasswordChangeForm,
    ProfileForm,
    TwoFactorSetupForm,
    TwoFactorVerifyForm,
)
from donghanh.accounts.models import User
from donghanh.accounts.otp import two_factor_code_matches
from donghanh.core.actor import request_actor
from donghanh.core.language import remember_language

GET_AND_POST = ["GET", "HEAD", "POST"]


def _signed_in_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _redirect_next(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(_safe_next(request) or reverse(settings.LOGIN_REDIRECT_URL))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(GET_AND_POST)
def login(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            sessions.sign_in(request, user)
            response = _redirect_next(request)
            remember_language(response, user.preferred_language)
            remember_browser(response, request, user.get_username())
            return response
        username = request.POST.get("username", "")
        if form.malformed():
            status = 400  # not an attempt: nothing was checked and nothing is recorded
        elif form.has_error(NON_FIELD_ERRORS, "slowed"):
            status = 429  # not checked, so not another failure
        elif username and request.POST.get("password"):
            # django-axes marks the request when this failure reached the limit or the account
            # was already locked; its middleware then answers with the locked-out page (429).
            locked_out = bool(getattr(request, "axes_locked_out", False))
            failures = getattr(request, "axes_failures_since_start", None) or 0
            services.user_sign_in_failed(
                actor=request_actor(request),
                username=username,
                locked_out=locked_out,
                lockout_started=locked_out and failures <= settings.LOGIN_FAILURE_LIMIT,
                known_browser=browser_knows(request, username),
            )
    else:
        form = LoginForm(request)
    return render(
        request, "accounts/login.html", {"form": form, "next": _safe_next(request)}, status=status
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sessions.sign_out(request)
    messages.success(request, _("You have signed out."))
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # The browser erases what the site kept in it: its caches and its storage (the offline field
    # app's encrypted database and service worker included), even if no script ran to do it.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _qr_svg(data: str) -> SafeString:
    svg = segno.make(data, error="m").svg_inline(
        omitsize=True, svgclass=None, lineclass=None, title=_("QR code for your authenticator app")
    )
    # segno builds the markup from our own data only (no user input reaches it unescaped).
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("password", "otp_token")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, or replace the current one (which needs the password)."""
    user = _signed_in_user(request)
    replacing = selectors.user_has_confirmed_device(user)
    if replacing and not user.is_verified():  # type: ignore[attr-defined]
        # Whoever knows only the password must not be able to swap in their own phone.
        return redirect("accounts:two_factor_verify")
    device = sessions.device_being_set_up(request, user)
    form = TwoFactorSetupForm(request.POST or None, user=user, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        if two_factor_code_matches(device=device, token=form.cleaned_data["otp_token"]):
            codes = sessions.enrol(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request) or reverse("workspace:home")},
            )
        form.add_error(
            "otp_token",
            _(
                "That code does not match. Check that the phone's clock is right and enter "
                "the code the app shows now."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            "qr_svg": _qr_svg(device.config_url),
            "config_url": device.config_url,
            "secret": _grouped_secret(device),
            "next": _safe_next(request),
        },
    )


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return _redirect_next(request)
    if not selectors.user_has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    form = TwoFactorVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.two_factor_check(
            actor=request_actor(request), token=form.cleaned_data["otp_token"]
        )
        if check.device is not None:
            sessions.two_factor_passed(request, check.device)
            if check.used_recovery_code:
                left = selectors.two_factor_status(user).recovery_codes_left
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; it cannot be used again. "
                        "Recovery codes left: %(count)d."
                    )
                    % {"count": left},
                )
            return _redirect_next(request)
        if check.throttled:
            form.add_error(
                "otp_token",
                _("Too many wrong codes in a row. Wait a minute, then enter the newest code."),
            )
        else:
            form.add_error(
                "otp_token",
                _("That code is not correct or has expired. Enter the newest code from the app."),
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def security(request: HttpRequest) -> HttpResponse:
    """The user's own account: name and language, second factor, sessions, password."""
    user = _signed_in_user(request)
    initial = {"full_name": user.full_name, "preferred_language": user.preferred_language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.user_update_profile(
            actor=request_actor(request),
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:security")
        if "preferred_language" in changed:
            remember_language(response, user.preferred_language)
        return response
    live_sessions = selectors.active_sessions_for(user)
    current_key = request.session.session_key
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "two_factor": selectors.two_factor_status(user),
            "sessions": [
                {
                    "row": row,
                    "current": row.session_key == current_key,
                    "browser": selectors.describe_user_agent(row.user_agent),
                }
                for row in live_sessions
            ],
            "other_sessions": sum(1 for row in live_sessions if row.session_key != current_key),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


@require_POST
@login_required
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _signed_in_user(request)
    session = selectors.access_own_session(user, session_id)
    if session.session_key == request.session.session_key:
        sessions.sign_out(request)
        messages.success(request, _("You have signed out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    services.user_session_end(actor=request_actor(request), session=session)
    messages.success(request, _("The session has been ended; that device is signed out."))
    return redirect("accounts:security")


@require_POST
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    count = services.user_end_all_sessions(
        actor=request_actor(request),
        user=user,
        except_session_key=request.session.session_key,
    )
    messages.success(
        request,
        ngettext(
            "Signed out of %(count)d other session.",
            "Signed out of %(count)d other sessions.",
            count,
        )
        % {"count": count},
    )
    return redirect("accounts:security")


@require_POST
@login_required
def notice_dismiss(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.access_own_notice(_signed_in_user(request), notice_id)
    services.security_notice_dismiss(actor=request_actor(request), notice=notice)
    return redirect("workspace:home")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
@require_http_methods(GET_AND_POST)
def password_change(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    forced = user.must_change_password
    form = OwnPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        sessions.change_password(request, form.cleaned_data["new_password1"])
        messages.success(
            request, _("Your password has been changed. Your other sessions have been signed out.")
        )
        default = settings.LOGIN_REDIRECT_URL if forced else "accounts:security"
        return HttpResponseRedirect(_safe_next(request) or reverse(default))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced, "next": _safe_next(request)},
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remember it in a cookie and, when signed in, on the user."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            services.user_set_language(actor=request_actor(request), language=language)
        remember_language(response, language)
    return response
