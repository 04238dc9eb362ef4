from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.idempotency import IdempotencyField
from donghanh.directory.models import Provider
from donghanh.organisations.models import Organisation
from donghanh.people.selectors import sharing_recipients
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.models import ReferralKind, ReferralStatus, SharedSection


class ReferralSendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to do"), choices=ReferralKind.choices, initial=ReferralKind.REFERRAL
    )
    to_organisation = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.none(), required=False
    )
    to_provider = forms.ModelChoiceField(
        label=_("Or a service provider"),
        queryset=Provider.objects.none(),
        required=False,
        help_text=_("Providers run by an organisation on the platform."),
    )
    domain = forms.ChoiceField(
        label=_("Service needed"),
        choices=[("", _("The whole case")), *ServiceDomain.choices],
        required=False,
    )
    shared_sections = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=SharedSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A transfer always shares every part."),
    )
    message = forms.CharField(
        label=_("Message to the receiver"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # Sent twice (a double click, a retry), the form sends one referral.
    idempotency_key = IdempotencyField()

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["to_organisation"])
        recipients = sharing_recipients(organisation)
        field.queryset = recipients
        providers = cast(forms.ModelChoiceField, self.fields["to_provider"])
        providers.queryset = (
            Provider.objects.filter(is_active=True, organisation__in=recipients)
            .select_related("organisation")
            .order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_organisation") and not data.get("to_provider"):
            raise forms.ValidationError(
                _("Choose the organisation or the service provider to refer to.")
            )
        return data


class ReferralDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you decline the referral.")},
    )


class ReferralCompleteForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback to the sender"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your feedback to the sender.")},
    )


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ReferralStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
