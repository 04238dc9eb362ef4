"""Trainings and workshops of a project, their sessions, trainees and participations.

Trainees (Participant) are officers and collaborators, not the people a case is about; their
names are still personal data, encrypted like a person's, and shown only to roles that hold
Perm.VIEW_TRAINEES. Case people are counted through ServiceDelivery.project and
ShelterStay.project and never named here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.crypto import BLIND_INDEX_LENGTH, EncryptedCharField
from donghanh.places.models import AreaType, Commune, Province
from donghanh.programmes.codes import AudienceSex
from donghanh.programmes.projects.models import Project


class OfficerRole(models.TextChoices):
    """The roles of the support officers a project trains (the 001 programme's list)."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    LOCAL_COORDINATOR = "local_coordinator", _("Local coordinating officer")
    LOCAL_LEADER = "local_leader", _("Local leader")
    YOUTH_UNION_OFFICER = "youth_union_officer", _("Youth Union officer")
    WOMENS_UNION_MEMBER = "womens_union_member", _("Women's Union member")
    VILLAGE_HEAD = "village_head", _("Village or residential group head")
    COMMUNITY_INFLUENCER = "community_influencer", _("Respected community member")
    COLLABORATOR = "collaborator", _("Collaborator")
    CSO_STAFF = "cso_staff", _("Civil society organisation staff")
    OTHER = "other", _("Other role")


class Sector(models.TextChoices):
    LABOUR = "labour", _("Labour and social affairs")
    JUSTICE = "justice", _("Justice")
    WOMEN = "women", _("Women's Union")
    POLICE = "police", _("Police")
    YOUTH = "youth", _("Youth Union")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other sector")


class TrainingLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")


class Training(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(
        _("kind"), max_length=10, choices=TrainingKind.choices, default=TrainingKind.TRAINING
    )
    title = models.CharField(_("title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=TrainingLevel.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    place = models.CharField(_("venue"), max_length=300, blank=True)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["project", "start_on"], name="training_project_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="training_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"training #{self.pk}"


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["training", "held_on", "id"]
        verbose_name = pgettext_lazy("training", "session")
        verbose_name_plural = pgettext_lazy("training", "sessions")

    def __str__(self) -> str:
        return f"session #{self.pk} of training #{self.training_id}"


class Participant(models.Model):
    """A trainee: an officer, collaborator or community member, held by one organisation.

    Kept apart from people.Person (people an organisation supports); a trainee who is also a
    supported person can be linked to that record through `person`.
    """

    holder = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("recorded by"),
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    # Blind index of the folded name and birth year: finds the same trainee again.
    name_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=16, choices=AudienceSex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (other)"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=OfficerRole.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    area_type = models.CharField(
        _("area type"), max_length=16, choices=AreaType.choices, blank=True
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supported person record"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        indexes = [
            models.Index(
                fields=["holder", "name_index"], name="trainee_name", condition=~Q(name_index="")
            )
        ]

    def __str__(self) -> str:
        # Never the name: this string can end up in logs.
        return f"trainee #{self.pk}"


class TrainingParticipation(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="participations"
    )
    sessions_attended = models.ManyToManyField(
        TrainingSession, blank=True, related_name="attendees", verbose_name=_("sessions attended")
    )
    pre_score = models.DecimalField(
        _("pre-test score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    post_score = models.DecimalField(
        _("post-test score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    certificate_issued = models.BooleanField(_("certificate issued"), default=False)
    certificate_number = models.CharField(
        _("certificate number"), max_length=40, blank=True, editable=False
    )
    certificate_issued_on = models.DateField(_("certificate date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["training", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "participant"], name="participation_once_per_training"
            ),
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__gte=0, pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__gte=0, post_score__lte=100)),
                name="participation_scores_0_100",
            ),
        ]
        indexes = [models.Index(fields=["participant", "training"], name="participation_person")]

    def __str__(self) -> str:
        return f"participation #{self.pk}"
