from __future__ import annotations

from datetime import date

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.content import services
from donghanh.content.models import ArticleText, ArticleVersion
from donghanh.content.tests.helpers import Editors, draft, publish
from donghanh.core import page_cache
from donghanh.core.editing import StaleEditError

pytestmark = pytest.mark.django_db


def test_a_draft_goes_through_review_and_becomes_version_one(editors: Editors) -> None:
    text = draft(editors)
    assert text.status == ArticleText.Status.DRAFT
    text = services.article_text_submit(
        text=text, expected_version=text.version, actor=editors.as_author
    )
    assert text.status == ArticleText.Status.IN_REVIEW
    version = services.article_text_approve(
        text=text, expected_version=text.version, actor=editors.as_reviewer
    )
    text.refresh_from_db()
    assert text.status == ArticleText.Status.PUBLISHED
    assert text.published_version == version
    assert (version.number, version.language, version.title) == (
        1,
        "vi",
        "Nhận biết lừa đảo việc làm",
    )
    assert version.author == editors.author.user
    assert version.reviewer == editors.reviewer.user
    assert version.last_checked == date(2026, 11, 20)
    assert "lua dao viec lam" in version.search_text
    assert not text.contributors.exists()


def test_the_author_cannot_review_their_own_text(editors: Editors) -> None:
    text = draft(editors)
    text = services.article_text_submit(
        text=text, expected_version=text.version, actor=editors.as_author
    )
    with pytest.raises(services.WorkflowError):
        services.article_text_approve(
            text=text, expected_version=text.version, actor=editors.as_author
        )
    with pytest.raises(services.WorkflowError):
        services.article_text_request_changes(
            text=text, expected_version=text.version, comment="ok", actor=editors.as_author
        )
    assert not ArticleVersion.objects.exists()


def test_an_editor_who_changed_the_text_cannot_review_it_either(editors: Editors) -> None:
    text = draft(editors)
    # The second editor polishes the author's draft: now neither of them may review it.
    text, _ = services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title=text.title,
        summary=text.summary,
        body=text.body + "\n\nThêm một câu.",
        actor=editors.as_reviewer,
    )
    text = services.article_text_submit(
        text=text, expected_version=text.version, actor=editors.as_author
    )
    with pytest.raises(services.WorkflowError):
        services.article_text_approve(
            text=text, expected_version=text.version, actor=editors.as_reviewer
        )


def test_asking_for_changes_sends_the_text_back_to_draft_with_a_comment(
    editors: Editors,
) -> None:
    text = draft(editors)
    text = services.article_text_submit(
        text=text, expected_version=text.version, actor=editors.as_author
    )
    with pytest.raises(services.ValidationError):
        services.article_text_request_changes(
            text=text, expected_version=text.version, comment="  ", actor=editors.as_reviewer
        )
    text = services.article_text_request_changes(
        text=text,
        expected_version=text.version,
        comment="Thêm số 111.",
        actor=editors.as_reviewer,
    )
    assert text.status == ArticleText.Status.DRAFT
    assert text.review_comment == "Thêm số 111."
    assert not ArticleVersion.objects.exists()


def test_only_a_draft_can_be_submitted_and_only_a_text_in_review_approved(
    editors: Editors,
) -> None:
    text = draft(editors)
    with pytest.raises(services.WorkflowError):
        services.article_text_approve(
            text=text, expected_version=text.version, actor=editors.as_reviewer
        )
    publish(editors, text)
    text.refresh_from_db()
    with pytest.raises(services.WorkflowError):
        services.article_text_submit(
            text=text, expected_version=text.version, actor=editors.as_author
        )


def test_every_published_version_is_kept(editors: Editors) -> None:
    text = draft(editors)
    first = publish(editors, text)
    text.refresh_from_db()
    text, changed = services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title="Lừa đảo việc làm: dấu hiệu mới",
        summary=text.summary,
        body=text.body,
        last_checked=text.last_checked,
        actor=editors.as_author,
    )
    assert changed == ["title"]
    assert text.status == ArticleText.Status.DRAFT
    # The public still has version 1 while the change waits for review.
    assert text.published_version == first
    second = publish(editors, text)
    first.refresh_from_db()
    assert first.title == "Nhận biết lừa đảo việc làm"
    assert (second.number, second.title) == (2, "Lừa đảo việc làm: dấu hiệu mới")
    assert list(
        ArticleVersion.objects.filter(article=text.article).values_list("number", flat=True)
    ) == [2, 1]


def test_saving_the_same_values_changes_nothing(editors: Editors) -> None:
    text = draft(editors)
    audit_rows = AuditEntry.objects.count()
    same, changed = services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title=text.title,
        summary=text.summary,
        body=text.body,
        last_checked=text.last_checked,
        actor=editors.as_author,
    )
    assert changed == [] and same.version == text.version
    assert AuditEntry.objects.count() == audit_rows


def test_a_concurrent_edit_is_refused_with_a_clear_message(editors: Editors) -> None:
    text = draft(editors)
    opened_at = text.version
    services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=opened_at,
        title="Tiêu đề của người thứ nhất",
        summary="",
        body="Nội dung.",
        actor=editors.as_author,
    )
    with pytest.raises(StaleEditError) as error:
        services.article_text_save(
            article=text.article,
            language="vi",
            expected_version=opened_at,
            title="Tiêu đề của người thứ hai",
            summary="",
            body="Nội dung khác.",
            actor=editors.as_reviewer,
        )
    assert "Người khác đã thay đổi bài viết này" in error.value.messages[0]
    text.refresh_from_db()
    assert text.title == "Tiêu đề của người thứ nhất"
    # A review decision taken on an old version is refused too.
    with pytest.raises(StaleEditError):
        services.article_text_submit(text=text, expected_version=opened_at, actor=editors.as_author)


def test_settings_changes_are_versioned(editors: Editors) -> None:
    article = draft(editors).article
    article, changed = services.article_update_settings(
        article=article, expected_version=1, actor=editors.as_author, order=3, destination="GB"
    )
    assert sorted(changed) == ["destination", "order"] and article.version == 2
    with pytest.raises(StaleEditError):
        services.article_update_settings(
            article=article, expected_version=1, actor=editors.as_author, order=4
        )


def test_every_step_is_audited_by_type_and_id(editors: Editors) -> None:
    text = draft(editors)
    version = publish(editors, text)
    rows = AuditEntry.objects.order_by("id")
    summaries = [row.summary for row in rows]
    assert summaries[0] == "article created"
    assert "article text submitted for review" in summaries
    assert "article version published" in summaries
    published_row = rows.get(summary="article version published")
    assert (published_row.target_type, published_row.target_id) == (
        "content.articleversion",
        str(version.pk),
    )
    assert published_row.actor == editors.reviewer.user
    assert published_row.organisation == editors.reviewer.organisation
    assert all("lừa" not in row.summary.lower() for row in rows)


def test_publishing_invalidates_the_public_pages(
    editors: Editors, django_capture_on_commit_callbacks
) -> None:
    before = page_cache.public_pages_generation()
    text = draft(editors)
    with django_capture_on_commit_callbacks(execute=True):
        publish(editors, text)
    assert page_cache.public_pages_generation() > before


def test_a_slug_is_used_once(editors: Editors) -> None:
    draft(editors)
    with pytest.raises(services.ValidationError):
        services.article_create(
            slug="lua-dao-viec-lam", stage="considering", actor=editors.as_author
        )
