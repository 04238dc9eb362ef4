"""Outreach of a project: communication activities and their audience, organisations supported
and publications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.places.models import Province
from donghanh.programmes.codes import AgeGroup, AudienceSex
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.models import Training


class CommunicationKind(models.TextChoices):
    FORUM_THEATRE = "forum_theatre", _("Forum theatre")
    VIRAL_VIDEO = "viral_video", _("Viral video")
    ONLINE_DRAMA = "online_drama", _("Online drama")
    TV_TALK_SHOW = "tv_talk_show", _("TV talk show")
    SOCIAL_MEDIA_POST = "social_media_post", _("Social-media post")
    SOCIAL_MEDIA_CAMPAIGN = "social_media_campaign", _("Social-media campaign")
    APP = "app", _("App")
    LIVE_ART_EVENT = "live_art_event", _("Live art event")
    ONLINE_ART_EVENT = "online_art_event", _("Online art event")
    COMMUNITY_DIALOGUE = "community_dialogue", _("Community dialogue")
    CHALLENGE_CAMPAIGN = "challenge_campaign", _("Challenge campaign (e.g. 21 days)")


ONLINE_KINDS = frozenset(
    {
        CommunicationKind.VIRAL_VIDEO,
        CommunicationKind.ONLINE_DRAMA,
        CommunicationKind.SOCIAL_MEDIA_POST,
        CommunicationKind.SOCIAL_MEDIA_CAMPAIGN,
        CommunicationKind.APP,
        CommunicationKind.ONLINE_ART_EVENT,
        CommunicationKind.CHALLENGE_CAMPAIGN,
    }
)


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training and capacity building")
    GRANT = "grant", _("Small grant")
    MENTORING = "mentoring", _("Mentoring and coaching")
    TECHNICAL = "technical", _("Technical assistance")
    NETWORKING = "networking", _("Networking and dialogue")


class PublicationKind(models.TextChoices):
    HANDBOOK = "handbook", _("Handbook")
    REPORT = "report", _("Report")
    GUIDELINE = "guideline", _("Guideline")
    LEAFLET = "leaflet", _("Leaflet or poster")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class CommunicationActivity(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="communication_activities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CommunicationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    place = models.CharField(_("place or channel"), max_length=300, blank=True)
    url = models.URLField(_("link"), blank=True)
    # The audience reached; when audience rows exist, their counts add up to it (services).
    audience_total = models.PositiveIntegerField(_("audience reached"), default=0)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)
    engagement = models.PositiveBigIntegerField(
        _("engagement (reactions, comments, shares)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")

    def __str__(self) -> str:
        return f"communication activity #{self.pk}"


class AudienceCount(models.Model):
    """How many of the audience were of one sex and age group."""

    activity = models.ForeignKey(
        CommunicationActivity, on_delete=models.CASCADE, related_name="audience"
    )
    sex = models.CharField(_("sex"), max_length=8, choices=AudienceSex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["activity", "sex", "age_group"]
        verbose_name = _("audience count")
        verbose_name_plural = _("audience counts")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "sex", "age_group"], name="audience_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"audience of activity #{self.activity_id}"


class SupportedOrganisation(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="supported_organisations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation (other)"), max_length=300, blank=True)
    # Folded name of an organisation not on the platform: counts it once whatever the spelling.
    name_key = models.CharField(max_length=300, blank=True, editable=False)
    support_kind = models.CharField(_("support"), max_length=12, choices=SupportKind.choices)
    supported_on = models.DateField(_("date"))
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    training = models.ForeignKey(
        Training,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_organisations",
        verbose_name=_("training or workshop"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-supported_on", "-id"]
        verbose_name = _("supported organisation")
        verbose_name_plural = _("supported organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="supported_organisation_named",
            )
        ]

    def __str__(self) -> str:
        return f"supported organisation #{self.pk}"


class Publication(models.Model):
    """A publication of the project: a link, a file, or both.

    The file is stored encrypted under MEDIA_ROOT/publications with a random name
    (`outreach.files`), checked to be a PDF, Word or Excel document or an image before it is
    kept; `file_type` is what its content was found to be, the type it is served as.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=PublicationKind.choices)
    published_on = models.DateField(_("date"))
    url = models.URLField(_("link"), blank=True)
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"publication #{self.pk}"

    @property
    def has_file(self) -> bool:
        return bool(self.stored_name)
