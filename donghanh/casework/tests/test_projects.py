"""The programme a service or a shelter stay is counted under: which projects a case may use,
the forms that offer them, and the figures that follow a service from one project to another."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases.models import Case
from donghanh.casework import services
from donghanh.casework.checks import check_project
from donghanh.casework.edits import SERVICE_EDITS
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.casework.selectors import projects_for_case
from donghanh.casework.tests.conftest import opened_at, url
from donghanh.core.actor import Actor
from donghanh.indicators.compute import raw_result
from donghanh.indicators.fact_counts import facts_counts
from donghanh.indicators.periods import indicator_periods
from donghanh.indicators.selectors import facts_agree_with_records
from donghanh.indicators.services import project_facts_rebuild
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import ComputedDefinition, Indicator, IndicatorSource
from donghanh.testing.factories import OrganisationFactory

DAY = datetime.date(2026, 5, 4)
YEAR_2026 = {"start_on": datetime.date(2026, 1, 1), "end_on": datetime.date(2026, 12, 31)}


def _project(implementer: Organisation, code: str, **values: Any) -> Project:
    return Project.objects.create(
        implementing_organisation=implementer, code=code, name=f"Dự án {code}", **values
    )


@pytest.fixture
def projects(staff: Any) -> dict[str, Project]:
    """Projects of the case's organisation: as implementer (2026), as partner (open dates),
    as donor, and one of an unrelated organisation."""
    elsewhere: Any = OrganisationFactory()
    partnered = _project(elsewhere, "P2")
    partnered.partner_organisations.add(staff.organisation)
    funded = _project(elsewhere, "P3")
    funded.donors.add(staff.organisation)
    return {
        "own": _project(staff.organisation, "P1", **YEAR_2026),
        "partner": partnered,
        "donor": funded,
        "unrelated": _project(staff.other_organisation, "P4"),
    }


def _record(case: Case, worker: Any, **values: Any) -> ServiceDelivery:
    fields: dict[str, Any] = {
        "domain": "health",
        "provider": None,
        "provider_name": "Trạm y tế xã",
        "delivered_on": DAY,
        "cost_vnd": 0,
        "regime": "",
        "note": "",
        **values,
    }
    return services.service_record(case=case, actor=Actor.for_user(worker), **fields)


def _update(service: ServiceDelivery, worker: Any, **values: Any) -> ServiceDelivery:
    fields: dict[str, Any] = {
        name: getattr(service, name)
        for name in ("domain", "provider", "provider_name", "delivered_on", "cost_vnd", "regime")
    }
    fields.update({"note": service.note, "project": service.project_id, **values})
    current = ServiceDelivery.objects.get(pk=service.pk)
    return services.service_update(
        service=service,
        expected_version=current.version,
        baseline=SERVICE_EDITS.fingerprints(current),
        actor=Actor.for_user(worker),
        **fields,
    )


def _served(
    project: Project, definition: str = ComputedDefinition.PERSONS_SERVED, code: str = "2.1"
) -> Indicator:
    return Indicator.objects.create(
        project=project,
        code=code,
        name="Người được hỗ trợ",
        source=IndicatorSource.COMPUTED,
        computed_definition=definition,
    )


# Which projects a case may use ---------------------------------------------------------------


def test_a_case_may_use_the_projects_its_organisation_implements_or_partners(
    case, projects
) -> None:
    assert list(projects_for_case(case)) == [projects["own"], projects["partner"]]
    # The partner project has open dates; the organisation's own runs through 2026.
    assert list(projects_for_case(case, datetime.date(2025, 12, 31))) == [projects["partner"]]
    assert list(projects_for_case(case, DAY)) == [projects["own"], projects["partner"]]
    assert list(projects_for_case(case, datetime.date(2027, 1, 1))) == [projects["partner"]]


def test_an_open_start_or_end_covers_every_day_on_that_side(staff, case) -> None:
    until = _project(staff.organisation, "U", end_on=DAY)
    since = _project(staff.organisation, "S", start_on=DAY)
    before, after = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)
    assert list(projects_for_case(case, before)) == [until]
    assert list(projects_for_case(case, DAY)) == [since, until]
    assert list(projects_for_case(case, after)) == [since]


@pytest.mark.parametrize("which", ["own", "partner"])
def test_a_service_is_counted_under_an_eligible_project(case, worker, projects, which) -> None:
    service = _record(case, worker, project=projects[which])
    assert ServiceDelivery.objects.get(pk=service.pk).project == projects[which]
    # By id too, as the forms and the API give it.
    again = _record(case, worker, project=projects[which].pk)
    assert ServiceDelivery.objects.get(pk=again.pk).project == projects[which]


@pytest.mark.parametrize("which", ["donor", "unrelated"])
def test_a_project_the_organisation_does_not_work_on_is_refused(
    case, worker, projects, which
) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(case, worker, project=projects[which])
    assert refused.value.code == "project_not_linked"
    message = refused.value.messages[0]
    assert "Hãy chọn một dự án mà tổ chức quản lý trường hợp này thực hiện" in message
    assert projects[which].code not in message  # says nothing of another's project
    with pytest.raises(ValidationError) as unknown:
        _record(case, worker, project=10**12)  # no such project: the same answer
    assert unknown.value.messages == [message]
    assert not ServiceDelivery.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(2025, 12, 31), datetime.date(2027, 1, 1)])
def test_a_service_outside_the_projects_dates_is_refused(case, worker, projects, day) -> None:
    # Checked on its own: a service can be dated neither before the case's intake (2026) nor
    # in the future, so the service refuses these days for that first.
    with pytest.raises(ValidationError) as refused:
        check_project(case, projects["own"], day)
    assert refused.value.code == "project_not_running"
    assert refused.value.messages == [
        "Dự án P1 thực hiện từ 01/01/2026 đến 31/12/2026: "
        f"ngày {day:%d/%m/%Y} nằm ngoài thời gian đó. "
        "Hãy chọn dự án khác, hoặc không chọn dự án nào."
    ]
    assert not ServiceDelivery.objects.exists()


def test_an_open_ended_project_names_its_one_date(staff, case, worker) -> None:
    _project(staff.organisation, "S", start_on=DAY)
    with pytest.raises(ValidationError) as refused:
        _record(
            case,
            worker,
            project=Project.objects.get(code="S"),
            delivered_on=datetime.date(2026, 5, 3),
        )
    assert "Dự án S thực hiện từ 04/05/2026: ngày 03/05/2026" in refused.value.messages[0]


# Moving a service between projects -----------------------------------------------------------


def test_moving_a_service_moves_the_person_between_both_projects_figures(
    case, worker, projects
) -> None:
    own, partner = projects["own"], projects["partner"]
    own_served, partner_served = _served(own), _served(partner)
    service = _record(case, worker, project=own)
    # Read (and cache) both figures first: the move must make both stale.
    assert (raw_result(own_served).total, raw_result(partner_served).total) == (1, 0)

    moved = _update(service, worker, project=partner.pk)

    assert ServiceDelivery.objects.get(pk=service.pk).project_id == partner.pk
    assert (raw_result(own_served).total, raw_result(partner_served).total) == (0, 1)
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        target_type="casework.servicedelivery",
        target_id=str(moved.pk),
        changed_fields=["project"],
    ).exists()

    _update(moved, worker, project=None)
    assert (raw_result(own_served).total, raw_result(partner_served).total) == (0, 0)


def test_the_pre_counted_facts_follow_every_write_of_the_services(
    case, worker, projects, shelter
) -> None:
    own, partner = projects["own"], projects["partner"]
    for project in (own, partner):
        # Counted from the facts from now on.
        project_facts_rebuild(actor=Actor.system("tests"), project=project)
    own_served, partner_served = _served(own), _served(partner)
    own_sheltered = _served(own, ComputedDefinition.SHELTERED_PERSONS, code="3.1")

    def figures() -> tuple[Any, ...]:
        for indicator in (own_served, partner_served, own_sheltered):
            periods = [(p.start, p.end) for p in indicator_periods(indicator)]
            assert facts_counts(indicator, periods, ()) is not None  # not from the records
        assert facts_agree_with_records(own) == facts_agree_with_records(partner) == []
        return tuple(raw_result(i).total for i in (own_served, partner_served, own_sheltered))

    service = _record(case, worker, project=own)
    assert figures() == (1, 0, 0)
    _record(case, worker, project=own, domain="legal")  # the same person: still one
    assert figures() == (1, 0, 0)
    moved = _update(service, worker, project=partner.pk)
    assert figures() == (1, 1, 0)
    services.shelter_admit(
        case=case, shelter=shelter, admitted_on=DAY, actor=Actor.for_user(worker), project=own
    )
    assert figures() == (1, 1, 1)
    _update(moved, worker, project=None)
    assert figures() == (1, 0, 1)


def test_moving_a_service_to_an_ineligible_project_changes_nothing(case, worker, projects) -> None:
    service = _record(case, worker, project=projects["own"])
    with pytest.raises(ValidationError):
        _update(service, worker, project=projects["unrelated"].pk, note="Khám lại")
    with pytest.raises(ValidationError):  # the same project, on a day after it ended
        _update(service, worker, delivered_on=datetime.date(2027, 2, 1))
    stored = ServiceDelivery.objects.get(pk=service.pk)
    assert (stored.project_id, stored.delivered_on, stored.note) == (projects["own"].pk, DAY, "")
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_a_project_left_since_stays_on_its_services_until_changed(
    staff, case, worker, projects
) -> None:
    partner = projects["partner"]
    service = _record(case, worker, project=partner)
    partner.partner_organisations.remove(staff.organisation)
    # Correcting the notes keeps the project the service was counted under.
    kept = _update(service, worker, note="Khám lại")
    assert (kept.note, kept.project_id) == ("Khám lại", partner.pk)
    # A new date is checked again, and so is choosing that project anew.
    with pytest.raises(ValidationError):
        _update(kept, worker, delivered_on=DAY + datetime.timedelta(days=1))
    other = _record(case, worker)
    with pytest.raises(ValidationError):
        _update(other, worker, project=partner.pk)


# Shelter stays -------------------------------------------------------------------------------


@pytest.fixture
def shelter(db: None) -> Organisation:
    return OrganisationFactory(kind=Organisation.Kind.SHELTER, name="Nhà Bình Yên")  # type: ignore[return-value]


def test_a_shelter_stay_is_counted_under_an_eligible_project(
    case, worker, projects, shelter
) -> None:
    sheltered = _served(projects["own"], ComputedDefinition.SHELTERED_PERSONS)
    assert raw_result(sheltered).total == 0
    stay = services.shelter_admit(
        case=case,
        shelter=shelter,
        admitted_on=DAY,
        project=projects["own"],
        actor=Actor.for_user(worker),
    )
    assert ShelterStay.objects.get(pk=stay.pk).project == projects["own"]
    assert raw_result(sheltered).total == 1


@pytest.mark.parametrize(
    ("which", "day", "code"),
    [
        ("unrelated", DAY, "project_not_linked"),
        ("donor", DAY, "project_not_linked"),
        ("own", datetime.date(2025, 6, 1), "project_not_running"),
    ],
)
def test_a_shelter_stay_under_an_ineligible_project_is_refused(
    case, worker, projects, shelter, which, day, code
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.shelter_admit(
            case=case,
            shelter=shelter,
            admitted_on=day,
            project=projects[which],
            actor=Actor.for_user(worker),
        )
    assert refused.value.code == code
    assert not ShelterStay.objects.exists()


# Forms and the case page ---------------------------------------------------------------------


def _select(page: str) -> str:
    start = page.index('name="project"')
    return page[start : page.index("</select>", start)]


def test_the_service_form_offers_the_eligible_projects(staff, case, projects) -> None:
    page = staff.client(Role.CASE_WORKER).get(url("service_add", case)).content.decode()
    select = _select(page)
    assert '<label for="id_project">Dự án:</label>' in page
    assert '<option value="" selected>Không thuộc dự án nào</option>' in select
    assert "P1 — Dự án P1" in select and "P2 — Dự án P2" in select
    assert "P3" not in select and "P4" not in select


def test_the_project_fields_are_hidden_without_an_eligible_project(staff, case) -> None:
    client = staff.client(Role.CASE_WORKER)
    for name in ("service_add", "stay_add"):
        page = client.get(url(name, case)).content.decode()
        assert 'name="project"' not in page and "Không thuộc dự án nào" not in page
    # Another organisation's project changes nothing.
    _project(staff.other_organisation, "P4")
    assert 'name="project"' not in client.get(url("service_add", case)).content.decode()


def test_a_service_recorded_on_the_page_under_a_project_shows_its_code(
    staff, case, projects
) -> None:
    client = staff.client(Role.CASE_WORKER)
    data = {
        "domain": "health",
        "provider_name": "Trạm y tế xã",
        "delivered_on": DAY.isoformat(),
        "cost_vnd": "0",
        "project": str(projects["partner"].pk),
    }
    response = client.post(url("service_add", case), data)
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().project == projects["partner"]
    case_page = client.get(response["Location"]).content.decode()
    services_table = case_page[
        case_page.index('id="cw-services"') : case_page.index('id="cw-follow-ups"')
    ]
    assert '<span title="Dự án P2">P2</span>' in services_table
    # A project the form does not offer is refused by the form, and one outside its dates by
    # the service, with its message.
    refused = client.post(
        url("service_add", case), {**data, "project": str(projects["unrelated"].pk)}
    )
    assert refused.status_code == 400
    Project.objects.filter(pk=projects["own"].pk).update(end_on=datetime.date(2026, 4, 30))
    late = client.post(url("service_add", case), {**data, "project": str(projects["own"].pk)})
    assert late.status_code == 400
    assert "Dự án P1 thực hiện từ 01/01/2026 đến 30/04/2026" in late.content.decode()
    assert ServiceDelivery.objects.count() == 1


def test_the_edit_form_keeps_a_project_no_longer_offered(staff, case, worker, projects) -> None:
    partner = projects["partner"]
    service = _record(case, worker, project=partner)
    partner.partner_organisations.remove(staff.organisation)
    client = staff.client(Role.CASE_WORKER)
    edit = url("service_edit", case, service_id=service.pk)
    select = _select(client.get(edit).content.decode())
    assert f'<option value="{partner.pk}" selected>P2 — Dự án P2</option>' in select
    response = client.post(
        edit,
        {
            "domain": "health",
            "provider_name": "Trạm y tế xã",
            "delivered_on": DAY.isoformat(),
            "cost_vnd": "0",
            "note": "Khám lại",
            "project": str(partner.pk),
            **opened_at(client, edit),
        },
    )
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().project == partner


def test_a_shelter_admission_on_the_page_under_a_project(staff, case, projects, shelter) -> None:
    client = staff.client(Role.CASE_WORKER)
    select = _select(client.get(url("stay_add", case)).content.decode())
    assert "Không thuộc dự án nào" in select and "P1 — Dự án P1" in select and "P4" not in select
    response = client.post(
        url("stay_add", case),
        {"shelter": shelter.pk, "admitted_on": DAY.isoformat(), "project": projects["own"].pk},
    )
    assert response.status_code == 302
    assert ShelterStay.objects.get().project == projects["own"]
    case_page = client.get(response["Location"]).content.decode()
    stays_table = case_page[case_page.index('id="cw-stays"') :]
    assert '<span title="Dự án P1">P1</span>' in stays_table


# Forms offer the projects that can take the record (issue 11, item 6) -----------------------


def test_the_forms_offer_only_the_projects_running_on_the_records_date(staff, case) -> None:
    today = timezone.localdate()
    ended = _project(
        staff.organisation,
        "ENDED",
        start_on=today - datetime.timedelta(days=400),
        end_on=today - datetime.timedelta(days=30),
    )
    _project(staff.organisation, "LATER", start_on=today + datetime.timedelta(days=30))
    _project(staff.organisation, "NOW", start_on=today - datetime.timedelta(days=10))
    client = staff.client(Role.CASE_WORKER)
    for name in ("service_add", "stay_add"):
        select = _select(client.get(url(name, case)).content.decode())
        assert "NOW — Dự án NOW" in select
        assert "ENDED" not in select and "LATER" not in select
    # A service dated within the ended project's period is offered that project when the
    # form comes back (here refused for another reason: no domain).
    back = client.post(
        url("service_add", case),
        {"delivered_on": (today - datetime.timedelta(days=40)).isoformat(), "cost_vnd": "0"},
    )
    assert back.status_code == 400
    select = _select(back.content.decode())
    assert f'<option value="{ended.pk}">ENDED — Dự án ENDED</option>' in select
    assert "NOW" not in select


def test_the_edit_form_offers_the_projects_of_the_services_date(staff, case, worker) -> None:
    today = timezone.localdate()
    old_day = case.intake_date
    ran = _project(staff.organisation, "RAN", start_on=old_day, end_on=old_day)
    _project(staff.organisation, "NEW", start_on=old_day + datetime.timedelta(days=1))
    service = _record(case, worker, delivered_on=old_day)
    select = _select(
        staff.client(Role.CASE_WORKER)
        .get(url("service_edit", case, service_id=service.pk))
        .content.decode()
    )
    assert f'<option value="{ran.pk}">RAN — Dự án RAN</option>' in select
    assert "NEW" not in select  # it began after the service
    assert ran.status_on(today) == "completed"
