from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from donghanh.accounts.browsers import browser_knows
from donghanh.accounts.models import User
from donghanh.accounts.selectors import sign_in_wait

# Django 5.2 reworded this password-validator message and its Vietnamese catalogue has not
# caught up (nor translated the refusal of a NUL character, which every text field answers);
# naming the messages here brings them into our catalogue, which fills the gap.
DJANGO_MESSAGES_MISSING_IN_VIETNAMESE = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    _("Null characters are not allowed."),
)


class LoginForm(AuthenticationForm):
    """Django's sign-in form, which checks the shape of the username before anything else.

    Django sets the username field's length after building it, so the length is never checked:
    a longer name reached django-axes, whose column is shorter (a server error on PostgreSQL).
    A name no person can type (too long, a NUL character) is refused before any attempt.
    """

    error_messages = {
        "invalid_login": _(
            "The username or password is not correct. Check both (capital letters count) "
            "and try again."
        ),
        "inactive": _("This account is switched off. Ask your organisation's administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = User._meta.get_field("username").max_length or 150
        self.fields["username"].validators.append(
            MaxLengthValidator(
                longest,
                message=ngettext_lazy(
                    "A username has at most %(limit_value)d character.",
                    "A username has at most %(limit_value)d characters.",
                    "limit_value",
                ),
            )
        )

    def malformed(self) -> bool:
        """Whether a field holds what no person types (not merely left empty)."""
        return any(
            error.code != "required"
            for name, errors in self.errors.as_data().items()
            if name != NON_FIELD_ERRORS
            for error in errors
        )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password"):
            # Guessing spread over many addresses slows down browsers new to the account; the
            # password is not even checked while they wait, so waiting is the only way on.
            known = self.request is not None and browser_knows(self.request, username)
            wait = 0 if known else sign_in_wait(username)
            if wait:
                minutes = math.ceil(wait / 60)
                raise forms.ValidationError(
                    ngettext(
                        "Many wrong passwords have been tried for this account, so signing in to "
                        "it from a browser that has not signed in to it before is slowed down. "
                        "Try again in %(minutes)d minute, or use a browser you have signed in "
                        "with before.",
                        "Many wrong passwords have been tried for this account, so signing in to "
                        "it from a browser that has not signed in to it before is slowed down. "
                        "Try again in %(minutes)d minutes, or use a browser you have signed in "
                        "with before.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="slowed",
                )
        return super().clean()


class OwnPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Your current password is not correct. Please enter it again."),
    }

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")


class TwoFactorVerifyForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code.")},
    )


class TwoFactorSetupForm(forms.Form):
    """Confirms a new authenticator; replacing an existing one also asks for the password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    otp_token = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code that the app shows.")},
    )

    def __init__(self, *args: Any, user: User, replacing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not replacing:
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Your password is not correct."))
        return password


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
