"""The service directory: providers staff refer people to, and how to reach them.

Services, languages and countries are small child tables rather than lists in a column, so a
search filters them with an indexed subquery on SQLite and PostgreSQL alike. Every write goes
through donghanh/directory/services.py, which also keeps the folded search fields current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.language import BilingualName, localized
from donghanh.organisations.models import Organisation
from donghanh.places.models import Commune, Province
from donghanh.reference.domains import ServiceDomain

VIETNAM_TIME_ZONE = "Asia/Ho_Chi_Minh"
# Details checked longer ago than this are flagged for checking again.
VERIFICATION_VALID_DAYS = 365


class Language(models.TextChoices):
    """Languages a provider works in: ISO 639 codes, Vietnam's own languages first."""

    VIETNAMESE = "vi", _("Vietnamese")
    HMONG = "hmn", pgettext_lazy("language", "Hmong")
    KHMER = "km", pgettext_lazy("language", "Khmer")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    LAO = "lo", _("Lao")
    THAI = "th", pgettext_lazy("language", "Thai")
    KOREAN = "ko", _("Korean")
    JAPANESE = "ja", _("Japanese")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    RUSSIAN = "ru", _("Russian")
    ARABIC = "ar", _("Arabic")


class Country(models.TextChoices):
    """Countries abroad a provider serves (ISO 3166-1 alpha-2): where Vietnamese migrants go."""

    UNITED_KINGDOM = "GB", _("United Kingdom")
    IRELAND = "IE", _("Ireland")
    FRANCE = "FR", _("France")
    GERMANY = "DE", _("Germany")
    NETHERLANDS = "NL", _("Netherlands")
    BELGIUM = "BE", _("Belgium")
    POLAND = "PL", _("Poland")
    CZECHIA = "CZ", _("Czechia")
    RUSSIA = "RU", _("Russia")
    CHINA = "CN", _("China")
    TAIWAN = "TW", _("Taiwan")
    JAPAN = "JP", _("Japan")
    SOUTH_KOREA = "KR", _("South Korea")
    LAOS = "LA", _("Laos")
    CAMBODIA = "KH", _("Cambodia")
    THAILAND = "TH", _("Thailand")
    MALAYSIA = "MY", _("Malaysia")
    SAUDI_ARABIA = "SA", _("Saudi Arabia")
    UNITED_ARAB_EMIRATES = "AE", _("United Arab Emirates")
    UNITED_STATES = "US", _("United States")
    AUSTRALIA = "AU", _("Australia")


class ProviderTimeZone(models.TextChoices):
    """The clock a provider's opening hours are written in."""

    VIETNAM = VIETNAM_TIME_ZONE, _("Vietnam time")
    UNITED_KINGDOM = "Europe/London", _("UK time")
    CENTRAL_EUROPE = "Europe/Paris", _("Central European time")
    MOSCOW = "Europe/Moscow", _("Moscow time")
    CHINA_TAIWAN = "Asia/Taipei", _("China and Taiwan time")
    JAPAN = "Asia/Tokyo", _("Japan time")
    KOREA = "Asia/Seoul", _("Korea time")
    MALAYSIA = "Asia/Kuala_Lumpur", _("Malaysia time")
    GULF = "Asia/Dubai", _("Gulf time (UAE)")
    SAUDI_ARABIA = "Asia/Riyadh", _("Saudi Arabia time")
    US_EASTERN = "America/New_York", _("US Eastern time")
    AUSTRALIA_EASTERN = "Australia/Sydney", _("Australian Eastern time")


class Weekday(models.IntegerChoices):
    """Python's numbering (`date.weekday()`): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Provider(BilingualName, models.Model):
    """An organisation, office or line that gives help, as staff need to know it to refer."""

    class Kind(models.TextChoices):
        PUBLIC_AGENCY = "public_agency", _("Public agency")
        SOCIAL_WORK_CENTRE = "social_work_centre", _("Social work centre")
        SHELTER = "shelter", _("Shelter")
        HOSPITAL = "hospital", _("Hospital or health centre")
        LEGAL_AID = "legal_aid", _("Legal-aid centre")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial service")
        VOCATIONAL = "vocational", _("Vocational training or job centre")
        NGO = "ngo", _("Non-governmental organisation")
        HOTLINE = "hotline", _("Hotline")
        EMBASSY = "embassy", _("Embassy or consulate")
        SUPPORT_ABROAD = "support_abroad", _("Support organisation abroad")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        FEE = "fee", _("Fee charged")
        DEPENDS = "depends", _("Depends on the service or the person")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_providers",
        verbose_name=_("organisation on the platform"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    eligibility = models.TextField(_("who can be referred"), blank=True)
    cost = models.CharField(_("cost"), max_length=16, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(_("about the cost"), max_length=300, blank=True)

    # Where it serves: all of Vietnam, some provinces or communes, countries abroad.
    serves_nationwide = models.BooleanField(_("serves all of Vietnam"), default=False)
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="directory_providers", verbose_name=_("provinces")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="directory_providers", verbose_name=_("communes")
    )
    serves_all_countries = models.BooleanField(
        _("serves Vietnamese citizens in every country abroad"), default=False
    )

    interpreting = models.BooleanField(
        _("works in other languages through interpreters"), default=False
    )

    open_24_7 = models.BooleanField(_("open 24 hours a day, 7 days a week"), default=False)
    time_zone = models.CharField(
        _("time zone of the opening hours"),
        max_length=40,
        choices=ProviderTimeZone.choices,
        default=ProviderTimeZone.VIETNAM,
    )
    hours_note = models.CharField(_("about the opening hours"), max_length=300, blank=True)

    shown_to_public = models.BooleanField(_("shown to the public"), default=False)
    is_example = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("An invented provider for demonstration; it is always labelled as such."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    source = models.CharField(_("source of the information"), max_length=300, blank=True)
    # A stable key for providers loaded from a data file (the demo data), so loading is repeatable.
    source_key = models.CharField(max_length=60, blank=True, editable=False)

    # Folded copies for diacritic-insensitive search (donghanh.core.text.fold), set by services.
    folded_name = models.CharField(max_length=401, db_index=True, editable=False)
    folded_text = models.TextField(editable=False, default="")

    # Optimistic locking: each saved edit adds one; an edit of an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["folded_name", "id"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~models.Q(source_key=""),
                name="directory_provider_unique_source_key",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "shown_to_public"], name="directory_provider_scope"),
            # The search's order when there are no words to rank by.
            models.Index(
                fields=["is_example", "folded_name", "id"], name="directory_provider_order"
            ),
            models.Index(fields=["time_zone"], name="directory_provider_time_zone"),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_description(self) -> str:
        return localized(self.description, self.description_en)

    @property
    def needs_verification(self) -> bool:
        """Never verified, or last verified more than a year ago."""
        if self.last_verified_on is None:
            return True
        return (timezone.localdate() - self.last_verified_on).days > VERIFICATION_VALID_DAYS


class ProviderService(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    domain = models.CharField(_("service"), max_length=32, choices=ServiceDomain.choices)

    class Meta:
        ordering = ["provider", "domain"]
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "domain"], name="directory_one_row_per_service"
            )
        ]
        indexes = [models.Index(fields=["domain", "provider"], name="directory_service_domain")]

    def __str__(self) -> str:
        return self.get_domain_display()


class ProviderLanguage(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8, choices=Language.choices)

    class Meta:
        ordering = ["provider", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "code"], name="directory_one_row_per_language"
            )
        ]
        indexes = [models.Index(fields=["code", "provider"], name="directory_language_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class ProviderCountry(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="countries")
    code = models.CharField(_("country"), max_length=2, choices=Country.choices)

    class Meta:
        ordering = ["provider", "code"]
        verbose_name = _("country served")
        verbose_name_plural = _("countries served")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "code"], name="directory_one_row_per_country"
            )
        ]
        indexes = [models.Index(fields=["code", "provider"], name="directory_country_code")]

    def __str__(self) -> str:
        return self.get_code_display()


class ContactChannel(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        ZALO = "zalo", _("Zalo")
        WEBSITE = "website", _("Website")
        EMAIL = "email", _("Email")
        ADDRESS = "address", _("Address")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("number or address"), max_length=300)
    label = models.CharField(_("label"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["provider", "position", "id"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class OpeningHours(models.Model):
    """One opening period on one weekday, in the provider's time zone.

    A period that closes at or before it opens runs past midnight into the next day
    (20:00–02:00); 00:00–00:00 is the whole day.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["provider", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="directory_weekday_in_range"
            ),
            models.UniqueConstraint(
                fields=["provider", "weekday", "opens"], name="directory_one_period_per_start"
            ),
        ]
        indexes = [
            models.Index(fields=["weekday", "opens", "closes"], name="directory_hours_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def is_overnight(self) -> bool:
        return self.closes <= self.opens
