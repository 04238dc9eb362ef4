"""The import pages, role by role, and what they show on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from donghanh.core.actor import Actor
from donghanh.imports import services
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.helpers import read_xlsx, xlsx
from donghanh.organisations.models import Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

LOGIN = "LOGIN"
ROWS = [["Tên nhóm", "Ngân sách"], ["Nhóm Nghi Xuân", "1.500.000"], ["Nhóm Can Lộc", "2.000.000"]]

# Pages (GET): the imports index, a kind's template, a kind's upload form, a batch another
# member (a supervisor) uploaded.
PAGES = ("index", "template", "upload", "batch")
# fmt: off
OWN: dict[str, tuple[Any, ...]] = {
    # index template upload batch
    "org_admin":         (200, 200, 200, 200),
    "supervisor":        (200, 200, 200, 200),
    "case_worker":       (403, 403, 403, 403),
    "collaborator":      (403, 403, 403, 403),
    "programme_officer": (200, 403, 403, 404),
    "content_editor":    (200, 403, 403, 404),
    "donor_viewer":      (403, 403, 403, 403),
    "no_membership":     (404, 404, 404, 404),
    "anonymous":         (LOGIN, LOGIN, LOGIN, LOGIN),
}
# fmt: on


@pytest.fixture
def world(teams_kind) -> dict[str, Any]:
    organisation = OrganisationFactory()
    importer = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    batch = services.batch_upload(
        actor=Actor.for_user(importer.user, organisation=organisation),
        kind=teams_kind,
        file_name="nhom.xlsx",
        data=xlsx(ROWS),
    )
    return {"organisation": organisation, "importer": importer, "batch": batch}


def _client(actor: str, organisation: Any) -> Client:
    if actor == "anonymous":
        return Client()
    if actor == "no_membership":
        return signed_in_client(UserFactory())
    return signed_in_client(MembershipFactory(organisation=organisation, role=Role(actor)).user)


def _url(page: str, organisation: Any, batch: ImportBatch) -> str:
    org = organisation.slug
    if page == "index":
        return reverse("imports:index", kwargs={"org": org})
    if page in ("template", "upload"):
        return reverse(f"imports:{page}", kwargs={"org": org, "kind": "test-teams"})
    return reverse("imports:batch", kwargs={"org": org, "batch_id": batch.pk})


def _status(response: Any) -> Any:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("actor", list(OWN))
def test_pages_of_the_own_organisation(world, actor):
    client = _client(actor, world["organisation"])
    got = tuple(
        _status(client.get(_url(page, world["organisation"], world["batch"]))) for page in PAGES
    )
    assert got == OWN[actor]


@pytest.mark.parametrize("actor", [a for a in OWN if a not in ("no_membership", "anonymous")])
def test_pages_through_another_organisation_are_not_found(world, actor):
    client = _client(actor, OrganisationFactory())
    got = tuple(
        client.get(_url(page, world["organisation"], world["batch"])).status_code for page in PAGES
    )
    assert got == (404, 404, 404, 404)


def test_a_batch_of_another_organisation_is_not_found_through_ones_own(world):
    other = OrganisationFactory()
    admin = MembershipFactory(organisation=other, role=Role.ORG_ADMIN)
    url = reverse("imports:batch", kwargs={"org": other.slug, "batch_id": world["batch"].pk})
    assert signed_in_client(admin.user).get(url).status_code == 404


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("importer", 302),
        ("org_admin", 403),
        ("programme_officer", 404),
        ("case_worker", 403),
        ("outsider", 404),
    ],
)
def test_only_the_importer_checks_and_imports(world, actor, expected):
    batch, organisation = world["batch"], world["organisation"]
    if actor == "importer":
        client = signed_in_client(world["importer"].user)
    elif actor == "outsider":
        client = signed_in_client(MembershipFactory(role=Role.SUPERVISOR).user)
    else:
        client = _client(actor, organisation)
    check = reverse("imports:check", kwargs={"org": organisation.slug, "batch_id": batch.pk})
    data = {"version": 1, "column_0": "name", "column_1": "budget"}
    assert client.post(check, data).status_code == expected
    batch.refresh_from_db()
    assert (batch.status == ImportBatch.Status.CHECKING) == (expected == 302)


def test_wrong_methods(world):
    client = signed_in_client(world["importer"].user)
    organisation, batch = world["organisation"], world["batch"]
    assert client.post(_url("index", organisation, batch)).status_code == 405
    assert client.post(_url("template", organisation, batch)).status_code == 405
    for name in ("check", "commit", "undo"):
        url = reverse(f"imports:{name}", kwargs={"org": organisation.slug, "batch_id": batch.pk})
        assert client.get(url).status_code == 405


def test_the_whole_path_through_the_pages(teams_kind):
    organisation = OrganisationFactory()
    importer = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    client = signed_in_client(importer.user)
    org = organisation.slug

    template = client.get(reverse("imports:template", kwargs={"org": org, "kind": "test-teams"}))
    assert template["Content-Disposition"].startswith("attachment")
    assert read_xlsx(template.content)[0] == ["Name", "Start date", "Budget", "Colour"]

    upload_url = reverse("imports:upload", kwargs={"org": org, "kind": "test-teams"})
    form = client.get(upload_url).context["form"]
    rows = [*ROWS, ["", "", "nhiều"]]
    posted = client.post(
        upload_url,
        {"file": SimpleUploadedFile("nhóm.xlsx", xlsx(rows)), "key": form["key"].initial},
    )
    batch = ImportBatch.objects.get()
    assert posted.status_code == 302 and posted["Location"].endswith(
        f"/imports/batches/{batch.pk}/"
    )

    page = client.get(posted["Location"]).content.decode()
    assert 'name="column_0"' in page and "Kiểm tra tệp" in page

    client.post(
        reverse("imports:check", kwargs={"org": org, "batch_id": batch.pk}),
        {"version": 1, "column_0": "name", "column_1": "budget"},
    )
    page = client.get(posted["Location"]).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page

    run_queued_jobs()
    page = client.get(posted["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Hãy điền cột này." in page
    assert "Tải về tệp có đánh dấu các vấn đề" in page

    client.post(
        reverse("imports:commit", kwargs={"org": org, "batch_id": batch.pk}), {"mode": "valid"}
    )
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Team.objects.filter(organisation=organisation).count() == 2

    supervisor = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    admin_client = signed_in_client(supervisor.user)
    page = admin_client.get(posted["Location"]).content.decode()
    assert "Hoàn tác lần nhập" in page
    undo = reverse("imports:undo", kwargs={"org": org, "batch_id": batch.pk})
    assert admin_client.post(undo, {}).status_code == 400  # the confirmation is needed
    assert admin_client.post(undo, {"confirm": "on"}).status_code == 302
    run_queued_jobs()
    assert not Team.objects.filter(organisation=organisation).exists()


def test_a_refused_upload_says_why_and_keeps_nothing(teams_kind, media_root):
    importer = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(importer.user)
    url = reverse(
        "imports:upload", kwargs={"org": importer.organisation.slug, "kind": "test-teams"}
    )

    response = client.post(url, {"file": SimpleUploadedFile("trong.csv", b"")})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()
    assert not (media_root / "imports").exists() or not any((media_root / "imports").iterdir())


def test_an_upload_sent_twice_makes_one_batch(teams_kind):
    importer = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(importer.user)
    url = reverse(
        "imports:upload", kwargs={"org": importer.organisation.slug, "kind": "test-teams"}
    )
    key = "k" * 24
    for _ in range(2):
        response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", xlsx(ROWS)), "key": key})
        assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


def test_the_index_lists_batches_in_few_queries(teams_kind, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    for _ in range(5):
        member = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
        services.batch_upload(
            actor=Actor.for_user(member.user, organisation=organisation),
            kind=teams_kind,
            file_name="a.xlsx",
            data=xlsx(ROWS),
        )
    client = signed_in_client(admin.user)
    url = reverse("imports:index", kwargs={"org": organisation.slug})
    client.get(url)  # the session's first request records the session
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["batches"]) == 5


def test_the_upload_is_checked_against_forged_requests(teams_kind):
    importer = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(importer.user)
    client.handler.enforce_csrf_checks = True
    url = reverse(
        "imports:upload", kwargs={"org": importer.organisation.slug, "kind": "test-teams"}
    )
    response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", xlsx(ROWS))})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limit_is_refused_by_its_size(teams_kind, settings):
    settings.IMPORTS_MAX_UPLOAD_MB = 1
    importer = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(importer.user)
    url = reverse(
        "imports:upload", kwargs={"org": importer.organisation.slug, "kind": "test-teams"}
    )
    big = b"ten,ngan sach\r\n" + b"Nhom,1\r\n" * 200_000

    response = client.post(url, {"file": SimpleUploadedFile("lon.csv", big)})

    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert message.startswith("Tệp có dung lượng 1,5\xa0MB; mỗi tệp được tối đa 1,0\xa0MB.")
    assert not ImportBatch.objects.exists()


# The real kinds' templates and upload forms (GET), each needing the permission to create such
# records by hand: providers (edit_directory), trainees (edit_programmes).
# fmt: off
KINDS: dict[str, tuple[Any, ...]] = {
    # providers: template upload; trainees: template upload
    "org_admin":         (200, 200, 403, 403),
    "supervisor":        (403, 403, 403, 403),
    "case_worker":       (403, 403, 403, 403),
    "collaborator":      (403, 403, 403, 403),
    "programme_officer": (403, 403, 200, 200),
    "content_editor":    (200, 200, 403, 403),
    "donor_viewer":      (403, 403, 403, 403),
    "no_membership":     (404, 404, 404, 404),
    "anonymous":         (LOGIN, LOGIN, LOGIN, LOGIN),
}
# fmt: on


@pytest.mark.parametrize("actor", list(KINDS))
def test_each_kind_needs_the_permission_to_create_its_records(actor):
    organisation = OrganisationFactory()
    client = _client(actor, organisation)
    got = tuple(
        _status(
            client.get(reverse(f"imports:{page}", kwargs={"org": organisation.slug, "kind": kind}))
        )
        for kind in ("providers", "trainees")
        for page in ("template", "upload")
    )
    assert got == KINDS[actor]


def test_an_unknown_kind_is_not_found():
    admin = MembershipFactory(role=Role.ORG_ADMIN)
    url = reverse("imports:upload", kwargs={"org": admin.organisation.slug, "kind": "nothing"})
    assert signed_in_client(admin.user).get(url).status_code == 404
