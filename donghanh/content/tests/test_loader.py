from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from donghanh.audit.models import AuditEntry
from donghanh.content import services
from donghanh.content.loading import ARTICLES_DIR, ArticleFileError, read_article_file
from donghanh.content.models import Article, ArticleText, ArticleVersion

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "articles"


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    target = tmp_path / "articles"
    shutil.copytree(FIXTURES, target)
    return target


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_articles", path=path, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_files_are_published_as_a_system_import(articles_dir: Path) -> None:
    load(articles_dir)
    article = Article.objects.get(slug="quyen-lao-dong-o-anh")
    assert (article.stage, article.destination, str(article.review_due)) == (
        "working_abroad",
        "GB",
        "2027-05-18",
    )
    assert ArticleVersion.objects.count() == 3
    version = ArticleVersion.objects.get(article__slug="lua-dao-viec-lam", language="en")
    assert version.imported and version.author is None and version.reviewer is None
    assert version.title == "Spotting job scams abroad"
    assert version.body.startswith("A well-paid job offer")
    assert AuditEntry.objects.filter(actor_username="load_articles").exists()
    page = Client().get("/articles/lua-dao-viec-lam/").content.decode()
    assert "Nhận biết lừa đảo việc làm ở nước ngoài" in page and "20/11/2026" in page


def test_the_writers_guide_beside_the_articles_is_not_an_article(articles_dir: Path) -> None:
    (articles_dir / "README.md").write_text("# Information bank articles\n")
    load(articles_dir)
    assert ArticleVersion.objects.count() == 3


def test_the_shipped_articles_load() -> None:
    load(ARTICLES_DIR)
    assert Article.objects.filter(slug="bao-ho-cong-dan").exists()


def test_a_second_run_changes_nothing(articles_dir: Path) -> None:
    load(articles_dir)
    counts = (ArticleVersion.objects.count(), AuditEntry.objects.count())
    versions = list(ArticleText.objects.values_list("version", flat=True))
    output = load(articles_dir)
    assert "0 phiên bản được đăng" in output
    assert (ArticleVersion.objects.count(), AuditEntry.objects.count()) == counts
    assert list(ArticleText.objects.values_list("version", flat=True)) == versions


def test_a_changed_file_becomes_a_new_version(articles_dir: Path) -> None:
    load(articles_dir)
    path = articles_dir / "lua-dao-viec-lam.vi.md"
    path.write_text(
        path.read_text().replace("stage: recruiter_contract", "stage: considering")
        + "\nThêm một dòng.\n"
    )
    load(articles_dir)
    versions = ArticleVersion.objects.filter(article__slug="lua-dao-viec-lam", language="vi")
    assert list(versions.values_list("number", flat=True)) == [2, 1]
    assert "Thêm một dòng." in versions.first().body  # type: ignore[union-attr]
    assert Article.objects.get(slug="lua-dao-viec-lam").stage == "considering"


def test_an_editors_draft_is_not_overwritten(articles_dir: Path, editors) -> None:
    load(articles_dir)
    text = ArticleText.objects.get(article__slug="lua-dao-viec-lam", language="vi")
    services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title="Bản nháp của biên tập viên",
        summary="",
        body="Nháp.",
        actor=editors.as_author,
    )
    path = articles_dir / "lua-dao-viec-lam.vi.md"
    path.write_text(path.read_text() + "\nThay đổi trong tệp.\n")
    load(articles_dir)
    text.refresh_from_db()
    assert text.title == "Bản nháp của biên tập viên"
    assert ArticleVersion.objects.filter(article=text.article, language="vi").count() == 1


def test_a_broken_file_stops_the_load_with_its_name(articles_dir: Path) -> None:
    (articles_dir / "hong.vi.md").write_text("---\ntitle: Hỏng\nstage: nowhere\n---\nText\n")
    with pytest.raises(CommandError, match=r"hong\.vi\.md"):
        load(articles_dir)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("title: x\n", "must start"),
        ("---\ntitle: x\nstage: travelling\n", "closing"),
        ("---\nstage: travelling\nlast_checked: 2026-01-01\n---\nText\n", "missing title"),
        ("---\ntitle: x\nstage: travelling\nlast_checked: 1/1/2026\n---\nText\n", "YYYY-MM-DD"),
        ("---\ntitle: x\nstage: travelling\nlast_checked: 2026-01-01\n---\n\n", "no text"),
    ],
)
def test_file_problems_are_explained(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bai.vi.md"
    path.write_text(content)
    with pytest.raises(ArticleFileError, match=problem):
        read_article_file(path)


def test_a_missing_folder_loads_nothing(tmp_path: Path) -> None:
    # Commands speak the platform's default language, Vietnamese.
    assert "không có gì để nạp" in load(tmp_path / "none")
