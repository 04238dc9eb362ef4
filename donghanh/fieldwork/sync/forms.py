"""The forms of the work a device records offline, one set per kind of operation.

Each kind is made of the pages' own forms, narrowed to what a first visit in the field needs:
the shell page draws their fields (so the names a device sends are the names of these fields),
and the sync binds the same forms to what the device sent, so a value is checked exactly as the
page would check it. Nothing here checks a value of its own, except what only the field app
asks: the consent taken in person and the picker of the case, session or group.

Field names of each kind (what `fields` of an operation holds):

- first_contact: full_name, sex, date_of_birth, estimated_age, phone, current_commune,
  different_person; consent_given, method, given_by, evidence_note; case_type,
  intake_channel, intake_note; need_domain, need_level, need_note
- visit: case; planned_on, method, done_on, outcome, next_on
- screening: case, version, baseline and the case page's screening fields
- attendance: session, attended (participation ids)
- savings_meeting: group, held_on, cash_counted, ledger_version and, for each member,
  m<member id>-<part> (`donghanh.livelihood.savings.lines.member_field`)
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.cases.forms import CaseOpenForm, CaseScreeningForm
from donghanh.casework.forms import FollowUpForm
from donghanh.casework.models import ASSESSED_DOMAIN_CHOICES, FollowUpMethod, NeedLevel
from donghanh.livelihood.savings.forms import PARTS, MeetingForm
from donghanh.livelihood.savings.models import Cycle, GroupMember
from donghanh.organisations.models import Organisation
from donghanh.people.forms import ConsentForm, PersonRegisterForm
from donghanh.people.models import Guardian

KINDS = ("first_contact", "visit", "screening", "attendance", "savings_meeting")

# The placeholder of a member's id in the names of a meeting's member fields, which the field
# app replaces with each member's id from the package.
MEMBER_MARK = "__ID__"


def _keep_only(form: forms.BaseForm, names: tuple[str, ...]) -> None:
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]


def _picker(label: Any, message: Any, options: str) -> forms.TypedChoiceField:
    """A case, session or group picker: its options come from the package on the device
    (`options` names the package's list the field app draws them from)."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[("", "—")],
        widget=forms.Select(attrs={"data-offline-options": options}),
        error_messages={"required": message, "invalid_choice": message},
    )


class PickerMixin(forms.Form):
    """A form with pickers whose options come from the package on the device: bound on the
    server, a picker takes any number, and the access check on the record decides."""

    pickers: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            for name in self.pickers:
                self.fields[name].valid_value = _any_value  # type: ignore[attr-defined]


def _any_value(value: Any) -> bool:
    return True


# --- First contact ----------------------------------------------------------------------------


class FirstContactPersonForm(PersonRegisterForm):
    """Minimal identity: the person form with only what a first contact asks."""

    section_fields = (
        "full_name",
        "sex",
        "date_of_birth",
        "estimated_age",
        "phone",
        "current_commune",
    )

    different_person = forms.BooleanField(
        label=_("I checked: this is not a person already registered"),
        required=False,
        help_text=_(
            "Tick only if the server found people like this one and you are sure this is "
            "someone else."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _keep_only(self, (*self.section_fields, "different_person"))

    def person_details(self) -> dict[str, Any]:
        details = super().person_details()
        details.pop("different_person", None)
        return details


class FirstContactConsentForm(ConsentForm):
    """The consent to case management, taken in person: a tick and how it was given."""

    section_fields = ("consent_given", "method", "given_by", "evidence_note")

    consent_given = forms.BooleanField(
        label=_("The person agreed, in person, that we record their details to support them"),
        error_messages={
            "required": _(
                "Without the person's consent nothing is recorded: tick the box once they "
                "have agreed."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("guardians", Guardian.objects.none())
        kwargs.setdefault("recipients", Organisation.objects.none())
        super().__init__(*args, **kwargs)
        _keep_only(self, self.section_fields)
        self.order_fields(self.section_fields)


class FirstContactCaseForm(CaseOpenForm):
    """The case opened for the person, assigned to whoever records it."""

    section_fields = ("case_type", "intake_channel", "intake_note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _keep_only(self, self.section_fields)


class FirstContactNeedForm(forms.Form):
    """The need the person raised first: one domain of the needs assessment."""

    section_fields = ("need_domain", "need_level", "need_note")

    need_domain = forms.ChoiceField(
        label=_("What the person needs most"),
        choices=[("", "—"), *ASSESSED_DOMAIN_CHOICES],
        error_messages={"required": _("Choose what the person needs most.")},
    )
    need_level = forms.ChoiceField(
        label=_("How urgent"),
        choices=[(value, label) for value, label in NeedLevel.choices if value != NeedLevel.NONE],
        initial=NeedLevel.SOME,
    )
    need_note = forms.CharField(
        label=_("About the need"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Stored encrypted."),
    )


FIRST_CONTACT_FORMS: tuple[type[forms.Form], ...] = (
    FirstContactPersonForm,
    FirstContactConsentForm,
    FirstContactCaseForm,
    FirstContactNeedForm,
)


# --- Visit, screening -------------------------------------------------------------------------


class VisitForm(PickerMixin, FollowUpForm):
    """A home visit or other follow-up on one of the user's cases, done in the field."""

    case = _picker(_("Case"), _("Choose the case."), "cases")
    pickers = ("case",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["idempotency_key"]
        self.fields["method"].initial = FollowUpMethod.HOME_VISIT
        self.order_fields(["case"])


class ScreeningForm(PickerMixin, CaseScreeningForm):
    """The case page's screening form, for a case taken offline (its version and baseline come
    from the package)."""

    case = _picker(_("Case"), _("Choose the case."), "cases")
    pickers = ("case",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["case"])


# --- Attendance, savings meeting --------------------------------------------------------------


class AttendanceForm(PickerMixin):
    """Who attended a training session: the participants ticked, from the package."""

    session = _picker(_("Training session"), _("Choose the training session."), "sessions")
    attended = forms.TypedMultipleChoiceField(
        label=_("Participants who attended"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    pickers = ("session", "attended")


class SavingsMeetingHeadForm(PickerMixin):
    group = _picker(_("Savings group"), _("Choose the savings group."), "groups")
    pickers = ("group",)


def meeting_form_template(**kwargs: Any) -> MeetingForm:
    """The meeting form of the livelihood pages with one placeholder member (`MEMBER_MARK`),
    for the shell page: the field app draws one such set of fields per member of the group."""
    placeholder = GroupMember()
    placeholder.pk = cast(Any, MEMBER_MARK)
    return MeetingForm(
        cycle=Cycle(min_shares=1, max_shares=1000),
        members=[placeholder],
        loans={},
        due={},
        **kwargs,
    )


MEETING_PARTS = PARTS
