from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.directory.abroad import PlaceAbroad, place_abroad_named
from donghanh.directory.hours import hours_by_period
from donghanh.directory.models import (
    ContactChannel,
    Country,
    Language,
    Provider,
    ProviderTimeZone,
    Weekday,
)
from donghanh.directory.services import ContactInput, HoursInput, ProviderInput
from donghanh.organisations.models import Organisation
from donghanh.places.models import Commune, Province
from donghanh.places.selectors import PlaceResolution, place_resolve
from donghanh.reference.domains import ServiceDomain

# A code alone, or as the edit form writes it back: "18364 (Xã Đan Hải, Hà Tĩnh)".
_COMMUNE_CODE = re.compile(r"^(\d{1,5})(\s*\(.*\))?$")
_CHOOSE_FROM_LIST = _("Choose one of the options in the list.")


def _choice_field(label: Any, choices: Any, empty: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", empty), *choices],
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
    )


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, service or phone number"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Diacritics are optional: “nha binh yen” finds “Ngôi nhà Bình yên”."),
    )
    domain = _choice_field(_("Service"), ServiceDomain.choices, _("Any service"))
    place = forms.CharField(
        label=_("Province, commune or country abroad"),
        required=False,
        max_length=200,
        help_text=_(
            "Today’s or a pre-2025 name, for example “Quảng Bình” or “huyện Nghi Xuân”; abroad, a "
            "country or city, for example “Anh” or “London”."
        ),
    )
    language = _choice_field(_("Language"), Language.choices, _("Any language"))
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def clean_place(self) -> str:
        """A place in Vietnam (read by `place_resolve`), else a country or city abroad."""
        text: str = self.cleaned_data["place"].strip()
        if text:
            resolution = place_resolve(text)
            abroad = None if resolution.found else place_abroad_named(text)
            if not resolution.found and abroad is None:
                raise forms.ValidationError(
                    _(
                        "No province, commune or country abroad is called “%(text)s”. Check the "
                        "spelling, or look the place up under Places."
                    ),
                    params={"text": text},
                    code="unknown_place",
                )
            self.cleaned_data["place_resolution"] = resolution if resolution.found else None
            self.cleaned_data["place_abroad"] = abroad
        return text

    @property
    def resolution(self) -> PlaceResolution | None:
        """The place in Vietnam the search names, once the form is valid."""
        cleaned = getattr(self, "cleaned_data", {})
        return cast(PlaceResolution | None, cleaned.get("place_resolution"))

    @property
    def place_abroad(self) -> PlaceAbroad | None:
        """The country abroad the search names instead ("London": the United Kingdom)."""
        cleaned = getattr(self, "cleaned_data", {})
        return cast(PlaceAbroad | None, cleaned.get("place_abroad"))

    def search_filters(self) -> dict[str, Any]:
        """The keyword arguments of `providers_search` for the valid form's search."""
        data = self.cleaned_data
        abroad = self.place_abroad
        return {
            "query": data["q"],
            "domain": data["domain"],
            "place": self.resolution or "",
            "country": abroad.country if abroad else "",
            "language": data["language"],
            "open_now": data["open_now"],
        }


def _checkboxes(label: Any, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
        **kwargs,
    )


class CommunesField(forms.CharField):
    """Communes served, one a line: today's or an old name with its province, or a code.

    "xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh" is today's Xã Đan Hải; a whole old district
    ("huyện Nghi Xuân, Hà Tĩnh") stands for all of today's communes that cover it.
    """

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> list[Commune]:
        text = super().clean(value)
        communes: dict[str, Commune] = {}
        errors = []
        for line in (line.strip() for line in text.splitlines()):
            if not line:
                continue
            found = self._communes_on(line)
            if isinstance(found, str):
                errors.append(found)
            else:
                communes.update((commune.code, commune) for commune in found)
        if errors:
            raise forms.ValidationError(errors)
        return sorted(communes.values(), key=lambda commune: commune.code)

    @staticmethod
    def _communes_on(line: str) -> list[Commune] | str:
        code = _COMMUNE_CODE.match(line)
        if code:
            number = code.group(1).zfill(5)
            commune = Commune.objects.select_related("province").filter(code=number).first()
            if commune is None:
                return str(_("No commune has the code %(code)s.") % {"code": number})
            return [commune]
        resolution = place_resolve(line)
        candidates = list(resolution.communes)
        if not candidates:
            return str(
                _(
                    "“%(line)s” is not a commune we know. Write the commune and its province, "
                    "for example “xã Đan Hải, Hà Tĩnh”, or its five-digit code."
                )
                % {"line": line}
            )
        if len(candidates) == 1 or all(c.legacy_district is not None for c in candidates):
            return [c.commune for c in candidates]
        defaults = [c for c in candidates if c.is_default]
        if len({c.legacy_commune for c in candidates}) == 1 and len(defaults) == 1:
            return [defaults[0].commune]
        names = ", ".join(str(c.commune) for c in candidates[:5])
        return str(
            _("“%(line)s” could be several communes (%(names)s): add the province or use the code.")
            % {"line": line, "names": names}
        )


class ProviderForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the provider's name.")},
    )
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—"), *Provider.Kind.choices],
        error_messages={
            "required": _("Choose the kind of provider."),
            "invalid_choice": _CHOOSE_FROM_LIST,
        },
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation on the platform"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Only your own organisations and their units can be chosen."),
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    services = _checkboxes(_("Services offered"), ServiceDomain.choices)
    eligibility = forms.CharField(
        label=_("Who can be referred"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost = forms.ChoiceField(
        label=_("Cost"),
        choices=Provider.Cost.choices,
        initial=Provider.Cost.FREE,
        error_messages={"required": _("Choose the cost."), "invalid_choice": _CHOOSE_FROM_LIST},
    )
    cost_note = forms.CharField(label=_("About the cost"), max_length=300, required=False)

    serves_nationwide = forms.BooleanField(label=_("Serves all of Vietnam"), required=False)
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provinces served"),
        queryset=Province.objects.order_by("short_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
    )
    communes = CommunesField(
        label=_("Communes served"),
        required=False,
        help_text=_(
            "One a line, with the province: “xã Đan Hải, Hà Tĩnh”, an old address such as "
            "“xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh”, or a five-digit code."
        ),
    )
    serves_all_countries = forms.BooleanField(
        label=_("Serves Vietnamese citizens in every country abroad"), required=False
    )
    countries = _checkboxes(_("Countries abroad served"), Country.choices)
    languages = _checkboxes(_("Languages"), Language.choices)
    interpreting = forms.BooleanField(
        label=_("Works in other languages through interpreters"), required=False
    )

    open_24_7 = forms.BooleanField(
        label=_("Open 24 hours a day, 7 days a week"),
        required=False,
        help_text=_("Opening hours below are then ignored."),
    )
    time_zone = forms.ChoiceField(
        label=_("Opening hours are in"),
        choices=ProviderTimeZone.choices,
        initial=ProviderTimeZone.VIETNAM,
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
    )
    hours_note = forms.CharField(
        label=_("About the opening hours"),
        max_length=300,
        required=False,
        help_text=_("For example: closed on public holidays."),
    )

    shown_to_public = forms.BooleanField(
        label=_("Show in the public directory"),
        required=False,
        help_text=_("Never for a shelter's address or anything that puts people at risk."),
    )
    is_example = forms.BooleanField(
        label=_("Invented example"),
        required=False,
        help_text=_("For demonstrations; the name must say it is an example."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Untick when the provider has closed: it leaves the search results."),
    )
    source = forms.CharField(
        label=_("Source of the information"),
        max_length=300,
        required=False,
        help_text=_("Where the details come from, for example the provider's website."),
    )
    mark_verified = forms.BooleanField(
        label=_("Mark verified today"),
        required=False,
        help_text=_("Tick when you have checked these details with the provider today."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class ProviderEditForm(ProviderForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ContactChannel.Kind.choices,
        error_messages={"invalid_choice": _CHOOSE_FROM_LIST},
    )
    value = forms.CharField(label=_("Number or address"), max_length=300, required=False)
    label = forms.CharField(
        label=_("Label"),
        max_length=150,
        required=False,
        help_text=_("Optional, for example “Zalo: search for Tổng đài 111”."),
    )

    def has_changed(self) -> bool:
        # An extra row with only its kind chosen (the first choice is preselected) is empty.
        return bool(self.data.get(self.add_prefix("value"), "").strip())


class HoursForm(forms.Form):
    days = _checkboxes(_("Days"), Weekday.choices)
    opens = forms.TimeField(
        label=_("Opens"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": _("Enter a time as hh:mm, for example 07:30.")},
    )
    closes = forms.TimeField(
        label=_("Closes"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": _("Enter a time as hh:mm, for example 17:00.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.cleaned_data.get("DELETE"):
            return cleaned
        if not cleaned.get("days"):
            self.add_error("days", _("Tick the days these hours apply to."))
        for name in ("opens", "closes"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, _("Enter a time as hh:mm."))
        return cleaned


ContactFormSet = forms.formset_factory(ContactForm, extra=2, can_delete=True)
HoursFormSet = forms.formset_factory(HoursForm, extra=2, can_delete=True)


def _kept(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def provider_input(
    form: ProviderForm, contacts: forms.BaseFormSet, hours: forms.BaseFormSet
) -> ProviderInput:
    """The valid forms' values as the services take them."""
    data = form.cleaned_data
    return ProviderInput(
        name=data["name"],
        name_en=data["name_en"],
        kind=data["kind"],
        organisation=data["organisation"],
        description=data["description"],
        description_en=data["description_en"],
        eligibility=data["eligibility"],
        cost=data["cost"],
        cost_note=data["cost_note"],
        services=data["services"],
        serves_nationwide=data["serves_nationwide"],
        provinces=list(data["provinces"]),
        communes=data["communes"],
        serves_all_countries=data["serves_all_countries"],
        countries=data["countries"],
        languages=data["languages"],
        interpreting=data["interpreting"],
        open_24_7=data["open_24_7"],
        time_zone=data["time_zone"],
        hours=[
            HoursInput(weekday=int(day), opens=row["opens"], closes=row["closes"])
            for row in _kept(hours)
            for day in row["days"]
        ],
        hours_note=data["hours_note"],
        contacts=[
            ContactInput(kind=row["kind"], value=row["value"], label=row["label"])
            for row in _kept(contacts)
        ],
        shown_to_public=data["shown_to_public"],
        is_example=data["is_example"],
        is_active=data["is_active"],
        source=data["source"],
    )


def provider_initial(provider: Provider) -> dict[str, Any]:
    """The edit form's starting values (from a provider fetched by `provider_get`)."""
    return {
        "name": provider.name,
        "name_en": provider.name_en,
        "kind": provider.kind,
        "organisation": provider.organisation_id,
        "description": provider.description,
        "description_en": provider.description_en,
        "services": [service.domain for service in provider.services.all()],
        "eligibility": provider.eligibility,
        "cost": provider.cost,
        "cost_note": provider.cost_note,
        "serves_nationwide": provider.serves_nationwide,
        "provinces": [province.pk for province in provider.provinces.all()],
        "communes": "\n".join(
            f"{commune.code} ({commune.name}, {commune.province.short_name})"
            for commune in provider.communes.all()
        ),
        "serves_all_countries": provider.serves_all_countries,
        "countries": [country.code for country in provider.countries.all()],
        "languages": [language.code for language in provider.languages.all()],
        "interpreting": provider.interpreting,
        "open_24_7": provider.open_24_7,
        "time_zone": provider.time_zone,
        "hours_note": provider.hours_note,
        "shown_to_public": provider.shown_to_public,
        "is_example": provider.is_example,
        "is_active": provider.is_active,
        "source": provider.source,
        "version": provider.version,
    }


def contacts_initial(provider: Provider) -> list[dict[str, Any]]:
    return [
        {"kind": contact.kind, "value": contact.value, "label": contact.label}
        for contact in provider.contacts.all()
    ]


def hours_initial(provider: Provider) -> list[dict[str, Any]]:
    return [
        {"days": [str(day) for day in days], "opens": opens, "closes": closes}
        for days, opens, closes in hours_by_period(provider.opening_hours.all())
    ]
