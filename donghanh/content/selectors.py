"""Reads for the information bank, and who may edit it.

Content is platform-wide: a user edits it when their role in any active organisation allows
`Perm.EDIT_CONTENT`, and reviews it when a role allows `Perm.REVIEW_CONTENT`. Everybody else who
is signed in gets 403 on the editor's pages. The public reads only published versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from donghanh.content.models import Article, ArticleText, ArticleVersion, ContentLanguage, Stage
from donghanh.directory.models import Country
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for

# --- access ------------------------------------------------------------------------------------


def content_memberships(user: Any, perm: Perm) -> list[Membership]:
    """The user's active memberships whose role allows `perm` on the information bank."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [m for m in memberships_for(user) if role_allows(m.role, perm)]


def access_content(user: Any, perm: Perm) -> Membership:
    """The first membership allowing `perm`; 403 when none does."""
    memberships = content_memberships(user, perm)
    if not memberships:
        raise PermissionDenied
    return memberships[0]


def access_article(user: Any, article_id: int, perm: Perm) -> tuple[Article, Membership]:
    """An article for the editor's pages: 403 without `perm`, 404 when it does not exist."""
    membership = access_content(user, perm)
    article = (
        Article.objects.prefetch_related(
            Prefetch("texts", queryset=ArticleText.objects.select_related("published_version"))
        )
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise Http404
    return article, membership


def text_of(article: Article, language: str) -> ArticleText | None:
    """The article's working copy in `language` (uses the prefetched texts)."""
    return next((t for t in article.texts.all() if t.language == language), None)


# --- the editor's pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilters:
    status: str = ""
    stage: str = ""
    language: str = ""
    stale_only: bool = False


def articles_for_editors(filters: ArticleFilters, today: date) -> QuerySet[Article]:
    """Articles for the editor's list, with both texts, filtered; stale ones first."""
    articles = Article.objects.all()
    if filters.stage:
        articles = articles.filter(stage=filters.stage)
    texts = ArticleText.objects.filter(article=OuterRef("pk"))
    if filters.language:
        texts = texts.filter(language=filters.language)
    if filters.status:
        articles = articles.filter(Exists(texts.filter(status=filters.status)))
    elif filters.language:
        articles = articles.filter(Exists(texts))
    if filters.stale_only:
        articles = articles.filter(review_due__lt=today)
    texts_shown = ArticleText.objects.select_related("published_version").order_by("-language")
    return articles.prefetch_related(Prefetch("texts", queryset=texts_shown)).order_by(
        "stage", "order", "slug"
    )


def articles_due_for_review(today: date, limit: int = 10) -> list[Article]:
    """Articles whose review-due date has passed, the longest overdue first."""
    return list(
        Article.objects.filter(review_due__lt=today)
        .prefetch_related(Prefetch("texts", queryset=ArticleText.objects.order_by("-language")))
        .order_by("review_due", "slug")[:limit]
    )


def articles_due_for_review_count(today: date) -> int:
    return Article.objects.filter(review_due__lt=today).count()


def versions_of(article: Article, language: str) -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.filter(article=article, language=language).select_related(
        "author", "reviewer"
    )


def version_get(article: Article, language: str, number: int) -> ArticleVersion:
    version = versions_of(article, language).filter(number=number).first()
    if version is None:
        raise Http404
    return version


# --- the public's pages ------------------------------------------------------------------------


def _published(language: str) -> QuerySet[ArticleText]:
    return ArticleText.objects.filter(
        language=language, published_version__isnull=False
    ).select_related("article", "published_version")


@dataclass(frozen=True)
class StageArticles:
    stage: str
    label: str
    versions: list[ArticleVersion]


@dataclass(frozen=True)
class ArticleList:
    """The public list of articles, for a reader who may have named their destination."""

    destination: str  # a country code, or "" for no preference
    # The guides for that destination, first, in the order of the journey.
    for_destination: list[ArticleVersion]
    # Every stage with the other articles: those for no country in particular, and (without a
    # destination) the guides for every country.
    stages: list[StageArticles]
    # The destinations that have guides in this language, as (code, name).
    destinations: list[tuple[str, str]]


def published_article_list(language: str, destination: str = "") -> ArticleList:
    """Published articles in `language` by stage; with a `destination`, its guides first and no
    guide for another country."""
    by_stage: dict[str, list[ArticleVersion]] = {code: [] for code in Stage.values}
    for_destination: list[ArticleVersion] = []
    destinations: set[str] = set()
    stage_order = {code: position for position, code in enumerate(Stage.values)}
    texts = _published(language).order_by("article__order", "article__slug")
    for text in sorted(texts, key=lambda text: stage_order[text.article.stage]):
        version = text.published_version
        if version is None:
            continue
        version.article = text.article
        country = text.article.destination
        if country:
            destinations.add(country)
        if destination and country == destination:
            for_destination.append(version)
        elif not (destination and country):
            by_stage[text.article.stage].append(version)
    return ArticleList(
        destination=destination,
        for_destination=for_destination,
        stages=[
            StageArticles(stage=code, label=str(label), versions=by_stage[code])
            for code, label in Stage.choices
        ],
        destinations=[
            (code, str(label)) for code, label in Country.choices if code in destinations
        ],
    )


@dataclass(frozen=True)
class PublicArticle:
    article: Article
    version: ArticleVersion
    # The version is in Vietnamese because there is none in the visitor's language yet.
    is_fallback: bool
    other_languages: list[str]


def published_article(slug: str, language: str) -> PublicArticle:
    """The current published version of an article, in `language` or else in Vietnamese; 404."""
    texts = {
        text.language: text
        for text in ArticleText.objects.filter(
            article__slug=slug, published_version__isnull=False
        ).select_related("article", "published_version")
    }
    text = texts.get(language) or texts.get(ContentLanguage.VIETNAMESE)
    if text is None or text.published_version is None:
        raise Http404
    return PublicArticle(
        article=text.article,
        version=text.published_version,
        is_fallback=text.language != language,
        other_languages=sorted(set(texts) - {text.language}),
    )


def published_versions(slug: str, language: str) -> list[ArticleVersion]:
    """Every version published of the article in `language`, the newest first; 404 if none."""
    versions = list(
        ArticleVersion.objects.filter(article__slug=slug, language=language)
        .select_related("article")
        .order_by("-number")
    )
    if not versions:
        raise Http404
    return versions


def published_version(slug: str, language: str, number: int) -> ArticleVersion:
    version = (
        ArticleVersion.objects.filter(article__slug=slug, language=language, number=number)
        .select_related("article")
        .first()
    )
    if version is None:
        raise Http404
    return version
