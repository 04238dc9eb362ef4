from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import DateField
from donghanh.privacy.deadlines import MAX_EXTENSION_DAYS
from donghanh.privacy.models import ReceivedVia, Requester, RequestKind

NO_NAMES_HELP = _("Do not write the person's name or contact details here.")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class RequestRegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the person asks"),
        choices=RequestKind.choices,
        error_messages={"required": _("Choose what the person asks for.")},
    )
    received_on = DateField(
        label=_("Date received (dd/mm/yyyy)"),
        help_text=_("The deadlines are counted from this day."),
        error_messages={
            "required": _("Enter the date the request was received, as dd/mm/yyyy."),
            "invalid": _("Enter a date as dd/mm/yyyy, for example 31/12/2026."),
        },
    )
    received_via = forms.ChoiceField(
        label=_("Received by"),
        choices=ReceivedVia.choices,
        error_messages={"required": _("Choose how the request was received.")},
    )
    requester = forms.ChoiceField(
        label=_("Made by"),
        choices=Requester.choices,
        initial=Requester.PERSON,
        error_messages={"required": _("Choose who made the request.")},
    )
    requester_details = forms.CharField(
        label=_("Representative's name and relation"),
        max_length=200,
        required=False,
        help_text=_("Only when a guardian or legal representative made the request."),
    )
    involves_processor = forms.BooleanField(
        label=_("Another organisation processes some of this data for us"),
        required=False,
        help_text=_("The request then has 20 days instead of 15."),
    )
    responsible = MemberChoiceField(
        label=_("Responsible"),
        queryset=None,
        empty_label=None,
        help_text=_("Who sees the deadlines and handles the request."),
        error_messages={
            "required": _("Choose who is responsible for the request."),
            "invalid_choice": _("Choose a member of the organisation who works with cases."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = members

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("requester") not in (None, Requester.PERSON)
            and not (cleaned.get("requester_details") or "").strip()
        ):
            self.add_error(
                "requester_details",
                _("Enter the representative's name and how they are related to the person."),
            )
        return cleaned


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extra days"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        initial=MAX_EXTENSION_DAYS,
        error_messages={
            "required": _("Enter how many days to add."),
            "invalid": _("Enter a whole number of days."),
            "min_value": _("Add at least 1 day."),
            "max_value": _("An extension is at most %(limit_value)s days."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAMES_HELP,
        error_messages={"required": _("Give the reason for the extension.")},
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_NAMES_HELP,
    )


class ConfirmedCompleteForm(CompleteForm):
    """Completion that deletes or de-identifies data: the member confirms they mean it."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Give the legal ground; the requester must be told. "
            "Do not write the person's name or contact details here."
        ),
        error_messages={"required": _("Give the reason for refusing the request.")},
    )


class RequestListForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open requests")), ("closed", _("Closed requests")), ("all", _("All"))],
    )
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
