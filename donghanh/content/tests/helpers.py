"""Test helpers: editors and articles at each step of the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.test import Client

from donghanh.content import services
from donghanh.content.models import Article, ArticleText, ArticleVersion
from donghanh.core.actor import Actor
from donghanh.organisations.models import Membership


@dataclass
class Editors:
    author: Membership
    reviewer: Membership
    author_client: Client
    reviewer_client: Client
    case_worker_client: Client

    def actor(self, membership: Membership) -> Actor:
        return Actor.for_user(membership.user, organisation=membership.organisation)

    @property
    def as_author(self) -> Actor:
        return self.actor(self.author)

    @property
    def as_reviewer(self) -> Actor:
        return self.actor(self.reviewer)


def draft(
    editors: Editors,
    *,
    slug: str = "lua-dao-viec-lam",
    language: str = "vi",
    title: str = "Nhận biết lừa đảo việc làm",
    summary: str = "Dấu hiệu của lời mời làm việc không an toàn.",
    body: str = "## Dấu hiệu\n\n- Giữ hộ chiếu\n\nGọi [111](tel:111).",
    stage: str = "recruiter_contract",
    review_due: date | None = None,
) -> ArticleText:
    article = Article.objects.filter(slug=slug).first() or services.article_create(
        slug=slug, stage=stage, review_due=review_due, actor=editors.as_author
    )
    text, _changed = services.article_text_save(
        article=article,
        language=language,
        expected_version=0,
        title=title,
        summary=summary,
        body=body,
        last_checked=date(2026, 11, 20),
        actor=editors.as_author,
    )
    return text


def publish(editors: Editors, text: ArticleText) -> ArticleVersion:
    text = services.article_text_submit(
        text=text, expected_version=text.version, actor=editors.as_author
    )
    return services.article_text_approve(
        text=text, expected_version=text.version, actor=editors.as_reviewer
    )


def published(editors: Editors, **kwargs: Any) -> ArticleVersion:
    return publish(editors, draft(editors, **kwargs))
