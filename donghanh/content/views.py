"""The editors' pages of the information bank, under /app/content/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.content import services
from donghanh.content.forms import (
    ArticleCreateForm,
    ArticleFilterForm,
    ArticleSettingsForm,
    ArticleTextForm,
    ReviewForm,
    SubmitForm,
)
from donghanh.content.markup import render_markdown
from donghanh.content.models import Article, ContentLanguage
from donghanh.content.selectors import (
    ArticleFilters,
    access_article,
    access_content,
    articles_for_editors,
    content_memberships,
    text_of,
    version_get,
    versions_of,
)
from donghanh.core.actor import Actor, request_actor
from donghanh.core.forms import add_service_error
from donghanh.core.language import in_english
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm


def _actor(request: HttpRequest, membership: Membership) -> Actor:
    return request_actor(request, organisation=membership.organisation)


def _language(language: str) -> str:
    if language not in ContentLanguage.values:
        raise Http404
    return language


@require_GET
@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    access_content(request.user, Perm.EDIT_CONTENT)
    form = ArticleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ArticleFilters(
        status=data.get("status", ""),
        stage=data.get("stage", ""),
        language=data.get("language", ""),
        stale_only=bool(data.get("stale")),
    )
    today = timezone.localdate()
    rows = [
        (article, text_of(article, ContentLanguage.VIETNAMESE), text_of(article, "en"))
        for article in articles_for_editors(filters, today)
    ]
    return render(
        request, "content/article_list.html", {"form": form, "rows": rows, "today": today}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    membership = access_content(request.user, Perm.EDIT_CONTENT)
    form = ArticleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = _create(request, membership, data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("content:detail", article_id=article.pk)
    return render(request, "content/article_create.html", {"form": form})


@transaction.atomic
def _create(request: HttpRequest, membership: Membership, data: dict[str, Any]) -> Article:
    actor = _actor(request, membership)
    article = services.article_create(
        slug=data["slug"],
        stage=data["stage"],
        order=data["order"] or 0,
        destination=data["destination"],
        review_due=data["review_due"],
        actor=actor,
    )
    services.article_text_save(
        article=article,
        language=data["language"],
        expected_version=0,
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        last_checked=data["last_checked"],
        actor=actor,
    )
    return article


@require_GET
@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article, _membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    texts = [(code, label, text_of(article, code)) for code, label in ContentLanguage.choices]
    reader = "en" if in_english() else "vi"
    return render(
        request,
        "content/article_detail.html",
        {
            "article": article,
            # The title in the reader's language first, marked with its own language.
            "heading": next(
                (
                    (text.title, code)
                    for code, _l, text in sorted(texts, key=lambda row: row[0] != reader)
                    if text
                ),
                (article.slug, reader),
            ),
            "texts": texts,
            "stale": article.is_stale_on(timezone.localdate()),
            "can_review": bool(content_memberships(request.user, Perm.REVIEW_CONTENT)),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def article_settings(request: HttpRequest, article_id: int) -> HttpResponse:
    article, membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    initial = {
        "stage": article.stage,
        "order": article.order,
        "destination": article.destination,
        "review_due": article.review_due,
        "version": article.version,
    }
    form = ArticleSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update_settings(
                article=article,
                expected_version=data["version"] or 0,
                actor=_actor(request, membership),
                stage=data["stage"],
                order=data["order"] or 0,
                destination=data["destination"],
                review_due=data["review_due"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Article settings saved."))
            return redirect("content:detail", article_id=article.pk)
    return render(request, "content/article_settings.html", {"article": article, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def text_edit(request: HttpRequest, article_id: int, language: str) -> HttpResponse:
    """Write or translate one language; "Preview" shows the rendered text without saving."""
    article, membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    language = _language(language)
    text = text_of(article, language)
    initial: dict[str, Any] = {"version": text.version if text else 0}
    if text is not None:
        initial |= {
            "title": text.title,
            "summary": text.summary,
            "body": text.body,
            "last_checked": text.last_checked,
        }
    form = ArticleTextForm(request.POST or None, initial=initial)
    preview = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"])
        else:
            try:
                services.article_text_save(
                    article=article,
                    language=language,
                    expected_version=data["version"] or 0,
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    last_checked=data["last_checked"],
                    actor=_actor(request, membership),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("content:detail", article_id=article.pk)
    other_language = next(code for code in ContentLanguage.values if code != language)
    return render(
        request,
        "content/text_edit.html",
        {
            "article": article,
            "language": language,
            "language_label": ContentLanguage(language).label,
            "text": text,
            "form": form,
            "preview": preview,
            "other": text_of(article, other_language),
            "other_label": ContentLanguage(other_language).label,
        },
    )


@require_POST
@login_required
def text_submit(request: HttpRequest, article_id: int, language: str) -> HttpResponse:
    article, membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    text = text_of(article, _language(language))
    if text is None:
        raise Http404
    form = SubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise services.stale_article_error()
        services.article_text_submit(
            text=text,
            expected_version=form.cleaned_data["version"],
            actor=_actor(request, membership),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Submitted for review. Another editor will review it."))
    return redirect("content:detail", article_id=article.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def text_review(request: HttpRequest, article_id: int, language: str) -> HttpResponse:
    article, membership = access_article(request.user, article_id, Perm.REVIEW_CONTENT)
    text = text_of(article, _language(language))
    if text is None:
        raise Http404
    form = ReviewForm(request.POST or None, initial={"version": text.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = _actor(request, membership)
        try:
            if data["decision"] == ReviewForm.APPROVE:
                services.article_text_approve(
                    text=text,
                    expected_version=data["version"],
                    actor=actor,
                    last_checked=data["last_checked"],
                    review_due=data["review_due"],
                )
                messages.success(request, _("Published. The public page shows it now."))
            else:
                services.article_text_request_changes(
                    text=text,
                    expected_version=data["version"],
                    comment=data["comment"],
                    actor=actor,
                )
                messages.success(request, _("Sent back to the author with your comment."))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("content:detail", article_id=article.pk)
    return render(
        request,
        "content/text_review.html",
        {
            "article": article,
            "text": text,
            "body_html": render_markdown(text.body),
            "published": text.published_version,
            "form": form,
        },
    )


@require_GET
@login_required
def version_list(request: HttpRequest, article_id: int, language: str) -> HttpResponse:
    article, _membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    language = _language(language)
    return render(
        request,
        "content/version_list.html",
        {
            "article": article,
            "language_label": ContentLanguage(language).label,
            "language": language,
            "versions": versions_of(article, language),
            "text": text_of(article, language),
        },
    )


@require_GET
@login_required
def version_detail(
    request: HttpRequest, article_id: int, language: str, number: int
) -> HttpResponse:
    article, _membership = access_article(request.user, article_id, Perm.EDIT_CONTENT)
    version = version_get(article, _language(language), number)
    return render(
        request,
        "content/version_detail.html",
        {"article": article, "version": version, "body_html": render_markdown(version.body)},
    )
