"""The information bank: articles for migrants along their journey, in Vietnamese and English.

An `Article` holds what both languages share (slug, journey stage, place in the stage,
destination, review-due date). Each language has one `ArticleText`, the working copy that editors
change and move through draft → in review → published. Publishing copies the working copy into
an `ArticleVersion`, which is never changed again: the public only ever reads versions, so a draft
or a text waiting for review cannot reach a visitor.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.directory.models import Country


class Stage(models.TextChoices):
    """The migrant's journey, in the order a visitor meets it."""

    CONSIDERING = "considering", _("Thinking about going abroad")
    RECRUITER_CONTRACT = "recruiter_contract", _("Checking a recruiter and a contract")
    TRAVELLING = "travelling", _("Travelling")
    WORKING_ABROAD = "working_abroad", _("Working abroad and your rights there")
    HELP_ABROAD = "help_abroad", _("Getting help abroad")
    COMING_HOME = "coming_home", _("Coming home and starting again")
    FAMILIES = "families", _("Guides for families")


class ContentLanguage(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")


class Article(models.Model):
    slug = models.SlugField(_("address (slug)"), max_length=120, unique=True)
    stage = models.CharField(_("journey stage"), max_length=32, choices=Stage.choices)
    order = models.PositiveIntegerField(_("position in the stage"), default=0)
    destination = models.CharField(
        _("destination country"), max_length=2, choices=Country.choices, blank=True
    )
    review_due = models.DateField(_("review due on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking of the settings above: an edit of an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "order", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["review_due"], name="content_article_review_due")]

    def __str__(self) -> str:
        return self.slug

    def is_stale_on(self, day: date) -> bool:
        """Whether the review-due date has passed on `day`."""
        return self.review_due is not None and self.review_due < day


class ArticleVersion(models.Model):
    """One published text in one language, kept as it was published."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=ContentLanguage.choices)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("text (Markdown)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    last_checked = models.DateField(_("last checked on"))
    # Set when the version came from the content files (manage.py load_articles).
    imported = models.BooleanField(_("imported from the content files"), default=False)
    # The folded plain words of title, summary and body, computed once at publishing for search.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["article", "language", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "number"], name="content_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} {self.language} v{self.number}"


class ArticleText(models.Model):
    """The working copy of one language of an article, and where it is in the workflow."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=2, choices=ContentLanguage.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("text (Markdown)"))
    last_checked = models.DateField(_("facts last checked on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # Everyone who changed or submitted the text since it was last published: none of them
    # may review it.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("contributors")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_version = models.OneToOneField(
        ArticleVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current published version"),
    )
    # A digest of the content file last imported into this text, so a second import of the same
    # file changes nothing and an editor's later version is not overwritten by an old file.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "language"]
        verbose_name = _("article text")
        verbose_name_plural = _("article texts")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="content_text_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} {self.language}"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.status != self.Status.PUBLISHED
