"""Importing people with their cases: the list of people an organisation has supported, one
row a person, their case and the consent they gave, as staff keep it in Excel.

Each row registers one person through `donghanh.people.services.person_register`, opens their
case through `donghanh.cases.services.case_open` (the screening columns through `case_update`,
a closed case through the closure request and decision), and records each consent purpose
through `consent_record` (a child's guardian first, through `guardian_add`): the same rules and
audit rows as typing them in, and audit rows that name fields, never values. The import writes
a chunk of rows at once through the same apps' services for many (`people_register_many`,
`cases_open_many`, `guardians_add_many`, `consents_record_many`), which give the same records
and audit rows in a few statements.

Duplicates are found before anything is written, among the importer's own organisation's
people only (the blind indexes of the registration check: the same ID number, or the same name
and date of birth) and, for a row with neither, by what a list repeats (the same name with a
case taken in on the same day); the same keys find a row that repeats an earlier row of the
file. Beyond the exact keys, the platform's duplicate matcher (`donghanh/imports/kinds/similar.py`)
flags a row likely to be one of the organisation's people or an earlier row (a name without
diacritics, a birth year one off, the day and month swapped…) as a problem of the row, until
the importer writes Có in the column "Checked: not a duplicate". Nothing is said about other
organisations' records.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from donghanh.cases.models import (
    Case,
    CaseType,
    ClosureReason,
    IntakeChannel,
    ReintegrationOutcome,
)
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.services import (
    case_closure_decide,
    case_closure_request,
    case_open,
    case_update,
    cases_open_many,
)
from donghanh.core.actor import Actor
from donghanh.core.bulk import ItemsRefusedError
from donghanh.core.records import people_changed
from donghanh.core.text import fold, plain_name
from donghanh.imports import parsing
from donghanh.imports.kinds.base import (
    PROVINCE_ALIASES,
    Checked,
    Column,
    ImportKind,
    RemoveProgress,
    area_type_column,
    choices_column,
    date_column,
    full_name_column,
    in_order,
    not_in_future,
    province_column,
    register,
    remove_many,
    sex_column,
    yes_no_column,
)
from donghanh.imports.kinds.places import AREAS
from donghanh.imports.kinds.similar import similar_people
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.people import indexes
from donghanh.people.models import (
    ADULT_AGE,
    NATIONALITY_CHOICES,
    Consent,
    Ethnicity,
    Guardian,
    Person,
    Sex,
    years_between,
)
from donghanh.people.registry import FileMatcher, FileRow, NewRecord
from donghanh.people.services import (
    consent_record,
    consents_record_many,
    guardian_add,
    guardians_add_many,
    people_register_many,
    person_register,
)
from donghanh.places.models import Commune
from donghanh.places.selectors import place_resolve
from donghanh.reference.codelists import COUNTRIES, EXPLOITATION_TYPES

SEXES = parsing.Choices(
    Sex.choices, aliases={"nữ": "female", "nam": "male", "f": "female", "m": "male"}
)
ETHNICITIES = parsing.Choices(Ethnicity.choices, aliases={"mông": "hmong", "h'mông": "hmong"})
NATIONALITIES = parsing.Choices(NATIONALITY_CHOICES, aliases={"vn": "VN", "việt nam": "VN"})
CASE_TYPES = parsing.Choices(
    CaseType.choices,
    aliases={
        "nạn nhân": "trafficking_victim",
        "nạn nhân mua bán người": "trafficking_victim",
        "đang xác minh": "undergoing_identification",
        "di cư": "migrant_at_risk",
        "người di cư": "migrant_at_risk",
        "người di cư có nguy cơ": "migrant_at_risk",
    },
)
CHANNELS = parsing.Choices(
    IntakeChannel.choices,
    aliases={
        "111": "hotline_111",
        "tổng đài 111": "hotline_111",
        "công an": "police",
        "biên phòng": "border_guard",
        "ubnd xã": "commune_committee",
        "tự đến": "self_referral",
        "khác": "other",
    },
)


class Status:
    OPEN = "open"
    CLOSED = "closed"


STATUSES = parsing.Choices(
    [
        (Status.OPEN, pgettext_lazy("case status", "Open")),
        (Status.CLOSED, pgettext_lazy("case status", "Closed")),
    ],
    aliases={"mở": Status.OPEN, "đang hỗ trợ": Status.OPEN, "đóng": Status.CLOSED},
)
CLOSURE_REASONS = parsing.Choices(
    ClosureReason.choices,
    aliases={"đạt mục tiêu": "goals_achieved", "đã đạt mục tiêu": "goals_achieved"},
)
OUTCOMES = parsing.Choices(ReintegrationOutcome.choices)
DESTINATIONS = parsing.Choices(
    COUNTRIES.choices, aliases={"tq": "CN", "trung quốc": "CN", "hàn quốc": "KR"}
)
EXPLOITATION = parsing.Choices(EXPLOITATION_TYPES.choices)
# A sharing consent names the organisation shared with: it is recorded on the person's page.
PURPOSES = parsing.Choices(
    [(code, label) for code, label in Consent.Purpose.choices if code != Consent.Purpose.SHARING],
    aliases={"quản lý ca": "case_management", "thống kê": "statistics"},
)
METHODS = parsing.Choices(
    Consent.Method.choices,
    aliases={
        "văn bản": "written",
        "bằng văn bản": "written",
        "ký": "written",
        "lời nói": "verbal_witnessed",
        "điểm chỉ": "thumbprint",
        "điện tử": "electronic",
    },
)
GIVERS = parsing.Choices(
    Consent.GivenBy.choices,
    aliases={"bản thân": "person", "người giám hộ": "guardian", "giám hộ": "guardian"},
)
RELATIONS = parsing.Choices(
    Guardian.Relation.choices,
    aliases={
        "mẹ": "mother",
        "bố": "father",
        "cha": "father",
        "ông": "grandparent",
        "bà": "grandparent",
    },
)


def birth(value: Any) -> datetime.date | int:
    """A date of birth, or only the year (1990): an int."""
    written = parsing.as_text(value).strip()
    plain = isinstance(value, int | str) and not isinstance(value, bool)
    if plain and written.isdigit() and len(written) == 4:
        year = int(written)
        if not 1900 <= year <= timezone.localdate().year:
            raise parsing.BadValueError(
                _("Write a year between %(first)s and %(last)s, for example 1990.")
                % {"first": 1900, "last": timezone.localdate().year}
            )
        return year
    return parsing.date(value)


@dataclass
class Place:
    commune: Commune | None = None
    written: str = ""
    before_2025: bool = False


@dataclass
class State:
    organisation: Any
    may_close: bool
    places: dict[str, tuple[Place, str]] = field(default_factory=dict)
    # Keys of the organisation's people (blind indexes, folded name with a year or an intake
    # day) → the person's id.
    known: dict[tuple[str, ...], int] = field(default_factory=dict)
    # The organisation's people and the file's rows, for the duplicate matcher.
    similar: FileMatcher | None = None


@dataclass
class Payload:
    person: dict[str, Any]
    case: dict[str, Any]
    screening: dict[str, Any]
    closure: tuple[str, str] | None
    consents: list[str]
    consent: dict[str, Any]
    guardian: dict[str, Any] | None
    keys: list[tuple[str, ...]]


def _name_key(name: str) -> str:
    return " ".join(fold(plain_name(name)).split())


def _row_keys(
    *, full_name: str, born: datetime.date | int | None, id_number: str, intake: datetime.date
) -> list[tuple[str, ...]]:
    """The keys that say two rows, or a row and a record, are the same person."""
    keys: list[tuple[str, ...]] = []
    if isinstance(born, datetime.date):
        keys.append(("dob", indexes.name_and_birth_date_index(full_name, born)))
    if id_number:
        keys.append(("id", indexes.id_number_index(id_number)))
    if not keys:
        # Without a date of birth or an ID number, the name with the day the case came in:
        # two people of the same name taken in on one day are told apart by those columns.
        keys.append(("intake", _name_key(full_name), intake.isoformat()))
    return keys


class PeopleKind(ImportKind):
    code = "people"
    label = gettext_lazy("People with their cases")
    description = gettext_lazy(
        "The people your organisation supports, one row a person with their case and the "
        "consent they gave. People already on your organisation's records are left out."
    )
    perm = Perm.EDIT_CASES
    template_name = "nguoi-va-ho-so"
    writes_many = True
    columns = (
        full_name_column(example="Ví Dụ Thị Mẫu", aliases=("ho va ten", "ho ten", "ten", "name")),
        Column(
            "other_names",
            gettext_lazy("Other names"),
            parsing.name(300),
            note=gettext_lazy("Names the person is also known by, separated by semicolons."),
            aliases=("ten goi khac", "ten khac", "bi danh"),
            width=20,
        ),
        sex_column(SEXES, example=Sex.FEMALE.label),
        Column(
            "born",
            gettext_lazy("Date or year of birth"),
            birth,
            note=gettext_lazy(
                "Day/month/year (25/03/1998), or only the year (1998) when the day is not known."
            ),
            example="1998",
            aliases=("ngay sinh", "nam sinh", "ngay thang nam sinh", "date of birth"),
            width=16,
            number_format="@",
        ),
        Column(
            "ethnicity",
            gettext_lazy("Ethnicity"),
            ETHNICITIES.one,
            choices=ETHNICITIES,
            example=Ethnicity.HMONG.label,
            aliases=("dan toc",),
            width=16,
        ),
        Column(
            "nationality",
            gettext_lazy("Nationality"),
            NATIONALITIES.one,
            choices=NATIONALITIES,
            note=gettext_lazy("Vietnam when left empty."),
            aliases=("quoc tich",),
            width=16,
        ),
        Column(
            "id_number",
            gettext_lazy("Personal ID number"),
            parsing.text(30),
            note=gettext_lazy("The citizen ID (12 figures), as text so that leading zeros stay."),
            aliases=("so cccd", "cccd", "cmnd", "so dinh danh", "so giay to"),
            width=18,
            number_format="@",
        ),
        Column(
            "phone",
            gettext_lazy("Phone"),
            parsing.text(30),
            aliases=("dien thoai", "sdt", "so dien thoai"),
            width=16,
            number_format="@",
        ),
        province_column(
            label=gettext_lazy("Home province"), aliases=(*PROVINCE_ALIASES, "que quan tinh")
        ),
        Column(
            "district",
            gettext_lazy("Home district (before 2025)"),
            parsing.text(100),
            note=gettext_lazy("Districts were abolished in 2025: write it for an old address."),
            example="Nghi Xuân",
            aliases=("huyen", "quan huyen"),
        ),
        Column(
            "commune",
            gettext_lazy("Home commune"),
            parsing.text(100),
            note=gettext_lazy(
                "Today's commune or the commune before 2025; an old commune split between "
                "several of today's is refused with the choices."
            ),
            example="Xuân Hội",
            aliases=("xa", "xa phuong", "phuong xa"),
        ),
        Column(
            "address",
            gettext_lazy("Address"),
            parsing.text(300),
            note=gettext_lazy("Village, street and house number."),
            aliases=("dia chi", "thon xom", "noi o hien nay"),
            width=28,
        ),
        area_type_column(AREAS),
        Column(
            "case_type",
            gettext_lazy("Case type"),
            CASE_TYPES.one,
            required=True,
            choices=CASE_TYPES,
            example=CaseType.TRAFFICKING_VICTIM.label,
            aliases=("loai ho so", "doi tuong", "loai doi tuong"),
            width=32,
        ),
        date_column(
            "intake_date",
            gettext_lazy("Intake date"),
            required=True,
            note=gettext_lazy("The day the case came in (day/month/year)."),
            example=datetime.date(2024, 11, 5),
            aliases=("ngay tiep nhan", "ngay nhan", "intake"),
        ),
        Column(
            "intake_channel",
            gettext_lazy("Intake channel"),
            CHANNELS.one,
            required=True,
            choices=CHANNELS,
            example=IntakeChannel.BORDER_GUARD.label,
            aliases=("kenh tiep nhan", "nguon tiep nhan", "nguon gioi thieu"),
            width=28,
        ),
        Column(
            "status",
            gettext_lazy("Case status"),
            STATUSES.one,
            choices=STATUSES,
            note=gettext_lazy(
                "Open when left empty. A closed case needs the reason and the outcome; it is "
                "recorded as closed on the day of the import."
            ),
            example=str(STATUSES.labels()[0]),
            aliases=("trang thai", "tinh trang"),
        ),
        Column(
            "closure_reason",
            gettext_lazy("Reason for closing"),
            CLOSURE_REASONS.one,
            choices=CLOSURE_REASONS,
            aliases=("ly do dong",),
            width=28,
        ),
        Column(
            "reintegration_outcome",
            gettext_lazy("Reintegration outcome"),
            OUTCOMES.one,
            choices=OUTCOMES,
            aliases=("ket qua tai hoa nhap",),
            width=28,
        ),
        yes_no_column(
            "is_abroad",
            gettext_lazy("Abroad at intake"),
            example="Không",
            aliases=("o nuoc ngoai",),
        ),
        Column(
            "destination_country",
            gettext_lazy("Destination country"),
            DESTINATIONS.one,
            choices=DESTINATIONS,
            example="Trung Quốc",
            aliases=("nuoc den", "quoc gia den", "destination"),
        ),
        date_column("departure_date", gettext_lazy("Departure date"), aliases=("ngay di",)),
        date_column(
            "return_date",
            gettext_lazy("Return date"),
            example=datetime.date(2024, 10, 28),
            aliases=("ngay ve", "ngay tro ve"),
        ),
        choices_column(
            "exploitation_types",
            gettext_lazy("Types of exploitation"),
            EXPLOITATION,
            example=EXPLOITATION_TYPES.label("ForcedLabour"),
            aliases=("hinh thuc boc lot", "loai boc lot"),
            width=28,
        ),
        choices_column(
            "consent_purposes",
            gettext_lazy("Consent given for"),
            PURPOSES,
            required=True,
            note=gettext_lazy(
                "What the person agreed to, one or more separated by semicolons. Consent to "
                "share with another organisation is recorded on the person's page."
            ),
            example=Consent.Purpose.CASE_MANAGEMENT.label,
            aliases=("muc dich dong y", "dong y cho", "dong y"),
            width=28,
        ),
        Column(
            "consent_method",
            gettext_lazy("How consent was given"),
            METHODS.one,
            required=True,
            choices=METHODS,
            example=Consent.Method.WRITTEN.label,
            aliases=("hinh thuc dong y",),
            width=24,
        ),
        Column(
            "consent_given_by",
            gettext_lazy("Consent given by"),
            GIVERS.one,
            choices=GIVERS,
            note=gettext_lazy(
                "The person when left empty; for someone under 18, a guardian, named in the "
                "next two columns."
            ),
            example=Consent.GivenBy.PERSON.label,
            aliases=("nguoi dong y",),
            width=24,
        ),
        date_column(
            "consent_given_on",
            gettext_lazy("Consent date"),
            required=True,
            example=datetime.date(2024, 11, 5),
            aliases=("ngay dong y",),
        ),
        Column(
            "guardian_name",
            gettext_lazy("Guardian's full name"),
            parsing.name(200),
            aliases=("nguoi giam ho", "ten nguoi giam ho"),
            width=24,
        ),
        Column(
            "guardian_relation",
            gettext_lazy("Guardian's relation"),
            RELATIONS.one,
            choices=RELATIONS,
            aliases=("quan he voi nguoi giam ho", "quan he"),
            width=20,
        ),
        Column(
            "different_person",
            gettext_lazy("Checked: not a duplicate"),
            parsing.yes_no,
            note=gettext_lazy(
                "A row that may be someone already on your organisation's records, or another "
                "row of the file, is held back. Write Có once you have checked that it is "
                "someone else."
            ),
            aliases=("khong trung", "nguoi khac", "not a duplicate"),
            width=16,
        ),
    )

    def prepare(self, *, organisation: Any, options: Mapping[str, Any], actor: Actor) -> State:
        role = (
            Membership.objects.filter(user_id=actor.user_id or 0, organisation=organisation)
            .values_list("role", flat=True)
            .first()
        )
        state = State(
            organisation=organisation,
            may_close=role is not None and role_allows(role, Perm.APPROVE_CASES),
        )
        # The organisation's own people only: another organisation's records are never looked at.
        people = Person.objects.filter(organisation=organisation, merged_into__isnull=True).only(
            "pk", "full_name", "name_dob_index", "id_number_index"
        )
        intakes: dict[int, list[datetime.date]] = {}
        for person_id, intake in Case.objects.filter(organisation=organisation).values_list(
            "person_id", "intake_date"
        ):
            intakes.setdefault(person_id, []).append(intake)
        for person in people.iterator(chunk_size=2000):
            name = _name_key(person.full_name)
            found: list[tuple[str, ...]] = []
            if person.name_dob_index:
                found.append(("dob", person.name_dob_index))
            if person.id_number_index:
                found.append(("id", person.id_number_index))
            found += [("intake", name, day.isoformat()) for day in intakes.get(person.pk, [])]
            for key in found:
                state.known.setdefault(key, person.pk)
        state.similar = similar_people(organisation)
        return state

    # The dry run checks this many rows at once: the duplicate matcher weighs them together.
    check_chunk_rows = 2000

    def check_row(self, number: int, values: Mapping[str, Any], state: State) -> Checked:
        return self.check_rows([(number, values)], state)[0]

    def check_rows(
        self, rows: Sequence[tuple[int, Mapping[str, Any]]], state: State
    ) -> list[Checked]:
        checked = [self.check(values, state) for _number, values in rows]
        if state.similar is not None:
            self._likely_duplicates(rows, checked, state.similar)
        return checked

    def _likely_duplicates(
        self,
        rows: Sequence[tuple[int, Mapping[str, Any]]],
        checked: Sequence[Checked],
        similar: FileMatcher,
    ) -> None:
        """A row the duplicate matcher finds likely to be one of the organisation's people, or
        an earlier row, is a problem until the importer says it is someone else. A row that
        is an exact duplicate is left out without this."""
        verdicts: dict[int, Checked] = {}
        file_rows: list[FileRow] = []
        for (number, values), verdict in zip(rows, checked, strict=True):
            if verdict.payload is None:
                continue
            payload: Payload = verdict.payload
            person = payload.person
            commune: Commune | None = person["current_commune"]
            born = values["born"]
            record = NewRecord(
                full_name=person["full_name"],
                date_of_birth=person["date_of_birth"],
                birth_year=born if isinstance(born, int) else None,
                sex=person["sex"],
                phone=person["phone"],
                commune_code=commune.pk if commune is not None else "",
                province_code=commune.province_id if commune is not None else "",
            )
            look = not verdict.duplicate and not values["different_person"]
            file_rows.append(
                FileRow(number=number, record=record, keys=frozenset(payload.keys), look=look)
            )
            verdicts[number] = verdict
        column = self.column("different_person").label
        for number, likely in similar.match_rows(file_rows).items():
            if likely.person_id is not None:
                verdicts[number].problem(
                    "full_name",
                    _(
                        "This may be person #%(id)s of your organisation (a similar name, date "
                        "of birth or place). Check that record: if it is the same person, remove "
                        "this row; if it is someone else, write Có in the column “%(column)s”."
                    )
                    % {"id": likely.person_id, "column": column},
                )
            elif likely.row is not None:
                verdicts[number].problem(
                    "full_name",
                    _(
                        "This may be the same person as row %(row)s (a similar name, date of "
                        "birth or place): keep one of them; if they are two people, write Có in "
                        "the column “%(column)s”."
                    )
                    % {"row": likely.row, "column": column},
                )

    def check(self, values: Mapping[str, Any], state: State) -> Checked:
        checked = Checked()
        today = timezone.localdate()
        born: datetime.date | int | None = values["born"]
        if isinstance(born, datetime.date) and born > today:
            checked.problem("born", _("The date of birth cannot be in the future."))
            born = None
        place = Place()
        if values["province"] or values["district"] or values["commune"]:
            place, problem = self._place(values, state)
            if problem:
                checked.problem("commune" if values["commune"] else "province", problem)
        intake: datetime.date = values["intake_date"]
        departure, returned = values["departure_date"], values["return_date"]
        not_in_future(checked, values, "intake_date", "departure_date", "return_date", today=today)
        in_order(
            checked,
            departure,
            returned,
            column="return_date",
            message=_("The return date must be on or after the departure date."),
        )
        closure = self._closure(values, state, checked)
        consent, guardian = self._consent(values, born, checked)

        id_number = values["id_number"] or ""
        keys = _row_keys(
            full_name=values["full_name"], born=born, id_number=id_number, intake=intake
        )
        checked.unique_key = keys[0]
        checked.also_unique = tuple(keys[1:])
        for same in keys:
            if same in state.known:
                checked.duplicate = _("person #%(id)s") % {"id": state.known[same]}
                break
        estimated_age = None
        if isinstance(born, int):
            estimated_age = max(0, today.year - born)
        checked.payload = Payload(
            person={
                "full_name": values["full_name"],
                "other_names": values["other_names"] or "",
                "sex": values["sex"],
                "date_of_birth": born if isinstance(born, datetime.date) else None,
                "estimated_age": estimated_age,
                "ethnicity": values["ethnicity"] or "",
                "nationality": values["nationality"] or "VN",
                "id_number": id_number,
                "phone": values["phone"] or "",
                "current_address": values["address"] or ("" if place.commune else place.written),
                "current_commune": place.commune,
                "area_type": values["area_type"] or "",
                "pre_2025_address": place.written if place.before_2025 else "",
            },
            case={
                "case_type": values["case_type"],
                "intake_channel": values["intake_channel"],
                "intake_date": intake,
                "is_abroad": bool(values["is_abroad"]),
            },
            screening={
                name: value
                for name, value in (
                    ("destination_country", values["destination_country"] or ""),
                    ("departure_date", departure),
                    ("return_date", returned),
                    ("exploitation_types", values["exploitation_types"]),
                )
                if value
            },
            closure=closure,
            consents=values["consent_purposes"],
            consent=consent,
            guardian=guardian,
            keys=keys,
        )
        return checked

    @staticmethod
    def _place(values: Mapping[str, Any], state: State) -> tuple[Place, str]:
        parts = [values[key] for key in ("commune", "district", "province") if values[key]]
        written = ", ".join(parts)
        key = fold(written)
        if key in state.places:
            return state.places[key]
        resolution = place_resolve(written)
        place, problem = Place(written=written), ""
        before = bool(
            resolution.legacy_communes or resolution.legacy_districts or resolution.legacy_provinces
        )
        if values["commune"]:
            if resolution.commune is not None:
                place = Place(commune=resolution.commune, written=written, before_2025=before)
            elif len(resolution.communes) > 1:
                names = "; ".join(str(c.commune) for c in resolution.communes[:6])
                problem = _(
                    "“%(value)s” could be several of today's communes (%(names)s): write today's "
                    "commune."
                ) % {"value": written[:80], "names": names}
            else:
                problem = _(
                    "“%(value)s” is not a commune we know in that province: check the commune, "
                    "district and province, today's names or those from before 2025."
                ) % {"value": written[:80]}
        elif resolution.province is None:
            problem = _(
                "“%(value)s” is not a province we know: write its name, today's or from before "
                "2025, for example Hà Tĩnh or Quảng Bình."
            ) % {"value": written[:60]}
        else:
            place = Place(written=written, before_2025=before)
        state.places[key] = (place, problem)
        return place, problem

    @staticmethod
    def _closure(
        values: Mapping[str, Any], state: State, checked: Checked
    ) -> tuple[str, str] | None:
        if values["status"] != Status.CLOSED:
            return None
        if not state.may_close:
            checked.problem("status", _("Your role cannot close cases: import the case as open."))
            return None
        reason, outcome = values["closure_reason"], values["reintegration_outcome"]
        if not reason:
            checked.problem("closure_reason", _("A closed case needs the reason for closing."))
        if not outcome:
            checked.problem(
                "reintegration_outcome", _("A closed case needs the reintegration outcome.")
            )
        return (reason, outcome) if reason and outcome else None

    @staticmethod
    def _consent(
        values: Mapping[str, Any], born: datetime.date | int | None, checked: Checked
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        given_on: datetime.date = values["consent_given_on"]
        not_in_future(
            checked,
            values,
            "consent_given_on",
            today=timezone.localdate(),
            message=_("The date given cannot be in the future."),
        )
        given_by = values["consent_given_by"] or Consent.GivenBy.PERSON
        if isinstance(born, datetime.date):
            age: int | None = years_between(born, given_on)
        elif isinstance(born, int):
            age = given_on.year - born
        else:
            age = None
        guardian = None
        if given_by == Consent.GivenBy.GUARDIAN:
            if not values["guardian_name"]:
                checked.problem("guardian_name", _("Name the guardian who gave the consent."))
            if not values["guardian_relation"]:
                checked.problem(
                    "guardian_relation", _("Say how the guardian is related to the person.")
                )
            guardian = {
                "full_name": values["guardian_name"] or "",
                "relation": values["guardian_relation"] or "",
            }
        elif age is not None and age < ADULT_AGE:
            checked.problem(
                "consent_given_by",
                _(
                    "This person is under 18 on the date given: the consent must come from a "
                    "guardian or legal representative."
                ),
            )
        return {"method": values["consent_method"], "given_on": given_on, "given_by": given_by}, (
            guardian
        )

    def create(self, payload: Payload, state: State, *, actor: Actor) -> Sequence[models.Model]:
        person = person_register(actor=actor, organisation=state.organisation, **payload.person)
        case = case_open(person=person, actor=actor, **payload.case)
        if payload.screening:
            case = case_update(
                case=case,
                expected_version=case.version,
                baseline=CASE_EDITS.fingerprints(case),
                actor=actor,
                **payload.screening,
            )
        if payload.closure is not None:
            reason, outcome = payload.closure
            case = case_closure_request(
                case=case, reason=reason, reintegration_outcome=outcome, actor=actor
            )
            case = case_closure_decide(case=case, approve=True, actor=actor)
        records: list[models.Model] = [person, case]
        guardian = None
        if payload.guardian is not None:
            guardian = guardian_add(person=person, actor=actor, **payload.guardian)
            records.append(guardian)
        for purpose in payload.consents:
            records.append(
                consent_record(
                    person=person,
                    purpose=purpose,
                    guardian=guardian,
                    actor=actor,
                    **payload.consent,
                )
            )
        # `state.known` stays the organisation's people before the import: a later row with a
        # key of this one is found by the engine as a repeat of its row, whatever was written
        # by then, so a row is judged alike a row or a chunk of rows at a time.
        return records

    def create_many(
        self, payloads: Sequence[Payload], state: State, *, actor: Actor
    ) -> list[list[models.Model]]:
        """What `create` does for each payload, through the services that write many at once
        (the same records, tokens, case numbers and audit rows); refused rows are named by
        their position (`ItemsRefusedError`)."""
        organisation = state.organisation
        people = people_register_many(
            actor=actor,
            organisation=organisation,
            people=[payload.person for payload in payloads],
        )
        cases = cases_open_many(
            actor=actor,
            organisation=organisation,
            cases=[
                {
                    "person": person,
                    **payload.case,
                    "screening": payload.screening,
                    "closure": payload.closure,
                }
                for person, payload in zip(people, payloads, strict=True)
            ],
        )
        with_guardian = [i for i, payload in enumerate(payloads) if payload.guardian is not None]
        try:
            added = guardians_add_many(
                actor=actor,
                organisation=organisation,
                guardians=[
                    {"person": people[i], **(payloads[i].guardian or {})} for i in with_guardian
                ],
            )
        except ItemsRefusedError as error:
            raise ItemsRefusedError(
                {with_guardian[k]: message for k, message in error.refused.items()}
            ) from None
        guardians: dict[int, Guardian] = dict(zip(with_guardian, added, strict=True))
        owners = [i for i, payload in enumerate(payloads) for _purpose in payload.consents]
        try:
            consents = consents_record_many(
                actor=actor,
                organisation=organisation,
                consents=[
                    {
                        "person": people[i],
                        "purpose": purpose,
                        "guardian": guardians.get(i),
                        **payloads[i].consent,
                    }
                    for i in range(len(payloads))
                    for purpose in payloads[i].consents
                ],
            )
        except ItemsRefusedError as error:
            refused: dict[int, ValidationError] = {}
            for k, message in error.refused.items():
                refused.setdefault(owners[k], message)
            raise ItemsRefusedError(refused) from None
        records: list[list[models.Model]] = [
            [person, case] for person, case in zip(people, cases, strict=True)
        ]
        for i, guardian in guardians.items():
            records[i].append(guardian)
        for i, consent in zip(owners, consents, strict=True):
            records[i].append(consent)
        return records

    def touched(self, records: Sequence[models.Model], *, batch_ids: set[tuple[str, str]]) -> bool:
        """A case, consent or guardian added since to a person this import created."""
        people = [record.pk for record in records if isinstance(record, Person)]
        mine: dict[type[models.Model], set[Any]] = {}
        for record in records:
            mine.setdefault(type(record), set())
            mine[type(record)].add(record.pk)
        return any(
            model.objects.filter(person_id__in=people)
            .exclude(pk__in=mine.get(model, set()))
            .exists()
            for model in (Case, Consent, Guardian)
        )

    def remove(
        self,
        records: Sequence[models.Model],
        *,
        actor: Actor,
        batch: Any,
        progress: RemoveProgress | None = None,
    ) -> None:
        people = [record.pk for record in records if isinstance(record, Person)]
        remove_many(
            records,
            actor=actor,
            batch=batch,
            order=(Consent, Guardian, Case, Person),
            progress=progress,
        )
        people_changed(person_ids=people)


register(PeopleKind())
