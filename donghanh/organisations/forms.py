from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.audit.models import AuditAction
from donghanh.audit.selectors import record_type_label
from donghanh.core.dates import DateField
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import LEAST_PRIVILEGED_ROLE, Role


def _role_field(initial: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=initial,
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("Choose one of the roles in the list."),
        },
    )


class InvitationForm(forms.Form):
    """Invite someone who already has an account on the platform; they join by accepting.

    Nothing here looks the username up: the answer is the same whether an account has it or not.
    """

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        error_messages={"required": _("Enter the username of the person's account.")},
    )
    # Until the administrator chooses, the role that may do least.
    role = _role_field(initial=LEAST_PRIVILEGED_ROLE)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        return username


class NewMemberForm(forms.Form):
    """Create an account for someone new; they get a temporary password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": _("Enter the person's full name.")},
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_(
            "Letters, digits and . + - _ only, for example hoa.nguyen; the organisation's name "
            "is added after “@”."
        ),
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": _("Choose a username for the new account.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter a valid email address, for example ten@example.org.")},
    )
    # Until the administrator chooses, the role that may do least.
    role = _role_field(initial=LEAST_PRIVILEGED_ROLE)

    def __init__(self, *args: Any, suffix: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if suffix:
            # The full username the account will have, shown beside what is typed.
            self.fields["username"].help_text = _(
                "Letters, digits and . + - _ only, for example hoa.nguyen; the username is "
                "what you type followed by %(suffix)s (hoa.nguyen%(suffix)s)."
            ) % {"suffix": suffix}

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if "@" in username:
            raise forms.ValidationError(
                _("Type the first part of the username only, without “@”, for example hoa.nguyen."),
                code="username_local_part",
            )
        return username


class RoleForm(forms.Form):
    role = _role_field()


class ConfirmIdentityForm(forms.Form):
    """A reset hands over an account: the administrator confirms who is asking first."""

    confirmed = forms.BooleanField(
        label=_("I have confirmed who this person is, in person or by a phone number I know."),
        error_messages={
            "required": _("Tick the box to confirm that you have checked who is asking.")
        },
    )


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    record_type = forms.ChoiceField(label=_("Record type"), required=False)
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        required=False,
        help_text=_("The whole number of one of your organisation's cases, e.g. PH-2026-0001."),
    )
    date_from = DateField(label=_("From (dd/mm/yyyy)"), required=False)
    date_to = DateField(label=_("To (dd/mm/yyyy)"), required=False)

    def __init__(self, *args: Any, record_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_choice = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["action"]).choices = all_choice + list(
            AuditAction.choices
        )
        cast(forms.ChoiceField, self.fields["record_type"]).choices = all_choice + [
            (t, record_type_label(t)) for t in record_types
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must be on or after the start date."))
            cleaned.pop("date_to", None)
        return cleaned


class TeamMemberChoiceField(forms.ModelMultipleChoiceField):
    """Members are shown by their name and role, never by their e-mail address."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.get_role_display()})"


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Team name"),
        max_length=100,
        error_messages={"required": _("Give the team a name.")},
        help_text=_("For example “Shelter team” or “Nghệ An outreach”."),
    )
    members = TeamMemberChoiceField(
        label=_("Members"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Case workers and collaborators in the team see every case given to the team, "
            "except cases restricted to named users."
        ),
    )

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = memberships
