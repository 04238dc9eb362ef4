"""Publish the information bank's articles from donghanh/content/articles/*.md.

Repeatable: a file imported before is left alone (so a second run changes nothing, and a later
version published by editors is not overwritten); a changed file becomes a new published version.
A text with an editor's unpublished draft is skipped, so no one's work is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.content import services
from donghanh.content.loading import (
    ARTICLES_DIR,
    ArticleFile,
    ArticleFileError,
    read_article_files,
    settings_file,
)
from donghanh.content.models import Article, ArticleText
from donghanh.core.actor import Actor

ACTOR = Actor.system("load_articles")


class Command(BaseCommand):
    help = "Publish the information bank's articles from the content files (repeatable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=ARTICLES_DIR)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_dir():
            self.stdout.write(_("No article files in %(path)s: nothing to load.") % {"path": path})
            return
        try:
            articles = read_article_files(path)
        except ArticleFileError as error:
            raise CommandError(str(error)) from error
        counts = {"created": 0, "published": 0, "unchanged": 0, "skipped": 0}
        with transaction.atomic():
            for slug, files in articles.items():
                self._load(slug, files, counts)
        self.stdout.write(
            _(
                "Articles: %(created)d new, %(published)d versions published, %(unchanged)d "
                "texts unchanged, %(skipped)d skipped for an unpublished draft."
            )
            % counts
        )

    def _load(self, slug: str, files: dict[str, ArticleFile], counts: dict[str, int]) -> None:
        meta = settings_file(files)
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            article = services.article_create(
                slug=slug,
                stage=meta.stage,
                order=meta.order,
                destination=meta.destination,
                review_due=meta.review_due,
                actor=ACTOR,
            )
            counts["created"] += 1
        for language, file in files.items():
            version = services.article_text_import(
                article=article,
                language=language,
                title=file.title,
                summary=file.summary,
                body=file.body,
                last_checked=file.last_checked,
                source_digest=file.digest,
                actor=ACTOR,
            )
            if version is not None:
                counts["published"] += 1
                if file is meta:
                    self._apply_settings(article, meta)
            elif self._has_draft(article, language, file):
                counts["skipped"] += 1
                self.stderr.write(
                    _("%(file)s: an editor's draft is open; not imported.")
                    % {"file": f"{slug}.{language}"}
                )
            else:
                counts["unchanged"] += 1

    @staticmethod
    def _apply_settings(article: Article, meta: ArticleFile) -> None:
        article.refresh_from_db()
        services.article_update_settings(
            article=article,
            expected_version=article.version,
            actor=ACTOR,
            stage=meta.stage,
            order=meta.order,
            destination=meta.destination,
            review_due=meta.review_due,
        )

    @staticmethod
    def _has_draft(article: Article, language: str, file: ArticleFile) -> bool:
        text = ArticleText.objects.filter(article=article, language=language).first()
        return (
            text is not None
            and text.source_digest != file.digest
            and text.status != ArticleText.Status.PUBLISHED
        )
