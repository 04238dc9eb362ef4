"""Data-subject requests (Law 91/2025/QH15, Decree 356/2025/NĐ-CP) and the days they count.

A request keeps a number for its person that identifies no one (`person_ref`), so the record
of how it was handled outlives the person's erasure. Free text that may hold personal data
is encrypted like the person's own fields.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedCharField, EncryptedTextField


class Holiday(models.Model):
    """A public holiday: no working day, so working-day deadlines skip it.

    A row without a year recurs every year on the same solar date (1/1, 30/4, 1/5, 2/9).
    Days that move each year are entered with their year: Tết and the Hùng Kings'
    commemoration (lunar calendar), the day beside National Day that the Government picks each
    year, and substitute days off when a holiday falls on a weekend.
    """

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Leave empty for a holiday on the same date every year."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )

    class Meta:
        ordering = ["year", "month", "day"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "day"],
                condition=Q(year__isnull=True),
                name="holiday_recurring_once",
            ),
            models.UniqueConstraint(
                fields=["year", "month", "day"],
                condition=Q(year__isnull=False),
                name="holiday_dated_once",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="holiday_month_and_day_in_range",
            ),
        ]

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.day:02d}/{self.month:02d} {self.name}"
        return f"{self.day:02d}/{self.month:02d}/{self.year} {self.name}"

    def clean(self) -> None:
        try:
            # 2024 is a leap year: a recurring 29/02 is allowed, a 31/04 never is.
            datetime.date(self.year or 2024, self.month, self.day)
        except (TypeError, ValueError):
            raise ValidationError(_("This day does not exist in that month.")) from None


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to or copy of the data (export)")
    RECTIFICATION = "rectification", _("Correction")
    ERASURE = "erasure", _("Erasure")
    DEIDENTIFICATION = "deidentification", _("De-identification")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection to processing")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")


class ReceivedVia(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    MESSAGE = "message", _("Message (Zalo, SMS)")
    HOTLINE = "hotline", _("Hotline")
    OTHER = "other", _("Other")


class Requester(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")
    LEGAL_REPRESENTATIVE = "legal_representative", _("A legal representative")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.ACKNOWLEDGED, RequestStatus.IN_PROGRESS)


class DataSubjectRequest(models.Model):
    """What a person (or their representative) asked about their data, and how it was handled."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_subject_requests",
        verbose_name=_("person"),
    )
    # The person's record number when the request was made: it stays after an erasure and
    # identifies no one once the record is gone.
    person_ref = models.PositiveIntegerField(_("person number"), editable=False)
    kind = models.CharField(_("request"), max_length=24, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"))
    received_via = models.CharField(_("received by"), max_length=16, choices=ReceivedVia.choices)
    requester = models.CharField(_("made by"), max_length=24, choices=Requester.choices)
    requester_details = EncryptedCharField(
        _("representative's name and relation"), max_length=200, blank=True
    )
    involves_processor = models.BooleanField(
        _("a processor holds some of the data"),
        default=False,
        help_text=_("Another organisation processes the data for you: 20 days instead of 15."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    # Deadlines, computed by the services from the received date and stored for querying.
    acknowledge_by = models.DateField(_("acknowledge by"))
    complete_by = models.DateField(_("complete by"))

    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension in days"), null=True, blank=True)
    extension_reason = EncryptedTextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extended by"),
    )
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)

    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [
            models.Index(fields=["organisation", "status", "complete_by"], name="dsr_org_open"),
            models.Index(fields=["responsible", "status"], name="dsr_responsible_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_by__gte=models.F("received_on"))
                & Q(complete_by__gte=models.F("received_on")),
                name="dsr_deadlines_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True, extension_days__isnull=True)
                | Q(extended_at__isnull=False, extension_days__gte=1, extension_days__lte=15),
                name="dsr_extension_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"data-subject request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def acknowledgement_overdue_on(self, day: datetime.date) -> bool:
        return self.is_open and self.acknowledged_at is None and day > self.acknowledge_by

    def completion_overdue_on(self, day: datetime.date) -> bool:
        return self.is_open and day > self.complete_by

    def next_due_on(self) -> datetime.date | None:
        """The next deadline still to meet: acknowledgement first, then completion."""
        if not self.is_open:
            return None
        if self.acknowledged_at is None:
            return self.acknowledge_by
        return self.complete_by

    @property
    def acknowledgement_overdue(self) -> bool:
        return self.acknowledgement_overdue_on(timezone.localdate())

    @property
    def completion_overdue(self) -> bool:
        return self.completion_overdue_on(timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.acknowledgement_overdue or self.completion_overdue

    @property
    def acknowledged_late(self) -> bool:
        return (
            self.acknowledged_at is not None
            and timezone.localdate(self.acknowledged_at) > self.acknowledge_by
        )

    @property
    def completed_late(self) -> bool:
        return (
            self.completed_at is not None
            and timezone.localdate(self.completed_at) > self.complete_by
        )

    @property
    def was_extended(self) -> bool:
        return self.extended_at is not None


class PersonDeidentification(models.Model):
    """The statistics kept when a person's record was de-identified.

    The record keeps sex, ethnicity, nationality, area type and an age group; the province is
    kept here because the record itself only holds the commune, which is too precise to keep.
    """

    person = models.OneToOneField(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="deidentification",
        verbose_name=_("person"),
    )
    province = models.ForeignKey(
        "places.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    age_group = models.CharField(_("age group"), max_length=8, blank=True)
    data_request = models.ForeignKey(
        DataSubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data-subject request"),
    )
    deidentified_at = models.DateTimeField(_("de-identified"), auto_now_add=True)
    deidentified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("de-identified by"),
    )

    class Meta:
        verbose_name = _("de-identification")
        verbose_name_plural = _("de-identifications")

    def __str__(self) -> str:
        return f"de-identification of person #{self.person_id}"
