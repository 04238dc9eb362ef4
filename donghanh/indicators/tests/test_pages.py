"""The dashboard, its drill-down and the downloads: access, suppression, names, audit."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.api.tests.test_schema import assert_conforms
from donghanh.audit.models import AuditEntry
from donghanh.indicators.tests.conftest import Programme, member
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client


def _url(programme: Programme, org: str, name: str = "dashboard", **extra: int) -> str:
    return reverse(
        f"indicators:{name}", kwargs={"org": org, "project_id": programme.project.pk, **extra}
    )


@pytest.fixture
def trained(programme: Programme) -> Programme:
    for index in range(14):
        programme.attend(
            programme.trainee(index, "male" if index < 3 else "female"), programme.trainings[0]
        )
    return programme


def test_dashboard_access(trained: Programme) -> None:
    org = trained.implementer.slug
    owner = signed_in_client(member(trained.implementer))
    response = owner.get(_url(trained, org))
    assert response.status_code == 200
    assert b'data-indicator="1.1">14<' in response.content
    assert (
        signed_in_client(member(trained.implementer, Role.COLLABORATOR))
        .get(_url(trained, org))
        .status_code
        == 403
    )
    outsider = member(
        trained.donor.__class__.objects.create(name="Khác", slug="khac", kind="donor")
    )
    assert signed_in_client(outsider).get(_url(trained, "khac")).status_code == 404
    assert owner.post(_url(trained, org)).status_code == 405


def test_donor_viewer_never_sees_a_name(trained: Programme) -> None:
    donor = signed_in_client(member(trained.donor, Role.DONOR_VIEWER))
    page = donor.get(_url(trained, trained.donor.slug))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trần Thị Mẫu" not in text and "&lt;11" in text
    assert "records/" not in text  # no drill-down link
    records = _url(trained, trained.donor.slug, "records", indicator_id=trained.indicator.pk)
    assert donor.get(records).status_code == 403
    for name in ("logframe_xlsx", "report_pdf", "iati_json"):
        download = donor.get(_url(trained, trained.donor.slug, name))
        assert download.status_code == 200
        assert "Trần Thị Mẫu".encode() not in download.content
    # Even inside the implementing organisation, a donor viewer sees suppressed counts.
    inside_donor = signed_in_client(member(trained.implementer, Role.DONOR_VIEWER))
    assert "&lt;11" in inside_donor.get(_url(trained, trained.implementer.slug)).content.decode()


def test_programme_staff_drill_down_to_trainees(trained: Programme) -> None:
    officer = signed_in_client(member(trained.implementer, Role.PROGRAMME_OFFICER))
    url = _url(trained, trained.implementer.slug, "records", indicator_id=trained.indicator.pk)
    response = officer.get(url)
    assert response.status_code == 200 and "Trần Thị Mẫu 3" in response.content.decode()
    assert AuditEntry.objects.filter(action="view", target_id=str(trained.indicator.pk)).exists()


def test_downloads_are_audited_and_carry_the_figures(trained: Programme) -> None:
    client = signed_in_client(member(trained.implementer))
    org = trained.implementer.slug
    xlsx = client.get(_url(trained, org, "logframe_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Cán bộ được tập huấn" in values and 14 in values
    pdf = client.get(_url(trained, org, "report_pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Cán bộ được tập huấn" in text
    iati = json.loads(client.get(_url(trained, org, "iati_json")).content)
    indicator = iati["iati-activity"]["result"][0]["indicator"][0]
    assert indicator["period"][0]["actual"] == {"value": 14}
    assert AuditEntry.objects.filter(action="export").count() == 3


def test_api_serves_target_and_computed_actual(trained: Programme) -> None:
    inside = api_client(issue_token(member(trained.implementer, Role.PROGRAMME_OFFICER)))
    listing = inside.get("/api/v1/projects/")
    assert listing.status_code == 200
    assert [p["code"] for p in listing.json()["results"]] == ["T1"]
    url = f"/api/v1/projects/{trained.project.pk}/indicators/"
    answer = inside.get(url)
    assert answer.status_code == 200
    result = answer.json()["results"][0]
    assert result["actual"] == {"value": 14.0, "text": "14", "suppressed": False}
    assert result["target"] == 50.0
    schema = api_client().get(reverse("api:openapi")).json()
    assert_conforms(schema, "/api/v1/projects/{project_id}/indicators/", "get", answer)
    assert_conforms(schema, "/api/v1/projects/", "get", listing)
    assert api_client().get(url).status_code == 401
    donor = api_client(issue_token(member(trained.donor, Role.DONOR_VIEWER)))
    assert donor.get(url).json()["suppressed"] is True
    content_editor = api_client(issue_token(member(trained.implementer, Role.CONTENT_EDITOR)))
    assert content_editor.get(url).status_code == 403
    stranger = api_client(
        issue_token(
            member(trained.donor.__class__.objects.create(name="Khác", slug="khac", kind="donor"))
        )
    )
    assert stranger.get(url).status_code == 404


def test_dashboard_query_count_is_pinned(trained: Programme, django_assert_max_num_queries) -> None:
    client = signed_in_client(member(trained.implementer))
    url = _url(trained, trained.implementer.slug)
    client.get(url)  # computes and caches the figures
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200


def test_partner_organisations_see_suppressed_counts(trained: Programme) -> None:
    partner = trained.donor.__class__.objects.create(
        name="Đối tác", slug="doi-tac", kind="local_cso"
    )
    trained.project.partner_organisations.add(partner)
    page = signed_in_client(member(partner)).get(_url(trained, "doi-tac"))
    assert page.status_code == 200 and "&lt;11" in page.content.decode()


def test_served_people_drill_down_lists_case_numbers_only(programme: Programme) -> None:
    import datetime

    from donghanh.cases.models import Case
    from donghanh.casework.models import ServiceDelivery
    from donghanh.people.models import Person
    from donghanh.programmes.results.models import ComputedDefinition, Indicator, IndicatorSource

    served = Indicator.objects.create(
        project=programme.project,
        code="2.1",
        name="Người được hỗ trợ",
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.PERSONS_SERVED,
    )
    person = Person.objects.create(
        organisation=programme.implementer, full_name="Đỗ Thị Hạnh", sex="female"
    )
    case = Case.objects.create(
        organisation=programme.implementer,
        person=person,
        number="NBY-2026-0001",
        case_type="trafficking_victim",
        intake_channel="hotline_111",
        intake_date=datetime.date(2026, 2, 1),
        opened_on=datetime.date(2026, 2, 1),
    )
    ServiceDelivery.objects.create(
        case=case,
        domain="health",
        delivered_on=datetime.date(2026, 2, 3),
        project=programme.project,
    )
    org = programme.implementer.slug
    url = _url(programme, org, "records", indicator_id=served.pk)
    supervisor = signed_in_client(member(programme.implementer, Role.SUPERVISOR))
    page = supervisor.get(url).content.decode()
    assert "NBY-2026-0001" in page and f"/cases/{case.pk}/" in page
    assert "Đỗ Thị Hạnh" not in page
    # Programme officers see the count, not the cases behind it.
    officer = signed_in_client(member(programme.implementer, Role.PROGRAMME_OFFICER))
    assert officer.get(url).status_code == 403
    assert (
        "records/"
        not in officer.get(_url(programme, org))
        .content.decode()
        .split("indicator-" + str(served.pk))[-1]
    )
