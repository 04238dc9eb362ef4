"""Writes for the information bank, each in one transaction with its audit row.

The workflow of one language of an article: editors save a draft, submit it for review, and
another editor approves it (a new published version) or asks for changes (back to draft with a
comment). Nobody who changed or submitted the text since its last publication may review it.
Audit rows name articles by type and id; the organisation on the row is the one the actor acts
for (the editor's).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.content.events import ContentEvent
from donghanh.content.markup import markdown_plain_text
from donghanh.content.models import Article, ArticleText, ArticleVersion, Stage
from donghanh.content.search import RENEWAL_JOB_KIND
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.core.page_cache import invalidate_public_pages
from donghanh.core.text import nfc, search_text
from donghanh.jobs.services import job_queue_once

TEXT_FIELDS = ("title", "summary", "body", "last_checked")
# Who queues the renewal of the search index after a publication (the audit row's actor).
SEARCH_RENEWAL_ACTOR = "search index renewal"
SETTINGS_FIELDS = ("stage", "order", "destination", "review_due")


# houselint: pure builds the refusal for services and pages to raise; writes nothing
def stale_article_error(current_version: int = 0) -> StaleEditError:
    """The refusal of a change made from an older version of the article or its text."""
    return StaleEditError(
        changed_fields=(),
        current_version=current_version,
        message=_(
            "Someone else changed this article after you opened it. Your changes were not "
            "saved: open it again to see the current text, then make your changes again."
        ),
    )


class WorkflowError(ValidationError):
    """A step that the text's current status or the user's part in it does not allow."""


def _clean(value: str) -> str:
    # Stored NFC with Unix line ends, so the same text is always the same bytes.
    return nfc(value).replace("\r\n", "\n").strip()


@transaction.atomic
def search_indexes_renewal_queue(*, actor: Actor) -> None:
    """After a publication: queue the job that builds the new public search indexes (at most one
    waiting at a time), when the background workers build them (`SEARCH_INDEX_BUILDER`)."""
    if getattr(settings, "SEARCH_INDEX_BUILDER", "web") != "jobs":
        return
    job_queue_once(actor=actor, kind=RENEWAL_JOB_KIND)


def _publish_on_commit() -> None:
    # Cached public pages and the search index follow the database only once it has changed.
    transaction.on_commit(invalidate_public_pages)


# --- articles ----------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    slug: str,
    stage: str,
    order: int = 0,
    destination: str = "",
    review_due: date | None = None,
    actor: Actor,
) -> Article:
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage of the journey.")})
    if Article.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another article already uses this address.")})
    article = Article.objects.create(
        slug=slug,
        stage=stage,
        order=order,
        destination=destination,
        review_due=review_due,
        created_by_id=actor.user_id,
    )
    audit_record(event=ContentEvent.ARTICLE_CREATED, actor=actor, target=article)
    return article


@transaction.atomic
def article_update_settings(
    *, article: Article, expected_version: int, actor: Actor, **values: Any
) -> tuple[Article, list[str]]:
    """Change the stage, position, destination or review-due date; they show publicly at once."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not article settings: {sorted(unknown)}")
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.version != expected_version:
        raise stale_article_error(current.version)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return current, []
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    current.save(update_fields=[*changed, "version", "updated_at"])
    audit_record(
        event=ContentEvent.SETTINGS_CHANGED,
        actor=actor,
        target=current,
        changed_fields=changed,
        details={"version": current.version},
    )
    _publish_on_commit()
    return current, changed


# --- texts -------------------------------------------------------------------------------------


def _locked_text(article: Article, language: str, expected_version: int) -> ArticleText | None:
    """The text, locked for the change; refuses a change made from an older version."""
    text = ArticleText.objects.select_for_update().filter(article=article, language=language)
    current = text.first()
    if (current.version if current else 0) != expected_version:
        raise stale_article_error(current.version if current else 0)
    return current


def _locked_existing_text(text: ArticleText, expected_version: int) -> ArticleText:
    current = _locked_text(text.article, text.language, expected_version)
    if current is None:
        raise stale_article_error()
    return current


@transaction.atomic
def article_text_save(
    *,
    article: Article,
    language: str,
    expected_version: int,
    title: str,
    summary: str,
    body: str,
    last_checked: date | None = None,
    actor: Actor,
) -> tuple[ArticleText, list[str]]:
    """Save the working copy of one language (a new one has `expected_version` 0).

    A change makes the text a draft again, also when it was waiting for review: the change has
    to be reviewed too. Saving the same values changes nothing.
    """
    text = _locked_text(article, language, expected_version)
    values = {
        "title": _clean(title),
        "summary": _clean(summary),
        "body": _clean(body),
        "last_checked": last_checked,
    }
    if not values["title"] or not values["body"]:
        raise ValidationError(_("An article needs a title and a text."))
    if text is None:
        text = ArticleText(article=article, language=language, **values)
        text.save()
        changed = list(TEXT_FIELDS)
        event = ContentEvent.TEXT_CREATED
    else:
        changed = [name for name in TEXT_FIELDS if getattr(text, name) != values[name]]
        if not changed:
            return text, []
        for name in changed:
            setattr(text, name, values[name])
        text.status = ArticleText.Status.DRAFT
        text.version += 1
        text.save(update_fields=[*changed, "status", "version", "updated_at"])
        event = ContentEvent.TEXT_SAVED
    if actor.user_id is not None:
        text.contributors.add(actor.user_id)
    audit_record(
        event=event,
        actor=actor,
        target=text,
        changed_fields=changed,
        details={"version": text.version},
    )
    return text, changed


def _move(
    text: ArticleText,
    status: str,
    actor: Actor,
    event: ContentEvent,
    details: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    text.status = status
    for name, value in fields.items():
        setattr(text, name, value)
    text.version += 1
    text.save(update_fields=["status", *fields, "version", "updated_at"])
    audit_record(event=event, actor=actor, target=text, details=details)


@transaction.atomic
def article_text_submit(*, text: ArticleText, expected_version: int, actor: Actor) -> ArticleText:
    """Ask for review of a draft."""
    current = _locked_existing_text(text, expected_version)
    if current.status != ArticleText.Status.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted for review."))
    if actor.user_id is not None:
        current.contributors.add(actor.user_id)
    _move(
        current,
        ArticleText.Status.IN_REVIEW,
        actor,
        ContentEvent.TEXT_SUBMITTED,
        submitted_by=actor.user,
    )
    return current


def _ensure_reviewable(text: ArticleText, reviewer: Any) -> None:
    if text.status != ArticleText.Status.IN_REVIEW:
        raise WorkflowError(_("This text is not waiting for review."))
    if text.contributors.filter(pk=reviewer.pk).exists():
        raise WorkflowError(
            _(
                "You wrote or changed this text, so another editor must review it. "
                "Ask a colleague who did not work on it."
            )
        )


@transaction.atomic
def article_text_request_changes(
    *, text: ArticleText, expected_version: int, comment: str, actor: Actor
) -> ArticleText:
    """Send the text back to draft with the reviewer's comment."""
    current = _locked_existing_text(text, expected_version)
    _ensure_reviewable(current, actor.user)
    comment = _clean(comment)
    if not comment:
        raise ValidationError(_("Say what should change, so the author knows what to do."))
    _move(
        current,
        ArticleText.Status.DRAFT,
        actor,
        ContentEvent.CHANGES_REQUESTED,
        review_comment=comment,
    )
    return current


def _new_version(text: ArticleText, **fields: Any) -> ArticleVersion:
    latest = ArticleVersion.objects.filter(article=text.article, language=text.language).aggregate(
        number=Max("number")
    )["number"]
    return ArticleVersion.objects.create(
        article=text.article,
        language=text.language,
        number=(latest or 0) + 1,
        title=text.title,
        summary=text.summary,
        body=text.body,
        search_text=search_text(text.title, text.summary, markdown_plain_text(text.body)),
        **fields,
    )


@transaction.atomic
def article_text_approve(
    *,
    text: ArticleText,
    expected_version: int,
    actor: Actor,
    last_checked: date | None = None,
    review_due: date | None = None,
) -> ArticleVersion:
    """Publish the text as a new version: the public sees it from now on."""
    current = _locked_existing_text(text, expected_version)
    _ensure_reviewable(current, actor.user)
    checked = last_checked or current.last_checked or timezone.localdate()
    version = _new_version(
        current,
        author=current.submitted_by,
        reviewer=actor.user,
        last_checked=checked,
    )
    _move(
        current,
        ArticleText.Status.PUBLISHED,
        actor,
        ContentEvent.TEXT_PUBLISHED,
        {"number": version.number},
        published_version=version,
        last_checked=checked,
        review_comment="",
    )
    current.contributors.clear()
    audit_record(event=ContentEvent.VERSION_PUBLISHED, actor=actor, target=version)
    if review_due is not None and review_due != current.article.review_due:
        article = current.article
        article_update_settings(
            article=article, expected_version=article.version, actor=actor, review_due=review_due
        )
    _publish_on_commit()
    return version


@transaction.atomic
def article_text_import(
    *,
    article: Article,
    language: str,
    title: str,
    summary: str,
    body: str,
    last_checked: date,
    source_digest: str,
    actor: Actor,
) -> ArticleVersion | None:
    """Publish a text read from the content files, as a system import.

    Nothing happens when the same file was imported last time (so editors' later versions stay),
    or when an editor's unpublished draft would be overwritten (returns None then too).
    """
    text = ArticleText.objects.select_for_update().filter(article=article, language=language)
    current = text.first()
    if current is not None and current.source_digest == source_digest:
        return None
    if current is not None and current.status != ArticleText.Status.PUBLISHED:
        return None
    values = {
        "title": _clean(title),
        "summary": _clean(summary),
        "body": _clean(body),
        "last_checked": last_checked,
    }
    if current is None:
        current = ArticleText(article=article, language=language, **values)
    else:
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
    version = _new_version(current, last_checked=last_checked, imported=True)
    current.published_version = version
    current.status = ArticleText.Status.PUBLISHED
    current.source_digest = source_digest
    if current.pk is None:
        current.save(force_insert=True)
    else:
        current.save(
            update_fields=[
                *values,
                "version",
                "published_version",
                "status",
                "source_digest",
                "updated_at",
            ]
        )
    audit_record(event=ContentEvent.VERSION_IMPORTED, actor=actor, target=version)
    _publish_on_commit()
    return version
