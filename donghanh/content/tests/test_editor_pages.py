from __future__ import annotations

import pytest
from django.test import Client

from donghanh.content.models import Article, ArticleText, ArticleVersion
from donghanh.content.tests.helpers import Editors, draft, publish

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(editors: Editors) -> None:
    response = Client().get("/app/content/")
    assert response.status_code == 302 and "/app/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    ["/app/content/", "/app/content/new/", "/app/content/{id}/", "/app/content/{id}/vi/edit/"],
)
def test_staff_without_the_editor_role_get_403(editors: Editors, path: str) -> None:
    article = draft(editors).article
    response = editors.case_worker_client.get(path.format(id=article.pk))
    assert response.status_code == 403


def test_a_missing_article_or_language_is_404(editors: Editors) -> None:
    article = draft(editors).article
    assert editors.author_client.get("/app/content/99999/").status_code == 404
    assert editors.author_client.get(f"/app/content/{article.pk}/fr/edit/").status_code == 404
    assert editors.author_client.get(f"/app/content/{article.pk}/vi/versions/9/").status_code == 404


def test_wrong_method_is_405(editors: Editors) -> None:
    article = draft(editors).article
    assert editors.author_client.get(f"/app/content/{article.pk}/vi/submit/").status_code == 405
    assert editors.author_client.post("/app/content/").status_code == 405


def test_the_list_filters_and_flags_overdue_articles(
    editors: Editors, django_assert_max_num_queries
) -> None:
    from datetime import date

    draft(editors, slug="qua-han", title="Bài quá hạn", review_due=date(2026, 1, 1))
    publish(editors, draft(editors, slug="con-han", title="Bài còn hạn"))
    draft(editors, slug="con-han", language="en", title="Still valid")
    editors.author_client.get("/app/content/")  # the first request also records the session
    with django_assert_max_num_queries(10):
        response = editors.author_client.get("/app/content/")
    page = response.content.decode()
    assert "Bài quá hạn" in page and "Bài còn hạn" in page
    page = editors.author_client.get("/app/content/?stale=on").content.decode()
    assert "Bài quá hạn" in page and "Bài còn hạn" not in page
    page = editors.author_client.get("/app/content/?status=published").content.decode()
    assert "Bài còn hạn" in page and "Bài quá hạn" not in page
    page = editors.author_client.get("/app/content/?language=en&status=draft").content.decode()
    assert "Bài còn hạn" in page and "Bài quá hạn" not in page
    page = editors.author_client.get("/app/content/?stage=families").content.decode()
    assert "Bài còn hạn" not in page


def test_an_editor_writes_previews_and_submits_a_draft(editors: Editors) -> None:
    client = editors.author_client
    form = {
        "slug": "hop-dong",
        "stage": "recruiter_contract",
        "order": "1",
        "destination": "",
        "review_due": "20/05/2027",
        "language": "vi",
        "title": "Đọc kỹ hợp đồng",
        "summary": "",
        "body": "## Trước khi ký\n\n<script>alert(1)</script>",
        "last_checked": "20/11/2026",
    }
    response = client.post("/app/content/new/", form)
    article = Article.objects.get(slug="hop-dong")
    assert response.status_code == 302
    assert str(article.review_due) == "2027-05-20"
    text = ArticleText.objects.get(article=article)

    edit = f"/app/content/{article.pk}/vi/edit/"
    preview = client.post(
        edit,
        {"title": "Đọc kỹ hợp đồng", "body": "## Khi ký\n\n- một", "version": text.version,
         "preview": "1"},
    )  # fmt: skip
    assert preview.status_code == 200
    assert "<h2>Khi ký</h2>" in preview.content.decode()
    text.refresh_from_db()
    assert "Khi ký" not in text.body  # a preview saves nothing

    page = client.get(f"/app/content/{article.pk}/").content.decode()
    assert "&lt;script&gt;" not in page or "<script>alert" not in page
    client.post(f"/app/content/{article.pk}/vi/submit/", {"version": text.version})
    text.refresh_from_db()
    assert text.status == ArticleText.Status.IN_REVIEW


def test_a_stale_edit_shows_a_clear_message(editors: Editors) -> None:
    text = draft(editors)
    response = editors.author_client.post(
        f"/app/content/{text.article_id}/vi/edit/",
        {"title": "Mới", "body": "Mới.", "version": text.version - 1 or 99, "save": "1"},
    )
    assert response.status_code == 200
    assert "Người khác đã thay đổi bài viết này" in response.content.decode()


def test_a_second_editor_reviews_and_publishes(editors: Editors) -> None:
    text = draft(editors)
    editors.author_client.post(
        f"/app/content/{text.article_id}/vi/submit/", {"version": text.version}
    )
    text.refresh_from_db()
    review = f"/app/content/{text.article_id}/vi/review/"
    # The author may open the review page but not decide.
    response = editors.author_client.post(review, {"decision": "approve", "version": text.version})
    assert response.status_code == 200
    assert "một biên tập viên khác phải duyệt" in response.content.decode()
    assert not ArticleVersion.objects.exists()

    assert editors.case_worker_client.get(review).status_code == 403
    response = editors.reviewer_client.post(
        review, {"decision": "approve", "version": text.version, "review_due": "01/06/2027"}
    )
    assert response.status_code == 302
    version = ArticleVersion.objects.get()
    assert version.reviewer == editors.reviewer.user
    history = editors.author_client.get(f"/app/content/{text.article_id}/vi/versions/")
    assert "Nhận biết lừa đảo việc làm" in history.content.decode()
    shown = editors.author_client.get(f"/app/content/{text.article_id}/vi/versions/1/")
    assert shown.status_code == 200


def test_asking_for_changes_needs_a_comment(editors: Editors) -> None:
    text = draft(editors)
    editors.author_client.post(
        f"/app/content/{text.article_id}/vi/submit/", {"version": text.version}
    )
    text.refresh_from_db()
    review = f"/app/content/{text.article_id}/vi/review/"
    response = editors.reviewer_client.post(
        review, {"decision": "request_changes", "version": text.version}
    )
    assert response.status_code == 200
    response = editors.reviewer_client.post(
        review,
        {"decision": "request_changes", "version": text.version, "comment": "Thêm số 111."},
    )
    assert response.status_code == 302
    page = editors.author_client.get(f"/app/content/{text.article_id}/").content.decode()
    assert "Thêm số 111." in page


def test_the_translation_is_written_beside_the_other_language(editors: Editors) -> None:
    text = draft(editors)
    edit = f"/app/content/{text.article_id}/en/edit/"
    page = editors.author_client.get(edit).content.decode()
    assert "Nhận biết lừa đảo việc làm" in page  # the Vietnamese text, for reference
    response = editors.author_client.post(
        edit, {"title": "Spotting job scams", "body": "Call 111.", "version": "0", "save": "1"}
    )
    assert response.status_code == 302
    assert ArticleText.objects.get(language="en").title == "Spotting job scams"


def test_the_editors_home_lists_articles_due_for_review(editors: Editors) -> None:
    from datetime import date

    draft(editors, slug="qua-han", title="Bài quá hạn", review_due=date(2026, 1, 1))
    draft(editors, slug="con-han", title="Bài còn hạn", review_due=date(2030, 1, 1))
    page = editors.author_client.get("/app/").content.decode()
    assert "Bài quá hạn" in page and "Bài còn hạn" not in page
    assert "Bài quá hạn" not in editors.case_worker_client.get("/app/").content.decode()
