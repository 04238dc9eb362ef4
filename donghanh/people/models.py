"""People supported by an organisation, their guardians and their consents.

Identity and contact fields are encrypted at rest (`donghanh.core.crypto`); they are searched
through blind indexes kept beside them by the services, never by filtering on the columns.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import (
    BLIND_INDEX_LENGTH,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
)
from donghanh.core.person_export import excluded_from_person_export
from donghanh.places.models import AreaType, Commune

ADULT_AGE = 18

# The countries people supported here most often come from or pass through; "XX" (an
# ISO 3166 user-assigned code) stands for stateless or not known.
NATIONALITY_CHOICES = [
    ("VN", _("Vietnam")),
    ("KH", _("Cambodia")),
    ("LA", _("Laos")),
    ("CN", _("China")),
    ("TH", _("Thailand")),
    ("MM", _("Myanmar")),
    ("MY", _("Malaysia")),
    ("TW", _("Taiwan")),
    ("KR", _("South Korea")),
    ("JP", _("Japan")),
    ("SA", _("Saudi Arabia")),
    ("AE", _("United Arab Emirates")),
    ("RU", _("Russia")),
    ("PL", _("Poland")),
    ("DE", _("Germany")),
    ("FR", _("France")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
    ("XX", _("Stateless or not known")),
]


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from `start` to `end` (a birthday on 29 February counts from 1 March)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not known")


class Ethnicity(models.TextChoices):
    """The largest of Vietnam's 54 ethnic groups (2019 census), and the rest as "other"."""

    KINH = "kinh", _("Kinh")
    TAY = "tay", _("Tay")
    THAI = "thai", _("Thai")
    MUONG = "muong", _("Muong")
    KHMER = "khmer", _("Khmer")
    HOA = "hoa", _("Hoa (ethnic Chinese)")
    NUNG = "nung", _("Nung")
    HMONG = "hmong", _("Hmong")
    DAO = "dao", _("Dao")
    JARAI = "jarai", _("Jarai")
    EDE = "ede", _("Ede")
    BAHNAR = "bahnar", _("Bahnar")
    SAN_CHAY = "san_chay", _("San Chay")
    CHAM = "cham", _("Cham")
    OTHER = "other", _("Another ethnic group")


def age_on(
    day: datetime.date,
    *,
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
    age_estimated_on: datetime.date | None,
    created_at: datetime.datetime,
) -> int | None:
    """A person's age on `day`: from the date of birth, else from the age estimated on a day
    (the day of registration if none was noted), else unknown."""
    if date_of_birth is not None:
        return years_between(date_of_birth, day)
    if estimated_age is not None:
        estimated_on = age_estimated_on or created_at.date()
        return estimated_age + max(0, years_between(estimated_on, day))
    return None


class Person(models.Model):
    """Someone an organisation supports: a survivor, a person at risk, an accompanying child."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("organisation"),
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    other_names = EncryptedCharField(_("other names"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    # The day the age was estimated, so that the estimate ages with the person.
    age_estimated_on = models.DateField(null=True, blank=True, editable=False)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=16, choices=Ethnicity.choices, blank=True
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        default="VN",
        validators=[RegexValidator(r"^[A-Z]{2}$")],
        help_text=_("Two-letter ISO 3166 country code."),
    )
    id_number = EncryptedCharField(_("personal ID number"), max_length=30, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    current_address = EncryptedTextField(_("current address"), blank=True)
    current_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current commune"),
    )
    area_type = models.CharField(
        _("area type"), max_length=16, choices=AreaType.choices, blank=True
    )
    pre_2025_address = EncryptedTextField(_("address before 1 July 2025"), blank=True)

    # Blind indexes (see donghanh.core.crypto), written by the services only.
    name_dob_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    id_number_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    phone_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)

    # Optimistic locking: every saved change adds one, and an edit made on an older version
    # is refused instead of overwriting what a colleague saved in between.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # A record found to be another record of the same person and merged into it (the duplicates
    # app's merge): it keeps its own fields, so that the merge can be undone, but nobody sees it
    # any more and its page and API address lead to the surviving record.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["organisation", "-updated_at"], name="person_org_recent"),
            models.Index(
                fields=["name_dob_index"], name="person_name_dob", condition=~Q(name_dob_index="")
            ),
            models.Index(
                fields=["id_number_index"],
                name="person_id_number",
                condition=~Q(id_number_index=""),
            ),
            models.Index(fields=["phone_index"], name="person_phone", condition=~Q(phone_index="")),
            # The caseload's province filter looks up where the organisation's people live now.
            models.Index(
                fields=["organisation", "current_commune"],
                include=["id"],
                name="person_org_commune",
            ),
        ]

    def __str__(self) -> str:
        # Never the name: this string can end up in logs and error reports.
        return f"person #{self.pk}"

    def age_on(self, day: datetime.date) -> int | None:
        return age_on(
            day,
            date_of_birth=self.date_of_birth,
            estimated_age=self.estimated_age,
            age_estimated_on=self.age_estimated_on,
            created_at=self.created_at,
        )

    @property
    def nationality_label(self) -> str:
        return str(dict(NATIONALITY_CHOICES).get(self.nationality, self.nationality))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def is_minor_on(self, day: datetime.date) -> bool:
        """Under 18 on `day`, as far as the record tells; an unknown age is not a minor's."""
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE


class PersonNameToken(models.Model):
    """One folded word of a person's names, as a blind index: search matches words in any order.

    Beside the words, the same table holds each two of them together (`indexes.NAME_PAIR`, for a
    search over a whole organisation to start from its rarest pair) and the keys the
    registration hint finds a record by (the duplicate matcher's: names with the birth date or
    year, `indexes.HINT_KEY`), each blind under a purpose of its own so that none equals a
    word's index: written, moved with a transfer and removed with the words, by the same code."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    # The person's organisation, kept here so that a search looks a word up among its own
    # organisation's people only: a common word ("nguyen") is on four names in ten of them all.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    token_index = models.CharField(max_length=BLIND_INDEX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "token_index"], name="person_token_once")
        ]
        indexes = [
            models.Index(
                fields=["organisation", "token_index", "person"], name="person_token_org_lookup"
            ),
            # A name search that starts from a few cases (a status and a case type) checks
            # each case's person's words here, from the index alone: a word of the search
            # matched by hashing the organisation's tokens of it, the others person by person.
            models.Index(
                fields=["organisation", "person", "token_index"], name="person_token_org_person"
            ),
        ]

    def __str__(self) -> str:
        return f"name token of person #{self.person_id}"


class Guardian(models.Model):
    """A parent, relative or legal representative who consents for a child."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Adult brother or sister")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        LEGAL_GUARDIAN = "legal_guardian", _("Appointed legal guardian")
        OTHER = "other", _("Other legal representative")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("person")
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    phone = EncryptedCharField(_("phone"), max_length=30, blank=True)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"guardian #{self.pk}"


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    NOT_YET = "not_yet", _("Not yet in effect")


class Consent(models.Model):
    """A person's (or their guardian's) consent to one purpose, provable and withdrawable."""

    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        SHARING = "sharing", _("Sharing with a named organisation")
        STATISTICS = "statistics", _("Use in statistics")
        # Her membership of a savings and credit group linked with her case (livelihood).
        SAVINGS_GROUP = "savings_group", _("Link with her savings group membership")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Written and signed")
        VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")
        THUMBPRINT = "thumbprint", _("Thumbprint")
        ELECTRONIC = "electronic", _("Electronic")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("A guardian or legal representative")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # Evidence may name a witness or where the signed form is kept: encrypted like identity.
    evidence_note = EncryptedTextField(_("evidence"), blank=True)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("guardian"),
    )
    given_on = models.DateField(_("date given"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_note = EncryptedTextField(_("withdrawal note"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purpose="sharing", recipient_organisation__isnull=False)
                    | (~Q(purpose="sharing") & Q(recipient_organisation__isnull=True))
                ),
                name="consent_recipient_only_for_sharing",
            ),
            models.CheckConstraint(
                condition=(
                    Q(given_by="guardian", guardian__isnull=False)
                    | Q(given_by="person", guardian__isnull=True)
                ),
                name="consent_guardian_matches_given_by",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    def status_on(self, day: datetime.date) -> ConsentStatus:
        if self.withdrawn_at is not None and timezone.localdate(self.withdrawn_at) <= day:
            return ConsentStatus.WITHDRAWN
        if self.given_on > day:
            return ConsentStatus.NOT_YET
        if self.expires_on is not None and self.expires_on < day:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    @property
    def status(self) -> ConsentStatus:
        return self.status_on(timezone.localdate())


class DuplicateBasis(models.TextChoices):
    """Why two records are likely the same person: the blind indexes they share."""

    NAME_AND_BIRTH_DATE = "name_and_birth_date", _("same name and date of birth")
    ID_NUMBER = "id_number", _("same ID number")
    PHONE = "phone", _("same phone")


@excluded_from_person_export(
    "a notice to the organisation's supervisors that a likely match was registered elsewhere: "
    "it may be about someone else, and holds nothing of the person but their record's id"
)
class DuplicateNotice(models.Model):
    """Someone registered a person likely to be this organisation's `person`, without being
    allowed to open their record (another organisation, or a member kept from the case).

    Written for the organisation holding `person` when the new record shares a blind index with
    them (`bases`). It says nothing of the new record or who registered it: the registering
    organisation is kept only so that the same pair gives one notice, and is shown only as
    "your organisation" when it is the holder itself. The holder's supervisors may reach out
    through the person, with their consent to share, by a referral; the registering user learns
    nothing of the notice.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="duplicate_notices",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="duplicate_notices",
        verbose_name=_("person"),
    )
    # Never shown, never exported: only to keep one notice per pair of organisation and person.
    registered_by_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    bases = models.JSONField(_("match basis"), default=list)
    registered_on = models.DateField(_("registered elsewhere on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed on"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("duplicate notice")
        verbose_name_plural = _("duplicate notices")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "registered_by_organisation"],
                name="duplicate_notice_one_per_pair",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "dismissed_at"], name="duplicate_notice_queue")
        ]

    def __str__(self) -> str:
        return f"duplicate notice #{self.pk}"

    @property
    def registered_within(self) -> bool:
        """Whether the holder's own organisation registered the new record."""
        return self.registered_by_organisation_id == self.organisation_id

    @property
    def basis_labels(self) -> list[str]:
        labels = dict(DuplicateBasis.choices)
        return [str(labels[code]) for code in self.bases if code in labels]
