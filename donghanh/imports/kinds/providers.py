"""Importing the service directory's providers: an organisation's list of places it refers
people to, as staff keep it in Excel.

Each row is one provider, created through `donghanh.directory.services.provider_create` with
the same checks as the edit page. A provider whose name is already in the directory is a
duplicate and left out (the directory is shared by every organisation). Imported providers are
not shown to the public until someone checks them and says so on the provider's page.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.actor import Actor
from donghanh.core.page_cache import invalidate_public_pages
from donghanh.core.text import search_words
from donghanh.directory.contacts import obsolete_numbers_in
from donghanh.directory.inputs import ContactInput, ProviderInput, provider_input_problems
from donghanh.directory.models import ContactChannel, Country, Language, Provider
from donghanh.directory.services import provider_create, provider_mark_verified
from donghanh.imports import parsing
from donghanh.imports.kinds.base import (
    Checked,
    Column,
    ImportKind,
    RemoveProgress,
    choices_column,
    date_column,
    not_in_future,
    register,
    remove_many,
    yes_no_column,
)
from donghanh.imports.kinds.places import ProvinceReader
from donghanh.organisations.roles import Perm
from donghanh.reference.domains import ServiceDomain

# Besides the codes and labels, the short names people give in their own lists.
KINDS = parsing.Choices(
    Provider.Kind.choices,
    aliases={
        "trung tâm công tác xã hội": "social_work_centre",
        "ctxh": "social_work_centre",
        "nơi tạm lánh": "shelter",
        "bệnh viện": "hospital",
        "trạm y tế": "hospital",
        "trợ giúp pháp lý": "legal_aid",
        "tâm lý": "psychosocial",
        "phi chính phủ": "ngo",
        "ngo": "ngo",
        "đại sứ quán": "embassy",
        "lãnh sự quán": "embassy",
    },
)
COSTS = parsing.Choices(Provider.Cost.choices, aliases={"miễn phí": "free", "có phí": "fee"})
SERVICES = parsing.Choices(
    ServiceDomain.choices,
    aliases={
        "y tế": "health",
        "tâm lý": "psychological",
        "pháp lý": "legal",
        "trợ giúp pháp lý": "legal",
        "tạm lánh": "shelter",
        "nơi tạm lánh": "shelter",
        "học nghề": "vocational",
        "việc làm": "vocational",
        "giấy tờ": "documents",
    },
)
LANGUAGES = parsing.Choices(Language.choices, aliases={"tiếng việt": "vi", "tiếng anh": "en"})
COUNTRIES = parsing.Choices(Country.choices, aliases={"anh": "GB", "uk": "GB", "hàn quốc": "KR"})

# The contact columns and the kind of contact each holds.
CONTACT_COLUMNS = {
    "phone": ContactChannel.Kind.PHONE,
    "zalo": ContactChannel.Kind.ZALO,
    "email": ContactChannel.Kind.EMAIL,
    "website": ContactChannel.Kind.WEBSITE,
    "address": ContactChannel.Kind.ADDRESS,
}
# The edit form's field names that `provider_input_problems` uses, as the columns they come from.
_FIELD_COLUMNS = {
    "name": "name",
    "kind": "kind",
    "cost": "cost",
    "services": "services",
    "languages": "languages",
    "countries": "countries",
    "name_en": "name_en",
    "description": "description",
    "eligibility": "eligibility",
    "cost_note": "cost_note",
    "hours_note": "hours_note",
    "source": "source",
}


def name_key(name: str) -> str:
    return " ".join(search_words(name))


@dataclass
class State:
    provinces: ProvinceReader
    names: dict[str, int] = field(default_factory=dict)


class ProvidersKind(ImportKind):
    code = "providers"
    label = gettext_lazy("Service providers")
    description = gettext_lazy(
        "Places you refer people to: shelters, hospitals, legal aid, hotlines, support abroad. "
        "They join the shared service directory, not shown to the public until checked."
    )
    perm = Perm.EDIT_DIRECTORY
    template_name = "nha-cung-cap-dich-vu"
    columns = (
        Column(
            "name",
            gettext_lazy("Name of the provider"),
            parsing.name(200),
            required=True,
            note=gettext_lazy("As the provider calls itself, in Vietnamese."),
            example="Ví dụ – Trung tâm Công tác xã hội tỉnh Hà Tĩnh",
            aliases=("ten", "ten co so", "ten don vi", "ten to chuc", "provider", "name"),
            width=40,
        ),
        Column(
            "name_en",
            gettext_lazy("Name in English"),
            parsing.text(200),
            example="Example – Ha Tinh Social Work Centre",
            width=32,
        ),
        Column(
            "kind",
            gettext_lazy("Kind of provider"),
            KINDS.one,
            required=True,
            choices=KINDS,
            note=gettext_lazy("One kind from the list."),
            example=Provider.Kind.SOCIAL_WORK_CENTRE.label,
            aliases=("loai", "loai hinh", "kind", "type"),
            width=28,
        ),
        choices_column(
            "services",
            gettext_lazy("Services offered"),
            SERVICES,
            example=f"{ServiceDomain.PSYCHOLOGICAL.label}; {ServiceDomain.SHELTER.label}",
            aliases=("dich vu", "services"),
            width=36,
        ),
        Column(
            "provinces",
            gettext_lazy("Provinces served"),
            parsing.split_list,
            many=True,
            note=gettext_lazy(
                "Province names separated by semicolons; names from before 2025 are read as "
                "today's province (Quảng Bình is Quảng Trị)."
            ),
            example="Hà Tĩnh; Quảng Bình",
            aliases=("tinh", "dia ban", "provinces"),
            width=28,
        ),
        yes_no_column(
            "serves_nationwide",
            gettext_lazy("Serves all of Vietnam"),
            example="Không",
            aliases=("toan quoc",),
        ),
        choices_column(
            "countries",
            gettext_lazy("Countries abroad served"),
            COUNTRIES,
            note=gettext_lazy("For support abroad: countries from the list, by semicolons."),
            aliases=("quoc gia", "nuoc", "countries"),
        ),
        choices_column(
            "languages",
            gettext_lazy("Languages spoken"),
            LANGUAGES,
            note=gettext_lazy("Languages from the list, by semicolons."),
            example=str(Language.VIETNAMESE.label),
            aliases=("ngon ngu", "languages"),
        ),
        Column(
            "phone",
            gettext_lazy("Phone"),
            parsing.split_list,
            many=True,
            note=gettext_lazy("One or more numbers, separated by semicolons."),
            example="0239 3855 111",
            aliases=("dien thoai", "sdt", "so dien thoai", "phone"),
            number_format="@",
        ),
        Column(
            "zalo",
            gettext_lazy("Zalo"),
            parsing.split_list,
            many=True,
            example="0912 345 678",
            number_format="@",
        ),
        Column(
            "email", gettext_lazy("Email"), parsing.split_list, many=True, aliases=("thu dien tu",)
        ),
        Column(
            "website",
            gettext_lazy("Website"),
            parsing.split_list,
            many=True,
            note=gettext_lazy("Starting with https://."),
            aliases=("trang web",),
        ),
        Column(
            "address",
            gettext_lazy("Address"),
            parsing.text(300),
            example="Số 1, phường Thành Sen, Hà Tĩnh",
            aliases=("dia chi",),
            width=36,
        ),
        Column(
            "description",
            gettext_lazy("Description"),
            parsing.text(5000),
            aliases=("mo ta", "gioi thieu"),
            width=40,
        ),
        Column(
            "eligibility",
            gettext_lazy("Who can be referred"),
            parsing.text(5000),
            aliases=("doi tuong",),
            width=32,
        ),
        Column(
            "cost",
            gettext_lazy("Cost"),
            COSTS.one,
            choices=COSTS,
            note=gettext_lazy("Free when left empty."),
            example=Provider.Cost.FREE.label,
            aliases=("chi phi", "phi"),
        ),
        Column("cost_note", gettext_lazy("About the cost"), parsing.text(300)),
        yes_no_column(
            "open_24_7",
            gettext_lazy("Open 24 hours, 7 days"),
            example="Có",
            aliases=("24 7", "24/7"),
        ),
        Column(
            "hours_note",
            gettext_lazy("About the opening hours"),
            parsing.text(300),
            aliases=("gio lam viec",),
        ),
        yes_no_column(
            "interpreting", gettext_lazy("Works through interpreters"), aliases=("phien dich",)
        ),
        date_column(
            "last_verified_on",
            gettext_lazy("Details checked on"),
            note=gettext_lazy(
                "The day someone last checked these details with the provider (day/month/year). "
                "The import records you as having checked them."
            ),
            example=datetime.date(2025, 3, 15),
            aliases=("ngay kiem tra", "ngay xac minh"),
        ),
        Column(
            "source",
            gettext_lazy("Source of the information"),
            parsing.text(300),
            aliases=("nguon",),
        ),
    )

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> State:
        state = State(provinces=ProvinceReader())
        for pk, name in Provider.objects.values_list("pk", "name"):
            state.names.setdefault(name_key(name), pk)
        return state

    def check(self, values: Mapping[str, Any], state: State) -> Checked:
        checked = Checked(unique_key=name_key(values["name"]))
        provinces = []
        for written in values["provinces"]:
            province, problem = state.provinces.read(written)
            if problem:
                checked.problem("provinces", problem)
            elif province is not None and province not in provinces:
                provinces.append(province)
        verified_on: datetime.date | None = values["last_verified_on"]
        not_in_future(
            checked,
            values,
            "last_verified_on",
            today=timezone.localdate(),
            message=_("This date is in the future."),
        )
        contacts = [
            ContactInput(kind=kind, value=value)
            for key, kind in CONTACT_COLUMNS.items()
            for value in ([values[key]] if key == "address" and values[key] else values[key] or [])
        ]
        data = ProviderInput(
            name=values["name"],
            name_en=values["name_en"] or "",
            kind=values["kind"],
            description=values["description"] or "",
            eligibility=values["eligibility"] or "",
            cost=values["cost"] or Provider.Cost.FREE,
            cost_note=values["cost_note"] or "",
            services=values["services"],
            serves_nationwide=bool(values["serves_nationwide"]),
            provinces=provinces,
            countries=values["countries"],
            languages=values["languages"],
            interpreting=bool(values["interpreting"]),
            open_24_7=bool(values["open_24_7"]),
            hours_note=values["hours_note"] or "",
            contacts=contacts,
            source=values["source"] or "",
        )
        for name, messages in provider_input_problems(data).items():
            for message in messages:
                checked.problem(_column_of(name, message, values), message)
        existing = state.names.get(checked.unique_key)
        if existing is not None:
            checked.duplicate = _("provider #%(id)s") % {"id": existing}
        checked.payload = (data, verified_on)
        return checked

    def create(self, payload: Any, state: State, *, actor: Actor) -> Sequence[models.Model]:
        data, verified_on = payload
        provider = provider_create(data=data, actor=actor)
        if verified_on is not None:
            provider_mark_verified(provider=provider, actor=actor, on=verified_on)
        state.names[name_key(provider.name)] = provider.pk
        return [provider]

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        remove_many(records, actor=actor, batch=batch, progress=progress)
        transaction.on_commit(invalidate_public_pages)


def _column_of(name: str, message: str, values: Mapping[str, Any]) -> str:
    """The column a message of the provider check is about."""
    if name == "contacts":
        for key in CONTACT_COLUMNS:
            written = values[key]
            parts = [written] if isinstance(written, str) else (written or [])
            # The old child line's message never repeats the number: find it by the number.
            if any(part and (part in message or obsolete_numbers_in(part)) for part in parts):
                return key
        return ""
    return _FIELD_COLUMNS.get(name, "")


register(ProvidersKind())
