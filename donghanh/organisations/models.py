from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.language import BilingualName, in_english
from donghanh.organisations.roles import Role
from donghanh.places.models import Province


class Organisation(BilingualName, models.Model):
    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("State agency")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
        SOCIAL_WORK_CENTRE = "social_work_centre", _("Social work centre")
        SHELTER = "shelter", _("Shelter")
        INTERNATIONAL_NGO = "international_ngo", _("International NGO")
        LOCAL_CSO = "local_cso", _("Local CSO or self-help group")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        DONOR = "donor", _("Donor")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("part of"),
    )
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="organisations", verbose_name=_("provinces of operation")
    )
    operates_abroad = models.CharField(_("countries abroad"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.local_name

    @property
    def display_short_name(self) -> str:
        """The short name, in English the English name unless the short one is an acronym
        (IOM, CWD): a Vietnamese short name ("Hội LHPN Việt Nam") means nothing to that reader."""
        if self.short_name and (self.short_name.isascii() or not in_english()):
            return self.short_name
        return self.local_name


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several organisations.

    `joined_at` and `left_at` bound the current (or last) period of membership; earlier periods,
    ended and later reactivated, are kept as `MembershipPeriod` rows. The organisation's audit
    log shows a member's account events (sign-ins…) only from within these periods.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(_("member since"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_user_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def last_sign_in(self) -> datetime | None:
        """The member's last sign-in if it was during this membership's current (or last)
        period: the organisation is not told when someone signed in before joining or after
        leaving."""
        last: datetime | None = self.user.last_login
        if last is None or last < self.joined_at:
            return None
        if not self.is_active and (self.left_at is None or last >= self.left_at):
            return None
        return last


class MembershipPeriod(models.Model):
    """An earlier, ended period of a membership that was later reactivated."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="past_periods"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["membership", "started_at"]
        verbose_name = _("past membership period")
        verbose_name_plural = _("past membership periods")

    def __str__(self) -> str:
        return f"period of membership #{self.membership_id}"


class Invitation(models.Model):
    """An offer to join an organisation, which the invited person accepts or declines.

    An administrator invites by username and always gets the same answer, whether an account
    has that username or not: `user` is the active account that had it when the invitation was
    sent, or empty when none did (nobody can ever accept such an invitation). It expires after
    `expires_at`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    username = models.CharField(_("username"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["user", "status"], name="invitation_user_status"),
            models.Index(fields=["organisation", "-created_at"], name="invitation_org_recent"),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"

    @property
    def is_open(self) -> bool:
        """Waiting for an answer and not yet expired."""
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()


class Team(models.Model):
    """A group of an organisation's members who share a caseload: each sees the team's cases.

    A team is deactivated, never deleted, so that the cases it held keep their history; a
    deactivated team gives its members no access.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="teams",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        Membership, blank=True, related_name="teams", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_once")
        ]

    def __str__(self) -> str:
        return self.name
