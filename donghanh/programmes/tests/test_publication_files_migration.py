"""Publications stored before files were encrypted keep working: the data migration encrypts
their files, records what they are, and removes the clear copies.

It changes the schema of the test database, so it needs a transactional test; it leaves the
database migrated to the end again, whatever happens.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from donghanh.core import filetypes
from donghanh.organisations.roles import Role
from donghanh.programmes.outreach import files
from donghanh.programmes.outreach.models import Publication
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

MembershipFactory: Any = factories.MembershipFactory

BEFORE = [("programmes", "0002_person_in_people")]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
HTML = b"<html><script>alert(1)</script></html>"


def _migrate_to_the_end() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_encryption(settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path / "private"
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(BEFORE)
    try:
        yield state.apps
    finally:
        _migrate_to_the_end()


def test_stored_publication_files_are_encrypted_and_still_download(before_encryption, tmp_path):
    apps = before_encryption
    organisation = apps.get_model("organisations", "Organisation").objects.create(
        name="Tổ chức A", slug="to-chuc-a", kind="local_cso"
    )
    project = apps.get_model("programmes", "Project").objects.create(
        implementing_organisation=organisation, code="001", name="Dự án"
    )
    old_publication = apps.get_model("programmes", "Publication")
    pdf = old_publication(
        project=project, title="Báo cáo", kind="report", published_on=datetime.date(2025, 1, 1)
    )
    pdf.file.save("programmes/aa11.pdf", ContentFile(PDF), save=True)
    html = old_publication(
        project=project, title="Trang", kind="other", published_on=datetime.date(2025, 1, 1)
    )
    html.file.save("programmes/bb22.html", ContentFile(HTML), save=True)
    clear = {Path(pdf.file.path), Path(html.file.path)}
    assert all(path.exists() for path in clear)

    _migrate_to_the_end()

    by_title = {p.title: p for p in Publication.objects.all()}
    report, page = by_title["Báo cáo"], by_title["Trang"]
    assert (report.file_type, report.file_name, report.file_size) == (
        filetypes.PDF,
        Path(pdf.file.name).name,
        len(PDF),
    )
    # A type no longer accepted is kept, to be served as plain bytes.
    assert page.file_type == files.FALLBACK_CONTENT_TYPE
    assert not any(path.exists() for path in clear)
    for publication, content in ((report, PDF), (page, HTML)):
        on_disk = (tmp_path / "private" / files.FOLDER / publication.stored_name).read_bytes()
        assert content not in on_disk
        assert files.read(publication.stored_name) == content

    member = MembershipFactory(organisation_id=organisation.pk, role=Role.PROGRAMME_OFFICER)
    client = signed_in_client(member.user)
    for publication, content, content_type in (
        (report, PDF, "application/pdf"),
        (page, HTML, "application/octet-stream"),
    ):
        response = client.get(
            reverse(
                "programmes:evidence",
                kwargs={
                    "org": "to-chuc-a",
                    "project_id": project.pk,
                    "kind": "publication",
                    "record_id": publication.pk,
                },
            )
        )
        assert response.status_code == 200
        assert response.content == content
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
