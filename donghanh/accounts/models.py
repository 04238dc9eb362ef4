from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships, not from here.

    `is_superuser` marks a system administrator: the only users who may open Django's admin.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class UserSession(models.Model):
    """A signed-in browser session, so that users can see and end their own sessions."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last active"))

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip_address or '?'}"


class SignInThrottle(models.Model):
    """Wrong passwords for one username from browsers that never signed in to it, from anywhere.

    django-axes locks one address out of one account; guessing spread over many addresses is
    counted here instead and slowed down (see `services.sign_in_failure_counted`). Usernames
    that do not exist are counted the same way, so the answer never tells whether they do.
    A row is forgotten after a day without failures.
    """

    username = models.CharField(_("username"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("failed sign-ins"), default=0)
    last_failure_at = models.DateTimeField(_("last failed sign-in"), db_index=True)
    slowed_until = models.DateTimeField(_("slowed down until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in slowdown")
        verbose_name_plural = _("sign-in slowdowns")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class SecurityNotice(models.Model):
    """Something a person should know about the security of an account, shown on their home page.

    `account` is the account concerned: the recipient's own, or one of the members of an
    organisation the recipient administers.
    """

    class Kind(models.TextChoices):
        SIGN_IN_SLOWED = "sign_in_slowed", _("Guessed passwords")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_notices"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("security notice")
        verbose_name_plural = _("security notices")
        indexes = [
            models.Index(fields=["recipient", "dismissed_at"], name="security_notice_open"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotFoundTally(models.Model):
    """How many "not found" answers a person got on record addresses in the current window.

    Someone outside an organisation gets 404 for its records, exactly as if they did not exist;
    counting them per person makes trying one address after another visible in the audit log
    (`services.not_found_counted`). Never an address: only a number and when the window began.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    window_started_at = models.DateTimeField(_("since"))
    count = models.PositiveIntegerField(_("addresses not found"), default=0)

    class Meta:
        verbose_name = _("not-found tally")
        verbose_name_plural = _("not-found tallies")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.count}"
