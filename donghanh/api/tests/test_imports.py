"""The imports API: upload a file for a kind, follow its check, read the report, import it;
the same permissions and organisation scoping as the import pages, and a permission matrix."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.audit.models import AuditEntry
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.helpers import xlsx
from donghanh.jobs.models import Job
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

HEADINGS = [
    "Họ và tên", "Giới tính", "Ngày sinh", "Loại trường hợp", "Ngày tiếp nhận",
    "Kênh tiếp nhận", "Đồng ý cho", "Hình thức đồng ý", "Ngày đồng ý",
]  # fmt: skip
GOOD = ["Lò Thị Lan", "Nữ", "12/05/1998", "Nạn nhân bị mua bán", "05/11/2024", "Công an",
        "Quản lý trường hợp", "Bằng văn bản", "05/11/2024"]  # fmt: skip
BAD = ["Giàng Thị Mai", "Không rõ", "12/05/1999", "Nạn nhân bị mua bán", "05/11/2024",
       "Công an", "Quản lý trường hợp", "Bằng văn bản", "05/11/2024"]  # fmt: skip

UPLOAD = "/api/v1/imports/"

# The imports API's routes, for the check that every route is in a permission matrix.
ROUTES = {
    ("import_upload", "post"),
    ("import_detail", "get"),
    ("import_commit", "post"),
    ("import_undo", "post"),
}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def upload(client: Any, organisation: Any, rows: list[list[Any]] | bytes, **extra: Any) -> Any:
    data = rows if isinstance(rows, bytes) else xlsx(rows)
    return client.post(
        UPLOAD,
        {
            "organisation": organisation.slug,
            "kind": "people",
            "file": SimpleUploadedFile("doi-tuong.xlsx", data),
        },
        format="multipart",
        **extra,
    )


def test_upload_poll_report_and_commit():
    organisation = OrganisationFactory()
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))

    data = xlsx([HEADINGS, GOOD, BAD])
    answer = upload(client, organisation, data)
    assert answer.status_code == 202, answer.json()
    body = answer.json()
    assert body["status"] == "checking" and body["job"] is not None
    assert answer["Location"] == body["url"]

    run_queued_jobs()
    polled = client.get(f"{UPLOAD}{body['id']}/").json()
    assert polled["status"] == "checked" and polled["job"] is None
    report = polled["report"]
    assert (report["rows"], report["created"], report["rows_with_problems"]) == (2, 1, 1)
    assert report["errors"] == [
        {
            "row": 3,
            "column": "Giới tính",
            "value": "Không rõ",
            "message": report["errors"][0]["message"],
        }
    ]
    assert "is not in the list" in report["errors"][0]["message"]

    refused = client.post(f"{UPLOAD}{body['id']}/commit/", {"mode": "all"}, format="json")
    assert refused.status_code == 400 and Person.objects.count() == 0
    started = client.post(f"{UPLOAD}{body['id']}/commit/", {"mode": "valid"}, format="json")
    assert started.status_code == 202 and started.json()["status"] == "committing"
    run_queued_jobs()
    done = client.get(f"{UPLOAD}{body['id']}/").json()
    assert done["status"] == "committed" and done["report"]["created"] == 1
    assert Person.objects.count() == 1

    again = upload(client, organisation, data)
    assert again.status_code == 400 and "already imported" in again.json()["file"][0]


def test_an_idempotency_key_makes_one_batch_and_one_import():
    organisation = OrganisationFactory()
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))
    key = {"HTTP_IDEMPOTENCY_KEY": "import-key-0123456789"}

    data = xlsx([HEADINGS, GOOD])
    first = upload(client, organisation, data, **key)
    second = upload(client, organisation, data, **key)

    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] and ImportBatch.objects.count() == 1
    run_queued_jobs()
    url = f"{UPLOAD}{first.json()['id']}/commit/"
    commit_key = {"HTTP_IDEMPOTENCY_KEY": "commit-key-0123456789"}
    assert client.post(url, {"mode": "all"}, format="json", **commit_key).status_code == 202
    assert client.post(url, {"mode": "all"}, format="json", **commit_key).status_code == 202
    run_queued_jobs()
    assert Person.objects.count() == 1


def test_refusals_are_in_the_request_s_language():
    organisation = OrganisationFactory()
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))
    answer = client.post(
        UPLOAD,
        {
            "organisation": organisation.slug,
            "kind": "people",
            "file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a workbook"),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert answer.status_code == 400
    assert "xlsx" in str(answer.json()["file"]) and "không" in str(answer.json()).lower()
    assert ImportBatch.objects.count() == 0
    missing = client.post(
        UPLOAD, {"organisation": organisation.slug}, format="multipart", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert missing.status_code == 400
    assert "bắt buộc" in str(missing.json()) or "Trường" in str(missing.json())


# --- undo ------------------------------------------------------------------------------------


def _committed_batch(organisation: Any) -> ImportBatch:
    """A batch of one person, imported by a supervisor of the organisation."""
    importer = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(importer))
    answer = upload(client, organisation, [HEADINGS, GOOD])
    assert answer.status_code == 202
    run_queued_jobs()
    url = reverse("api:import_commit", kwargs={"batch_id": answer.json()["id"]})
    assert client.post(url, {"mode": "all"}, format="json").status_code == 202
    run_queued_jobs()
    batch = ImportBatch.objects.get(pk=answer.json()["id"])
    assert batch.status == ImportBatch.Status.COMMITTED
    return batch


def _undo(client: Any, batch: ImportBatch, body: Any = None, **extra: Any) -> Any:
    url = reverse("api:import_undo", kwargs={"batch_id": batch.pk})
    data = {"confirm": True} if body is None else body
    return client.post(url, data, format="json", **extra)


def test_the_importer_s_supervisor_undoes_an_import_once():
    organisation = OrganisationFactory()
    batch = _committed_batch(organisation)
    assert Person.objects.count() == 1
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))

    started = _undo(client, batch)
    assert started.status_code == 202, started.json()
    assert started.json()["status"] == "undoing" and started.json()["job"] is not None
    assert started["Location"] == started.json()["url"]
    run_queued_jobs()
    done = client.get(started.json()["url"]).json()
    assert done["status"] == "undone" and done["job"] is None and done["undone_at"]
    assert Person.objects.count() == 0

    # Sent again: the import is answered as it is, and nothing more is done.
    audit_rows, jobs = AuditEntry.objects.count(), Job.objects.count()
    again = _undo(client, batch)
    assert again.status_code == 200 and again.json()["status"] == "undone"
    assert (AuditEntry.objects.count(), Job.objects.count()) == (audit_rows, jobs)


def test_an_idempotency_key_starts_one_undo():
    organisation = OrganisationFactory()
    batch = _committed_batch(organisation)
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))
    key = {"HTTP_IDEMPOTENCY_KEY": "undo-key-0123456789"}

    first, second = _undo(client, batch, **key), _undo(client, batch, **key)

    # The second is answered as the import is now: being undone by the first one's job.
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["job"]["id"] == second.json()["job"]["id"]
    assert Job.objects.filter(kind="imports.undo").count() == 1
    run_queued_jobs()
    assert Person.objects.count() == 0


def _refused(answer: Any, batch: ImportBatch, people: int = 1) -> str:
    assert answer.status_code == 400, answer.json()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.undo_job_id is None
    assert Person.objects.count() == people
    return str(answer.json())


def test_undo_is_refused_in_vietnamese_and_changes_nothing():
    organisation = OrganisationFactory()
    batch = _committed_batch(organisation)
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))
    vi = {"HTTP_ACCEPT_LANGUAGE": "vi"}

    unconfirmed = _refused(_undo(client, batch, {}, **vi), batch)
    assert "confirm" in unconfirmed
    assert "Xác nhận" in _refused(_undo(client, batch, {"confirm": False}, **vi), batch)

    # More than 30 days after the import.
    ImportBatch.objects.filter(pk=batch.pk).update(
        committed_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert "trong vòng 30 ngày" in _refused(_undo(client, batch, **vi), batch)
    ImportBatch.objects.filter(pk=batch.pk).update(committed_at=timezone.now())

    # A record was changed since the import: the undo is accepted, and its job, which reads
    # every record (never the request), refuses in Vietnamese and removes nothing.
    Person.objects.update(version=F("version") + 1)
    started = _undo(client, batch, **vi)
    assert started.status_code == 202, started.json()
    run_queued_jobs()
    answer = client.get(started.json()["url"], **vi).json()
    assert answer["status"] == "committed"
    assert "bị thay đổi hoặc đã được dùng kể từ khi nhập" in answer["report"]["undo_refused"]
    assert Person.objects.count() == 1


def test_the_importer_may_not_undo_their_own_import():
    organisation = OrganisationFactory()
    batch = _committed_batch(organisation)
    client = api_client(issue_token(batch.importer))

    assert _undo(client, batch).status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Person.objects.count() == 1


def test_an_import_not_done_yet_cannot_be_undone():
    organisation = OrganisationFactory()
    batch = _checked_batch(organisation)
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    answer = _undo(api_client(issue_token(supervisor)), batch, HTTP_ACCEPT_LANGUAGE="vi")
    assert answer.status_code == 400
    assert "Chỉ lần nhập đã hoàn tất mới có thể hoàn tác" in str(answer.json())
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


# --- the permission matrix -----------------------------------------------------------------
# upload: POST a people file; batch: GET a batch another supervisor of the organisation
# uploaded; commit: POST its import; undo: POST the undo of a batch another supervisor
# imported. "own": the actor's organisation; "other": another one.
# 202/200 allowed, 401 no valid token, 403 a role that may not, 404 another organisation (or a
# batch the member may not see: it might not exist).

# fmt: off
MATRIX: dict[str, tuple[int, ...]] = {
    #                      own: upload batch commit undo   other: upload batch commit undo
    "org_admin":            (403, 200, 403, 202, 404, 404, 404, 404),
    "supervisor":           (202, 200, 403, 202, 404, 404, 404, 404),
    "case_worker":          (403, 403, 403, 403, 404, 403, 403, 403),
    "collaborator":         (403, 403, 403, 403, 404, 403, 403, 403),
    "programme_officer":    (403, 404, 404, 404, 404, 404, 404, 404),
    "content_editor":       (403, 404, 404, 404, 404, 404, 404, 404),
    "donor_viewer":         (403, 403, 403, 403, 404, 403, 403, 403),
    "system_administrator": (401, 401, 401, 401, 401, 401, 401, 401),
    "no_membership":        (401, 401, 401, 401, 401, 401, 401, 401),
    "anonymous":            (401, 401, 401, 401, 401, 401, 401, 401),
}
# fmt: on


def _checked_batch(organisation: Any) -> ImportBatch:
    importer = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    answer = upload(api_client(issue_token(importer)), organisation, [HEADINGS, GOOD])
    assert answer.status_code == 202
    run_queued_jobs()
    return ImportBatch.objects.get(pk=answer.json()["id"])


@pytest.mark.parametrize("actor", ACTORS)
def test_the_permission_matrix(actor):
    own, other = OrganisationFactory(), OrganisationFactory()
    _user, client = actor_client(actor, own)
    got = []
    for organisation in (own, other):
        batch = _checked_batch(organisation)
        before = ImportBatch.objects.count()
        answer = upload(client, organisation, [HEADINGS, GOOD, ["Người Khác", "Nam"]])
        got.append(answer.status_code)
        assert ImportBatch.objects.count() == before + (answer.status_code == 202)
        detail = client.get(reverse("api:import_detail", kwargs={"batch_id": batch.pk}))
        got.append(detail.status_code)
        if detail.status_code != 200:
            assert "Lò Thị Lan" not in detail.content.decode()
        commit = client.post(
            reverse("api:import_commit", kwargs={"batch_id": batch.pk}),
            {"mode": "all"},
            format="json",
        )
        got.append(commit.status_code)
        batch.refresh_from_db()
        assert batch.status == ("committing" if commit.status_code == 202 else "checked")
        imported = _committed_batch(organisation)
        people = Person.objects.count()
        undo = _undo(client, imported)
        got.append(undo.status_code)
        imported.refresh_from_db()
        assert imported.status == ("undoing" if undo.status_code == 202 else "committed")
        if undo.status_code == 202:
            run_queued_jobs()
            assert Person.objects.count() == people - 1
    assert tuple(got) == MATRIX[actor]
