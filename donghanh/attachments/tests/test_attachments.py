from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from donghanh.attachments import files, services
from donghanh.attachments.models import Attachment
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases.models import CaseStatus
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.testing.factories import MembershipFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + "Quyết định\n%%EOF\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _url(name, staff, case, **kwargs):
    return reverse(
        f"attachments:{name}", kwargs={"org": staff.organisation.slug, "case_id": case.pk, **kwargs}
    )


def _add(case, user, *, name="quyet-dinh.pdf", content=PDF, description="Quyết định xác định"):
    return services.attachment_add(
        case=case, name=name, content=content, description=description, actor=Actor.for_user(user)
    )


# --- Checking files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("scan.pdf", PDF, Attachment.Kind.PDF),
        ("anh.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, Attachment.Kind.JPEG),
        ("anh.png", PNG, Attachment.Kind.PNG),
        ("iphone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", Attachment.Kind.HEIC),
        ("don.docx", _docx(), Attachment.Kind.DOCX),
    ],
)
def test_accepted_types_are_recognised_by_their_content(name, content, kind):
    checked = files.check_file(name=name, content=content)
    assert checked.content_type == kind
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("scan.pdf", b"just some text pretending to be a PDF", "bad_type"),
        ("virus.pdf", b"MZ\x90\x00\x03", "bad_type"),
        ("bang.docx", b"PK\x03\x04 not really a zip", "bad_type"),
        ("anh.pdf", PNG, "extension_mismatch"),
        ("trong.pdf", b"", "empty"),
    ],
)
def test_other_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        files.check_file(name=name, content=content)
    assert error.value.code == code


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValidationError):
        files.check_file(name="bang.docx", content=out.getvalue())


def test_files_over_the_limit_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        files.check_file(name="scan.pdf", content=PDF + b" " * 100)
    assert error.value.code == "too_large"


# --- Storage ------------------------------------------------------------------------------


def test_the_file_on_disk_is_encrypted_and_named_at_random(staff, case, _private_media):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    stored = list(_private_media.rglob("*.bin"))
    assert len(stored) == 1
    raw = stored[0].read_bytes()
    assert raw != PDF
    assert b"%PDF" not in raw and b"Catalog" not in raw
    assert "quyet" not in str(stored[0])
    assert files.read_decrypted(attachment.stored_name) == PDF
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.content_type == Attachment.Kind.PDF
    assert str(_private_media) in str(stored[0])


def test_the_file_name_and_description_are_encrypted_in_the_database(staff, case):
    from django.db import connection

    attachment = _add(case, staff.users[Role.CASE_WORKER])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT original_name, description FROM attachments_attachment WHERE id = %s",
            [attachment.pk],
        )
        name, description = cursor.fetchone()
    assert "quyet" not in name and "Quyết" not in description
    assert Attachment.objects.get().original_name == "quyet-dinh.pdf"


def test_a_failed_save_leaves_no_file_behind(staff, case, _private_media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _add(case, staff.users[Role.CASE_WORKER])
    assert not list(_private_media.rglob("*.bin"))
    assert not Attachment.objects.exists()


def test_rotation_reencrypts_the_files(settings, staff, case):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    old_key = settings.DATA_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.DATA_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_attachment_files", stdout=io.StringIO())
    settings.DATA_ENCRYPTION_KEYS = [new_key]
    assert files.read_decrypted(attachment.stored_name) == PDF
    assert AuditEntry.objects.filter(actor_username="rotate_attachment_files").exists()


# --- Upload page --------------------------------------------------------------------------


def test_a_case_worker_uploads_a_document(staff, case):
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        _url("attachment_upload", staff, case),
        {
            "file": SimpleUploadedFile("giay-to.pdf", PDF, content_type="text/plain"),
            "description": "Giấy tờ tùy thân",
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.case == case
    assert attachment.content_type == Attachment.Kind.PDF  # from the bytes, not the browser
    assert attachment.uploaded_by == staff.users[Role.CASE_WORKER]
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type="attachments.attachment")
    assert entry.target_id == str(attachment.pk)
    assert "giay" not in entry.summary


def test_a_text_file_named_pdf_is_refused_in_vietnamese(staff, case):
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        _url("attachment_upload", staff, case),
        {"file": SimpleUploadedFile("scan.pdf", b"hello, not a pdf"), "description": ""},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Tệp này không thuộc loại được chấp nhận" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_on_the_page(settings, staff, case):
    settings.ATTACHMENT_MAX_BYTES = 50
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        _url("attachment_upload", staff, case),
        {"file": SimpleUploadedFile("scan.pdf", PDF + b" " * 60)},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_far_over_the_limit_is_not_even_read(settings, staff, case):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        _url("attachment_upload", staff, case),
        {"file": SimpleUploadedFile("scan.pdf", PDF + b" " * 200_000)},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_plain_file_never_goes_to_a_temporary_file(staff, case, monkeypatch):
    from django.core.files import uploadhandler

    def refuse(*args, **kwargs):
        raise AssertionError("the upload was written to a temporary file")

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", refuse)
    big = PDF + b" " * (3 * 1024 * 1024)  # over Django's 2.5 MB in-memory default
    response = staff.client(Role.CASE_WORKER).post(
        _url("attachment_upload", staff, case), {"file": SimpleUploadedFile("scan.pdf", big)}
    )
    assert response.status_code == 302
    assert files.read_decrypted(Attachment.objects.get().stored_name) == big


def test_the_upload_checks_the_csrf_token(staff, case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies = staff.client(Role.CASE_WORKER).cookies
    assert client.get(_url("attachment_upload", staff, case)).status_code == 200
    response = client.post(
        _url("attachment_upload", staff, case), {"file": SimpleUploadedFile("scan.pdf", PDF)}
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PROGRAMME_OFFICER, 403),
        (Role.DONOR_VIEWER, 403),
        (Role.ORG_ADMIN, 403),  # reads cases, does not edit them
        ("outsider", 404),
    ],
)
def test_others_cannot_upload(staff, case, role, status):
    response = staff.client(role).post(
        _url("attachment_upload", staff, case), {"file": SimpleUploadedFile("scan.pdf", PDF)}
    )
    assert response.status_code == status
    assert not Attachment.objects.exists()


def test_nothing_is_added_to_a_closed_case(staff, case):
    with pytest.raises(ValidationError):
        case.status = CaseStatus.CLOSED
        _add(case, staff.users[Role.CASE_WORKER])
    assert not Attachment.objects.exists()


# --- Download -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN])
def test_allowed_roles_download_the_original_bytes(staff, case, role):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    client = staff.client(role)
    url = _url("attachment_download", staff, case, attachment_id=attachment.pk)
    for expected in (1, 2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == PDF
        downloads = AuditEntry.objects.filter(
            action=AuditAction.EXPORT,
            target_type="attachments.attachment",
            target_id=str(attachment.pk),
            actor=staff.users[role],
        )
        assert downloads.count() == expected
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "quyet-dinh.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    # Opening the case for the download is audited as a case view too.
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="cases.case", target_id=str(case.pk)
    ).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PROGRAMME_OFFICER, 403),
        (Role.DONOR_VIEWER, 403),
        (Role.CONTENT_EDITOR, 403),
        ("outsider", 404),
    ],
)
def test_others_cannot_download(staff, case, role, status):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    response = staff.client(role).get(
        _url("attachment_download", staff, case, attachment_id=attachment.pk)
    )
    assert response.status_code == status
    assert PDF not in response.content
    assert not AuditEntry.objects.filter(
        action=AuditAction.EXPORT, target_type="attachments.attachment"
    ).exists()


def test_a_case_worker_not_on_the_case_gets_404(staff, case):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    stranger = MembershipFactory(organisation=staff.organisation, role=Role.CASE_WORKER).user
    from donghanh.testing.clients import signed_in_client

    response = signed_in_client(stranger).get(
        _url("attachment_download", staff, case, attachment_id=attachment.pk)
    )
    assert response.status_code == 404


def test_an_attachment_is_only_found_under_its_own_case(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    attachment = _add(case, worker)
    other_case = make_case(make_person(staff.organisation, worker, full_name="Lò Thị Xuân"), worker)
    response = staff.client(Role.CASE_WORKER).get(
        _url("attachment_download", staff, other_case, attachment_id=attachment.pk)
    )
    assert response.status_code == 404


def test_media_url_does_not_serve_the_files(staff, case, settings):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    response = staff.client(Role.SUPERVISOR).get(
        f"{settings.MEDIA_URL}casefiles/{attachment.stored_name}"
    )
    assert response.status_code == 404


# --- Delete and the case page -------------------------------------------------------------


def test_a_case_worker_deletes_an_attachment(
    staff, case, _private_media, django_capture_on_commit_callbacks
):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    client = staff.client(Role.CASE_WORKER)
    url = _url("attachment_delete", staff, case, attachment_id=attachment.pk)
    assert client.get(url).status_code == 200
    assert staff.client(Role.PROGRAMME_OFFICER).post(url).status_code == 403
    assert staff.client("outsider").post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not list(_private_media.rglob("*.bin"))
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE,
        target_type="attachments.attachment",
        target_id=str(attachment.pk),
    ).exists()


def test_a_closed_case_keeps_its_attachments(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    attachment = _add(case, worker)
    # Closed through the database: the closure steps belong to the cases app's tests.
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    response = staff.client(Role.CASE_WORKER).post(
        _url("attachment_delete", staff, case, attachment_id=attachment.pk)
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_case_page_lists_the_attachments(staff, case):
    _add(case, staff.users[Role.CASE_WORKER])
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    page = staff.client(Role.CASE_WORKER).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "quyet-dinh.pdf" in page
    assert "Quyết định xác định" in page
    assert _url("attachment_upload", staff, case) in page
    supervisor_page = staff.client(Role.ORG_ADMIN).get(url).content.decode()
    assert "quyet-dinh.pdf" in supervisor_page
    assert _url("attachment_upload", staff, case) not in supervisor_page


def test_the_persons_data_export_lists_the_attachments(staff, case, person):
    from donghanh.attachments.exporters import export_attachments

    _add(case, staff.users[Role.CASE_WORKER])
    records = export_attachments(person)
    assert len(records) == 1
    values = {field.name: field.value for field in records[0].fields}
    assert values["original_name"] == "quyet-dinh.pdf"
    assert "stored_name" not in values and "sha256" not in values


def test_rotate_data_key_covers_the_encrypted_names_and_descriptions():
    from donghanh.core.crypto import models_with_encrypted_fields

    assert Attachment in set(models_with_encrypted_fields())


def test_rotate_data_key_also_reencrypts_the_files(settings, staff, case):
    attachment = _add(case, staff.users[Role.CASE_WORKER])
    old_key = settings.DATA_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.DATA_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_data_key", stdout=io.StringIO())
    settings.DATA_ENCRYPTION_KEYS = [new_key]
    assert files.read_decrypted(attachment.stored_name) == PDF
    assert Attachment.objects.get().original_name == "quyet-dinh.pdf"


def test_deidentifying_the_person_removes_their_attachments(
    staff, case, _private_media, django_capture_on_commit_callbacks
):
    from donghanh.privacy.services import person_deidentify

    _add(case, staff.users[Role.CASE_WORKER])
    assert list(_private_media.rglob("*.bin"))
    with django_capture_on_commit_callbacks(execute=True):
        person_deidentify(person=case.person, actor=Actor.for_user(staff.users[Role.SUPERVISOR]))
    assert not Attachment.objects.exists()
    assert not list(_private_media.rglob("*.bin"))
