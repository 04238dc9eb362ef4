"""The imports API: upload a file for a kind, follow its check, read the report, import it;
the same permissions and organisation scoping as the import pages, and a permission matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.helpers import xlsx
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
ROUTES = {("import_upload", "post"), ("import_detail", "get"), ("import_commit", "post")}


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


# --- the permission matrix -----------------------------------------------------------------
# upload: POST a people file; batch: GET a batch another supervisor of the organisation
# uploaded; commit: POST its import. "own": the actor's organisation; "other": another one.
# 202/200 allowed, 401 no valid token, 403 a role that may not, 404 another organisation (or a
# batch the member may not see: it might not exist).

# fmt: off
MATRIX: dict[str, tuple[int, int, int, int, int, int]] = {
    #                      own: upload batch commit   other: upload batch commit
    "org_admin":            (403, 200, 403, 404, 404, 404),
    "supervisor":           (202, 200, 403, 404, 404, 404),
    "case_worker":          (403, 403, 403, 404, 403, 403),
    "collaborator":         (403, 403, 403, 404, 403, 403),
    "programme_officer":    (403, 404, 404, 404, 404, 404),
    "content_editor":       (403, 404, 404, 404, 404, 404),
    "donor_viewer":         (403, 403, 403, 404, 403, 403),
    "system_administrator": (401, 401, 401, 401, 401, 401),
    "no_membership":        (401, 401, 401, 401, 401, 401),
    "anonymous":            (401, 401, 401, 401, 401, 401),
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
    assert tuple(got) == MATRIX[actor]
