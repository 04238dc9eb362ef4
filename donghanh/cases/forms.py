"""Forms of the case pages: plain forms whose cleaned values the case services take."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.cases.models import (
    Case,
    CaseStatus,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    ReintegrationOutcome,
)
from donghanh.cases.selectors import (
    IDENTIFICATION_FIELDS,
    INTAKE_FIELDS,
    SCREENING_FIELDS,
    caseload_worker_choices,
)
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.core.queries import CompiledRows
from donghanh.core.search_terms import search_terms_bound
from donghanh.core.widgets import FrozenChoices, QuickSelect
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.organisations.selectors import active_teams
from donghanh.people.forms import _date_field
from donghanh.places.models import Commune
from donghanh.places.selectors import province_choices
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    ILO_ANSWERS,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
)

_ILO_PREFIX = "ilo_"

FOREIGN_COUNTRIES = [(code.code, code.label) for code in COUNTRIES if code.code != "VN"]


class UserChoiceLabel:
    """Users are shown by their name, never by their e-mail address."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class UserMultipleChoiceField(UserChoiceLabel, forms.ModelMultipleChoiceField):
    pass


class CaseIntakeFields(forms.Form):
    case_type = forms.ChoiceField(
        label=_("Case type"),
        choices=[("", "—"), *CaseType.choices],
        error_messages={"required": _("Choose the case type.")},
    )
    intake_channel = forms.ChoiceField(
        label=_("How the case came in"),
        choices=[("", "—"), *IntakeChannel.choices],
        error_messages={"required": _("Choose how the case came in.")},
    )
    intake_date = _date_field(_("Intake date (dd/mm/yyyy)"), required=True)
    is_abroad = forms.BooleanField(
        label=_("The person is abroad now"),
        required=False,
        help_text=_(
            "Tick when the person is outside Vietnam, for example at an embassy: it decides "
            "which support a person undergoing identification is entitled to."
        ),
    )
    intake_note = forms.CharField(
        label=_("Intake notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who reported, what is known so far. Stored encrypted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intake_date"].initial = timezone.localdate

    def clean_intake_date(self) -> Any:
        value = self.cleaned_data["intake_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The intake date cannot be in the future."))
        return value


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _team_field() -> TeamChoiceField:
    return TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No team"),
        help_text=_(
            "The team's case workers and collaborators see the case too, unless it is "
            "restricted to named users."
        ),
    )


class CaseOpenForm(CaseIntakeFields):
    """The intake; those who assign cases also choose the team (`teams` is None otherwise).
    Sent twice, it opens one case."""

    idempotency_key = IdempotencyField()

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"] = _team_field()
            cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class CaseEditForm(VersionedFormMixin):
    """Base of the case edit forms: the version being edited, for the conflict check."""

    section_fields: tuple[str, ...] = ()

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {name: getattr(case, name) for name in cls.section_fields}

    def case_changes(self) -> dict[str, Any]:
        """The cleaned values, keyed as `case_update` takes them."""
        return {name: self.cleaned_data[name] for name in self.section_fields}


class CaseIntakeForm(CaseIntakeFields, CaseEditForm):
    section_fields = INTAKE_FIELDS


class CaseScreeningForm(CaseEditForm):
    section_fields = SCREENING_FIELDS

    origin_commune = forms.CharField(
        label=_("Commune of origin (code)"),
        max_length=5,
        required=False,
        help_text=_("The 5-digit code of today's commune; find it on the Places page."),
    )
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit countries"),
        choices=FOREIGN_COUNTRIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        choices=[("", "—"), *FOREIGN_COUNTRIES],
        required=False,
    )
    departure_date = _date_field(_("Departure date (dd/mm/yyyy)"))
    return_date = _date_field(_("Return date (dd/mm/yyyy)"))
    recruiter_relation = forms.ChoiceField(
        label=_("Relation to the recruiter or broker"),
        choices=[("", "—"), *RELATIONS_TO_TRAFFICKER.choices],
        required=False,
    )
    recruiter_details = forms.CharField(
        label=_("Recruiter or broker"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who recruited or moved the person, and how. Stored encrypted."),
    )
    journey_details = forms.CharField(
        label=_("Journey details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Route, places, work done. Stored encrypted."),
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Type of exploitation (HTCDS)"),
        choices=EXPLOITATION_TYPES.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    control_means = forms.MultipleChoiceField(
        label=_("Means of control (HTCDS)"),
        choices=CONTROL_MEANS.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    screened_on = _date_field(_("Screening date (dd/mm/yyyy)"))
    screening_note = forms.CharField(
        label=_("Screening notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in ILO_INDICATORS:
            self.fields[_ILO_PREFIX + code.code] = forms.ChoiceField(
                label=code.question,
                choices=ILO_ANSWERS.choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=code.label,
            )

    @property
    def ilo_fields(self) -> list[forms.BoundField]:
        return [self[_ILO_PREFIX + code.code] for code in ILO_INDICATORS]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith(_ILO_PREFIX)]

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial = {name: getattr(case, name) for name in SCREENING_FIELDS}
        initial["origin_commune"] = case.origin_commune_id or ""
        answers = initial.pop("ilo_indicators") or {}
        for code in ILO_INDICATORS:
            initial[_ILO_PREFIX + code.code] = answers.get(code.code, "")
        return initial

    def clean_origin_commune(self) -> Commune | None:
        code = self.cleaned_data["origin_commune"].strip()
        if not code:
            return None
        commune = Commune.objects.select_related("province").filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(
                _("No commune has this code. Look the commune up on the Places page.")
            )
        return commune

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        departure, back = cleaned.get("departure_date"), cleaned.get("return_date")
        if departure and back and back < departure:
            self.add_error(
                "return_date", _("The return date must be on or after the departure date.")
            )
        return cleaned

    def case_changes(self) -> dict[str, Any]:
        changes = {
            name: self.cleaned_data[name] for name in SCREENING_FIELDS if name != "ilo_indicators"
        }
        changes["ilo_indicators"] = {
            code.code: self.cleaned_data[_ILO_PREFIX + code.code]
            for code in ILO_INDICATORS
            if self.cleaned_data.get(_ILO_PREFIX + code.code)
        }
        return changes


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.local_name)


class CaseIdentificationForm(CaseEditForm):
    section_fields = IDENTIFICATION_FIELDS

    identification_status = forms.ChoiceField(
        label=_("Identification status"),
        choices=IdentificationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the identification status.")},
    )
    identified_on = _date_field(
        _("Date of the identification decision (dd/mm/yyyy)"),
        help_text=_(
            "Decides the legal regime: Law 66/2011 before 1 July 2025, Law 53/2024 from then on."
        ),
    )
    identifying_organisation = OrganisationChoiceField(
        label=_("Deciding agency"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("If it is on the platform; otherwise name it below."),
    )
    identifying_agency = forms.CharField(
        label=_("Deciding agency, if not on the list"),
        max_length=200,
        required=False,
        help_text=_("For example: Công an tỉnh Nghệ An, Bộ đội Biên phòng tỉnh Lào Cai."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["identifying_organisation"])
        field.queryset = Organisation.objects.filter(is_active=True).order_by("name")

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial = super().initial_for(case)
        initial["identifying_organisation"] = case.identifying_organisation_id
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("identification_status")
        decided = status in (
            IdentificationStatus.IDENTIFIED_VICTIM,
            IdentificationStatus.NOT_A_VICTIM,
        )
        if decided and not cleaned.get("identified_on") and "identified_on" not in self.errors:
            self.add_error(
                "identified_on",
                _(
                    "Enter the date of the identification decision: the legal regime follows "
                    "from it."
                ),
            )
        if not decided and cleaned.get("identified_on"):
            self.add_error(
                "identified_on",
                _("An identification date is only recorded once a decision has been made."),
            )
        if decided and not (
            cleaned.get("identifying_organisation") or cleaned.get("identifying_agency")
        ):
            self.add_error("identifying_agency", _("Name the agency that decided."))
        return cleaned


class CaseWorkersForm(forms.Form):
    workers = UserMultipleChoiceField(
        label=_("Case workers"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Assign at least one person to the case.")},
    )

    team = _team_field()

    def __init__(
        self, *args: Any, users: QuerySet[Any], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["workers"]).queryset = users
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class CaseRestrictionForm(forms.Form):
    named_users = UserMultipleChoiceField(
        label=_("Only these users may see the case"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick nobody to lift the restriction."),
    )

    def __init__(self, *args: Any, users: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["named_users"]).queryset = users


class CaseClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the case being closed?"),
        choices=[("", "—"), *ClosureReason.choices],
        error_messages={"required": _("Choose why the case is being closed.")},
    )
    reintegration_outcome = forms.ChoiceField(
        label=_("Reintegration outcome"),
        choices=[("", "—"), *ReintegrationOutcome.choices],
        error_messages={"required": _("Choose the reintegration outcome.")},
    )
    note = forms.CharField(
        label=_("Note for the supervisor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )


class CaseClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve: close the case")),
            ("decline", _("Decline: keep it open")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or decline the closure.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline. Stored encrypted."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "decline" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the closure is declined."))
        return cleaned


class CaseReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the case reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the case is reopened.")},
        help_text=_("Stored encrypted."),
    )


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or case number"),
        max_length=200,
        required=False,
        help_text=_("Diacritics are optional: “nguyen thi hoa” finds “Nguyễn Thị Hoa”."),
    )
    case_type = forms.ChoiceField(
        label=_("Case type"),
        choices=[("", _("All types")), *CaseType.choices],
        required=False,
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *CaseStatus.choices],
        required=False,
        widget=QuickSelect,
    )
    worker = forms.TypedChoiceField(
        label=_("Case worker"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    team = forms.TypedChoiceField(
        label=_("Team"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    province = forms.ChoiceField(
        label=_("Province (today's)"),
        required=False,
        widget=QuickSelect,
        help_text=_("Where the person lives now or where their journey began."),
    )
    overdue = forms.BooleanField(label=_("Only cases with overdue work"), required=False)

    def __init__(
        self,
        *args: Any,
        workers: list[tuple[int, str]],
        teams: Callable[[], list[tuple[int, str]]],
        **kwargs: Any,
    ) -> None:
        """`teams` is called only when the team choices are shown or a team is filtered on,
        so a download that filters on no team makes no query for them."""
        super().__init__(*args, **kwargs)
        # Taken as they are: a thousand workers normalised on every page cost more than the
        # rest of the form.
        cast(forms.TypedChoiceField, self.fields["worker"]).choices = FrozenChoices(
            [("", _("Anyone")), *workers]
        )
        cast(forms.TypedChoiceField, self.fields["team"]).choices = lambda: [
            ("", _("Any team")),
            *teams(),
        ]
        self._teams = teams
        cast(forms.ChoiceField, self.fields["province"]).choices = FrozenChoices(
            [("", _("All provinces")), *province_choices()]
        )

    @property
    def has_teams(self) -> bool:
        return bool(self._teams())


class CaseExportForm(forms.Form):
    """The export buttons' form: the caseload filters travel beside it; sent twice, it
    queues one export."""

    idempotency_key = IdempotencyField()


# The caseload's filters that identify nobody, and so may travel in its address; the name or
# case number searched for never does (see donghanh.core.search_terms).
CASELOAD_FILTERS = ("case_type", "status", "worker", "team", "province", "overdue")


def caseload_search_scope(organisation: Organisation) -> str:
    return f"caseload:{organisation.pk}"


# The filter's teams, read on every caseload page: compiled once (`donghanh.core.queries`).
_teams_of = CompiledRows(
    lambda organisation_id: active_teams(organisation_id).values_list("pk", "name")
)


class CaseloadFilters(NamedTuple):
    form: CaseloadFilterForm
    values: dict[str, Any]  # the valid filters, the search terms under "q"
    expired: bool  # the address named a search that is no longer kept


def caseload_filters(
    request: HttpRequest, membership: Membership, *, source: QueryDict | None = None
) -> CaseloadFilters:
    """The caseload's filter form bound to the address (or `source`, a posted form) and the
    session's search terms."""
    organisation_id = membership.organisation_id
    workers = caseload_worker_choices(membership)

    @functools.cache  # once per request, however often the choices are read
    def teams() -> list[tuple[int, str]]:
        return cast(list[tuple[int, str]], _teams_of(organisation_id))

    bound = search_terms_bound(
        request, scope=caseload_search_scope(membership.organisation), source=source
    )
    form = CaseloadFilterForm(bound.data, workers=workers, teams=teams)
    return CaseloadFilters(form, form.cleaned_data if form.is_valid() else {}, bound.expired)
