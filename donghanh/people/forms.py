from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import DATE_ERROR, DateField
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.organisations.models import Organisation
from donghanh.people.models import NATIONALITY_CHOICES, Consent, Ethnicity, Guardian, Person, Sex
from donghanh.places.models import AreaType, Commune
from donghanh.places.selectors import area_type_default

_PHONE = re.compile(r"^\+?[\d\s().\-]+$")


def _date_field(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return DateField(
        label=label,
        required=required,
        error_messages={"invalid": DATE_ERROR, "required": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not _PHONE.match(value) or len(re.sub(r"\D", "", value)) < 6):
        raise forms.ValidationError(
            _("Enter a phone number with digits only, for example 0912 345 678 or +84 912 345 678.")
        )
    return value


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Family name, middle name and given name, with diacritics if known."),
        error_messages={"required": _("Enter the person's full name.")},
    )
    other_names = forms.CharField(
        label=_("Other names"),
        max_length=300,
        required=False,
        help_text=_("Names used abroad or in other papers, nicknames; separate them with commas."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        error_messages={"required": _("Choose the person's sex.")},
    )
    date_of_birth = _date_field(_("Date of birth (dd/mm/yyyy)"))
    estimated_age = forms.IntegerField(
        label=_("Estimated age in years"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only when the date of birth is not known."),
        error_messages={
            "invalid": _("Enter the age as a whole number of years."),
            "min_value": _("The age cannot be negative."),
            "max_value": _("Enter an age of at most 120 years."),
        },
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        choices=[("", _("Not recorded")), *Ethnicity.choices],
        required=False,
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), choices=NATIONALITY_CHOICES, initial="VN"
    )
    id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=30,
        required=False,
        help_text=_("Citizen identity card (12 digits), passport or other paper."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    current_address = forms.CharField(
        label=_("Current address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    current_commune = forms.CharField(
        label=_("Current commune code"),
        max_length=5,
        required=False,
        help_text=_(
            "The 5-digit code of today's commune or ward; find it on the Places page. "
            "Leave empty if not known."
        ),
    )
    area_type = forms.ChoiceField(
        label=_("Area type"),
        choices=[("", _("Not recorded")), *AreaType.choices],
        required=False,
        help_text=_("Left empty, a ward counts as urban and a commune as rural."),
    )
    pre_2025_address = forms.CharField(
        label=_("Address before 1 July 2025"),
        required=False,
        help_text=_("The address as written before the 2025 reform, with district and province."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nationality = cast(forms.ChoiceField, self.fields["nationality"])
        current = self.initial.get("nationality")
        if current and current not in dict(NATIONALITY_CHOICES):
            nationality.choices = [*NATIONALITY_CHOICES, (current, current)]
        self.fields["phone"].widget.input_type = "tel"
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_current_commune(self) -> Commune | None:
        code = self.cleaned_data["current_commune"].strip()
        if not code:
            return None
        commune = Commune.objects.select_related("province").filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(
                _("No commune has this code. Look the commune up on the Places page.")
            )
        return commune

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("date_of_birth") and cleaned.get("estimated_age") is not None:
            self.add_error(
                "estimated_age",
                _("Give the date of birth or an estimated age, not both."),
            )
        commune = cleaned.get("current_commune")
        if commune is not None and not cleaned.get("area_type"):
            cleaned["area_type"] = area_type_default(commune) or ""
        return cleaned

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "full_name": person.full_name,
            "other_names": person.other_names,
            "sex": person.sex,
            "date_of_birth": person.date_of_birth,
            "estimated_age": person.estimated_age,
            "ethnicity": person.ethnicity,
            "nationality": person.nationality,
            "id_number": person.id_number,
            "phone": person.phone,
            "current_address": person.current_address,
            "current_commune": person.current_commune_id or "",
            "area_type": person.area_type,
            "pre_2025_address": person.pre_2025_address,
        }

    def person_details(self) -> dict[str, Any]:
        """The cleaned values, keyed as the services take them."""
        data = dict(self.cleaned_data)
        for name in ("version", "baseline", "idempotency_key"):
            data.pop(name, None)
        return data


class PersonRegisterForm(PersonForm):
    """The person form that registers someone: sent twice, it registers them once."""

    idempotency_key = IdempotencyField()


class PersonEditForm(PersonForm, VersionedFormMixin):
    """The person form with the version the user is editing, for the conflict check."""


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, ID number or phone"),
        max_length=200,
        required=False,
        help_text=_("Diacritics are optional: “nguyen thi hoa” finds “Nguyễn Thị Hoa”."),
    )


class GuardianForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter the guardian's full name.")},
    )
    relation = forms.ChoiceField(
        label=_("Relation to the person"),
        choices=Guardian.Relation.choices,
        error_messages={"required": _("Choose how the guardian is related to the person.")},
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.get_relation_display()})"


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Consent.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the consent is for.")},
    )
    recipient_organisation = forms.ModelChoiceField(
        label=_("Organisation the data is shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only for sharing: one consent for each organisation."),
    )
    method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=[("", "—"), *Consent.Method.choices],
        error_messages={"required": _("Choose how the consent was given.")},
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the signed form is kept, or who witnessed a verbal consent."),
    )
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=Consent.GivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who gave the consent.")},
    )
    guardian = GuardianChoiceField(
        label=_("Guardian who gave it"),
        queryset=Guardian.objects.none(),
        required=False,
        help_text=_("Required for a person under 18."),
    )
    given_on = _date_field(_("Date given (dd/mm/yyyy)"), required=True)
    expires_on = _date_field(_("Expiry date (dd/mm/yyyy)"), help_text=_("Leave empty if none."))

    def __init__(
        self,
        *args: Any,
        guardians: QuerySet[Guardian],
        recipients: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["guardian"]).queryset = guardians
        cast(forms.ModelChoiceField, self.fields["recipient_organisation"]).queryset = recipients
        self.fields["given_on"].initial = timezone.localdate


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the withdrawal was expressed, for example by phone to the case worker."),
    )
